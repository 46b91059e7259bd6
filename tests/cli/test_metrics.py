"""CLI: trust concentration / risk / criticality / compare-lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trust_minerals.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "metrics"))
from conftest import make_small_ds  # noqa: E402

runner = CliRunner()


@pytest.fixture()
def small(monkeypatch):
    ds = make_small_ds()
    monkeypatch.setattr("trust_minerals.cli.metrics._dataset", lambda: ds)
    return ds


def run_json(args: list[str]) -> list[dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_concentration_prints_one_row(small):
    rows = run_json(["concentration", "--commodity", "cobalt", "--stage", "mine", "--year", "2025"])
    assert len(rows) == 1
    assert rows[0]["top_country"] == "COD" and rows[0]["hhi"] == pytest.approx(0.505)
    for col in ("hhi_upper", "top3_share", "coverage_share", "denominator", "unit"):
        assert col in rows[0]


def test_criticality_rows_have_score_rank_interval_and_flags(small):
    rows = run_json(["criticality", "--method", "eu", "--for", "USA", "--uncertainty", "200"])
    by = {r["commodity"]: r for r in rows}
    assert by["cobalt"]["rank_low"] <= by["cobalt"]["rank"] <= by["cobalt"]["rank_high"]
    assert by["lithium"]["incomplete"] is True and by["lithium"]["coverage_share"] == pytest.approx(
        0.1
    )
    csv_out = runner.invoke(
        app,
        [
            "criticality",
            "--method",
            "trust",
            "--for",
            "USA",
            "--partners",
            "msp",
            "--format",
            "csv",
        ],
    )
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("commodity,score,rank")


def test_criticality_states_the_method_definition(small):
    from trust_minerals.metrics.criticality.methods import method_definition

    d = method_definition("eu")
    out = runner.invoke(app, ["criticality", "--method", "eu", "--for", "IND"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    for line in (d.score_axis, d.verdict_rule, d.adaptation):
        assert " ".join(line.split()) in text
    rows = run_json(["criticality", "--method", "eu", "--for", "IND"])
    assert all(r["method_note"] == d.adaptation for r in rows)
    assert all("not bundled" in r["verdict"] for r in rows)


def test_risk_and_compare_lists(small):
    rows = run_json(["risk", "--for", "IND", "--partners", "msp", "--year", "2025"])
    assert {r["commodity"] for r in rows} == {"cobalt", "gallium", "lithium"}
    cmp = run_json(["compare-lists", "--method", "usgs2022", "--for", "USA"])
    assert [r["list_id"] for r in cmp] == ["us_2025", "us_2022", "india_2023"]


def error_line(args: list[str]) -> str:
    """The one-line ``Error: ...`` the CLI prints (exit code 2) for a library error."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: "), result.output
    return result.output


def test_bad_names_and_weights_are_errors(small):
    out = error_line(["criticality", "--method", "magic", "--for", "USA"])
    assert "unknown method" in out and "usgs2022" in out
    out = error_line(["risk", "--for", "IND", "--partners", "nato"])
    assert "'nato'" in out and "msp" in out.lower()
    out = error_line(["criticality", "--method", "trust", "--weights", "stage_concentration=-1"])
    assert "non-negative" in out
    out = error_line(["concentration", "--commodity", "unobtainium", "--year", "2025"])
    assert "unobtainium" in out and "cobalt" in out


def test_rare_earth_mine_share_of_china_from_bundled_data(built_db):
    rows = run_json(
        ["concentration", "--commodity", "rare_earths", "--stage", "mine", "--year", "2025"]
    )
    assert rows[0]["top_country"] == "CHN"
    assert rows[0]["top_share"] == pytest.approx(0.69, abs=0.01)


@pytest.mark.slow
def test_real_store_risk_criticality_and_compare_lists(built_db):
    risk = run_json(["risk", "--for", "IND", "--partners", "msp"])
    assert {r["commodity"] for r in risk} >= {"cobalt", "lithium", "graphite", "rare_earths"}
    table_year = max(r["year"] for r in risk)  # IEA-only refinery stages keep their own year (2023)
    assert all(r["trade_year"] is None or r["trade_year"] <= table_year for r in risk)
    assert {r["commodity"] for r in risk if r["stage"] == "refinery"} >= {"lithium", "cobalt"}
    for method in ("eu", "geopolrisk", "usgs2022", "trust"):
        rows = run_json(["criticality", "--method", method, "--for", "USA", "--uncertainty", "200"])
        scored = [r for r in rows if r["score"] is not None]
        assert scored and all(1 <= r["rank_low"] <= r["rank"] <= r["rank_high"] for r in scored)
        assert all(r["rank_high"] <= len(scored) for r in scored)
        assert all(r["incomplete"] for r in rows if r["score"] is None)
    cmp = run_json(["compare-lists", "--method", "trust", "--for", "USA"])
    assert [r["list_size"] for r in cmp] == [60, 50, 30]
