"""The trends page: one import-source chart per stage, each with its basis, and a named reason for
a stage without trade in its forms (real store)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def real_client(built_db: Path) -> Iterator[TestClient]:
    from trust_minerals.api import ApiSettings, create_app

    with TestClient(create_app(built_db, ApiSettings(api_key="k" * 20))) as client:
        yield client


def _fig(html: str, fid: str) -> dict[str, Any] | None:
    m = re.search(rf'id="fig-{fid}">(.*?)</script>', html, re.S)
    return json.loads(m.group(1)) if m else None


def test_each_stage_has_its_own_chart_and_basis(real_client: TestClient) -> None:
    r = real_client.get("/commodity/tungsten/trends", params={"consumer": "USA"})
    assert r.status_code == 200
    mine, refinery = _fig(r.text, "trend_imports_mine"), _fig(r.text, "trend_imports_refinery")
    assert mine and refinery and _fig(r.text, "trend_imports") is None  # no all-forms chart
    assert "HS 261100" in mine["meta"]["source"] and "HS 810110" in refinery["meta"]["source"]
    assert "refinery-stage import value" in refinery["layout"]["yaxis"]["title"]["text"]


def test_a_stage_without_forms_in_the_data_says_so(real_client: TestClient) -> None:
    r = real_client.get("/commodity/antimony/trends", params={"consumer": "USA"})
    assert r.status_code == 200
    assert _fig(r.text, "trend_imports_mine") is not None
    assert _fig(r.text, "trend_imports_refinery") is None
    m = re.search(r'id="imports-none-refinery">(.*?)</p>', r.text, re.S)
    assert m and "holds no refinery forms of antimony" in m.group(1)


def test_the_page_shows_the_stage_asked_for(real_client: TestClient) -> None:
    r = real_client.get(
        "/commodity/tungsten/trends", params={"consumer": "USA", "stage": "refinery"}
    )
    assert r.status_code == 200
    assert _fig(r.text, "trend_imports_refinery") and not _fig(r.text, "trend_imports_mine")
    bad = real_client.get("/commodity/tungsten/trends", params={"stage": "smelter"})
    assert bad.status_code == 404 and "smelter" in bad.text
