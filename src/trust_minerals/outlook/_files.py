"""Paths, the unit table and the name concordance shared by the outlook modules.

Everything here reads data files; no figure is written in code. Unit conversions come from the
project's one unit table (:mod:`trust_minerals.units`, ``data/spec/units.csv``) and names as
published in the outlook files map to commodity ids through ``outlook/data/minerals.csv``.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

from trust_minerals.units import unit_factor, unit_table

__all__ = [
    "commodity_for",
    "name_concordance",
    "outlook_path",
    "raw_outlook_path",
    "read_rows",
    "unit_factor",
    "unit_table",
]


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
def name_concordance() -> tuple[dict[str, str], ...]:
    """Rows of ``data/minerals.csv``: (file, name as published) -> commodity id."""
    return tuple(read_rows(outlook_path("data", "minerals.csv")))


def commodity_for(file: str, name: str) -> str | None:
    """Commodity id for a name as published in ``file`` (``None`` when it has none)."""
    for row in name_concordance():
        if row["file"] == file and row["name"] == name:
            return row["commodity"] or None
    return None
