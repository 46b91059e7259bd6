"""Checks of BACI year files before they touch the store (used by :mod:`.trade_import`).

Names, years and header of the files; then, on the rows DuckDB staged, no empty year, no
implausible value (caps.csv) and no repeated flow, each refusal naming file, line, field and value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from trust_minerals.data.ingest.trade import _BACI_COLUMNS, _BACI_FILE, baci_country_map
from trust_minerals.errors import ParseError


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
