"""The embedded DuckDB store: build (transactionally), load, status, export.

The database lives at ``$TRUST_DB`` or, by default, in the per-user data directory
(``platformdirs.user_data_dir("trust-minerals")/trust.duckdb``). A build writes a new file next to
the old one and swaps it in with an atomic rename only after every table has been parsed,
validated and written, so a failed build leaves the previous database untouched.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, StoreError, TrustMineralsError
from trust_minerals.schema import spec, table_specs, validate

_SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN"}
#: tables loaded only when first used (large)
LAZY_TABLES = ("trade",)


def default_db_path() -> Path:
    """``$TRUST_DB`` if set, else ``<user data dir>/trust-minerals/trust.duckdb``."""
    env = os.environ.get("TRUST_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("trust-minerals", appauthor=False)) / "trust.duckdb"


def schema_version() -> str:
    """Hash of the table specs: a store built under other specs must be rebuilt."""
    text = resources.files("trust_minerals").joinpath("data", "spec", "tables.csv").read_bytes()
    return hashlib.sha256(text).hexdigest()[:16]


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build_database` did; ``notes`` states the imports re-applied or dropped."""

    path: Path
    built: bool
    seconds: float
    rows: Mapping[str, int]
    message: str
    notes: tuple[str, ...] = ()


def _connect(path: Path, read_only: bool):  # type: ignore[no-untyped-def]
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from None


def read_meta(path: Path | None = None) -> dict[str, str]:
    """The build metadata of the store (empty if there is no store)."""
    path = Path(path) if path else default_db_path()
    if not path.exists():
        return {}
    con = _connect(path, read_only=True)
    try:
        return dict(con.execute("SELECT key, value FROM _meta").fetchall())
    except Exception as exc:  # noqa: BLE001 - any failure here means an unusable store
        raise StoreError(
            f"{path} is not a trust-minerals database ({exc}); rebuild with 'trust data build --force'"
        ) from None
    finally:
        con.close()


def store_is_current(path: Path | None = None) -> bool:
    try:
        return read_meta(path).get("schema_version") == schema_version()
    except StoreError:
        return False


def write_tables(con, tables: Mapping[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    """Create every spec table in ``con`` (explicit column types) and insert the frames."""
    for name, ts in table_specs().items():
        cols = ", ".join(f'"{c.name}" {_SQL_TYPES[c.dtype]}' for c in ts.columns)
        con.execute(f'CREATE TABLE "{name}" ({cols})')
        df = tables[name]
        if len(df):
            con.register("_incoming", df)
            names = ", ".join(f'"{c}"' for c in ts.column_names)
            con.execute(f'INSERT INTO "{name}" SELECT {names} FROM _incoming')
            con.unregister("_incoming")


def build_database(
    path: Path | str | None = None,
    *,
    force: bool = False,
    tables: Callable[[], Mapping[str, pd.DataFrame]] | None = None,
    progress: Callable[[str], None] | None = None,
    lock_timeout: float | None = None,
    drop_imports: bool = False,
) -> BuildReport:
    """Build the DuckDB store from the bundled raw files and the store's imports.

    Years imported with ``trust data import-baci`` are kept in the store's import area
    (:mod:`trust_minerals.data.imports`) and re-applied over the bundled rows by every build,
    so a rebuild never loses them; ``drop_imports=True`` discards them (and rebuilds).

    Parameters
    ----------
    path : path, optional
        Target file (default :func:`default_db_path`).
    force : bool
        Rebuild even if a current store exists. A store built under other table specs is
        always rebuilt.
    tables : callable, optional
        Returns the tables to store (default: :func:`trust_minerals.data.build.build_tables`).
    progress : callable, optional
        Called with a short message before each source is parsed.
    lock_timeout : float, optional
        Seconds to wait for another build or import of the same store (default
        ``$TRUST_LOCK_TIMEOUT`` or 60); then :class:`~trust_minerals.data.lock.StoreLockedError`.
    drop_imports : bool
        Discard the imported years (the import area beside the store) and rebuild without them.

    Raises
    ------
    ImportAreaError
        An imported year's file is missing or fails its checksum (the message says how to
        restore or drop the imports); the previous store is kept.

    The new database is written to a temporary file and renamed over the old one only after
    everything succeeded: on any error the previous database is left exactly as it was.
    """
    from trust_minerals.data import imports
    from trust_minerals.data.lock import writer_lock

    path = Path(path) if path else default_db_path()
    t0 = time.perf_counter()
    with writer_lock(path, timeout=lock_timeout, what="build"):
        _remove_stale_builds(path)
        note = ""
        notes: list[str] = []
        if drop_imports:
            dropped = imports.drop_imports(path)
            notes.append(
                "no imported years to drop"
                if dropped == []
                else f"imported years {', '.join(map(str, dropped)) if dropped else '(unreadable manifest)'} "
                "dropped (--drop-imports)"
            )
            force = True
        digest = imports.manifest_digest(imports.read_manifest(path))
        if (
            path.exists()
            and not force
            and store_is_current(path)
            and read_meta(path).get(imports.DIGEST_KEY, "") != digest
        ):
            note = " (the imported years changed since the last build)"
        elif path.exists() and not force and store_is_current(path):
            from trust_minerals.data.integrity import StoreCorruptError, verify_store

            try:
                verify_store(path)
            except StoreCorruptError as exc:
                note = f" (the previous store failed its integrity check and was replaced: {exc})"
            else:
                return BuildReport(
                    path,
                    False,
                    0.0,
                    {},
                    f"database is up to date at {path} (use --force to rebuild)",
                )
        validated, applied = _validated_tables(tables, progress, path)
        notes.extend(applied)
        years = ", ".join(f"{y.year} ({y.source_id})" for y in imports.imported_years(path))
        _write_store(path, validated, {imports.DIGEST_KEY: digest, imports.YEARS_KEY: years})
        imports.remove_unreferenced(path)
    rows = {name: len(df) for name, df in validated.items()}
    return BuildReport(
        path, True, time.perf_counter() - t0, rows, f"built {path}{note}", tuple(notes)
    )


def _remove_stale_builds(path: Path) -> None:
    """Delete ``.<store>.building-<pid>`` files left by killed builds (the caller holds the lock,
    so no build is in progress)."""
    for stale in path.parent.glob(f".{path.name}.building-*"):
        stale.unlink(missing_ok=True)


def _validated_tables(
    tables: Callable[[], Mapping[str, pd.DataFrame]] | None,
    progress: Callable[[str], None] | None,
    path: Path,
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    from trust_minerals.data.imports import apply_imports

    raw: Mapping[str, pd.DataFrame]
    if tables is None:
        from trust_minerals.data.build import build_tables

        raw = build_tables(progress)
    else:
        raw = tables()
    raw, _digest, notes = apply_imports(raw, path)
    sources = raw.get("sources")
    source_ids = set(sources["source_id"]) if sources is not None else None
    validated = {}
    for name in table_specs():
        if name not in raw:
            raise StoreError(f"the build produced no table {name!r}")
        validated[name] = validate(name, raw[name], where="build", sources=source_ids)
    return validated, notes


def _write_store(
    path: Path, validated: Mapping[str, pd.DataFrame], extra_meta: Mapping[str, str]
) -> None:
    """Write the tables to a temporary file and rename it over ``path`` (atomic)."""
    from trust_minerals.data.integrity import ROWS_KEY

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the database directory {path.parent}: {exc.strerror}"
        ) from None
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    try:
        con = _connect(tmp, read_only=False)
        try:
            write_tables(con, validated)
            meta = {
                "schema_version": schema_version(),
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "vintages": "USGS MCS 2026 (2024-2025), USGS MCS 2025 (2023); BACI HS92 V202401b; WGI 2023",
                **{ROWS_KEY + name: str(len(df)) for name, df in validated.items()},
                **extra_meta,
            }
            con.execute("CREATE TABLE _meta (key VARCHAR, value VARCHAR)")
            con.executemany("INSERT INTO _meta VALUES (?, ?)", list(meta.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write the database {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read_table(path: Path, name: str) -> pd.DataFrame:
    """Read a large table (``trade``, about 1 M rows) with one string object per distinct value.

    DuckDB's own conversion makes a Python string for every cell (about 450 MB and 1 s for the
    trade table). Instead each text column is read as its code in an ENUM of the column's
    distinct values and expanded with a numpy take, so a column holds a few hundred shared
    strings; no pyarrow is needed (it is not a dependency). The result has the dtypes of every
    other table (:func:`_restore_dtypes`).
    """
    import duckdb

    columns = spec(name).columns
    text = [c.name for c in columns if c.dtype == "str"]
    con = _connect(path, read_only=True)
    try:
        distinct = ", ".join(f'list(DISTINCT "{c}") FILTER (WHERE "{c}" IS NOT NULL)' for c in text)
        found = con.execute(f'SELECT {distinct} FROM "{name}"').fetchone() if text else ()
        values = {c: sorted(v or ()) for c, v in zip(text, found or (), strict=True)}
        select = []
        for col in columns:
            vals = values.get(col.name)
            if vals:  # code in the sorted values; NULL -> len(vals), which maps to None below
                enum = "ENUM(" + ", ".join(_sql_text(v) for v in vals) + ")"
                select.append(
                    f'coalesce(enum_code(CAST("{col.name}" AS {enum}))::INTEGER, {len(vals)}) '
                    f'AS "{col.name}"'
                )
            else:
                select.append(f'"{col.name}"')
        arrays = con.execute(f'SELECT {", ".join(select)} FROM "{name}"').fetchnumpy()
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot read table {name!r} of {path} ({str(exc).splitlines()[0]}); "
            "check it with 'trust data check --integrity'"
        ) from None
    finally:
        con.close()
    data: dict[str, object] = {}
    for col in columns:
        a = arrays[col.name]
        if values.get(col.name):
            strings = np.array([*values[col.name], None], dtype=object)[np.asarray(a)]
            data[col.name] = pd.Series(strings, dtype=object)  # not inferred (pandas 3: str)
        elif col.dtype == "str":  # no value at all: every cell is missing
            data[col.name] = pd.Series(np.full(len(a), None, dtype=object), dtype=object)
        elif isinstance(a, np.ma.MaskedArray):  # NULLs, as DuckDB's .df() converts them
            mask = np.ma.getmaskarray(a)
            if col.dtype == "int":
                data[col.name] = pd.arrays.IntegerArray(a.data.astype(np.int64), mask)
            elif col.dtype == "bool":
                data[col.name] = pd.arrays.BooleanArray(a.data.astype(bool), mask)
            else:
                data[col.name] = a.filled(np.nan)
        else:
            data[col.name] = a
    return _restore_dtypes(name, pd.DataFrame(data))


def _restore_dtypes(name: str, df: pd.DataFrame) -> pd.DataFrame:
    for col in spec(name).columns:
        if col.dtype == "int":
            df[col.name] = df[col.name].astype("Int64" if col.nullable else "int64")
        elif col.dtype == "str":
            s = df[col.name]
            if s.dtype != object:
                df[col.name] = s.astype(object).where(s.notna(), None)
    return df


def load_dataset(
    path: Path | str | None = None, *, build_if_missing: bool = False
) -> SupplyDataset:
    """Load the dataset from the DuckDB store.

    With ``build_if_missing=True`` a missing or outdated store is first built from the bundled
    files (:func:`build_database`, a few seconds). Otherwise raises :class:`StoreError` if there
    is no store or it was built under other table specs (the message says how to build it).
    Large tables (``trade``) are read on first use.

    Examples
    --------
    >>> ds = load_dataset(build_if_missing=True)    # doctest: +SKIP
    >>> ds.select(commodity="cobalt").production    # doctest: +SKIP
    """
    import duckdb

    path = Path(path) if path else default_db_path()
    if build_if_missing and not store_is_current(path):
        build_database(path, force=path.exists())
    if not path.exists():
        raise StoreError(
            f"no database at {path}; build it with load_dataset(build_if_missing=True) or "
            "'trust data build'"
        )
    con = _connect(path, read_only=True)
    tables: dict[str, pd.DataFrame | Callable[[], pd.DataFrame]] = {}
    try:
        try:
            meta = dict(con.execute("SELECT key, value FROM _meta").fetchall())
        except Exception as exc:  # noqa: BLE001 - any failure here means an unusable store
            raise StoreError(
                f"{path} is not a trust-minerals database ({exc}); rebuild with 'trust data build --force'"
            ) from None
        if meta.get("schema_version") != schema_version():
            raise StoreError(
                f"the database at {path} was built under other table specs; run 'trust data build --force'"
            )
        for name in table_specs():
            if name in LAZY_TABLES:
                tables[name] = _lazy(path, name)
            else:
                try:
                    frame = con.execute(f'SELECT * FROM "{name}"').df()
                except duckdb.Error as exc:
                    raise StoreError(
                        f"cannot read table {name!r} of {path} ({str(exc).splitlines()[0]}); "
                        "rebuild with 'trust data build --force'"
                    ) from None
                tables[name] = _restore_dtypes(name, frame)
    finally:
        con.close()
    return SupplyDataset.from_tables(tables, meta={**meta, "path": str(path)}, validated=True)


def _lazy(path: Path, name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        return _read_table(path, name)

    return load


def status(path: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """What the store holds: build metadata, rows per table, and value statuses per table."""
    path = Path(path) if path else default_db_path()
    if not path.exists():
        raise StoreError(f"no database at {path}; run 'trust data build' first")
    meta = read_meta(path)
    con = _connect(path, read_only=True)
    try:
        rows = []
        for name in table_specs():
            n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            rows.append({"table": name, "rows": int(n[0]) if n else 0})
        by_status = []
        for name in ("production", "reserves", "capacity", "us_salient", "import_sources"):
            for st, n in con.execute(
                f'SELECT status, count(*) FROM "{name}" GROUP BY status ORDER BY status'
            ).fetchall():
                by_status.append({"table": name, "status": st, "rows": int(n)})
        vintages = con.execute(
            "SELECT source_id, min(year) AS first_year, max(year) AS last_year, count(*) AS rows "
            "FROM (SELECT source_id, year FROM production UNION ALL SELECT source_id, year FROM reserves "
            "UNION ALL SELECT source_id, year FROM capacity UNION ALL SELECT source_id, year FROM trade "
            "UNION ALL SELECT source_id, year FROM production_wmd) GROUP BY source_id ORDER BY source_id"
        ).df()
    finally:
        con.close()
    meta_df = pd.DataFrame({"key": ["path", *meta], "value": [str(path), *meta.values()]})
    return {
        "meta": meta_df,
        "vintages": vintages,
        "tables": pd.DataFrame(rows),
        "statuses": pd.DataFrame(by_status),
        "imports": _imports_table(path, meta),
    }


def _imports_table(path: Path, meta: Mapping[str, str]) -> pd.DataFrame:
    """The imported years of the store's import area, and whether the store holds them."""
    from trust_minerals.data import imports

    in_store = meta.get(imports.DIGEST_KEY, "") == imports.manifest_digest(
        imports.read_manifest(path)
    )
    rows = [
        {
            "year": y.year,
            "source_id": y.source_id,
            "trade_rows": y.rows.get("trade", 0),
            "product_trade_rows": y.rows.get("product_trade", 0),
            "files": ", ".join(y.files),
            "imported_at": y.imported_at,
            "in_store": in_store,
            "kept_in": str(imports.imports_dir(path)),
            "notes": " | ".join(y.notes)
            if in_store
            else "not in the store yet: run 'trust data build' to apply it",
        }
        for y in imports.imported_years(path)
    ]
    columns = ["year", "source_id", "trade_rows", "product_trade_rows", "files", "imported_at"]
    return pd.DataFrame(rows, columns=[*columns, "in_store", "kept_in", "notes"])


EXPORT_FORMATS = ("parquet", "csv")


def export_tables(
    out_dir: Path | str, *, fmt: str = "parquet", path: Path | str | None = None
) -> list[Path]:
    """Write every table to ``out_dir/<table>.<fmt>``; each file appears only once complete."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"export format {fmt!r} is not supported; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    path = Path(path) if path else default_db_path()
    if not path.exists():
        raise StoreError(f"no database at {path}; run 'trust data build' first")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=True)
    written = []
    try:
        for name in table_specs():
            target = out / f"{name}.{fmt}"
            tmp = out / f".{name}.{fmt}.partial"
            option = "(FORMAT PARQUET)" if fmt == "parquet" else "(FORMAT CSV, HEADER)"
            escaped = str(tmp).replace("'", "''")
            con.execute(f"COPY \"{name}\" TO '{escaped}' {option}")
            os.replace(tmp, target)
            written.append(target)
    except TrustMineralsError:
        raise
    except Exception as exc:
        raise StoreError(f"export to {out} failed: {exc}") from None
    finally:
        con.close()
    return written
