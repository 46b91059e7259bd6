"""Concordances written as data: names as published -> the platform's vocabulary.

* ``commodities.csv`` — the commodity ids (snake_case) with names;
* ``country_aliases.csv`` — country names that ``country_converter`` does not resolve (or resolves
  wrongly) -> ISO3;
* ``aggregates.csv`` — names of aggregate rows (``World total``, ``Other countries``) kept as such.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from functools import cache
from importlib import resources

from trust_minerals.errors import UnknownNameError


def concordance_path(name: str) -> str:
    return str(resources.files("trust_minerals").joinpath("data", "concordance", name))


def read_concordance(name: str) -> list[dict[str, str]]:
    """Rows of a concordance CSV as dictionaries."""
    with open(concordance_path(name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def _aliases() -> dict[str, str]:
    return {
        r["name"].strip().casefold(): r["country"] for r in read_concordance("country_aliases.csv")
    }


@cache
def aggregate_names() -> dict[str, str]:
    """Published aggregate names (case-folded) -> canonical aggregate name."""
    return {
        r["name"].strip().casefold(): r["canonical"] for r in read_concordance("aggregates.csv")
    }


@cache
def country_converter():  # type: ignore[no-untyped-def]
    """The one ``country_converter.CountryConverter`` of the package (names -> ISO3).

    Built from its bundled country table read here as text, blanks missing except in the two
    columns it compiles as patterns (``regex``, ``ISO2``), where a blank stays ``''`` and
    Namibia's ISO2 ``NA`` stays text. That is what its own reader gives under pandas 2;
    under pandas 3 its reader turns those cells into NaN and the constructor fails
    (country_converter 1.3.2), so the table is not left to it.
    """
    import country_converter as coco
    import pandas as pd

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    path = coco.country_converter.COUNTRY_DATA_FILE
    table = pd.read_csv(path, sep="\t", encoding="utf-8", dtype=str, keep_default_na=False)
    for col in table.columns:
        if col not in ("regex", "ISO2"):
            table[col] = table[col].replace("", None)
    return coco.CountryConverter(country_data=table)


def _coco_lookup_many(names: list[str]) -> dict[str, str | None]:
    """One batch conversion of unique names (building a converter per name is slow)."""
    if not names:
        return {}
    result = country_converter().convert(names, to="ISO3", not_found=None)
    result = [result] if isinstance(result, str) or result is None else list(result)
    out: dict[str, str | None] = {}
    for name, code in zip(names, result, strict=True):
        out[name] = code if isinstance(code, str) and len(code) == 3 else None  # lists = ambiguous
    return out


def to_iso3(
    names: Iterable[str], *, where: str | None = None, allow_aggregates: bool = False
) -> list[str]:
    """Map country names (or ISO3 codes) to ISO3 codes.

    The alias file is consulted first, then ``country_converter``. With ``allow_aggregates`` the
    names in ``aggregates.csv`` map to their canonical aggregate name. Every name that matches
    nothing is listed in one :class:`UnknownNameError`.

    Examples
    --------
    >>> to_iso3(["Congo (Kinshasa)", "Burma", "India"])
    ['COD', 'MMR', 'IND']
    """
    names = [str(n) for n in names]
    out: list[str] = []
    unmatched: list[str] = []
    aliases = _aliases()
    aggregates = aggregate_names()
    to_convert = sorted(
        {" ".join(n.split()) for n in names}
        - {
            k
            for k in {" ".join(n.split()) for n in names}
            if k.casefold() in aliases or (allow_aggregates and k.casefold() in aggregates)
        }
    )
    converted = _coco_lookup_many(to_convert)
    for raw in names:
        key = " ".join(raw.split()).casefold()
        if allow_aggregates and key in aggregates:
            out.append(aggregates[key])
            continue
        code = aliases.get(key) or converted.get(" ".join(raw.split()))
        if code is None:
            unmatched.append(raw)
            out.append("")
        else:
            out.append(code)
    if unmatched:
        raise UnknownNameError("country name", sorted(set(unmatched)), None, where)
    return out
