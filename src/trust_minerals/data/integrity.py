"""Integrity of the store: every block read (DuckDB checks each block's checksum) and every
table's row count compared with the count the last build or import recorded in ``_meta``.

Used by ``trust data check --integrity`` (refuses a damaged store with
:class:`StoreCorruptError`) and by ``trust data build`` (rebuilds a damaged store instead of
calling it up to date).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trust_minerals.errors import StoreError
from trust_minerals.schema import table_specs

ROWS_KEY = "rows."
"""``_meta`` keys ``rows.<table>`` hold the row count written by the last build or import."""


class StoreCorruptError(StoreError):
    """The store fails its integrity check (bad block checksum, missing table, wrong row count)."""


@dataclass(frozen=True)
class IntegrityReport:
    """Per table: rows found, rows recorded at build/import, and a hash of every value read."""

    path: Path
    table: pd.DataFrame


def verify_store(path: Path | str | None = None) -> IntegrityReport:
    """Read every value of every table and compare the row counts with the recorded ones.

    Raises
    ------
    StoreError
        No store at ``path``.
    StoreCorruptError
        A block's checksum does not match, a table is missing or unreadable, or a row count
        differs from the one recorded by the last build or import.

    Examples
    --------
    >>> verify_store().table[["table", "rows", "recorded"]].head(2)   # doctest: +SKIP
    """
    import duckdb

    from trust_minerals.data.store import _connect, default_db_path

    path = Path(path) if path else default_db_path()
    if not path.is_file():
        raise StoreError(f"no database at {path}; run 'trust data build' first")
    rebuild = "rebuild it with 'trust data build --force'"
    con = _connect(path, read_only=True)
    rows = []
    try:
        try:
            meta = dict(con.execute("SELECT key, value FROM _meta").fetchall())
        except duckdb.Error as exc:
            raise StoreCorruptError(
                f"{path}: cannot read the build metadata ({_first_line(exc)}); {rebuild}"
            ) from None
        for name in table_specs():
            try:
                n, digest = con.execute(
                    f'SELECT count(*), bit_xor(hash(*COLUMNS(*))) FROM "{name}"'
                ).fetchone() or (0, None)
            except duckdb.Error as exc:
                raise StoreCorruptError(
                    f"{path}: table {name!r} cannot be read ({_first_line(exc)}); {rebuild}"
                ) from None
            recorded = meta.get(ROWS_KEY + name)
            rows.append(
                {
                    "table": name,
                    "rows": int(n),
                    "recorded": int(recorded) if recorded is not None else None,
                    "hash": f"{int(digest or 0):016x}",
                }
            )
    finally:
        con.close()
    table = pd.DataFrame(rows)
    off = table[table["recorded"].notna() & (table["rows"] != table["recorded"])]
    if len(off):
        first = off.iloc[0]
        raise StoreCorruptError(
            f"{path}: table {first['table']!r} holds {first['rows']} rows but the last build or "
            f"import recorded {int(first['recorded'])}; {rebuild}"
        )
    return IntegrityReport(path, table)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
