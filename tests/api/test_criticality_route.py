"""/criticality carries each method's verdict, what its score ranks and its single-consumer adaptation."""

from __future__ import annotations

from typing import Any

import pytest

from trust_minerals.metrics.criticality.methods import NO_RULE, method_definition, thresholds_table


@pytest.mark.parametrize("method", ["eu", "usgs2022", "trust"])
def test_rows_carry_verdict_score_axis_and_method_note(client: Any, method: str) -> None:
    r = client.get("/api/v1/criticality", params={"method": method, "consumer": "IND"})
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows
    d = method_definition(method)
    sr = thresholds_table().query("method == 'eu' and axis == 'supply_risk'")["threshold"].iloc[0]
    for row in rows:
        assert row["method_note"] == d.adaptation and row["score_axis"] == d.score_axis
        assert row["verdict"] != "critical"
        if method == "eu":
            assert "economic importance (EI) not bundled" in row["verdict"]
            if row["score"] is not None:
                assert row["meets_sr_threshold"] == (row["score"] >= sr)
        else:
            assert row["verdict"] == NO_RULE
