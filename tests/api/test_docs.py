"""The API reference (Swagger UI, ReDoc) is served from the package and renders with no network."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from trust_minerals.api.docs import ASSETS, REDOC_DIR, asset


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
    assert f'import {{ init }} from "{asset("redoc.standalone.js").url}";' in page
    assert "disableTelemetry: true" in page
    assert "downloadUrls" not in page  # with one, Redoc offers to send the page to chat services


def test_openapi_document_links_to_itself(client: Any) -> None:
    """ReDoc gets no download URL, so the document's description carries the link to it."""
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "[/api/v1/openapi.json](/api/v1/openapi.json)" in description


def test_vendored_redoc_is_the_file_its_readme_names() -> None:
    readme = (REDOC_DIR / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256 of `redoc.standalone.js`: `([0-9a-f]{64})`", readme)
    assert recorded is not None
    body = (REDOC_DIR / "redoc.standalone.js").read_bytes()
    assert hashlib.sha256(body).hexdigest() == recorded.group(1)
    assert "Version: 3.0.1" in body[:400].decode()
    assert "Redoc **3.0.1**" in readme
    assert (REDOC_DIR / "LICENSE").read_text(encoding="utf-8").startswith("The MIT License")


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_every_reference_asset_is_served(client: Any, name: str) -> None:
    r = client.get(f"/api/v1/docs-assets/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ASSETS[name][0])
    assert len(r.content) > 1000


def test_unknown_asset_is_a_problem(client: Any) -> None:
    r = client.get("/api/v1/docs-assets/evil.js")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
