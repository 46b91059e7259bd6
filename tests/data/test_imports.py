"""Imported BACI years survive every rebuild; only ``--drop-imports`` discards them.

The import area beside the store (manifest + one Parquet file per year and table) is re-applied
by each build, checked against its recorded checksums, and listed by ``trust data status``.
BACI codes that map to one ISO3 are summed by the import with a note naming them, and refused
by the build of the bundled extract.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.data.ingest.test_trade import COUNTRIES, _small_baci, _write_release
from tests.factories import all_tables
from trust_minerals.data import imports
from trust_minerals.data.ingest import trade
from trust_minerals.data.integrity import verify_store
from trust_minerals.data.store import build_database, status
from trust_minerals.errors import ParseError, StoreError

YEAR_ROWS = (
    "SELECT count(*), md5(coalesce(string_agg(r, ';' ORDER BY r), '')) FROM "
    "(SELECT concat_ws('|', {cols}) AS r FROM {table} WHERE year = {year})"
)
TRADE_COLS = "exporter, importer, hs6, commodity, stage, year, value_usd, quantity, source_id"
PRODUCT_COLS = "exporter, importer, hs6, year, value_usd, quantity, source_id"


def _year_digest(db: Path, year: int) -> tuple[tuple[int, str], tuple[int, str]]:
    """(rows, md5 of every value) of ``year`` in ``trade`` and in ``product_trade``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for table, cols in (("trade", TRADE_COLS), ("product_trade", PRODUCT_COLS)):
            sql = YEAR_ROWS.format(cols=cols, table=table, year=year)
            n, digest = con.execute(sql).fetchall()[0]
            out.append((int(n), str(digest)))
        return out[0], out[1]
    finally:
        con.close()


@pytest.fixture
def real_store(built_db: Path, tmp_path: Path) -> Path:
    """A copy of the store built from the bundled data (2022 holds the bundled BACI rows)."""
    db = tmp_path / "trust.duckdb"
    shutil.copy(built_db, db)
    return db


def test_imported_year_survives_build_force_on_the_real_store(
    real_store: Path, tmp_path: Path
) -> None:
    db = real_store
    bundled = _year_digest(db, 2022)
    other_years = _year_digest(db, 2021)
    rows = _write_release(tmp_path / "rel", 2022, seed=41)
    res = trade.import_baci([tmp_path / "rel"], db, products=["850511"])
    imported = _year_digest(db, 2022)
    assert imported != bundled and imported[0][0] == res.trade_rows > 0
    assert res.rows == res.trade_rows + res.product_rows
    assert any("re-applied by every" in n for n in res.notes)
    assert len(rows) > res.rows  # non-mineral rows were filtered out, the year replaced

    report = build_database(db, force=True)
    assert report.built and any("imported 2022 re-applied" in n for n in report.notes)
    assert _year_digest(db, 2022) == imported  # same rows, same values, both tables
    assert _year_digest(db, 2021) == other_years  # bundled years untouched
    verify_store(db)  # the recorded row counts include the re-applied year
    listed = status(db)["imports"]
    assert listed[["year", "trade_rows", "in_store"]].values.tolist() == [
        [2022, res.trade_rows, True]
    ]
    # a second build without --force finds the store up to date (its imports are current)
    assert not build_database(db).built


def test_drop_imports_is_the_explicit_way_back_to_the_bundled_rows(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _write_release(tmp_path / "rel", 2022, seed=42)
    sources = all_tables()["sources"]
    trade.import_baci([tmp_path / "rel"], db)
    imported = _year_digest(db, 2022)
    assert build_database(db, force=True, tables=all_tables).built
    assert _year_digest(db, 2022) == imported
    con = duckdb.connect(str(db), read_only=True)
    ids = {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}
    con.close()
    assert ids == set(sources["source_id"]) | {"baci_hs92_v202401b"}  # the release's source row

    report = build_database(db, tables=all_tables, drop_imports=True)
    assert report.built and report.notes == ("imported years 2022 dropped (--drop-imports)",)
    assert _year_digest(db, 2022)[0][0] == 0
    assert not imports.imports_dir(db).exists()
    assert status(db)["imports"].empty


def test_a_changed_import_file_stops_the_build_and_keeps_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _write_release(tmp_path / "rel", 2022, seed=43)
    trade.import_baci([tmp_path / "rel"], db)
    before = db.read_bytes()
    f = next(imports.imports_dir(db).glob("trade_2022.*.parquet"))
    f.write_bytes(f.read_bytes()[:-20] + b"\0" * 20)
    with pytest.raises(imports.ImportAreaError, match="fail their checksum.*--drop-imports"):
        build_database(db, force=True, tables=all_tables)
    assert db.read_bytes() == before
    f.unlink()
    with pytest.raises(imports.ImportAreaError, match="are missing"):
        build_database(db, force=True, tables=all_tables)
    (imports.imports_dir(db) / imports.MANIFEST).write_text("{not json")
    with pytest.raises(imports.ImportAreaError, match="cannot read the import manifest"):
        build_database(db, force=True, tables=all_tables)
    report = build_database(db, tables=all_tables, drop_imports=True)
    assert report.notes == ("imported years (unreadable manifest) dropped (--drop-imports)",)
    assert not imports.imports_dir(db).exists()


def test_an_import_the_store_lacks_is_applied_by_the_next_build(tmp_path: Path) -> None:
    """A writer killed between the manifest's rename and the commit: the area is ahead."""
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    before = db.read_bytes()
    _write_release(tmp_path / "rel", 2022, seed=44)
    trade.import_baci([tmp_path / "rel"], db)
    imported = _year_digest(db, 2022)
    db.write_bytes(before)  # the store as it was before the commit
    assert status(db)["imports"]["in_store"].tolist() == [False]
    with pytest.raises(StoreError, match="holds imports that .* does not"):
        trade.import_baci([tmp_path / "rel"], db)
    report = build_database(db, tables=all_tables)  # not --force: the store is not current
    assert report.built and "imported years changed" in report.message
    assert _year_digest(db, 2022) == imported
    assert status(db)["imports"]["in_store"].tolist() == [True]


def test_reimporting_a_year_replaces_its_files(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _write_release(tmp_path / "a", 2022, seed=45)
    _write_release(tmp_path / "b", 2022, seed=46)
    _write_release(tmp_path / "c", 2023, seed=47)
    trade.import_baci([tmp_path / "a"], db)
    trade.import_baci([tmp_path / "c"], db)
    trade.import_baci([tmp_path / "b"], db)
    manifest = json.loads((imports.imports_dir(db) / imports.MANIFEST).read_text())
    assert sorted(manifest["years"]) == ["2022", "2023"]
    files = sorted(p.name for p in imports.imports_dir(db).glob("*.parquet"))
    assert len(files) == 4  # two tables per year; the first 2022 import's files are gone
    latest = _year_digest(db, 2022)
    build_database(db, force=True, tables=all_tables)
    assert _year_digest(db, 2022) == latest


def test_a_failed_import_leaves_the_import_area_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _write_release(tmp_path / "a", 2022, seed=48)
    trade.import_baci([tmp_path / "a"], db)
    area = {p.name: p.read_bytes() for p in imports.imports_dir(db).iterdir()}
    _write_release(tmp_path / "b", 2023, seed=49, bad=(3, "v", "-1"))
    with pytest.raises(ParseError, match="non-negative"):
        trade.import_baci([tmp_path / "b"], db)
    assert {p.name: p.read_bytes() for p in imports.imports_dir(db).iterdir()} == area


# --- two BACI codes -> one ISO3 ------------------------------------------------------------------
def _zaf_release(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "BACI_HS92_Y1999_V202401b.csv").write_text(
        "t,i,j,k,v,q\n"
        "1999,711,699,283691,4,1\n"  # SACU (-> ZAF) and South Africa report the same flow
        "1999,710,699,283691,5,2.5\n"
        "1999,711,842,260300,7,NA\n"  # a part without quantity: the sum's quantity is missing
        "1999,710,842,260300,1,3\n"
        "1999,710,36,282520,2,2\n"  # only one code: nothing summed
        "1999,152,699,283691,3,1\n"
    )
    (folder / "country_codes_V202401b.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n36,Australia,AU,AUS\n"
        "152,Chile,CL,CHL\n699,India,IN,IND\n710,South Africa,ZA,ZAF\n"
        "711,So. African Customs Union,,S01\n842,USA,US,USA\n"
    )


def test_two_codes_of_one_iso3_are_summed_and_stated(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _zaf_release(tmp_path / "rel")
    res = trade.import_baci([tmp_path / "rel"], db)
    merged = [n for n in res.notes if "710 and 711 both map to ZAF in 1999" in n]
    assert len(merged) == 1 and "2 flow(s)" in merged[0] and "summed" in merged[0]
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "SELECT exporter, importer, hs6, value_usd, quantity FROM trade WHERE year = 1999 "
        "ORDER BY ALL"
    ).df()
    con.close()
    assert res.trade_rows == len(got) == 4  # 6 lines, two pairs summed
    zaf_ind = got[(got["exporter"] == "ZAF") & (got["importer"] == "IND")].iloc[0]
    assert zaf_ind["value_usd"] == pytest.approx(9000.0) and zaf_ind["quantity"] == 3.5
    zaf_usa = got[(got["exporter"] == "ZAF") & (got["importer"] == "USA")].iloc[0]
    assert zaf_usa["value_usd"] == pytest.approx(8000.0) and pd.isna(zaf_usa["quantity"])
    manifest = json.loads((imports.imports_dir(db) / imports.MANIFEST).read_text())
    assert manifest["years"]["1999"]["notes"] == merged  # kept with the import


def test_the_cli_prints_the_merge_note(tmp_path: Path) -> None:
    from trust_minerals.cli import app

    db = tmp_path / "s.duckdb"
    build_database(db, tables=all_tables)
    _zaf_release(tmp_path / "rel")
    res = CliRunner().invoke(app, ["data", "import-baci", str(tmp_path / "rel"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Note: BACI codes 710 and 711 both map to ZAF in 1999" in res.stdout
    assert f"kept in {imports.imports_dir(db)}" in res.stdout


def test_the_build_refuses_an_extract_where_two_codes_of_one_iso3_meet(tmp_path: Path) -> None:
    countries = [*COUNTRIES, (710, "South Africa", "ZAF"), (711, "SACU", "S01")]
    ok = _small_baci(
        tmp_path / "ok",
        [(1999, 711, 699, 283691, 1.0, 1.0), (2000, 710, 699, 283691, 2.0, 2.0)],
        countries,
    )
    assert len(trade.parse_baci(ok)) == 2  # the codes cover different years: nothing merged
    bad = _small_baci(
        tmp_path / "bad",
        [(1999, 711, 699, 283691, 1.0, 1.0), (1999, 710, 699, 283691, 2.0, 2.0)],
        countries,
    )
    with pytest.raises(ParseError, match=r"codes \[710, 711\], exporter ZAF, importer IND, 1999"):
        trade.parse_baci(bad)
