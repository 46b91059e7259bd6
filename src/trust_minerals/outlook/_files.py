"""Paths, the unit table and the name concordance shared by the outlook modules.

Everything here reads data files; no figure is written in code. Unit conversions come from
``outlook/data/units.csv`` (each factor with its definition) and names as published in the
outlook files map to commodity ids through ``outlook/data/minerals.csv``.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

from trust_minerals.errors import ParseError


def outlook_path(*parts: str) -> Path:
    """Path of a file shipped in ``trust_minerals/outlook`` (``data/...`` or ``plans/...``)."""
    return Path(str(resources.files("trust_minerals").joinpath("outlook", *parts)))


def raw_outlook_path(name: str) -> Path:
    """Path of a bundled raw outlook file (``data/raw/outlook/<name>``)."""
    return Path(str(resources.files("trust_minerals").joinpath("data", "raw", "outlook", name)))


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dictionaries (all values text)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def unit_table() -> dict[str, tuple[str, float, str]]:
    """Unit text as published -> ``(kind, factor, canonical unit)`` from ``data/units.csv``."""
    path = outlook_path("data", "units.csv")
    out: dict[str, tuple[str, float, str]] = {}
    for line, row in enumerate(read_rows(path), start=2):
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
            f"unit not in the outlook unit table (outlook/data/units.csv){' in ' + where if where else ''}",
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


@cache
def name_concordance() -> tuple[dict[str, str], ...]:
    """Rows of ``data/minerals.csv``: (file, name as published) -> commodity id."""
    return tuple(read_rows(outlook_path("data", "minerals.csv")))


def commodity_for(file: str, name: str) -> str | None:
    """Commodity id for a name as published in ``file`` (``None`` when it has none)."""
    for row in name_concordance():
        if row["file"] == file and row["name"] == name:
            return row["commodity"] or None
    return None
