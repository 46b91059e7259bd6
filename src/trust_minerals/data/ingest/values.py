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

:func:`read_text` / :func:`read_rows` read a published CSV strictly (encoding, field counts,
unterminated quotes, truncation) and keep each row's line number for error messages.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

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


_MOJIBAKE = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


# ----------------------------------------------------------------------------- reading files


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def read_text(path: str | Path, encoding: str) -> str:
    """Decode a published CSV strictly, raising :class:`ParseError` for the wrong encoding.

    ``encoding`` is ``"cp1252"`` (MCS 2026) or ``"utf-8-sig"`` (MCS 2025). UTF-16, bytes that are
    not cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D), a UTF-8 file where cp1252 is expected and
    UTF-8-as-cp1252 mojibake ("â€”") are errors naming the file and line.

    Examples
    --------
    >>> text = read_text("src/trust_minerals/data/raw/usgs_mcs2026/MCS2026_Commodities_Data.csv", "cp1252")
    >>> text.startswith("MCS chapter")
    True
    """
    path = str(path)
    data = Path(path).read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ParseError(
            f"file looks like UTF-16 (NUL bytes / BOM), expected {encoding}", path=path, line=1
        )
    if encoding == "cp1252" and data.startswith(b"\xef\xbb\xbf"):
        raise ParseError(
            "file starts with a UTF-8 byte-order mark, expected cp1252", path=path, line=1
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"byte {data[exc.start : exc.start + 1]!r} is not valid {encoding}",
            path=path,
            line=_line_of(data, exc.start),
        ) from None
    if encoding == "cp1252":
        first = next((i for i, b in enumerate(data) if b > 0x7F), None)
        if first is not None:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise ParseError(
                    "file is UTF-8, expected cp1252", path=path, line=_line_of(data, first)
                )
    m = _MOJIBAKE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise ParseError(
            f"mojibake {m.group()!r} (UTF-8 read as cp1252)", path=path, line=line, value=m.group()
        )
    return text


def read_rows(path: str | Path, encoding: str, header: tuple[str, ...]) -> pd.DataFrame:
    """Read a published CSV into a frame of text columns plus ``line`` (1-based line number).

    Raises :class:`ParseError` naming file and line for a wrong header, a row with the wrong
    number of fields, an unterminated quote or a last row without its line break (truncated).
    """
    path = str(path)
    text = read_text(path, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        head = next(reader)
        head = [h.lstrip("\ufeff") for h in head]
        if tuple(head) != header:
            raise ParseError(
                f"unexpected header {head!r}; expected {list(header)!r}", path=path, line=1
            )
        for row in reader:
            if len(row) != len(header):
                raise ParseError(
                    f"row has {len(row)} fields, expected {len(header)} (truncated or shifted row?)",
                    path=path,
                    line=reader.line_num,
                    value=",".join(row)[:120],
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ParseError(
            f"malformed CSV ({exc}; unterminated quote?)",
            path=path,
            line=(lines[-1] if lines else 1) + 1,
        ) from None
    except StopIteration:
        raise ParseError("empty file", path=path, line=1) from None
    if text and not text.endswith("\n"):
        raise ParseError(
            "last row has no line break: the file looks truncated", path=path, line=reader.line_num
        )
    df = pd.DataFrame(rows, columns=list(header), dtype=object)
    df["line"] = np.asarray(lines, dtype="int64")
    return df
