"""Scan the tables of a rendered page (dashboard or brief) for developer-facing text.

Shared by the page and brief tests. The raw ids looked for come from the data itself (the
``countries`` and ``commodities`` tables, the vocabularies of ``data/spec/vocabulary.csv`` and the
column names of ``data/spec/labels.csv``), so a check cannot pass because its list is empty:
:func:`raw_ids` refuses an empty list, and each scan reports how many cells it read.

What counts as a defect in a table cell or header:

* a raw id where a name belongs: an ISO3 code that has a country name (the whole cell or a word
  of it), a commodity id that differs
  from its name, a vocabulary id with ``_`` that has a label (alone or leading the cell), a column
  id of ``labels.csv`` anywhere in the text;
* ``True``/``False``/``None``/``nan``;
* scientific notation (``9e+05``, ``1.2E-3``);
* a year with a thousands separator (``2,025``) in a year column;
* more digits than meaningful: a percentage with more than one decimal, any other decimal with
  more than three significant figures;
* a number column of the dashboard (other than years, ranks and counts) whose header has no
  tooltip naming its unit or scale;
* a missing mark (``–``) in a number column that is not aligned like the numbers (its cell lacks
  the number class) or has no tooltip saying why.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources
from typing import Any

MISSING = "–"
#: the class that right-aligns a number cell: ``num`` on the dashboard, ``n`` in the briefs
NUMBER_CLASSES = frozenset({"num", "n"})
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+\b")
_BOOL_TEXT = frozenset({"True", "False", "true", "false", "None", "nan", "NaN"})
_YEAR_WITH_SEPARATOR = re.compile(r"\b[12],\d{3}\b")
_NUMBER = re.compile(r"^[<>≤≥+\-−]?\d[\d,]*(?:\.(\d+))?(%?)$")


@dataclass
class Cell:
    """One ``th`` or ``td``: its text, classes and tooltip."""

    tag: str
    text: str
    classes: frozenset[str]
    title: str
    name: str = ""  # a dashboard header's column id (data-name)


@dataclass
class Table:
    """One table: its id and rows of cells (the header row first)."""

    id: str
    rows: list[list[Cell]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._cell: Cell | None = None
        self._skip = 0  # inside <style>/<script>/<svg>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("style", "script", "svg"):
            self._skip += 1
        elif tag == "table":
            self.tables.append(Table(a.get("id", "") or f"table-{len(self.tables) + 1}"))
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1].rows:
            self._cell = Cell(
                tag,
                "",
                frozenset(a.get("class", "").split()),
                a.get("title", ""),
                a.get("data-name", ""),
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "svg"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self.tables[-1].rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.text += data


def parse_tables(html: str) -> list[Table]:
    """The tables of ``html`` (cells of nested tables are not expected)."""
    parser = _Parser()
    parser.feed(html)
    return parser.tables


def _spec_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("trust_minerals").joinpath("data", "spec", name)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class RawIds:
    """Ids that must not be shown where a name belongs, each with what it should read."""

    countries: dict[str, str]
    commodities: dict[str, str]
    vocabulary: dict[str, str]
    columns: frozenset[str]
    #: column id -> True where its numbers need no unit (years, ranks and counts)
    unitless: dict[str, bool] = field(default_factory=dict)


def raw_ids(ds: Any) -> RawIds:
    """The raw ids of the dataset and the spec files (none of the lists may be empty)."""
    countries = {
        str(c): str(n)
        for c, n in zip(ds.countries["country"], ds.countries["name"], strict=True)
        if str(c) != str(n)
    }
    commodities = {
        str(c): str(n)
        for c, n in zip(ds.commodities["commodity"], ds.commodities["name"], strict=True)
        if str(c) != str(n)
    }
    vocabulary = {
        r["value"]: r["label"]
        for r in _spec_rows("vocabulary.csv")
        if "_" in r["value"] and r["label"] != r["value"]
    }
    columns = frozenset(r["column"] for r in _spec_rows("labels.csv") if "_" in r["column"])
    unitless = {r["column"]: r["kind"] in ("year", "int") for r in _spec_rows("labels.csv")}
    ids = RawIds(countries, commodities, vocabulary, columns, unitless)
    for name in ("countries", "commodities", "vocabulary", "columns"):
        assert getattr(ids, name), f"no raw {name} to look for: the check would be vacuous"
    return ids


@dataclass
class Audit:
    """What a scan found: the defects and how many cells it read."""

    cells: int = 0
    defects: list[str] = field(default_factory=list)


def _too_many_digits(text: str) -> bool:
    m = _NUMBER.match(text)
    if m is None or m[1] is None:
        return False
    decimals, percent = m[1], m[2]
    if percent:
        return len(decimals) > 1
    digits = re.sub(r"[^\d]", "", text).lstrip("0")
    return len(digits) > 3


def audit_tables(html: str, ids: RawIds) -> Audit:
    """Scan every table of ``html`` for the defects listed in the module docstring."""
    audit = Audit()
    id_word = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./:-])")
    for table in parse_tables(html):
        if not table.rows:
            continue
        head = table.rows[0] if all(c.tag == "th" for c in table.rows[0]) else []
        names = [c.text.casefold() for c in head]
        body = table.rows[1:] if head else table.rows
        number_cols = {
            i
            for row in body
            for i, c in enumerate(row)
            if c.classes & NUMBER_CLASSES and c.text != MISSING
        }
        cells = [(col, c) for col, c in enumerate(head)]
        cells += [(col, c) for row in body for col, c in enumerate(row)]
        for col, cell in cells:
            where = f"{table.id}: {cell.tag} {cell.text[:60]!r}"
            text = cell.text
            if not text or (cell.tag == "td" and text == "no rows"):
                continue
            audit.cells += 1
            # text "as published" (a USGS item text) is quoted, not labelled
            published = col < len(names) and "as published" in names[col]
            if text in ids.countries:
                audit.defects.append(f"{where}: ISO3 code (name {ids.countries[text]!r})")
            lead = re.split(r"[ (]", text, maxsplit=1)[0]
            inside = [w for w in re.findall(r"\b[A-Z]{3}\b", text) if w in ids.countries]
            if inside and text not in ids.countries and not published:
                audit.defects.append(f"{where}: ISO3 code {inside[0]!r} in the text")
            if text in ids.commodities and not published:
                audit.defects.append(f"{where}: commodity id (name {ids.commodities[text]!r})")
            if lead in ids.vocabulary:
                audit.defects.append(f"{where}: vocabulary id (label {ids.vocabulary[lead]!r})")
            for word in id_word.findall(text):
                if word in ids.columns:
                    audit.defects.append(f"{where}: column id {word!r}")
            if text in _BOOL_TEXT:
                audit.defects.append(f"{where}: {text}")
            if _SCIENTIFIC.search(text):
                audit.defects.append(f"{where}: scientific notation")
            if _too_many_digits(text):
                audit.defects.append(f"{where}: more digits than meaningful")
        for row in body:
            for col, cell in enumerate(row):
                name = names[col] if col < len(names) else ""
                if name in ("year", "since") and _YEAR_WITH_SEPARATOR.search(cell.text):
                    audit.defects.append(f"{table.id}: year with a separator {cell.text!r}")
                if cell.text == MISSING and col in number_cols:
                    if not cell.classes & NUMBER_CLASSES:
                        audit.defects.append(
                            f"{table.id}: missing mark in number column {name!r} not aligned "
                            "like the numbers"
                        )
                    if not cell.title:
                        audit.defects.append(
                            f"{table.id}: missing mark in column {name!r} without a tooltip"
                        )
        for col, cell in enumerate(head):
            if "_" in cell.text:
                audit.defects.append(f"{table.id}: raw header {cell.text!r}")
            unitless = cell.name and ids.unitless.get(cell.name, False)
            if col in number_cols and cell.name and not unitless and not cell.title:
                audit.defects.append(
                    f"{table.id}: number column {cell.text!r} names no unit or scale"
                )
    return audit
