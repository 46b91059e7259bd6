from __future__ import annotations

from pathlib import Path

import duckdb
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
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".lock"] == ["t.duckdb"]


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
    con = duckdb.connect()
    back = con.execute(
        "SELECT * FROM read_parquet(?)", [str(tmp_path / "out" / "production.parquet")]
    ).df()
    con.close()
    assert back["quantity"].isna().sum() == 1 and len(back) == 4


# --- integrity, stale build files, the writer lock ------------------------------------------------
def _corrupt(path: Path) -> None:
    """Flip 64 bytes inside the first data block (DuckDB's block checksum no longer matches)."""
    with open(path, "r+b") as fh:
        fh.seek(300_000 if path.stat().st_size > 400_000 else 3 * 262_144 // 2)
        chunk = fh.read(64)
        fh.seek(-len(chunk), 1)
        fh.write(bytes(b ^ 0xFF for b in chunk))


def test_integrity_check_reports_row_counts_of_an_intact_store(tmp_path: Path) -> None:
    from trust_minerals.data.integrity import verify_store

    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    table = verify_store(db).table.set_index("table")
    assert table.loc["production", "rows"] == table.loc["production", "recorded"] == 4


def test_a_row_count_unlike_the_recorded_one_is_named(tmp_path: Path) -> None:
    import duckdb

    from trust_minerals.data.integrity import StoreCorruptError, verify_store

    db = tmp_path / "t.duckdb"
    build_database(db, tables=_tables)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM production WHERE country = 'USA'")
    con.close()
    with pytest.raises(StoreCorruptError, match="'production' holds 3 rows but .* recorded 4"):
        verify_store(db)
    report = build_database(db, tables=_tables)  # not "up to date": rebuilt, and says why
    assert report.built and "integrity" in report.message
    assert verify_store(db).table.set_index("table").loc["production", "rows"] == 4


def test_a_corrupted_block_is_detected_and_rebuilt(tmp_path: Path) -> None:
    from trust_minerals.data.build import build_tables
    from trust_minerals.data.integrity import StoreCorruptError, verify_store

    db = tmp_path / "t.duckdb"
    tables = build_tables()
    build_database(db, tables=lambda: tables)
    _corrupt(db)
    with pytest.raises(StoreCorruptError, match="checksum"):
        verify_store(db)
    assert build_database(db, tables=lambda: tables).built
    verify_store(db)


def test_stale_build_files_of_killed_builds_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    stale = tmp_path / ".t.duckdb.building-99999999"
    stale.write_bytes(b"half a database")
    build_database(db, tables=_tables)
    assert not stale.exists()


def test_a_build_waits_for_the_writer_lock_or_fails_naming_it(tmp_path: Path) -> None:
    from trust_minerals.data.lock import StoreLockedError, writer_lock

    db = tmp_path / "t.duckdb"
    with writer_lock(db, what="import"), pytest.raises(StoreLockedError, match="pid"):
        build_database(db, tables=_tables, lock_timeout=0.2)
    assert not db.exists()


def test_load_dataset_builds_a_missing_store_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trust_minerals.data.store as store

    db = tmp_path / "new.duckdb"
    with pytest.raises(StoreError, match="build_if_missing=True"):
        load_dataset(db)
    assert not db.exists()
    calls: list[bool] = []

    def build(path: Path, *, force: bool = False) -> object:
        calls.append(force)
        return build_database(path, force=force, tables=_tables)

    monkeypatch.setattr(store, "build_database", build)
    ds = load_dataset(db, build_if_missing=True)
    assert calls == [False] and ds.production["quantity"].iloc[0] == 230000.0
    load_dataset(db, build_if_missing=True)  # current: not rebuilt
    assert calls == [False]


# --- the lazily read table (text as ENUM codes, no pyarrow) ----------------------------------------
def _eager(path: Path, name: str) -> pd.DataFrame:
    """The table as load_dataset reads the eager tables: DuckDB's own .df(), then the spec dtypes."""
    from trust_minerals.data.store import _restore_dtypes

    con = duckdb.connect(str(path), read_only=True)
    try:
        return _restore_dtypes(name, con.execute(f'SELECT * FROM "{name}"').df())
    finally:
        con.close()


def test_lazy_reader_equals_the_eager_reader_on_every_table_of_the_real_store(
    built_db: Path,
) -> None:
    from trust_minerals.data.store import _read_table
    from trust_minerals.schema import table_specs

    for name in table_specs():  # export_controls has a nullable int, commodities booleans
        pd.testing.assert_frame_equal(_read_table(built_db, name), _eager(built_db, name))
    trade = _read_table(built_db, "trade")
    assert len(trade) > 1_000_000
    for col in ("exporter", "hs6", "source_id"):  # one shared string object per distinct value
        assert len({id(v) for v in trade[col]}) == trade[col].nunique()


def test_lazy_reader_keeps_nulls_quotes_and_all_null_text(tmp_path: Path) -> None:
    from trust_minerals.data.store import _read_table

    db = tmp_path / "t.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE trade (exporter VARCHAR, importer VARCHAR, hs6 VARCHAR, commodity VARCHAR, "
        "stage VARCHAR, year BIGINT, value_usd DOUBLE, quantity DOUBLE, source_id VARCHAR)"
    )
    con.execute(
        "INSERT INTO trade VALUES ('CHL', 'IND', '283691', 'lithium', 'refinery', 2024, 1.5, NULL, NULL), "
        "('O''K', NULL, '283691', 'lithium', 'refinery', 2023, NULL, 2.0, NULL)"
    )
    con.close()
    got = _read_table(db, "trade")
    assert got["exporter"].tolist() == ["CHL", "O'K"]
    assert got["importer"].tolist() == ["IND", None]
    assert got["source_id"].tolist() == [None, None] and got["source_id"].dtype == object
    assert got["year"].dtype == "int64" and got["year"].tolist() == [2024, 2023]
    assert got["value_usd"].iloc[0] == 1.5 and pd.isna(got["value_usd"].iloc[1])
    pd.testing.assert_frame_equal(got, _eager(db, "trade"))
