"""CLI: trust recovery / demand / balance (thin adapters over trust_minerals.outlook)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from trust_minerals.cli import app
from trust_minerals.dataset import SupplyDataset

runner = CliRunner()


@pytest.fixture(autouse=True)
def _small_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    row = {
        "commodity": "rare_earths",
        "stage": "mine",
        "form": "",
        "country": "IND",
        "is_aggregate": False,
        "year": 2025,
        "quantity": 2900.0,
        "unit": "metric tons",
        "status": "estimated",
        "qualifier": "=",
        "value_text": "2,900",
        "note": None,
        "source_id": "usgs_mcs2026",
    }
    ds = SupplyDataset.from_tables({"production": pd.DataFrame([row])})
    monkeypatch.setattr("trust_minerals.cli.outlook._dataset", lambda: ds)


def test_recovery_json_rows() -> None:
    result = runner.invoke(app, ["recovery", "--for", "IND", "--draws", "500", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {
        "country",
        "stream",
        "mineral",
        "p5",
        "p50",
        "p95",
        "unit",
        "primary_production",
        "import_need",
        "evidence",
    } <= set(rows[0])
    ree = next(r for r in rows if r["stream"] == "coal_fly_ash")
    assert ree["primary_production"] == 2900.0 and ree["p5"] <= ree["p50"] <= ree["p95"]


def test_demand_scenario_json_matches_the_source_row() -> None:
    result = runner.invoke(
        app,
        [
            "demand",
            "--scenario",
            "STEPS",
            "--year",
            "2030",
            "--mineral",
            "lithium",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    with open(
        "src/trust_minerals/data/raw/outlook/demand_outlook.csv", encoding="utf-8", newline=""
    ) as fh:
        src = next(
            r
            for r in csv.DictReader(fh)
            if (r["mineral"], r["year"], r["scenario"], r["scope"])
            == ("Lithium", "2030", "STEPS", "total_demand")
        )
    assert rows == [
        {**rows[0], "demand_kt": float(src["demand_kt"]), "scope": "total_demand", "year": 2030}
    ]


def test_demand_plan_csv() -> None:
    result = runner.invoke(app, ["demand", "--plan", "india-2030", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert "lithium" in {r["commodity"] for r in rows} and {"low", "central", "high"} <= set(
        rows[0]
    )


def test_balance_table_for_india() -> None:
    result = runner.invoke(
        app, ["balance", "--for", "IND", "--year", "2030", "--draws", "200", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["scope"] for r in rows} == {"IND"} and any(r["commodity"] == "lithium" for r in rows)


def test_unknown_scenario_is_a_named_error() -> None:
    result = runner.invoke(app, ["demand", "--scenario", "BAU"])
    assert (
        result.exit_code == 2
        and "unknown scenario" in result.output.lower()
        and "BAU" in result.output
    )
