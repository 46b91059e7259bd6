"""The one unit table: unit text as published -> kind, factor to the canonical unit, source.

``data/spec/units.csv`` lists every unit the platform reads (USGS, World Mining Data, BACI, the
outlook files) with its kind (``mass``, ``mass_fraction``, ``count``, ...), the factor to the kind's
canonical unit (``t`` for mass) and its source. :func:`unit_factor` converts one unit;
:func:`tonnes_per_unit` gives the mass factors of a chosen set of unit names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from trust_minerals.errors import ParseError

UNITS_FILE = Path(str(resources.files("trust_minerals").joinpath("data", "spec", "units.csv")))


@cache
def unit_table() -> dict[str, tuple[str, float, str]]:
    """Unit text as published -> ``(kind, factor, canonical unit)`` from ``data/spec/units.csv``.

    Every row must have a number and a source (a definition or a citation)."""
    path = UNITS_FILE
    out: dict[str, tuple[str, float, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, row in enumerate(rows, start=2):
        try:
            factor = float(row["factor"])
        except ValueError:
            raise ParseError(
                "factor is not a number",
                path=str(path),
                line=line,
                field="factor",
                value=row["factor"],
            ) from None
        if not row["source"].strip():
            raise ParseError("unit factor has no source", path=str(path), line=line, field="source")
        out[row["unit"]] = (row["kind"], factor, row["canonical"])
    return out


def unit_factor(unit: str, kind: str | tuple[str, ...], *, where: str = "") -> float:
    """Factor converting ``unit`` to the canonical unit of ``kind``.

    Raises :class:`ParseError` if the unit is not in the unit table or is of another kind.

    Examples
    --------
    >>> unit_factor("thousand metric tons", "mass")
    1000.0
    """
    kinds = (kind,) if isinstance(kind, str) else kind
    table = unit_table()
    if unit not in table:
        raise ParseError(
            f"unit not in the unit table (data/spec/units.csv){' in ' + where if where else ''}",
            field="unit",
            value=unit,
        )
    k, factor, _ = table[unit]
    if k not in kinds:
        raise ParseError(
            f"unit is a {k} unit, expected {' or '.join(kinds)}{' in ' + where if where else ''}",
            field="unit",
            value=unit,
        )
    return factor


def tonnes_per_unit(units: Iterable[str]) -> dict[str, float]:
    """Metric tons per unit for each of ``units`` (each must be a mass unit of the table).

    Examples
    --------
    >>> tonnes_per_unit(["kilograms", "thousand metric tons"])
    {'kilograms': 0.001, 'thousand metric tons': 1000.0}
    """
    return {u: unit_factor(u, "mass") for u in units}


__all__ = ["UNITS_FILE", "tonnes_per_unit", "unit_factor", "unit_table"]
