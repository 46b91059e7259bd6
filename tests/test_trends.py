"""Trends: import sources by year cross-checked against import_suppliers; WMD shares by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import countries_table, sources_table
from tests.metrics.test_trade import COUNTRIES, HAND, HAND_FORMS, _flows, forms_rows
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics.trade import import_suppliers
from trust_minerals.trends import (
    OTHER_EXPORTERS,
    commodity_trends,
    concentration_trend,
    import_source_trend,
    import_stage_notes,
)


def _ds(
    rows: list[tuple], wmd: pd.DataFrame | None = None, forms: list[tuple] | None = None
) -> SupplyDataset:
    tables = {
        "trade": _flows(rows),
        "countries": countries_table(COUNTRIES),
        "sources": sources_table(),
    }
    if forms is not None:
        tables["forms"] = forms_rows(forms)
    if wmd is not None:
        tables["production_wmd"] = wmd
    return SupplyDataset.from_tables(tables)


def test_import_shares_by_stage_and_year_match_import_suppliers() -> None:
    ds = _ds(HAND)
    trend = import_source_trend(ds, "lithium", "IND", top=10)
    assert set(trend["stage"]) == {"mine", "refinery"}
    for year in (2023, 2024):
        suppliers = import_suppliers(ds, "lithium", "IND", year)
        for stage, expected in suppliers.groupby("stage"):
            got = trend[(trend["year"] == year) & (trend["stage"] == stage)]
            assert got.set_index("exporter")["share"].sort_index().to_dict() == pytest.approx(
                expected.set_index("exporter")["share"].sort_index().to_dict()
            )


def test_small_exporters_are_pooled_and_shares_sum_to_one_per_stage_and_year() -> None:
    trend = import_source_trend(_ds(HAND), "lithium", "IND", top=2)
    assert OTHER_EXPORTERS in set(trend["exporter"])
    sums = trend.groupby(["stage", "year"])["share"].sum()
    assert sums.tolist() == pytest.approx([1.0] * len(sums))


def test_one_stage_on_request_and_its_basis_named() -> None:
    trend = import_source_trend(_ds(HAND), "lithium", "IND", stage="mine")
    assert set(trend["stage"]) == {"mine"} and trend["share"].tolist() == [1.0]
    assert trend["basis"].iloc[0].startswith("BACI, mine forms of lithium (HS 253090)")
    with pytest.raises(UnknownNameError, match="smelter"):
        import_source_trend(_ds(HAND), "lithium", "IND", stage="smelter")


def test_a_stage_without_rows_says_why() -> None:
    ds = _ds(HAND, forms=HAND_FORMS)
    notes = import_stage_notes(ds, "cobalt", "USA").set_index("stage")["note"]
    # cobalt's refinery forms are in the trade table, but the US imports none of them
    assert notes["refinery"].startswith("BACI records no imports of cobalt refinery forms")
    t = commodity_trends(ds, "cobalt", "USA")
    assert t.import_sources.empty and list(t.import_stages["stage"]) == ["refinery"]
    lithium = import_stage_notes(ds, "lithium", "IND").set_index("stage")
    assert lithium["note"].eq("").all() and lithium.loc["refinery", "years"] == "2023–2024"


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


def test_real_store_stage_without_bundled_forms_is_named(ds) -> None:  # type: ignore[no-untyped-def]
    """US antimony: ore trade is shown at the mine stage only; the refinery stage has no forms in
    the bundled extract and says so instead of an empty (or ore-filled) chart."""
    t = commodity_trends(ds, "antimony", "USA")
    assert set(t.import_sources["stage"]) == {"mine"}
    notes = t.import_stages.set_index("stage")
    assert notes.loc["mine", "note"] == "" and "261710" in notes.loc["mine", "basis"]
    assert "holds no refinery forms of antimony" in notes.loc["refinery", "note"]
    assert t.source_ids["imports"] == ("baci_hs92_v202401b",)
