"""CLI: trust optimize / frontier / screen / complement (thin adapters over trust_minerals.optimize)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.factories import countries_table, production_rows, tiny_dataset
from trust_minerals.cli import app
from trust_minerals.dataset import SupplyDataset

runner = CliRunner()

PRODUCTION = [
    ("AUS", 80000.0),
    ("CHL", 40000.0),
    ("CHN", 40000.0),
    ("ARG", 20000.0),
    ("World total", 180000.0),
]


@pytest.fixture(autouse=True)
def _small_dataset(monkeypatch: pytest.MonkeyPatch) -> SupplyDataset:
    prod = pd.concat(
        [
            production_rows(PRODUCTION, commodity="lithium"),
            production_rows([("COD", 200000.0), ("AUS", 5000.0)], commodity="cobalt"),
        ],
        ignore_index=True,
    )
    reserves = production_rows(
        [("AUS", 7_000_000.0), ("CHL", 9_000_000.0), ("ARG", 4_000_000.0), ("World total", 2e7)],
        commodity="lithium",
    )
    ds = tiny_dataset(
        production=prod,
        reserves=reserves,
        countries=countries_table(
            ["AUS", "CHL", "CHN", "ARG", "IND", "USA", "COD"], msp=["AUS", "IND", "USA"]
        ),
    )
    monkeypatch.setattr("trust_minerals.cli.optimize._dataset", lambda: ds)
    return ds


COMMON = ["--for", "IND", "--commodity", "lithium", "--stage", "mine", "--demand", "20000",
          "--partners", "msp", "--draws", "2000", "--seed", "1"]  # fmt: skip
OPTIMIZE = ["optimize", *COMMON, "--max-supplier-share", "0.65", "--min-partner-share", "0.5"]


def test_optimize_json_rows_end_with_the_summary() -> None:
    result = runner.invoke(app, [*OPTIMIZE, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"supplier", "flow_opt", "share", "capacity", "partner", "status_quo_share"} <= set(
        rows[0]
    )
    *suppliers, summary = rows
    assert summary["supplier"] == "summary"
    assert summary["cvar_after"] > 0 and summary["cvar_before"] > 0
    assert sum(r["flow_opt"] for r in suppliers) == pytest.approx(20000)
    assert all(r["share"] <= 0.65 + 1e-9 for r in suppliers)
    assert sum(r["flow_opt"] for r in suppliers if r["partner"]) >= 10000 - 1e-6


def test_optimize_summary_csv() -> None:
    result = runner.invoke(app, [*OPTIMIZE, "--summary", "--format", "csv"])
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.output)))
    assert row["status"] == "optimal" and float(row["cvar_after"]) > 0
    assert row["status_quo_feasible"] == "False"  # AUS's 44% misses the 50% partner share


def test_optimize_crma_and_contracts() -> None:
    args = ["optimize", *COMMON, "--max-supplier-share", "crma", "--contract", "CHN=1000",
            "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    chn = next(r for r in json.loads(result.output) if r["supplier"] == "CHN")
    assert chn["flow_opt"] >= 1000 - 1e-6


def test_infeasible_optimize_prints_the_conflicts_and_exits_1() -> None:
    # partners (AUS) can give 80,000 × f; require all of 100,000 t from them
    args = ["optimize", "--for", "IND", "--commodity", "lithium", "--demand", "100000",
            "--min-partner-share", "1", "--draws", "200", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert any("min_partner_share" in r["constraints"] and r["gap"] > 0 for r in rows)
    assert "Traceback" not in result.output


def test_bad_share_is_an_input_error() -> None:
    result = runner.invoke(app, ["optimize", *COMMON, "--max-supplier-share", "1.5"])
    # the app turns the library's InputError into one line and exit code 2
    assert result.exit_code == 2
    assert result.output.startswith("Error: invalid sourcing spec: max_supplier_share=1.5")
    assert "Traceback" not in result.output


def test_frontier_against_partner_share_is_monotone() -> None:
    args = ["frontier", *COMMON, "--against", "partner_share", "--points", "5", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 5
    cvars = [r["cvar_opt"] for r in rows]
    assert all(b >= a - 1e-6 for a, b in zip(cvars, cvars[1:], strict=False))


def test_screen_ranks_and_explains() -> None:
    result = runner.invoke(
        app, ["screen", "--commodity", "lithium", "--for", "IND", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all("reserve_share" in r["explanation"] for r in rows)


def test_complement_lists_opportunities() -> None:
    result = runner.invoke(app, ["complement", "--for", "USA,IND", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []  # neither partner produces lithium in this dataset


def test_optimize_several_commodities_one_demand_each() -> None:
    args = ["optimize", "--for", "IND", "--commodity", "lithium,cobalt", "--demand", "20000,1000",
            "--draws", "500", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    for commodity, demand in (("lithium", 20000), ("cobalt", 1000)):
        mine = [r for r in rows if r["commodity"] == commodity and r["supplier"] != "summary"]
        assert sum(r["flow_opt"] for r in mine) == pytest.approx(demand)
    bad = runner.invoke(app, [*args[:5], "--demand", "20000", "--draws", "50"])
    assert bad.exit_code == 2 and "one number per commodity" in bad.output
