"""``trust trade`` and ``trust data import-baci``."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tests.factories import countries_table, sources_table
from trust_minerals.cli import app
from trust_minerals.cli.trade import import_baci_command
from trust_minerals.dataset import SupplyDataset
from trust_minerals.schema import empty_table

runner = CliRunner()


@pytest.fixture()
def tiny(monkeypatch: pytest.MonkeyPatch) -> SupplyDataset:
    """A hand-made dataset served by ``load_dataset`` (no store needed)."""
    flows = pd.DataFrame(
        [
            ("CHL", "IND", "283691", "lithium", "refinery", 2024, 300.0, 3.0),
            ("ARG", "IND", "283691", "lithium", "refinery", 2024, 100.0, 1.0),
            ("USA", "IND", "282520", "lithium", "refinery", 2024, 100.0, 2.0),
        ],
        columns=[
            "exporter",
            "importer",
            "hs6",
            "commodity",
            "stage",
            "year",
            "value_usd",
            "quantity",
        ],
    ).assign(source_id="test")
    ds = SupplyDataset.from_tables(
        {
            "trade": flows,
            "countries": countries_table(["ARG", "CHL", "IND", "USA"]),
            "sources": sources_table(),
        }
    )
    import trust_minerals.data.store as store

    monkeypatch.setattr(store, "load_dataset", lambda path=None: ds)
    return ds


def test_json_rows_by_hand(tiny: SupplyDataset) -> None:
    res = runner.invoke(
        app,
        [
            "trade",
            "--commodity",
            "lithium",
            "--for",
            "IND",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["exporter"] for r in rows] == ["CHL", "ARG", "USA"]
    assert [r["share"] for r in rows] == pytest.approx([0.6, 0.2, 0.2])
    assert {r["stage"] for r in rows} == {"refinery"}
    # carbonate and hydroxide tonnes are not added without a common content basis (no forms
    # table in this dataset): quantities missing, and the row says why
    assert rows[0]["quantity_share"] is None
    assert rows[0]["quantity_basis"].startswith("not added")


def test_table_output_cites_baci(tiny: SupplyDataset) -> None:
    res = runner.invoke(app, ["trade", "--commodity", "lithium", "--for", "IND", "--year", "2024"])
    assert res.exit_code == 0, res.output
    assert "CHL" in res.stdout and "BACI (CEPII)" in res.stdout and "Zignago" in res.stdout
    help_text = runner.invoke(app, ["trade", "--help"]).stdout
    assert "BACI" in help_text


def test_no_trade_prints_a_clear_message_and_empty_json(tiny: SupplyDataset) -> None:
    res = runner.invoke(
        app,
        ["trade", "--commodity", "lithium", "--for", "IND", "--year", "2001", "-f", "json"],
    )
    assert res.exit_code == 0
    assert json.loads(res.stdout) == []
    assert "No recorded trade of lithium into IND in 2001" in res.stderr


def test_group_of_importers_and_unknown_names(tiny: SupplyDataset) -> None:
    res = runner.invoke(
        app,
        ["trade", "--commodity", "lithium", "--for", "IND,USA", "--year", "2024", "-f", "csv"],
    )
    assert res.exit_code == 0, res.output
    assert "USA" not in res.stdout.split("\n", 1)[1]  # USA -> IND is inside the group
    res = runner.invoke(app, ["trade", "--commodity", "lithium", "--for", "XXX", "--year", "2024"])
    assert res.exit_code == 2 and "XXX" in res.output and "Error:" in res.output


def test_real_store_india_lithium_2024_shares_sum_to_one(ds: SupplyDataset) -> None:
    res = runner.invoke(
        app,
        [
            "trade",
            "--commodity",
            "lithium",
            "--for",
            "IND",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert isinstance(rows, list) and len(rows) > 1
    assert {"exporter", "value_usd", "quantity", "share"} <= set(rows[0])
    assert sum(r["share"] for r in rows) == pytest.approx(1.0, abs=1e-9)


def test_import_baci_command_imports_a_release_file(tmp_path: Path) -> None:
    folder = tmp_path / "rel"
    folder.mkdir()
    (folder / "BACI_HS92_Y2022_V202401b.csv").write_text(
        "t,i,j,k,v,q\n2022,152,699,283691,1.5,2\n2022,152,699,010111,9,9\n2022,36,699,282520,2.25,NA\n"
    )
    (folder / "country_codes_V202401b.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n36,Australia,AU,AUS\n152,Chile,CL,CHL\n699,India,IN,IND\n"
    )
    db = tmp_path / "s.duckdb"
    sql_type = {"object": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE"}
    columns = ", ".join(f"{c} {sql_type[str(t)]}" for c, t in empty_table("trade").dtypes.items())
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE trade ({columns})")
    con.close()
    sub = typer.Typer()
    sub.command("import-baci")(import_baci_command)
    sub.command("noop")(lambda: None)  # a second command keeps 'import-baci' a named subcommand
    res = runner.invoke(sub, ["import-baci", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Imported 2 trade rows" in res.stdout
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "SELECT exporter, importer, hs6, value_usd, quantity FROM trade ORDER BY hs6"
    ).fetchall()
    con.close()
    assert got[0] == ("AUS", "IND", "282520", 2250.0, None)
    assert got[1] == ("CHL", "IND", "283691", 1500.0, 2.0)
