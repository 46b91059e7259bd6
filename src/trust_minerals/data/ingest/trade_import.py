"""Import full BACI HS92 year files into the store's ``trade`` table (DuckDB, one transaction).

Used through :func:`trust_minerals.data.ingest.trade.import_baci` and
``trust data import-baci``. Data: BACI (CEPII), Gaulier, G. and Zignago, S. (2010), CEPII Working
Paper 2010-23; see :mod:`trust_minerals.data.ingest.trade` for the concordances and country
decisions, which are shared with the geopolrisk subset.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from trust_minerals.data.ingest.trade import (
    _BACI_COLUMNS,
    _BACI_FILE,
    BACI_CITATION,
    BACI_COUNTRY_OVERRIDES,
    baci_country_map,
    hs6_concordance,
)
from trust_minerals.errors import ParseError, StoreError, UnknownNameError
from trust_minerals.schema import spec

log = logging.getLogger(__name__)


# --- full BACI release -> store --------------------------------------------------------------
def _baci_files(paths: str | Path | Sequence[Path | str]) -> list[tuple[Path, int, str]]:
    """Expand ``paths`` (files, folders or one glob pattern) to (file, year, version) triples."""
    items: list[Path] = []
    if isinstance(paths, str | Path):
        text = str(paths)
        if any(ch in text for ch in "*?["):
            items = sorted(Path(text).parent.glob(Path(text).name))
            if not items:
                raise ParseError("no file matches the pattern", path=text)
        else:
            items = [Path(text)]
    else:
        items = [Path(p) for p in paths]
    files: list[Path] = []
    for item in items:
        if item.is_dir():
            found = sorted(f for f in item.iterdir() if _BACI_FILE.search(f.name))
            if not found:
                raise ParseError(
                    "folder holds no BACI_HS92_Y<year>_V<version>.csv file", path=str(item)
                )
            files.extend(found)
        elif not item.is_file():
            raise ParseError("file not found", path=str(item))
        else:
            files.append(item)
    out = []
    for f in files:
        m = _BACI_FILE.search(f.name)
        if m is None:
            raise ParseError(
                "expected a BACI year file named BACI_HS92_Y<year>_V<version>.csv", path=str(f)
            )
        if m.group(1) != "92":
            raise ParseError(
                f"HS{m.group(1)} release: the HS6 concordance (hs6_commodities.csv) is for HS92 files",
                path=str(f),
            )
        year, version = int(m.group(2)), m.group(3)
        _check_year(f, year, version)
        out.append((f, year, version))
    versions = {v.lower() for _, _, v in out}
    if len(versions) > 1:
        raise ParseError(
            f"files from several BACI releases {sorted(versions)}: import one release at a time"
        )
    return out


def _check_year(path: Path, year: int, version: str) -> None:
    """Refuse a file year outside BACI HS92's coverage (first year .. the release's year)."""
    from trust_minerals.caps import cap

    bounds = cap("baci_hs92_year")
    release = re.match(r"(\d{4})", version)
    last = min(bounds.max, int(release.group(1))) if release else bounds.max
    if not bounds.min <= year <= last:
        raise ParseError(
            f"year {year} in the file name is outside BACI HS92 coverage {bounds.min}-{last} "
            f"(release V{version}); the store's years are left as they are",
            path=str(path),
            field="year",
            value=year,
        )


def _check_header(path: Path) -> None:
    """The first line must be the BACI header; empty, binary and non-UTF-8 files are refused."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise ParseError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from None
    if not head.strip():
        raise ParseError("empty file: expected the header t,i,j,k,v,q and rows", path=str(path))
    if b"\x00" in head:
        raise ParseError("binary file: expected CSV text", path=str(path), line=1)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) < 65536 or exc.start < len(head) - 4:  # not a character cut by the read
            line = head[: exc.start].count(b"\n") + 1
            raise ParseError(
                f"not UTF-8 text (byte 0x{head[exc.start]:02x})", path=str(path), line=line
            ) from None
        text = head[: exc.start].decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    header = tuple(h.strip().strip('"') for h in first.strip().split(","))
    if header != _BACI_COLUMNS:
        raise ParseError(
            f"header must be {','.join(_BACI_COLUMNS)}",
            path=str(path),
            line=1,
            value=first.strip()[:80],
        )


def _release_country_map(folder: Path) -> dict[int, str | None]:
    found = sorted(folder.glob("country_codes_V*.csv"))
    if not found:
        return baci_country_map()
    try:
        table = pd.read_csv(found[-1], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(
            f"cannot read the country codes ({str(exc).splitlines()[0]})", path=str(found[-1])
        ) from None
    if (
        "country_iso3" not in table.columns and "iso_3digit_alpha" in table.columns
    ):  # older releases
        table = table.rename(columns={"iso_3digit_alpha": "country_iso3"})
    if not {"country_code", "country_iso3"} <= set(table.columns):
        raise ParseError(
            "expected columns country_code and country_iso3", path=str(found[-1]), line=1
        )
    return baci_country_map(table=table)


def _line_of(path: Path, column: str, value: object) -> int | None:
    """Line number (1 = header) of the first row whose ``column`` holds ``value`` (error path only)."""
    lines = _lines_of(path, {column: value}, 1)
    return lines[0] if lines else None


def _lines_of(path: Path, match: dict[str, object], limit: int) -> list[int]:
    """Line numbers (1 = header) of the first ``limit`` rows matching ``match`` (error path only)."""
    idx = {_BACI_COLUMNS.index(c): str(v).strip() for c, v in match.items()}
    found: list[int] = []
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            fields = line.rstrip("\r\n").split(",")
            if n > 1 and all(
                len(fields) > i and _same(fields[i].strip(), v) for i, v in idx.items()
            ):
                found.append(n)
                if len(found) >= limit:
                    break
    return found


def _same(text: str, value: str) -> bool:
    return text == value or text.lstrip("0") == value.lstrip("0")


_DUCKDB_LINE = re.compile(r"Line: (\d+)")
_DUCKDB_COLUMN = re.compile(r'column "?(\w+)"?')
_DUCKDB_VALUE = re.compile(r'convert string "([^"]*)"')


def _read_error(path: Path, exc: BaseException) -> ParseError:
    """A one-line :class:`ParseError` (file, line, field, value) from a DuckDB CSV error."""
    text = str(exc)
    line = _DUCKDB_LINE.search(text)
    column = _DUCKDB_COLUMN.search(text)
    value = _DUCKDB_VALUE.search(text)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    reason = "not a whole number" if value else first.split(": ", 1)[-1][:160]
    return ParseError(
        f"cannot read the file: {reason}",
        path=str(path),
        line=int(line.group(1)) if line else None,
        field=column.group(1) if column and column.group(1) in _BACI_COLUMNS else None,
        value=value.group(1) if value else None,
    )


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
) -> int:
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

    Returns
    -------
    int
        Number of rows inserted (``trade`` and ``product_trade``).

    Raises
    ------
    ParseError
        Missing, empty, binary or non-UTF-8 file; wrong name or header; a year outside BACI HS92
        coverage; a file with no mineral row; a value that is not a number, negative, non-finite
        or implausible (caps.csv); a flow repeated (naming the file, line, field and value).
    UnknownNameError
        Country codes with no ISO3 and no decision in :data:`BACI_COUNTRY_OVERRIDES`.
    StoreError
        No store at ``db_path``, or it has no ``trade`` table.

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
    version = files[0][2].lower()
    source_id = f"baci_hs92_v{version}"
    from trust_minerals.data.lock import writer_lock

    with writer_lock(db_path, timeout=lock_timeout, what="import"):
        if not db_path.is_file():
            raise StoreError(f"no database at {db_path}; run 'trust data build' first")
        return _import_locked(db_path, files, hs6_map, products_map, cc, source_id)


def _import_locked(
    db_path: Path,
    files: list[tuple[Path, int, str]],
    hs6_map: pd.DataFrame,
    products_map: pd.DataFrame,
    cc: pd.DataFrame,
    source_id: str,
) -> int:
    import duckdb

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
        con.register("_hs6_map", hs6_map)
        con.register("_products", products_map)
        con.register("_cc", cc)
        con.execute("BEGIN TRANSACTION")
        try:
            if "product_trade" not in tables:  # a store built before the table existed
                from trust_minerals.data.store import _SQL_TYPES

                cols = ", ".join(
                    f'"{c.name}" {_SQL_TYPES[c.dtype]}' for c in spec("product_trade").columns
                )
                con.execute(f"CREATE TABLE product_trade ({cols})")
            n = _stage_and_replace(con, files, source_id, "sources" in tables)
            if "_meta" in tables:
                _record_rows(con, tables | {"product_trade"})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:  # I/O, permission, corruption inside the store
        raise StoreError(f"import into {db_path} failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    return n


def _record_rows(con, tables: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Record the new row counts of the tables an import writes in ``_meta`` (read by the
    integrity check), in the import's transaction."""
    from trust_minerals.data.integrity import ROWS_KEY

    for name in ("trade", "product_trade", "sources"):
        if name not in tables:
            continue
        res = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        key = ROWS_KEY + name
        con.execute("DELETE FROM _meta WHERE key = ?", [key])
        con.execute("INSERT INTO _meta VALUES (?, ?)", [key, str(int(res[0]) if res else 0)])


def _stage_and_replace(
    con, files: list[tuple[Path, int, str]], source_id: str, has_sources: bool
) -> int:  # type: ignore[no-untyped-def]
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
    con.execute(f"DELETE FROM trade WHERE year IN ({', '.join(str(y) for y in years)})")
    cols = ", ".join(f'"{c}"' for c in spec("trade").column_names)
    con.execute(
        f"INSERT INTO trade ({cols}) SELECT ce.iso3, ci.iso3, m.hs6, m.commodity, m.stage, s.t, "
        "TRY_CAST(nullif(nullif(s.v, ''), 'NA') AS DOUBLE) * 1000, "
        "TRY_CAST(nullif(nullif(s.q, ''), 'NA') AS DOUBLE), ? "
        "FROM _baci_stage s JOIN _hs6_map m ON s.k = m.hs6 "
        "JOIN _cc ce ON ce.file = s.file AND ce.code = s.i "
        "JOIN _cc ci ON ci.file = s.file AND ci.code = s.j "
        "WHERE ce.iso3 <> '' AND ci.iso3 <> ''",
        [source_id],
    )
    con.execute(f"DELETE FROM product_trade WHERE year IN ({', '.join(str(y) for y in years)})")
    cols = ", ".join(f'"{c}"' for c in spec("product_trade").column_names)
    con.execute(
        f"INSERT INTO product_trade ({cols}) SELECT ce.iso3, ci.iso3, s.k, s.t, "
        "TRY_CAST(nullif(nullif(s.v, ''), 'NA') AS DOUBLE) * 1000, "
        "TRY_CAST(nullif(nullif(s.q, ''), 'NA') AS DOUBLE), ? "
        "FROM _baci_stage s JOIN _products p ON s.k = p.hs6 "
        "JOIN _cc ce ON ce.file = s.file AND ce.code = s.i "
        "JOIN _cc ci ON ci.file = s.file AND ci.code = s.j "
        "WHERE ce.iso3 <> '' AND ci.iso3 <> ''",
        [source_id],
    )
    res = con.execute(
        "SELECT count(*) FROM trade WHERE year IN (SELECT DISTINCT file_year FROM _baci_stage)"
    ).fetchone()
    inserted = int(res[0]) if res else 0
    res = con.execute(
        "SELECT count(*) FROM product_trade WHERE year IN (SELECT DISTINCT file_year FROM _baci_stage)"
    ).fetchone()
    inserted_products = int(res[0]) if res else 0
    per_year = dict(
        con.execute(
            f"SELECT year, count(*) FROM trade WHERE year IN ({', '.join(str(y) for y in years)}) GROUP BY year"
        ).fetchall()
    )
    empty = [y for y in years if not per_year.get(y)]
    if empty:
        raise ParseError(
            f"no importable row for year {empty[0]} (every mineral row has a country code with no "
            "single ISO3); the store's rows for that year are left as they are",
            path=str(next(f for f, y, _ in files if y == empty[0])),
        )
    excluded = con.execute(
        "SELECT count(*) FROM _baci_stage s WHERE EXISTS (SELECT 1 FROM _cc c WHERE c.iso3 = '' "
        "AND c.file = s.file AND c.code IN (s.i, s.j))"
    ).fetchone()
    if excluded and excluded[0]:
        log.warning(
            "import_baci: %d rows left out (country code with no single ISO3: %s)",
            excluded[0],
            BACI_COUNTRY_OVERRIDES,
        )
    if (
        has_sources
        and not con.execute("SELECT 1 FROM sources WHERE source_id = ?", [source_id]).fetchone()
    ):
        label = "V" + source_id.rsplit("_", 1)[-1][1:]
        release = re.match(r"V(\d{4})", label)
        con.execute(
            "INSERT INTO sources (source_id, title, publisher, year, url, licence, citation) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                f"BACI HS92 {label}",
                "CEPII",
                int(release.group(1)) if release else None,
                "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
                "Etalab 2.0",
                BACI_CITATION.replace("V202401b", label),
            ],
        )
    return inserted + inserted_products


def _check_staged(con, files: list[tuple[Path, int, str]]) -> None:  # type: ignore[no-untyped-def]
    """Refuse a file that yields no mineral row: header only, or no HS6 code of the concordance.

    Replacing a year with nothing would delete that year's trade, so such a file is an error.
    """
    counts = dict(
        con.execute(
            "SELECT file, count(*) FROM _baci_stage WHERE k IN (SELECT hs6 FROM _hs6_map) GROUP BY file"
        ).fetchall()
    )
    for f, year, _ in files:
        if counts.get(str(f)):
            continue
        literal = str(f).replace("'", "''")
        res = con.execute(
            f"SELECT count(*) FROM read_csv('{literal}', header = true, delim = ',', all_varchar = true)"
        ).fetchone()
        total = int(res[0]) if res else 0
        what = (
            "holds no data rows (header only)"
            if total == 0
            else f"holds {total:,} rows but none with an HS6 code of hs6_commodities.csv"
        )
        raise ParseError(
            f"{what}; refusing to replace the store's {year} trade with nothing", path=str(f)
        )


def _check_bounds_and_duplicates(con) -> None:  # type: ignore[no-untyped-def]
    """Refuse implausible values (caps.csv) and repeated flows (BACI has one row per t, i, j, k)."""
    from trust_minerals.caps import cap

    missing = con.execute(
        "SELECT file, CASE WHEN i IS NULL THEN 'i' ELSE 'j' END FROM _baci_stage "
        "WHERE i IS NULL OR j IS NULL LIMIT 1"
    ).fetchone()
    if missing:
        raise ParseError("missing country code", path=missing[0], field=missing[1], value="")
    for col, name in (("v", "baci_value_kusd"), ("q", "baci_quantity_t")):
        limit = cap(name)
        bad = con.execute(
            f"SELECT file, {col} FROM _baci_stage WHERE TRY_CAST({col} AS DOUBLE) > ? LIMIT 1",
            [limit.max],
        ).fetchone()
        if bad:
            path = Path(bad[0])
            raise ParseError(
                f"implausible value above {limit.max:.0e} {limit.unit} (caps.csv {name!r}: "
                f"{limit.reason.removeprefix('assumption: ')})",
                path=str(path),
                line=_line_of(path, col, bad[1]),
                field=col,
                value=bad[1],
            )
    dup = con.execute(
        "SELECT file, t, i, j, k, count(*) OVER () FROM _baci_stage GROUP BY file, t, i, j, k "
        "HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if dup:
        path = Path(dup[0])
        lines = _lines_of(path, {"t": dup[1], "i": dup[2], "j": dup[3], "k": dup[4]}, 2)
        where = f"lines {lines[0]} and {lines[1]}" if len(lines) == 2 else "repeated lines"
        raise ParseError(
            f"{dup[5]:,} flows (t, i, j, k) appear more than once, first at {where} "
            f"(exporter {dup[2]}, importer {dup[3]}, HS6 {dup[4]}); BACI has one row per flow, so "
            "the file is refused rather than summed",
            path=str(path),
            line=lines[0] if lines else None,
        )
