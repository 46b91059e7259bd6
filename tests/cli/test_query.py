from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trust_minerals.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def _json(args: list[str]) -> list[dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_overview_json_is_an_array_of_rows_with_the_documented_columns(built_db: Path) -> None:
    rows = _json(["overview", "--year", "2025"])
    assert rows and set(rows[0]) >= {
        "commodity",
        "stage",
        "year",
        "world_total",
        "unit",
        "top_country",
        "top_share",
        "top3_share",
        "hhi",
        "hhi_upper",
        "coverage_share",
        "msp_share",
        "export_controlled",
        "notes",
    }
    cobalt = [r for r in rows if r["commodity"] == "cobalt" and r["stage"] == "mine"]
    assert cobalt[0]["top_country"] == "COD"
    ree = [r for r in rows if r["commodity"] == "rare_earths" and r["stage"] == "mine"][0]
    assert ree["top_country"] == "CHN" and abs(ree["top_share"] - 0.69) < 0.01
    assert ree["export_controlled"] is True
    listed = {r["commodity"] for r in rows}
    assert {"lithium", "gallium", "germanium", "graphite", "tungsten"} <= listed


def test_overview_all_covers_more_than_the_lists(built_db: Path) -> None:
    assert len({r["commodity"] for r in _json(["overview", "--all"])}) > len(
        {r["commodity"] for r in _json(["overview"])}
    )


def test_us_lithium_mine_2025_is_withheld_not_zero(built_db: Path) -> None:
    rows = _json(["production", "--commodity", "lithium", "--stage", "mine", "--year", "2025"])
    usa = [r for r in rows if r["country"] == "USA"]
    assert len(usa) == 1
    assert usa[0]["status"] == "withheld" and usa[0]["quantity"] is None and usa[0]["share"] is None


def test_production_csv_round_trips(built_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "production",
            "--commodity",
            "cobalt",
            "--stage",
            "mine",
            "--year",
            "2025",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["country"] == "COD"
    assert {"World total", "Other countries"} <= {r["country"] for r in rows}


def test_unknown_commodity_is_a_clear_error(built_db: Path) -> None:
    result = runner.invoke(app, ["production", "--commodity", "unobtainium"])
    assert result.exit_code == 2
    assert "unobtainium" in result.output and "did you mean" in result.output


def test_a_misspelt_commodity_suggests_the_closest_name(built_db: Path) -> None:
    result = runner.invoke(app, ["production", "--commodity", "lithum"])
    assert result.exit_code == 2
    assert "did you mean 'lithium'" in result.output


def test_data_check_explains_every_mismatch(built_db: Path) -> None:
    result = runner.invoke(app, ["data", "check", "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    kinds = {r["kind"] for r in rows}
    assert {"within_rounding", "excludes_us", "withheld"} <= kinds
    gallium = [
        r
        for r in rows
        if r["commodity"] == "gallium" and r["measure"] == "production" and r["year"] == 2025
    ]
    assert gallium and gallium[0]["listed_sum"] > gallium[0]["world_total"]


def test_data_status_and_describe(built_db: Path) -> None:
    result = runner.invoke(app, ["data", "status"])
    assert result.exit_code == 0 and "production" in result.output and "withheld" in result.output
    result = runner.invoke(app, ["data", "describe", "production", "--format", "json"])
    cols = [r["column"] for r in json.loads(result.stdout)]
    assert cols[:4] == ["commodity", "stage", "form", "country"]


def test_data_export_parquet(built_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "export", "--format", "parquet", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "production.parquet").stat().st_size > 0


def test_forms_command_lists_the_refined_antimony_codes(built_db: Path) -> None:
    rows = _json(["forms", "--commodity", "antimony", "--stage", "refinery"])
    assert {r["hs6"] for r in rows} == {"282580", "811000"}
    assert all(r["in_bundled_baci"] is False for r in rows)
