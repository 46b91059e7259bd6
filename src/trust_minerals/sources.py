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
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

from trust_minerals.countries import FLAG_GROUPS, ConsumerLike, named_groups
from trust_minerals.errors import ParseError, UnknownNameError

if TYPE_CHECKING:
    from trust_minerals.dataset import SupplyDataset


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


def reliance_source_ids(
    ds: SupplyDataset, reliance: pd.DataFrame, members: Sequence[str], year: int | None = None
) -> tuple[str, ...]:
    """Sources of import-reliance rows (``commodity`` and ``basis`` columns) for ``members``.

    ``usgs_nir`` reads the USGS salient statistics; ``apparent_consumption`` the members' trade
    and the production rows; ``india_published`` a bundled file outside the sources table (its
    rows cite it in ``basis``/``detail``), so it adds no id.
    """
    if reliance.empty:
        return ()
    frames: list[pd.DataFrame] = []
    by_basis = reliance.groupby("basis")["commodity"].agg(set)
    if "usgs_nir" in by_basis:
        sal = ds.us_salient
        frames.append(sal[sal["commodity"].isin(by_basis["usgs_nir"])])
    if "apparent_consumption" in by_basis:
        wanted = by_basis["apparent_consumption"]
        trade, prod = ds.trade, ds.production
        frames.append(trade[trade["commodity"].isin(wanted) & trade["importer"].isin(members)])
        frames.append(prod[prod["commodity"].isin(wanted) & prod["country"].isin(members)])
    if year is not None:
        frames = [f[f["year"] <= year] for f in frames]
    return used_source_ids(*frames)


def group_source_ids(*sets: ConsumerLike) -> tuple[str, ...]:
    """Sources of the group columns of the ``countries`` table that country sets read (``msp``
    → the MSP file, ``quad``/``g7``/... → the group file; ISO3 codes and ``usa_ind``, a pair
    defined in :mod:`trust_minerals.countries`, read none).

    Examples
    --------
    >>> group_source_ids("msp"), group_source_ids("USA,IND")
    (('msp_2025',), ())
    """
    groups = sorted({g for s in sets for g in named_groups(s) if g in FLAG_GROUPS})
    return column_sources("countries", groups) if groups else ()


__all__ = ["column_sources", "group_source_ids", "reliance_source_ids", "used_source_ids"]
