"""The Outlook page shows the like-for-like balance, the import need and the recovery levels."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.mark.slow
def test_outlook_page_renders_the_three_tables(built_db: Path) -> None:
    from trust_minerals.api import ApiSettings, create_app

    with TestClient(create_app(built_db, ApiSettings(api_key="k" * 20))) as client:
        r = client.get("/outlook?consumer=IND&year=2030&scenario=APS")
    assert r.status_code == 200
    html = r.text
    assert "not available" not in html
    for table in ('id="balance-table"', 'id="need-table"', 'id="recovery-table"'):
        assert table in html
    assert "range not published" in html and "share only" in html
