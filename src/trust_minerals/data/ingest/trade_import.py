"""Import full BACI HS92 year files into the store's ``trade`` table (DuckDB, one transaction).

Used through :func:`trust_minerals.data.ingest.trade.import_baci` and
``trust data import-baci``. Data: BACI (CEPII), Gaulier, G. and Zignago, S. (2010), CEPII Working
Paper 2010-23; see :mod:`trust_minerals.data.ingest.trade` for the concordances and country
decisions, which are shared with the geopolrisk subset.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from trust_minerals.data.ingest.trade import (
    BACI_CITATION,
    BACI_COUNTRY_OVERRIDES,
    hs6_concordance,
)
from trust_minerals.data.ingest.trade_checks import (
    _baci_files,
    _check_bounds_and_duplicates,
    _check_header,
    _check_staged,
    _line_of,
    _read_error,
    _release_country_map,
)
from trust_minerals.errors import ParseError, StoreError, UnknownNameError
from trust_minerals.schema import spec

log = logging.getLogger(__name__)


# --- full BACI release -> store --------------------------------------------------------------
def product_codes(extra: Sequence[str] = ()) -> list[str]:
    """HS6 codes kept in ``product_trade``: the forms' codes outside the mineral concordance
    (magnets, cells, wafers ...) and ``extra`` (six digits each, else :class:`ParseError`)."""
    from trust_minerals.data.concordance import read_concordance

    bad = [c for c in extra if not re.fullmatch(r"\d{6}", str(c))]
    if bad:
        raise ParseError("HS6 codes must be six digits", field="hs6", value=bad)
    mineral = set(hs6_concordance()["hs6"])
    forms = {r["hs6"] for r in read_concordance("forms.csv") if r["hs6"]}
    return sorted((forms | {str(c) for c in extra}) - mineral)


def import_baci(
    paths: str | Path | Sequence[Path | str],
    db_path: Path | str | None = None,
    *,
    products: Sequence[str] = (),
    lock_timeout: float | None = None,
) -> ImportResult:
    """Replace the store's ``trade`` rows with those of full BACI HS92 year files.

    HS6 codes outside the mineral concordance go to the ``product_trade`` table: the forms'
    own codes (magnets, cells, wafers) and ``products`` (e.g. pharmaceutical ingredients,
    chapters 29-30), see :func:`product_codes`; its rows for the files' years are replaced too.

    Each ``BACI_HS92_Y<year>_V<version>.csv`` (header ``t,i,j,k,v,q``) is read by DuckDB straight
    from disk, keeping only the HS6 codes of ``hs6_commodities.csv``; countries are mapped with
    the release's ``country_codes_V*.csv`` in the same folder (else the geopolrisk table). The
    store's ``trade`` rows for the files' years are deleted and the new rows inserted in one
    transaction: on any error the store is left unchanged.

    Parameters
    ----------
    paths : str, path or sequence of paths
        Files, folders holding them, or one glob pattern.
    db_path : path, optional
        DuckDB store (default :func:`trust_minerals.data.store.default_db_path`).
    lock_timeout : float, optional
        Seconds to wait for another build or import to finish (default ``$TRUST_LOCK_TIMEOUT``
        or 60); then :class:`~trust_minerals.data.lock.StoreLockedError`.

    Two BACI codes that map to one ISO3 in the same year (58 and 56 are both BEL) have their
    flows summed into one row per exporter, importer and HS6, stated in the result's notes.
    The imported years are also written to the store's import area
    (:mod:`trust_minerals.data.imports`) so that every later build re-applies them.

    Returns
    -------
    ImportResult
        Rows inserted (``rows``, per table), the years replaced and the notes.

    Raises
    ------
    ParseError
        Missing, empty, binary or non-UTF-8 file; wrong name or header; a year outside BACI HS92
        coverage; a file with no mineral row; a value that is not a number, negative, non-finite
        or implausible (caps.csv); a flow repeated (naming the file, line, field and value).
    UnknownNameError
        Country codes with no ISO3 and no decision in :data:`BACI_COUNTRY_OVERRIDES`.
    StoreError
        No store at ``db_path``, or it has no ``trade`` table, or its import area holds an
        import the store lacks (run ``trust data build`` first).

    Examples
    --------
    >>> import_baci("~/BACI_HS92_V202401b/BACI_HS92_Y202*_V202401b.csv")   # doctest: +SKIP
    """
    files = _baci_files(paths)
    if db_path is None:
        from trust_minerals.data.store import default_db_path

        db_path = default_db_path()
    db_path = Path(db_path)
    if not db_path.is_file():
        raise StoreError(f"no database at {db_path}; run 'trust data build' first")
    for f, _, _ in files:
        _check_header(f)
    conc = hs6_concordance()
    kept = conc[conc["commodity"] != ""]
    hs6_map = pd.DataFrame(
        {
            "k": kept["hs6"].astype("int64"),
            "hs6": kept["hs6"],
            "commodity": kept["commodity"],
            "stage": kept["stage"],
        }
    )
    maps = {folder: _release_country_map(folder) for folder in {f.parent for f, _, _ in files}}
    cc = pd.DataFrame(
        [(str(f), code, iso or "") for f, _, _ in files for code, iso in maps[f.parent].items()],
        columns=["file", "code", "iso3"],
    )
    products_map = pd.DataFrame({"hs6": product_codes(products)})
    source = _source_row(f"baci_hs92_v{files[0][2].lower()}")
    from trust_minerals.data.lock import writer_lock

    with writer_lock(db_path, timeout=lock_timeout, what="import"):
        if not db_path.is_file():
            raise StoreError(f"no database at {db_path}; run 'trust data build' first")
        return _import_locked(db_path, files, hs6_map, products_map, cc, source)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_baci` stored.

    Attributes
    ----------
    rows : int
        Rows inserted, ``trade`` and ``product_trade`` together.
    trade_rows, product_rows : int
        Rows inserted per table.
    years : tuple of int
        The years replaced.
    notes : tuple of str
        Stated decisions: BACI codes mapped to one ISO3 whose flows were summed, rows left out
        for a code with no single ISO3, and where the import is kept for later builds.
    """

    rows: int
    trade_rows: int
    product_rows: int
    years: tuple[int, ...]
    notes: tuple[str, ...]


def _source_row(source_id: str) -> dict[str, object]:
    """The ``sources`` row of a BACI release (``baci_hs92_v202401b`` ...)."""
    label = "V" + source_id.rsplit("_", 1)[-1][1:]
    release = re.match(r"V(\d{4})", label)
    return {
        "source_id": source_id,
        "title": f"BACI HS92 {label}",
        "publisher": "CEPII",
        "year": int(release.group(1)) if release else None,
        "url": "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
        "licence": "Etalab 2.0",
        "citation": BACI_CITATION.replace("V202401b", label),
    }


def _import_locked(
    db_path: Path,
    files: list[tuple[Path, int, str]],
    hs6_map: pd.DataFrame,
    products_map: pd.DataFrame,
    cc: pd.DataFrame,
    source: dict[str, object],
) -> ImportResult:
    import duckdb

    from trust_minerals.data import imports

    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open the database {db_path}: {str(exc).splitlines()[0]}"
        ) from None
    try:
        con.execute("SET enable_progress_bar = false")
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "trade" not in tables:
            raise StoreError(f"{db_path} has no table 'trade'; run 'trust data build --force'")
        recorded = _recorded_digest(con, db_path) if "_meta" in tables else None
        con.register("_hs6_map", hs6_map)
        con.register("_products", products_map)
        con.register("_cc", cc)
        token = f"{os.getpid()}-{time.time_ns()}"
        con.execute("BEGIN TRANSACTION")
        committed = False
        try:
            if "product_trade" not in tables:  # a store built before the table existed
                from trust_minerals.data.store import _SQL_TYPES

                cols = ", ".join(
                    f'"{c.name}" {_SQL_TYPES[c.dtype]}' for c in spec("product_trade").columns
                )
                con.execute(f"CREATE TABLE product_trade ({cols})")
            result, notes = _stage_and_replace(con, files, source, "sources" in tables)
            years = result.years
            manifest = imports.write_year_files(
                con,
                db_path,
                years,
                token=token,
                source=source,
                files={y: [f.name for f, fy, _ in files if fy == y] for y in years},
                notes=notes,
                imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            if recorded is not None:
                applied = ", ".join(
                    f"{y} ({e['source_id']})"
                    for y, e in sorted(manifest["years"].items(), key=lambda kv: int(kv[0]))
                )
                _record_rows(
                    con,
                    tables | {"product_trade"},
                    {
                        imports.DIGEST_KEY: imports.manifest_digest(manifest),
                        imports.YEARS_KEY: applied,
                    },
                )
            old = imports.replace_manifest(db_path, manifest)
            try:
                con.execute("COMMIT")
                committed = True
            except BaseException:
                imports.restore_manifest(db_path, old, token)
                raise
            imports.remove_unreferenced(db_path)
        except BaseException:
            if not committed:
                con.execute("ROLLBACK")
                imports.remove_token_files(db_path, token)
            raise
    except duckdb.Error as exc:  # I/O, permission, corruption inside the store
        raise StoreError(f"import into {db_path} failed: {str(exc).splitlines()[0]}") from None
    except OSError as exc:  # the import area beside the store
        raise StoreError(
            f"import into {db_path} failed writing its import area "
            f"{imports.imports_dir(db_path)}: {exc.strerror or exc}"
        ) from None
    finally:
        con.close()
    kept = f"kept in {imports.imports_dir(db_path)} and re-applied by every 'trust data build'"
    return replace(result, notes=(*result.notes, f"imported {', '.join(map(str, years))} {kept}"))


def _recorded_digest(con, db_path: Path) -> str:  # type: ignore[no-untyped-def]
    """The import digest the store records; refuse to import while the import area holds an
    import the store lacks (an import killed between its manifest and its commit)."""
    from trust_minerals.data import imports

    res = con.execute("SELECT value FROM _meta WHERE key = ?", [imports.DIGEST_KEY]).fetchall()
    recorded = str(res[0][0]) if res else ""
    if recorded != imports.manifest_digest(imports.read_manifest(db_path)):
        raise StoreError(
            f"the import area {imports.imports_dir(db_path)} holds imports that {db_path} does "
            "not (an interrupted import or build); run 'trust data build' to apply them, or "
            "'trust data build --drop-imports' to discard them, then import again"
        )
    return recorded


def _record_rows(con, tables: set[str], extra: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Record in ``_meta``, in the import's transaction, the new row counts of the tables an
    import writes (read by the integrity check) and the state of the import area (``extra``)."""
    from trust_minerals.data.integrity import ROWS_KEY

    meta = dict(extra)
    for name in ("trade", "product_trade", "sources"):
        if name in tables:
            res = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            meta[ROWS_KEY + name] = str(int(res[0]) if res else 0)
    for key, value in meta.items():
        con.execute("DELETE FROM _meta WHERE key = ?", [key])
        con.execute("INSERT INTO _meta VALUES (?, ?)", [key, value])


def _stage_and_replace(
    con, files: list[tuple[Path, int, str]], source: dict[str, object], has_sources: bool
) -> tuple[ImportResult, dict[int, list[str]]]:  # type: ignore[no-untyped-def]
    import duckdb

    con.execute(
        "CREATE TEMP TABLE _baci_stage (file VARCHAR, file_year INTEGER, t INTEGER, i INTEGER, "
        "j INTEGER, k VARCHAR, v VARCHAR, q VARCHAR)"
    )
    # k is text: releases write '010111' or '10111', and non-HS codes such as '9999AA' occur
    types = "{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'VARCHAR', 'q': 'VARCHAR'}"
    for f, year, _ in files:
        literal = str(f).replace("'", "''")
        try:
            con.execute(
                f"INSERT INTO _baci_stage SELECT '{literal}', {int(year)}, t, i, j, "
                "lpad(trim(k), 6, '0'), trim(v), trim(q) "
                f"FROM read_csv('{literal}', header = true, delim = ',', columns = {types}) "
                "WHERE lpad(trim(k), 6, '0') IN (SELECT hs6 FROM _hs6_map) "
                "OR lpad(trim(k), 6, '0') IN (SELECT hs6 FROM _products)"
            )
        except duckdb.Error as exc:
            raise _read_error(f, exc) from None
    _check_staged(con, files)
    bad_year = con.execute(
        "SELECT file, t FROM _baci_stage WHERE t IS NULL OR t <> file_year LIMIT 1"
    ).fetchone()
    if bad_year:
        path = Path(bad_year[0])
        raise ParseError(
            "year differs from the year in the file name",
            path=str(path),
            line=_line_of(path, "t", bad_year[1]),
            field="t",
            value=bad_year[1],
        )
    for col in ("v", "q"):
        bad = con.execute(
            f"SELECT file, {col} FROM _baci_stage WHERE {col} NOT IN ('', 'NA') "
            f"AND (TRY_CAST({col} AS DOUBLE) IS NULL OR TRY_CAST({col} AS DOUBLE) < 0 "
            f"OR NOT isfinite(TRY_CAST({col} AS DOUBLE))) LIMIT 1"
        ).fetchone()
        if bad:
            path = Path(bad[0])
            raise ParseError(
                "not a non-negative number",
                path=str(path),
                line=_line_of(path, col, bad[1]),
                field=col,
                value=bad[1],
            )
    _check_bounds_and_duplicates(con)
    unknown = con.execute(
        "SELECT DISTINCT s.file, s.code FROM (SELECT file, i AS code FROM _baci_stage UNION ALL "
        "SELECT file, j FROM _baci_stage) s ANTI JOIN _cc c ON s.file = c.file AND s.code = c.code "
        "ORDER BY 1, 2"
    ).fetchall()
    if unknown:
        err = UnknownNameError(
            "BACI country code", sorted({str(c) for _, c in unknown}), None, unknown[0][0]
        )
        err.exit_code = 1  # a data error in the file, not a usage error
        raise err
    years = sorted({y for _, y, _ in files})
    in_years = ", ".join(str(y) for y in years)
    notes = _merged_codes(con)  # (year, note)
    # one row per flow: codes that map to one ISO3 are summed (stated in the notes); a part
    # with a missing value or quantity leaves the sum missing, never a partial total
    con.execute(
        "CREATE TEMP TABLE _mapped AS SELECT ce.iso3 AS exporter, ci.iso3 AS importer, s.k, s.t, "
        "CASE WHEN count(v) = count(*) THEN sum(v) * 1000 END AS value_usd, "
        "CASE WHEN count(q) = count(*) THEN sum(q) END AS quantity FROM (SELECT file, t, i, j, k, "
        "TRY_CAST(nullif(nullif(v, ''), 'NA') AS DOUBLE) AS v, "
        "TRY_CAST(nullif(nullif(q, ''), 'NA') AS DOUBLE) AS q FROM _baci_stage) s "
        "JOIN _cc ce ON ce.file = s.file AND ce.code = s.i "
        "JOIN _cc ci ON ci.file = s.file AND ci.code = s.j "
        "WHERE ce.iso3 <> '' AND ci.iso3 <> '' GROUP BY ALL"
    )
    source_id = source["source_id"]
    con.execute(f"DELETE FROM trade WHERE year IN ({in_years})")
    cols = ", ".join(f'"{c}"' for c in spec("trade").column_names)
    con.execute(
        f"INSERT INTO trade ({cols}) SELECT s.exporter, s.importer, m.hs6, m.commodity, m.stage, "
        "s.t, s.value_usd, s.quantity, ? FROM _mapped s JOIN _hs6_map m ON s.k = m.hs6",
        [source_id],
    )
    con.execute(f"DELETE FROM product_trade WHERE year IN ({in_years})")
    cols = ", ".join(f'"{c}"' for c in spec("product_trade").column_names)
    con.execute(
        f"INSERT INTO product_trade ({cols}) SELECT s.exporter, s.importer, s.k, s.t, "
        "s.value_usd, s.quantity, ? FROM _mapped s JOIN _products p ON s.k = p.hs6",
        [source_id],
    )
    per_year = dict(
        con.execute(
            f"SELECT year, count(*) FROM trade WHERE year IN ({in_years}) GROUP BY year"
        ).fetchall()
    )
    res = con.execute(f"SELECT count(*) FROM product_trade WHERE year IN ({in_years})").fetchone()
    inserted_products = int(res[0]) if res else 0
    empty = [y for y in years if not per_year.get(y)]
    if empty:
        raise ParseError(
            f"no importable row for year {empty[0]} (every mineral row has a country code with no "
            "single ISO3); the store's rows for that year are left as they are",
            path=str(next(f for f, y, _ in files if y == empty[0])),
        )
    for year, n in con.execute(
        "SELECT t, count(*) FROM _baci_stage s WHERE EXISTS (SELECT 1 FROM _cc c WHERE c.iso3 = '' "
        "AND c.file = s.file AND c.code IN (s.i, s.j)) GROUP BY t ORDER BY t"
    ).fetchall():
        left_out = {c: r for c, (iso, r) in BACI_COUNTRY_OVERRIDES.items() if iso is None}
        notes.append(
            (year, f"{n:,} rows of {year} left out: BACI code with no single ISO3 ({left_out})")
        )
        log.warning("import_baci: %s", notes[-1][1])
    if (
        has_sources
        and not con.execute("SELECT 1 FROM sources WHERE source_id = ?", [source_id]).fetchone()
    ):
        con.execute(
            f"INSERT INTO sources ({', '.join(source)}) VALUES ({', '.join('?' * len(source))})",
            list(source.values()),
        )
    trade_rows = sum(int(n) for n in per_year.values())
    result = ImportResult(
        trade_rows + inserted_products,
        trade_rows,
        inserted_products,
        tuple(years),
        tuple(n for _, n in notes),
    )
    return result, {y: [n for ny, n in notes if ny == y] for y in years}


def _merged_codes(con) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """One note per year and ISO3 that two or more BACI codes of the staged rows map to, with
    the number of flows whose rows are summed (BACI 58 and 56 are both BEL, 711 and 710 ZAF...)."""
    found = con.execute(
        "WITH m AS (SELECT s.t, ce.iso3 AS e, ci.iso3 AS im, s.i, s.j, s.k FROM _baci_stage s "
        "JOIN _cc ce ON ce.file = s.file AND ce.code = s.i "
        "JOIN _cc ci ON ci.file = s.file AND ci.code = s.j WHERE ce.iso3 <> '' AND ci.iso3 <> ''), "
        "codes AS (SELECT t, iso3, list(DISTINCT code ORDER BY code) AS codes FROM "
        "(SELECT t, e AS iso3, i AS code FROM m UNION ALL SELECT t, im, j FROM m) "
        "GROUP BY t, iso3 HAVING count(DISTINCT code) > 1), "
        "flows AS (SELECT t, e, im, k FROM m GROUP BY ALL HAVING count(*) > 1) "
        "SELECT c.t, c.iso3, c.codes, (SELECT count(*) FROM flows f WHERE f.t = c.t "
        "AND c.iso3 IN (f.e, f.im)) FROM codes c ORDER BY c.t, c.iso3"
    ).fetchall()
    return [
        (
            int(year),
            f"BACI codes {' and '.join(map(str, codes))} both map to {iso3} in {year}: "
            f"{n:,} flow(s) (exporter, importer, HS6) reported under more than one of them summed into "
            "one row "
            "(value and quantity added; a part with a missing quantity leaves the sum missing)",
        )
        for year, iso3, codes, n in found
    ]
