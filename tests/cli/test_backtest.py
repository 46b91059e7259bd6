"""CLI: trust backtest on the real store (json: table, summary, leave-one-out)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trust_minerals.cli import app
from trust_minerals.simulate.backtest import observations

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_backtest_json_lists_every_observation_with_model_and_error(built_db):
    res = runner.invoke(app, ["backtest", "--format", "json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.output)
    assert [r["id"] for r in body["table"]] == list(observations()["id"])
    for row in body["table"]:
        assert {"observed", "model", "ratio", "difference", "comparability"} <= set(row)
        if row["comparable"]:
            assert row["model"] is not None and row["difference"] is not None
    assert 0 <= body["summary"]["within_factor_2_share"] <= 1
    assert body["summary"]["within_factor_2_share_left_out"] is not None
    assert len(body["leave_one_out"]) == len(body["table"])


def test_backtest_table_prints_the_summary(built_db):
    res = runner.invoke(app, ["backtest"])
    assert res.exit_code == 0, res.output
    assert "within_factor_2_share" in res.output and "Leave one episode out" in res.output
