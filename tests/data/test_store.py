from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.factories import all_tables, countries_table, production_rows
from trust_minerals.data.store import build_database, export_tables, load_dataset, read_meta, status
from trust_minerals.errors import SchemaError, StoreError


def _tables(cobalt_cod: float = 230000.0) -> dict[str, pd.DataFrame]:
    prod = production_rows(
        [("COD", cobalt_cod), ("IDN", 40000.0), ("USA", None), ("World total", 280000.0)]
    )
    return all_tables(production=prod, countries=countries_table(["COD", "IDN", "USA"]))


def test_build_then_load_round_trips_every_value(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    report = build_database(db, tables=_tables)
    assert report.built and report.rows["production"] == 4
    ds = load_dataset(db)
    prod = ds.production
    assert prod.loc[prod["country"] == "COD", "quantity"].item() == 230000.0
    usa = prod[prod["country"] == "USA"].iloc[0]
    assert pd.isna(usa["quantity"]) and usa["status"] == "withheld" and usa["value_text"] == "W"
    assert list(prod.columns) == list(_tables()["production"].columns)


def test_build_is_skipped_when_current_and_forced_otherwise(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    assert not build_database(db, tables=_tables).built
    assert build_database(db, force=True, tables=lambda: _tables(1.0)).built
    assert load_dataset(db).production["quantity"].iloc[0] == 1.0


def test_failed_build_leaves_the_existing_database_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    before = db.read_bytes()
    meta = read_meta(db)

    def broken() -> dict[str, pd.DataFrame]:
        t = _tables()
        t["production"] = t["production"].assign(stage="quarry")  # outside the stage vocabulary
        return t

    with pytest.raises(SchemaError, match="quarry"):
        build_database(db, force=True, tables=broken)

    def crashing() -> dict[str, pd.DataFrame]:
        raise RuntimeError("parser crashed half-way")

    with pytest.raises(RuntimeError):
        build_database(db, force=True, tables=crashing)
    assert db.read_bytes() == before
    assert read_meta(db) == meta
    assert [p.name for p in tmp_path.iterdir()] == ["t.duckdb"]


def test_unknown_source_id_is_rejected(tmp_path: Path) -> None:
    def bad() -> dict[str, pd.DataFrame]:
        t = _tables()
        t["production"] = t["production"].assign(source_id="nowhere")
        return t

    with pytest.raises(SchemaError, match="nowhere"):
        build_database(tmp_path / "t.duckdb", tables=bad)


def test_missing_store_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="trust data build"):
        load_dataset(tmp_path / "absent.duckdb")


def test_status_counts_rows_and_statuses(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    parts = status(db)
    tables = parts["tables"].set_index("table")["rows"]
    assert tables["production"] == 4 and tables["countries"] == 3
    st = parts["statuses"]
    assert st[(st["table"] == "production") & (st["status"] == "withheld")]["rows"].item() == 1


def test_export_writes_every_table_as_parquet(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    files = export_tables(tmp_path / "out", fmt="parquet", path=db)
    assert {f.stem for f in files} >= {"production", "countries", "trade"}
    back = pd.read_parquet(tmp_path / "out" / "production.parquet")
    assert back["quantity"].isna().sum() == 1 and len(back) == 4
