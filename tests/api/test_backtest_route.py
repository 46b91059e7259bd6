"""GET /api/v1/backtest on the real store: the library's backtest, as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import make_client
from trust_minerals.simulate.backtest import observations

pytestmark = pytest.mark.slow


def test_backtest_route_lists_every_observation_with_its_error(built_db: Path) -> None:
    with make_client(built_db) as client:
        r = client.get("/api/v1/backtest")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [row["id"] for row in body["table"]] == list(observations()["id"])
    s = body["summary"]
    scored = [row for row in body["table"] if row["comparable"]]
    assert s["scored"] == len(scored)
    within = sum(bool(row["within_factor_2"]) for row in scored)
    assert s["within_factor_2"] == within
    assert s["within_factor_2_share"] == pytest.approx(within / len(scored))
    assert {e["episode"] for e in body["leave_one_out_by_episode"]} == set(
        observations()["episode"]
    )
    assert body["price_response"]["slope"] > 0
    assert body["source_ids"] and "export_control_episodes.csv" in body["observation_source"]
