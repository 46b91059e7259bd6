"""Read one published USGS value (``"230,000"``, ``"W"``, ``">50"``, ``"50–300"``, ``"Large"``).

Every published value becomes a :class:`ParsedValue` (quantity, status, qualifier); nothing
silently becomes 0 or disappears. The codes and the words that occur in the files are data, in
``concordance/value_words.csv`` (columns ``text, status, quantity, match, source, note``):

* the MCS 2026 metadata codes ``W`` (withheld), ``NA`` (not available), ``XX`` (not calculable),
  ``s`` (small), ``E`` (net exporter) and ``—`` / ``--`` (zero, quantity 0.0);
* the words published instead of numbers ("Large", "Moderate to large", "Variable, depending on
  type of product", ...): status ``text``, quantity ``None``.

Numbers are read with thousands separators (``"10,000"``); ``>50`` / ``<25`` are censored
(qualifier ``>`` / ``<``, quantity 50 / 25); ``50–300`` or ``10,000 - 15,000`` are ranges
(qualifier ``range``, quantity the low end). Numbers get status ``published``; the caller
upgrades it to ``estimated`` / ``reported`` from the notes. Non-breaking spaces count as spaces.
Anything else raises :class:`~trust_minerals.errors.ParseError` naming file, line, field and value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from trust_minerals.data.concordance import concordance_path
from trust_minerals.errors import ParseError

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SINGLE = re.compile(rf"(?P<sign>[<>]?)\s*(?P<minus>[-−]?)(?P<num>{_NUMBER})")
_RANGE = re.compile(rf"(?P<low>{_NUMBER})\s*[–—-]\s*(?P<high>{_NUMBER})")
_SPACE = re.compile(r"\s+")


class ParsedValue(NamedTuple):
    """A published value: ``quantity`` (``None`` unless numeric or zero), ``status``, ``qualifier``."""

    quantity: float | None
    status: str
    qualifier: str


@cache
def _words() -> tuple[dict[str, ParsedValue], dict[str, ParsedValue]]:
    exact: dict[str, ParsedValue] = {}
    folded: dict[str, ParsedValue] = {}
    with open(concordance_path("value_words.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = normalise_text(row["text"])
            quantity = float(row["quantity"]) if row["quantity"] else None
            parsed = ParsedValue(quantity, row["status"], "=")
            exact[text] = parsed
            if row["match"] == "casefold":
                folded[text.casefold()] = parsed
    return exact, folded


def normalise_text(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space and strip.

    Examples
    --------
    >>> normalise_text("  Large\\xa0 ")
    'Large'
    """
    return _SPACE.sub(" ", text).strip()


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_value(
    text: str,
    *,
    path: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> ParsedValue:
    """Parse one published value into quantity, status and qualifier.

    Parameters
    ----------
    text
        The value exactly as published.
    path, line, field
        Where the value comes from; named in the :class:`ParseError` for an unreadable value.

    Returns
    -------
    ParsedValue
        ``quantity`` is ``None`` for withheld / not available / not calculable / small / net
        exporter / words; 0.0 for the zero code; the low end for a range.

    Raises
    ------
    ParseError
        When the text is neither a number, a censored number, a range, a code nor a known word.

    Examples
    --------
    >>> parse_value("10,000")
    ParsedValue(quantity=10000.0, status='published', qualifier='=')
    >>> parse_value(">50")
    ParsedValue(quantity=50.0, status='published', qualifier='>')
    >>> parse_value("50–300")
    ParsedValue(quantity=50.0, status='published', qualifier='range')
    >>> parse_value("W")
    ParsedValue(quantity=None, status='withheld', qualifier='=')
    """
    clean = normalise_text(str(text))
    exact, folded = _words()
    if clean in exact:
        return exact[clean]
    m = _SINGLE.fullmatch(clean)
    if m:
        value = _number(m["num"])
        if m["minus"]:
            value = -value
        return ParsedValue(value, "published", m["sign"] or "=")
    m = _RANGE.fullmatch(clean)
    if m:
        return ParsedValue(_number(m["low"]), "published", "range")
    if clean.casefold() in folded:
        return folded[clean.casefold()]
    raise ParseError(
        "not a number, a USGS code or a known word (add published words to "
        "concordance/value_words.csv)",
        path=path,
        line=line,
        field=field,
        value=text,
    )


def parse_values(
    texts: Iterable[str],
    *,
    path: str | None = None,
    lines: Iterable[int] | None = None,
    field: str | None = None,
) -> list[ParsedValue]:
    """Parse many values, reading each distinct text once (errors name the first bad line).

    Examples
    --------
    >>> [v.status for v in parse_values(["1", "W", "1"])]
    ['published', 'withheld', 'published']
    """
    texts = list(texts)
    line_list = list(lines) if lines is not None else [None] * len(texts)
    cache: dict[str, ParsedValue] = {}
    out = []
    for text, ln in zip(texts, line_list, strict=True):
        parsed = cache.get(text)
        if parsed is None:
            parsed = parse_value(text, path=path, line=ln, field=field)
            cache[text] = parsed
        out.append(parsed)
    return out
