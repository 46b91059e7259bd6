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


def test_vocabulary_ids_print_as_their_labels_from_the_spec() -> None:
    from trust_minerals.schema import vocabulary_labels

    labels = Labels()
    streams = vocabulary_labels("recovery_stream")
    assert labels.cell("stream", "coal_fly_ash") == streams["coal_fly_ash"] != "coal_fly_ash"
    quantities = vocabulary_labels("backtest_quantity")
    assert labels.cell("quantity", "export_fall") == quantities["export_fall"]
    assert labels.cell("quantity", 1200.0) == "1,200"  # a number in the same column stays one
    assert labels.cell("status", "withheld") == "withheld (W)"
    # an id leading a text keeps the rest; an unknown value is shown as it is
    assert labels.cell("growth_basis", "world_mining_data 2021-2024") == (
        "World Mining Data 2021-2024"
    )
    assert labels.cell("status", "computed") == "computed"
    assert labels.cell("withheld", "USA,CAN") == "USA, CAN"  # no names given: codes kept
    named = Labels(countries={"USA": "United States", "CAN": "Canada"})
    assert named.cell("withheld", "USA,CAN") == "United States, Canada"


def test_column_ids_in_a_text_read_as_words() -> None:
    labels = Labels()
    assert labels.words("no import_reliance, reserve_concentration") == (
        "no import reliance, reserve concentration"
    )
    # file names, unknown ids and acronym labels are left alone or keep their capitals
    assert labels.words("material_intensity.csv:35 and x_y") == "material_intensity.csv:35 and x_y"
    assert labels.words("see hhi_upper") == "see HHI (upper bound)"
    assert labels.cell("notes", "share of world_total") == "share of world total"


def test_a_missing_value_says_why_and_never_reads_as_zero() -> None:
    labels = Labels()
    assert labels.missing_reason("quantity", {"status": "withheld"}) == "withheld (W), not zero"
    assert "not available (NA)" in labels.missing_reason("quantity", {"status": "not_available"})
    reason = labels.missing_reason("gap_t", {"comparison_note": "share only: clean technologies"})
    assert reason.endswith("share only: clean technologies") and "not zero" in reason
    assert "not published or not computable" in labels.missing_reason("x", None)
    assert labels.is_numeric("gap_t") and not labels.is_numeric("stream")


def test_hhi_range_prints_one_number_when_both_ends_agree() -> None:
    assert fmt.hhi_range(0.2024, 0.20241) == "2,024"
    assert fmt.hhi_range(0.49, 0.4904) == "4,900–4,904"
    assert fmt.hhi_range(None, None) == fmt.MISSING
    assert fmt.hhi_range(0.3, None) == "≥3,000"
