"""Labels written once, as data: the critical-mineral lists and the country groups.

* ``data/spec/lists.csv`` -- each published list: its id (the ``commodities`` flag column and the
  ``critical_lists.list_id``), a short and a long label, its source and the bundled file it is
  parsed from;
* ``data/spec/groups.csv`` -- each country group understood by
  :func:`trust_minerals.countries.resolve_consumer` with its display label.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from trust_minerals.errors import ParseError


def _rows(name: str) -> list[dict[str, str]]:
    path = str(resources.files("trust_minerals").joinpath("data", "spec", name))
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, row in enumerate(rows, start=2):
        for field, value in row.items():
            if not (value or "").strip():
                raise ParseError("empty value", path=path, line=line, field=field)
    return rows


@dataclass(frozen=True)
class ListSpec:
    """One published critical-mineral list."""

    list_id: str
    short_label: str
    label: str
    source_id: str
    file: str
    order_column: str
    name_column: str


@cache
def list_specs() -> tuple[ListSpec, ...]:
    """Every list of ``data/spec/lists.csv``, in display order.

    Examples
    --------
    >>> [s.list_id for s in list_specs()][:2]
    ['us_2025', 'india_2023']
    """
    return tuple(ListSpec(**row) for row in _rows("lists.csv"))


def list_labels(kind: str = "label") -> dict[str, str]:
    """``list_id -> label`` (``kind="short_label"`` for the short form), in display order."""
    return {s.list_id: str(getattr(s, kind)) for s in list_specs()}


@cache
def group_labels() -> dict[str, str]:
    """``group -> label`` from ``data/spec/groups.csv`` (``msp -> MSP``, ``usa_ind -> US + India``).

    Examples
    --------
    >>> group_labels()["usa_ind"]
    'US + India'
    """
    return {row["group"]: row["label"] for row in _rows("groups.csv")}


__all__ = ["ListSpec", "group_labels", "list_labels", "list_specs"]
