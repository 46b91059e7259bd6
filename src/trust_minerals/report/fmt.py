"""One formatter for numbers and labels, shared by the dashboard and the briefs.

Rules (one place, so a figure reads the same on a page and in a brief):

* missing (``None``, NaN, ``pd.NA``) prints ``–``; it never becomes 0;
* numbers keep three significant figures and never use scientific notation
  (``9_234_567.0`` → ``9,230,000``; ``0.000123`` → ``0.000123``); integers keep every digit;
* shares print as percentages with one decimal (``0.612`` → ``61.2%``);
* HHI prints on the 0–10,000 scale (``0.4213`` → ``4,213``), the scale named in the column help;
* years print without a thousands separator (``2025``);
* WGI estimates print with a sign and two decimals (``-0.52``), on their −2.5 … +2.5 scale;
* booleans print ``yes``/``no``.

Column labels, kinds, units and help texts are data (``data/spec/labels.csv``); country and
commodity names come from the dataset's ``countries`` and ``commodities`` tables.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

MISSING = "–"


@dataclass(frozen=True)
class ColumnLabel:
    """How one column is shown: its label, kind (share, hhi, number, ...), unit and help text."""

    column: str
    label: str
    kind: str
    unit: str = ""
    help: str = ""


@cache
def column_labels() -> dict[str, ColumnLabel]:
    """The rows of ``data/spec/labels.csv`` keyed by column name."""
    path = resources.files("trust_minerals").joinpath("data", "spec", "labels.csv")
    with path.open(encoding="utf-8") as fh:
        return {r["column"]: ColumnLabel(**r) for r in csv.DictReader(fh)}


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN and ``pd.NA``."""
    if value is None or value is pd.NA:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:  # pragma: no cover - exotic numeric types
        return False


def number(value: Any, sig: int = 3) -> str:
    """``value`` with ``sig`` significant figures, thousands separators, no exponent.

    >>> number(9_234_567.0), number(0.000123456), number(12.345), number(7), number(1000.0)
    ('9,230,000', '0.000123', '12.3', '7', '1,000')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return f"{int(value):,}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return MISSING
    if v == 0:
        return "0"
    digits = sig - 1 - math.floor(math.log10(abs(v)))
    rounded = round(v, digits)
    if digits <= 0:
        return f"{rounded:,.0f}"
    text = f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")
    return text


def share(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.612`` → ``61.2%``; tiny non-zero shares ``<0.1%``.

    >>> share(0.612), share(0.0004), share(None)
    ('61.2%', '<0.1%', '–')
    """
    if is_missing(value):
        return MISSING
    v = float(value) * 100
    floor = 10.0**-digits
    if 0 < abs(v) < floor:
        return f"<{floor:.{digits}f}%"
    return f"{v:.{digits}f}%"


def hhi(value: Any) -> str:
    """HHI (a fraction in [0, 1]) on the 0–10,000 scale: ``0.4213`` → ``4,213``."""
    if is_missing(value):
        return MISSING
    return f"{float(value) * 10_000:,.0f}"


def year(value: Any) -> str:
    """A year without a thousands separator: ``2025.0`` → ``2025``."""
    if is_missing(value):
        return MISSING
    try:
        return str(int(float(value)))
    except (TypeError, ValueError):
        return str(value)


def wgi(value: Any) -> str:
    """A WGI estimate with its sign: ``-0.523`` → ``-0.52``."""
    if is_missing(value):
        return MISSING
    return f"{float(value):+.2f}"


def score(value: Any) -> str:
    """A score with two decimals."""
    return MISSING if is_missing(value) else f"{float(value):.2f}"


_BY_KIND = {"share": share, "hhi": hhi, "year": year, "wgi": wgi, "score": score, "int": number}


@dataclass(frozen=True)
class Labels:
    """Names and formats: ISO3 → country name, commodity id → name, column → label and format."""

    countries: Mapping[str, str] = field(default_factory=dict)
    commodities: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, ds: Any) -> Labels:
        """Names from ``ds.countries`` (``country``, ``name``) and ``ds.commodities``."""
        countries = dict(zip(ds.countries["country"], ds.countries["name"], strict=True))
        commodities = dict(zip(ds.commodities["commodity"], ds.commodities["name"], strict=True))
        return cls(countries=countries, commodities=commodities)

    def country(self, iso3: Any) -> str:
        """``IND`` → ``India``; aggregates (``World total``) and unknown codes as given."""
        if is_missing(iso3):
            return MISSING
        return str(self.countries.get(str(iso3), iso3))

    def commodity(self, commodity: Any) -> str:
        """``rare_earths`` → its name in the commodities table (else the id, spaces for ``_``)."""
        if is_missing(commodity):
            return MISSING
        name = self.commodities.get(str(commodity))
        return str(name) if name else str(commodity).replace("_", " ")

    def consumer(self, text: Any) -> str:
        """``IND`` → ``India``, ``USA+IND`` → ``United States + India``; group names as given."""
        if is_missing(text):
            return MISSING
        parts = [p.strip() for p in str(text).replace(",", "+").split("+")]
        return " + ".join(self.country(p.upper()) if len(p) == 3 else p for p in parts if p)

    def header(self, column: str) -> str:
        """The column's label (``top3_share`` → ``Top-3 share``), else the name in words."""
        spec = column_labels().get(column)
        return spec.label if spec else column.replace("_", " ").capitalize()

    def help(self, column: str) -> str:
        """The column's help text with its unit or scale (empty when there is none)."""
        spec = column_labels().get(column)
        if spec is None:
            return ""
        parts = [p for p in (spec.help, f"unit: {spec.unit}" if spec.unit else "") if p]
        return "; ".join(parts)

    def cell(self, column: str, value: Any) -> str:
        """``value`` of ``column`` as text, by the column's kind."""
        spec = column_labels().get(column)
        kind = spec.kind if spec else ""
        if is_missing(value):
            return MISSING
        if kind == "country":
            return self.country(value)
        if kind == "commodity":
            return self.commodity(value)
        if kind == "consumer":
            return self.consumer(value)
        if kind == "bool" or isinstance(value, bool):
            return "yes" if bool(value) else "no"
        if kind in _BY_KIND:
            return _BY_KIND[kind](value)
        if kind == "text" or isinstance(value, str):
            return str(value)
        return number(value)
