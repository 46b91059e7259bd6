"""Tests for reading one published USGS value."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.data.ingest.values import ParsedValue, parse_value
from trust_minerals.errors import ParseError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W", ParsedValue(None, "withheld", "=")),
        ("NA", ParsedValue(None, "not_available", "=")),
        ("XX", ParsedValue(None, "not_calculable", "=")),
        ("s", ParsedValue(None, "small", "=")),
        ("E", ParsedValue(None, "net_exporter", "=")),
        ("—", ParsedValue(0.0, "zero", "=")),
        ("--", ParsedValue(0.0, "zero", "=")),
        (">50", ParsedValue(50.0, "published", ">")),
        ("<25", ParsedValue(25.0, "published", "<")),
        ("<1,000", ParsedValue(1000.0, "published", "<")),
        ("10,000", ParsedValue(10000.0, "published", "=")),
        ("0.18", ParsedValue(0.18, "published", "=")),
        ("50–300", ParsedValue(50.0, "published", "range")),
        ("10,000 - 15,000", ParsedValue(10000.0, "published", "range")),
        ("330 - 390", ParsedValue(330.0, "published", "range")),
        ("Large", ParsedValue(None, "text", "=")),
        ("Moderate to Large", ParsedValue(None, "text", "=")),
        ("Variable, depending on type of product", ParsedValue(None, "text", "=")),
        ("?10", ParsedValue(None, "text", "=")),
    ],
)
def test_codes_numbers_ranges_and_words(text: str, expected: ParsedValue) -> None:
    assert parse_value(text) == expected


def test_non_breaking_space_is_whitespace() -> None:
    assert parse_value("68\xa0") == ParsedValue(68.0, "published", "=")
    assert parse_value("\xa0Very\xa0small ") == ParsedValue(None, "text", "=")


def test_unknown_text_names_file_line_field_and_value() -> None:
    with pytest.raises(ParseError) as err:
        parse_value("abc", path="f.csv", line=7, field="Value")
    msg = str(err.value)
    assert "f.csv" in msg and "line 7" in msg and "'Value'" in msg and "'abc'" in msg
    assert err.value.line == 7


def test_every_value_of_the_real_files_is_readable() -> None:
    import pandas as pd

    from trust_minerals.data.ingest.usgs import _raw

    df = pd.read_csv(
        _raw("usgs_mcs2026", "MCS2026_Commodities_Data.csv"),
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
    )
    statuses = {parse_value(v).status for v in df["Value"].unique()}
    assert {"withheld", "not_available", "zero", "text", "published"} <= statuses


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_round_trip(n: int) -> None:
    parsed = parse_value(f"{n:,}")
    assert parsed.quantity == n and parsed.status == "published" and parsed.qualifier == "="


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_range_quantity_is_the_low_end(a: int, b: int) -> None:
    low, high = sorted((a, b))
    parsed = parse_value(f"{low:,}–{high:,}")
    assert parsed.qualifier == "range" and parsed.quantity is not None
    assert math.isclose(parsed.quantity, low)
