"""The API returns each result's ``source_ids``: a field of an object answer, or the
``X-Source-Ids`` header of a list of rows (real store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import KEY, make_client

pytestmark = pytest.mark.slow


def _known(ds) -> set[str]:  # type: ignore[no-untyped-def]
    return set(ds.sources["source_id"])


def test_scenario_run_and_row_lists_name_their_sources(built_db: Path, ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.outlook.results import balance_result

    with make_client(built_db) as client:
        run = client.post(
            "/api/v1/scenarios/run",
            json={"preset": "china-graphite-2023", "consumers": ["IND"]},
            headers={"X-API-Key": KEY},
        )
        crit = client.get("/api/v1/criticality", params={"method": "eu", "consumer": "IND"})
        bal = client.get("/api/v1/outlook/balance", params={"consumer": "IND", "year": 2030})
    assert run.status_code == 200, run.text
    ids = run.json()["source_ids"]
    assert ids and set(ids) <= _known(ds)
    assert "baci_hs92_v202401b" in ids  # India's graphite mix comes from its BACI imports
    assert crit.status_code == 200, crit.text
    header = crit.headers["X-Source-Ids"].split(",")
    assert tuple(header) == criticality(ds, "eu", "IND").source_ids
    assert bal.status_code == 200, bal.text
    assert tuple(bal.headers["X-Source-Ids"].split(",")) == (
        balance_result(ds, consumer="IND", year=2030).source_ids
    )
