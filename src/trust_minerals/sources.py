"""Which published sources back a result: the ``source_id`` of the rows a function read.

Most tables name their source on every row (a ``source_id`` column keyed into the ``sources``
table). The ``countries`` table does not: its columns come from the WGI file, the MSP file and the
group membership file, so which source backs which of its columns is data,
``data/spec/column_sources.csv``. Results collect both with :func:`used_source_ids` and carry
them as ``source_ids``; adapters only display them.

Examples
--------
>>> column_sources("countries", ["pv"])
('wgi_2023',)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd

from trust_minerals.errors import ParseError, UnknownNameError


@cache
def _column_sources() -> dict[tuple[str, str], str]:
    path = str(resources.files("trust_minerals").joinpath("data", "spec", "column_sources.csv"))
    out: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            for field in ("table", "column", "source_id"):
                if not (row.get(field) or "").strip():
                    raise ParseError("empty value", path=path, line=line, field=field)
            out[(row["table"], row["column"])] = row["source_id"]
    return out


def column_sources(table: str, columns: Iterable[str] | None = None) -> tuple[str, ...]:
    """Sources of ``columns`` of a table without a ``source_id`` column (all of them by default).

    Raises :class:`UnknownNameError` for a table or column that ``column_sources.csv`` does not
    list.
    """
    known = _column_sources()
    tables = sorted({t for t, _ in known})
    if table not in tables:
        raise UnknownNameError("table with column sources", [table], tables)
    have = [c for t, c in known if t == table]
    wanted = have if columns is None else list(columns)
    bad = [c for c in wanted if c not in have]
    if bad:
        raise UnknownNameError(f"column of {table} with a source", bad, have)
    return tuple(sorted({known[(table, c)] for c in wanted}))


def used_source_ids(*frames: pd.DataFrame | None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Sorted ids in the ``source_id`` column of each frame read, plus ``extra``.

    A frame without a ``source_id`` column (or ``None``) adds nothing; missing ids are skipped.

    Examples
    --------
    >>> used_source_ids(pd.DataFrame({"source_id": ["b", "a", None]}), extra=["c"])
    ('a', 'b', 'c')
    """
    ids: set[str] = {str(e) for e in extra if e}
    for frame in frames:
        if frame is not None and "source_id" in frame.columns:
            ids |= {str(s) for s in frame["source_id"].dropna().unique() if str(s)}
    return tuple(sorted(ids))


__all__ = ["column_sources", "used_source_ids"]
