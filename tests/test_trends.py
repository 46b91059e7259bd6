"""Trends: import sources by year cross-checked against import_suppliers; WMD shares by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import countries_table, sources_table
from tests.metrics.test_trade import COUNTRIES, HAND, _flows
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.trade import import_suppliers
from trust_minerals.trends import (
    OTHER_EXPORTERS,
    commodity_trends,
    concentration_trend,
    import_source_trend,
)


def _ds(rows: list[tuple], wmd: pd.DataFrame | None = None) -> SupplyDataset:
    tables = {
        "trade": _flows(rows),
        "countries": countries_table(COUNTRIES),
        "sources": sources_table(),
    }
    if wmd is not None:
        tables["production_wmd"] = wmd
    return SupplyDataset.from_tables(tables)


def test_import_shares_by_year_match_import_suppliers() -> None:
    ds = _ds(HAND)
    trend = import_source_trend(ds, "lithium", "IND", top=10)
    for year in (2023, 2024):
        expected = import_suppliers(ds, "lithium", "IND", year).set_index("exporter")["share"]
        got = trend[trend["year"] == year].set_index("exporter")["share"]
        assert got.sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict())


def test_small_exporters_are_pooled_and_shares_still_sum_to_one() -> None:
    trend = import_source_trend(_ds(HAND), "lithium", "IND", top=2)
    assert OTHER_EXPORTERS in set(trend["exporter"])
    sums = trend.groupby("year")["share"].sum()
    assert sums.tolist() == pytest.approx([1.0] * len(sums))


def test_group_consumer_leaves_out_flows_between_members() -> None:
    trend = import_source_trend(_ds(HAND), "lithium", "USA+IND", top=10)
    assert "USA" not in set(trend["exporter"])  # USA -> IND is internal to the group


def test_no_trade_is_an_empty_table_not_zeros() -> None:
    assert import_source_trend(_ds(HAND), "cobalt", "USA").empty


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=1, max_value=1e6), min_size=1, max_size=5))
def test_wmd_shares_are_of_the_listed_sum(quantities: list[float]) -> None:
    countries = ["ARG", "AUS", "CHL", "CHN", "USA"][: len(quantities)]
    wmd = pd.DataFrame(
        {
            "commodity": "lithium",
            "wmd_name": "Lithium (Li2O)",
            "country": countries,
            "year": 2020,
            "quantity": quantities,
            "unit": "metric tons",
            "source_id": "test",
        }
    )
    row = concentration_trend(_ds(HAND, wmd), "lithium").iloc[0]
    total = sum(quantities)
    assert row["top_share"] == pytest.approx(max(quantities) / total)
    assert row["hhi"] == pytest.approx(sum((q / total) ** 2 for q in quantities))
    assert "listed countries" in row["basis"]


def test_trends_bundle_names_the_consumer_and_events() -> None:
    t = commodity_trends(_ds(HAND), "lithium", "IND")
    assert t.consumer == "IND"
    assert list(t.events.columns) == ["year", "country", "control_type", "item_text", "source_id"]
