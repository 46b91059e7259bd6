"""The API reference (Swagger UI, ReDoc) is served from the package and renders with no network."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from trust_minerals.api.docs import ASSETS


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/redoc"])
def test_reference_pages_link_only_to_this_server(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", r.text)
    assert urls, "the page names its assets"
    assert [u for u in urls if u.startswith(("http:", "https:", "//"))] == []


def test_redoc_page_carries_the_served_document(client: Any) -> None:
    page = client.get("/api/v1/redoc").text
    found = re.search(r'<script type="application/json" id="openapi-document">(.*?)</script>', page)
    assert found is not None
    assert json.loads(found.group(1)) == client.get("/api/v1/openapi.json").json()
    assert "<" not in found.group(1)  # every "<" escaped: no text in it can end the element
    assert 'downloadDefinitionUrl: "/api/v1/openapi.json"' in page


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_every_reference_asset_is_served(client: Any, name: str) -> None:
    r = client.get(f"/api/v1/docs-assets/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ASSETS[name])
    assert len(r.content) > 1000


def test_unknown_asset_is_a_problem(client: Any) -> None:
    r = client.get("/api/v1/docs-assets/evil.js")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
