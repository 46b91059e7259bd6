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

Column labels, kinds, units and help texts are data (``data/spec/labels.csv``); a column whose
values are ids of a controlled vocabulary (a status, a recovery stream, a backtest quantity) names
it, and the values print with their labels from ``data/spec/vocabulary.csv``. Country and
commodity names come from the dataset's ``countries`` and ``commodities`` tables.

A missing value in a number column prints ``–`` aligned like the numbers, with its reason as a
tooltip (:meth:`Labels.missing_reason`: the row's status where it says why, e.g. withheld).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from trust_minerals.schema import vocabulary_labels

MISSING = "–"
#: column kinds that hold numbers
NUMERIC_KINDS = frozenset({"number", "int", "share", "hhi", "year", "wgi", "score"})
#: row statuses (``status`` vocabulary) that say why a value is missing
_MISSING_STATUSES = frozenset({"withheld", "not_available", "not_calculable"})


@dataclass(frozen=True)
class ColumnLabel:
    """How one column is shown: its label, kind (share, hhi, number, ...), unit and help text."""

    column: str
    label: str
    kind: str
    unit: str = ""
    help: str = ""
    vocabulary: str = ""

    @property
    def numeric(self) -> bool:
        """True where the column holds numbers (shown right-aligned, missing marks included)."""
        return self.kind in NUMERIC_KINDS


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


def hhi_range(low: Any, high: Any) -> str:
    """An HHI range (named countries only .. 'Other countries' as one producer) on the 0–10,000
    scale; one number where both ends print the same, ``–`` where both are missing, and the
    known end marked as a bound where only one is.

    >>> hhi_range(0.2024, 0.20241), hhi_range(0.49, 0.4904), hhi_range(None, 0.3)
    ('2,024', '4,900–4,904', '≤3,000')
    """
    lo, hi = hhi(low), hhi(high)
    if lo == MISSING and hi != MISSING:
        return f"≤{hi}"
    if hi == MISSING and lo != MISSING:
        return f"≥{lo}"
    return lo if lo == hi else f"{lo}–{hi}"


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

    def is_numeric(self, column: str) -> bool:
        """True where ``column`` is a number column by its kind in ``labels.csv``."""
        spec = column_labels().get(column)
        return bool(spec and spec.numeric)

    def missing_reason(self, column: str, row: Mapping[str, Any] | None = None) -> str:
        """Why ``column`` has no value in ``row``, for the tooltip of its ``–``.

        The row's ``status`` where it says why (withheld, not available, not calculable), else
        that the figure is not published or not computable, with the row's note where it has
        one (``comparison_note``, ``import_need_note`` ...) -- a missing value is never zero.

        >>> Labels().missing_reason("quantity", {"status": "withheld"})
        'withheld (W), not zero'
        >>> Labels().missing_reason("gap_t", {"comparison_note": "share only"})
        'no figure, not zero: share only'
        """
        row = row or {}
        status = row.get("status")
        if isinstance(status, str) and status in _MISSING_STATUSES:
            return f"{vocabulary_labels('status')[status]}, not zero"
        notes = [
            str(v)
            for k, v in row.items()
            if (k.endswith("_note") or k in ("note", "notes")) and isinstance(v, str) and v
        ]
        return (
            "; ".join(["no figure, not zero: " + notes[0], *notes[1:]])
            if notes
            else ("no figure (not published or not computable), not zero")
        )

    def value_label(self, column: str, value: str) -> str:
        """A vocabulary id of ``column`` as its label; an id leading a text keeps the rest
        (``usgs_mcs 2023-2025`` → ``USGS MCS 2023-2025``).

        >>> Labels().value_label("stream", "coal_fly_ash"), Labels().value_label("id", "x_y")
        ('Coal fly ash', 'x_y')
        """
        spec = column_labels().get(column)
        if spec is None or not spec.vocabulary:
            return value
        names = vocabulary_labels(spec.vocabulary)
        if value in names:
            return names[value]
        head, sep, rest = value.partition(" ")
        return f"{names[head]}{sep}{rest}" if sep and head in names else value

    def words(self, text: str) -> str:
        """``text`` with each column id it names (``import_need_low_t``) in words, from
        ``labels.csv``; other words unchanged.

        >>> Labels().words("no import_reliance, reserve_concentration")
        'no import reliance, reserve concentration'
        """
        return _COLUMN_ID.sub(lambda m: _in_words(m[0]), text)

    def cell(self, column: str, value: Any) -> str:
        """``value`` of ``column`` as text, by the column's kind (vocabulary ids as labels)."""
        spec = column_labels().get(column)
        kind = spec.kind if spec else ""
        if is_missing(value):
            return MISSING
        if isinstance(value, str) and spec is not None and spec.vocabulary:
            text = self.value_label(column, value)
            if text != value:
                return text
        if kind == "country":
            return self.country(value)
        if kind == "countries":  # a list of ISO3 codes ("USA, CAN")
            return ", ".join(self.country(c.strip()) for c in re.split(r"[,;]", str(value)))
        if kind == "commodity":
            return self.commodity(value)
        if kind == "consumer":
            return self.consumer(value)
        if kind == "bool" or isinstance(value, bool):
            return "yes" if bool(value) else "no"
        if kind in _BY_KIND:
            return _BY_KIND[kind](value)
        if kind == "text" or isinstance(value, str):
            return self.words(str(value))
        return number(value)


#: a snake_case id (two or more parts) standing alone in a text
_COLUMN_ID = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./:-])")


def _in_words(name: str) -> str:
    """A column id's label for mid-sentence use (first letter lowered unless an acronym)."""
    spec = column_labels().get(name)
    if spec is None:
        return name
    label = spec.label
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]
