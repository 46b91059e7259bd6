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
        "basis": "not stated",
        "note": None,
        "source_id": "usgs_mcs2026",
    }
    ds = SupplyDataset.from_tables({"production": pd.DataFrame([row])})
    monkeypatch.setattr("trust_minerals.cli.outlook._dataset", lambda: ds)


def test_recovery_json_rows_give_three_levels() -> None:
    result = runner.invoke(app, ["recovery", "--for", "IND", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {
        "country",
        "stream",
        "commodity",
        "contained_t",
        "recoverable_low_t",
        "capacity_t",
        "range",
        "primary_production",
        "import_need",
        "evidence",
    } <= set(rows[0])
    ree = next(r for r in rows if r["stream"] == "coal_fly_ash")
    assert ree["primary_production"] == 2900.0
    assert ree["recoverable_low_t"] <= ree["recoverable_high_t"] and ree["capacity_t"] is None


def test_demand_scenario_json_matches_the_source_row() -> None:
    result = runner.invoke(
        app,
        [
            "demand",
            "--scenario",
            "STEPS",
            "--year",
            "2030",
            "--commodity",
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


@pytest.mark.slow
@pytest.mark.parametrize("consumer", ["IND", "CHN", "ABW"])
def test_balance_for_a_consumer(consumer: str, ds, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("trust_minerals.cli.outlook._dataset", lambda: ds)
    result = runner.invoke(
        app, ["balance", "--for", consumer, "--year", "2030", "--scenario", "APS", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["consumer"] for r in rows} == {consumer}
    if consumer == "IND":
        li = next(r for r in rows if r["commodity"] == "lithium")
        assert li["import_need_t"] > 0 and li["recovery_counted_t"] == 0.0


@pytest.mark.slow
def test_balance_include_potential_is_said_in_the_title(
    ds, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("trust_minerals.cli.outlook._dataset", lambda: ds)
    result = runner.invoke(
        app, ["balance", "--for", "IND", "--year", "2030", "--include-potential"]
    )
    assert result.exit_code == 0, result.output
    assert "technical potential counted" in result.output


def test_unknown_scenario_is_a_named_error() -> None:
    result = runner.invoke(app, ["demand", "--scenario", "BAU"])
    assert (
        result.exit_code == 2
        and "unknown scenario" in result.output.lower()
        and "BAU" in result.output
    )


@pytest.mark.slow
def test_projection_lists_countries_and_the_rest_of_world(
    ds, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("trust_minerals.cli.outlook._dataset", lambda: ds)
    result = runner.invoke(
        app, ["projection", "--commodity", "cobalt", "--year", "2035", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["year"] for r in rows} == {2035}
    assert any(r["country"] == "Other countries" for r in rows)
