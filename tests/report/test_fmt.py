"""The one number formatter: significant figures, no exponent, missing stays missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.report import fmt
from trust_minerals.report.fmt import Labels


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9_234_567.0, "9,230,000"),
        (900_000.0, "900,000"),
        (9.2e6, "9,200,000"),
        (0.000123456, "0.000123"),
        (12.345, "12.3"),
        (1000.0, "1,000"),
        (2025, "2,025"),  # an integer quantity keeps its separator; years go through fmt.year
        (0.0, "0"),
        (-1234.5, "-1,230"),
    ],
)
def test_number_keeps_three_significant_figures(value: float, text: str) -> None:
    assert fmt.number(value) == text


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_missing_is_a_dash_never_zero(missing: object) -> None:
    for f in (fmt.number, fmt.share, fmt.hhi, fmt.year, fmt.wgi):
        assert f(missing) == "–"


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).filter(lambda v: v != 0))
def test_number_never_uses_an_exponent_and_stays_within_rounding(value: float) -> None:
    text = fmt.number(value)
    assert "e" not in text.lower()
    back = float(text.replace(",", ""))
    assert math.isclose(back, value, rel_tol=5e-3, abs_tol=0)


def test_year_hhi_share_and_wgi_scales() -> None:
    assert fmt.year(2025.0) == "2025"
    assert fmt.hhi(0.4213) == "4,213"
    assert fmt.share(0.612) == "61.2%"
    assert fmt.share(0.0004) == "<0.1%"
    assert fmt.wgi(-0.523) == "-0.52"


def test_labels_name_countries_commodities_consumers_and_columns() -> None:
    labels = Labels(
        countries={"IND": "India", "USA": "United States"},
        commodities={"rare_earths": "Rare earths"},
    )
    assert labels.country("IND") == "India"
    assert labels.country("World total") == "World total"
    assert labels.commodity("rare_earths") == "Rare earths"
    assert labels.commodity("unknown_thing") == "unknown thing"
    assert labels.consumer("USA+IND") == "United States + India"
    assert labels.header("top3_share") == "Top-3 share"
    assert "0–10,000" in labels.help("hhi")
    assert labels.cell("hhi", 0.25) == "2,500"
    assert labels.cell("top_country", "IND") == "India"
    assert labels.cell("export_controlled", True) == "yes"
    assert labels.cell("since_year", 2023) == "2023"
    assert labels.header("some_new_column") == "Some new column"
