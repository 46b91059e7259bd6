"""Export controls: USGS MCS 2026 table T4 (export bans and controls by country) -> table
``export_controls`` plus the items that are not platform commodities.

Each free-text list ("Bauxite (2023), copper concentrates (2023), and nickel ore (2020).") is split
into items by :func:`split_control_items`; each item goes through
``concordance/export_control_items.csv`` (``item_text, commodity, note``; ``commodity`` is one id or
several joined by ``;``, empty for an item that is not a platform commodity, with the reason in
``note``). An item with no row in the concordance raises
:class:`~trust_minerals.errors.UnknownNameError`; nothing is dropped silently. The public functions
are re-exported by :mod:`trust_minerals.data.ingest.reference`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from trust_minerals.data.concordance import read_concordance, to_iso3
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import spec, validate, vocabulary

_TRENDS_SOURCE = "usgs_mcs2026_trends"
_T4 = ("usgs_mcs2026", "industry_trends", "MCS2026_T4_Country_Export_Control.csv")


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _source_ids() -> set[str]:
    from trust_minerals.data.ingest.reference import parse_sources

    return set(parse_sources()["source_id"])


class ControlItem(NamedTuple):
    """One item of a published export-control list."""

    head: str  # shared qualifier published before the list ("Ores and concentrates of"), or ""
    item: str  # the item as published ("cobalt")
    year: int | None  # year in the parentheses that close the item's group, None if none


_YEAR = re.compile(r"\d{4}")
_HEAD = re.compile(r"^(?P<head>[^,()]*?(?:,\s*including|\sof))\s+(?P<rest>\S.*)$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:[,;]\s*)?(?:and\s+)?", re.IGNORECASE)


def _depth0(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of ``sep`` matches that lie outside parentheses."""
    depth = [0] * (len(text) + 1)
    d = 0
    for i, ch in enumerate(text):
        d += ch == "("
        depth[i] = d
        d -= ch == ")"
    return [m.span() for m in sep.finditer(text) if depth[m.start()] == 0]


def _split_on(text: str, spans: list[tuple[int, int]]) -> list[str]:
    parts, start = [], 0
    for a, b in spans:
        parts.append(text[start:a])
        start = b
    parts.append(text[start:])
    return parts


def split_control_items(text: str, protected: Iterable[str] = ()) -> list[ControlItem]:
    """Split a published export-control list into items with their years.

    The grammar follows USGS MCS 2026 table T4: items separated by commas and ``and``; a
    parenthesised year closes a group of items and applies to all of them ("Bauxite (2023), copper
    concentrates (2023), and nickel ore (2020)."); a group may open with a shared qualifier ending
    in ``of`` or ``, including`` ("Ores and concentrates of cobalt, graphite, ... (2023)."). Other
    parentheses belong to the item ("Copper (refined and alloys)"). Phrases in ``protected`` (case-
    insensitive; e.g. "metal waste and scrap") are never split at their ``and``.

    Raises
    ------
    ValueError
        Unbalanced parentheses, a parenthesis holding digits that is not a year, or an empty item.

    Examples
    --------
    >>> [(i.item, i.year) for i in split_control_items("Bauxite (2023), and nickel ore (2020).")]
    [('Bauxite', 2023), ('nickel ore', 2020)]
    """
    text = " ".join(str(text).split())
    if text.count("(") != text.count(")") or re.search(r"\)[^(]*\)|\([^)]*\(", text):
        raise ValueError("unbalanced or nested parentheses")
    groups: list[tuple[str, int | None]] = []
    start = 0
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = m.group(1).strip()
        if _YEAR.fullmatch(inner):
            groups.append((text[start : m.start()], int(inner)))
            start = m.end()
        elif re.search(r"\d", inner):
            raise ValueError(f"parenthesis {m.group(0)!r} is not a year")
    tail = text[start:].strip().rstrip(".").strip()
    if tail or not groups:
        groups.append((tail, None))
    patterns = [re.compile(rf"\b{re.escape(_norm(p))}\b") for p in protected if " and " in _norm(p)]
    items: list[ControlItem] = []
    for segment, year in groups:
        segment = _LEADING.sub("", segment.strip(), count=1).strip()
        if not segment:
            raise ValueError(f"no item before the year {year}")
        head, rest = "", segment
        found = _HEAD.match(segment)
        if found:
            head, rest = found.group("head"), found.group("rest")
        for piece in _split_on(rest, _depth0(rest, re.compile(r",\s*"))):
            piece = _LEADING.sub("", piece.strip(), count=1).strip()
            folded = piece.casefold()
            guarded = [s for p in patterns for s in (x.span() for x in p.finditer(folded))]
            cuts = [
                s
                for s in _depth0(piece, re.compile(r"\s+and\s+", re.IGNORECASE))
                if not any(a < s[0] < b for a, b in guarded)
            ]
            for item in _split_on(piece, cuts):
                item = item.strip().rstrip(".").strip()
                if not item:
                    raise ValueError("empty item")
                items.append(ControlItem(head, item, year))
    return items


@cache
def _control_items() -> dict[str, tuple[tuple[str, ...], str]]:
    rows = read_concordance("export_control_items.csv")
    known = set(vocabulary("commodity"))
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    bad: list[str] = []
    for r in rows:
        ids = tuple(c.strip() for c in r["commodity"].split(";") if c.strip())
        bad += [c for c in ids if c not in known]
        if not ids and not r["note"].strip():
            raise ParseError(
                "an unmapped item needs a note saying why",
                path="export_control_items.csv",
                value=r["item_text"],
            )
        out[_norm(r["item_text"])] = (ids, r["note"].strip())
    if bad:
        raise UnknownNameError(
            "commodity", sorted(set(bad)), None, "concordance/export_control_items.csv"
        )
    return out


_T4_COLUMNS = ("Country", "Control_Type", "Commodity_Year", "Data_source")


def parse_export_controls(path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read USGS MCS 2026 table T4 (export bans and controls by country).

    Parameters
    ----------
    path
        The T4 CSV (UTF-8 with BOM); default the bundled file.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Table ``export_controls`` (one row per item and commodity id; ``item_text`` is the item as
        published, preceded by the group's shared qualifier when there is one, e.g. "Ores and
        concentrates of cobalt"; ``control_type`` as published with surrounding spaces removed;
        ``since_year`` the year printed after the item, missing where none is), and ``unmapped`` (``country, item_text, reason``): the items
        that are not platform commodities, with the concordance's reason.

    Raises
    ------
    ParseError
        A malformed line (wrong number of fields, empty field, unreadable item list), naming file
        and line.
    UnknownNameError
        Items missing from ``export_control_items.csv`` or unknown country names (all listed).

    Examples
    --------
    >>> controls, unmapped = parse_export_controls()
    >>> controls.query("country == 'IDN' and commodity == 'nickel'").since_year.tolist()
    [2020]
    """
    if path is None:
        path = Path(str(resources.files("trust_minerals").joinpath("data", "raw", *_T4)))
    path = Path(path)
    concordance = _control_items()
    protected = list(concordance)
    parsed: list[tuple[int, dict[str, str], list[ControlItem]]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in _T4_COLUMNS if c not in header]
        if missing:
            raise ParseError(f"missing column(s) {', '.join(missing)}", path=str(path), line=1)
        for row in reader:
            line = reader.line_num
            if not any(v.strip() for v in row):
                continue
            if len(row) != len(header):
                raise ParseError(
                    f"expected {len(header)} fields, found {len(row)}", path=str(path), line=line
                )
            rec = {h: v.strip() for h, v in zip(header, row, strict=True)}
            for col in ("Country", "Control_Type", "Commodity_Year"):
                if not rec[col]:
                    raise ParseError("empty field", path=str(path), line=line, field=col)
            try:
                items = split_control_items(rec["Commodity_Year"], protected)
            except ValueError as exc:
                raise ParseError(
                    str(exc),
                    path=str(path),
                    line=line,
                    field="Commodity_Year",
                    value=rec["Commodity_Year"],
                ) from None
            parsed.append((line, rec, items))
    iso3 = to_iso3([rec["Country"] for _, rec, _ in parsed], where=str(path))
    unknown = sorted(
        {i.item for _, _, items in parsed for i in items if _norm(i.item) not in concordance}
    )
    if unknown:
        raise UnknownNameError("export-control item", unknown, sorted(protected), str(path))
    rows: list[dict[str, Any]] = []
    unmapped: list[dict[str, Any]] = []
    for (_, rec, items), country in zip(parsed, iso3, strict=True):
        for item in items:
            item_text = f"{item.head} {item.item}" if item.head else item.item
            ids, note = concordance[_norm(item.item)]
            if not ids:
                unmapped.append({"country": country, "item_text": item_text, "reason": note})
            for commodity in ids:
                rows.append(
                    {
                        "country": country,
                        "commodity": commodity,
                        "control_type": rec["Control_Type"],
                        "since_year": item.year,
                        "item_text": item_text,
                        "source_url": rec.get("Data_source") or None,
                        "source_id": _TRENDS_SOURCE,
                    }
                )
    df = pd.DataFrame.from_records(rows, columns=spec("export_controls").column_names)
    df["since_year"] = pd.array(df["since_year"].tolist(), dtype="Int64")
    table = validate("export_controls", df, where=str(path), sources=_source_ids())
    return table, pd.DataFrame.from_records(unmapped, columns=["country", "item_text", "reason"])
