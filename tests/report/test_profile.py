"""The profile's top producers and reserves, cross-checked against the concentration metric."""

from __future__ import annotations

import pytest

from trust_minerals.metrics.concentration import concentration
from trust_minerals.report.profile import commodity_profile


@pytest.mark.parametrize("stage", ["mine", "refinery"])
def test_top_producers_are_the_named_shares_of_the_concentration_result(tiny_ds, stage) -> None:  # type: ignore[no-untyped-def]
    p = commodity_profile(tiny_ds, "cobalt")
    top = p.top_producers(stage)
    expected = concentration(tiny_ds, "cobalt", stage, p.year).shares
    assert list(top.index) == list(expected.index)
    assert top.to_numpy() == pytest.approx(expected.to_numpy())
    assert not set(top.index) & {"World total", "Other countries"}
    assert list(p.top_producers(stage, 1).index) == list(top.index[:1])


def test_listed_share_counts_other_countries_but_not_the_world_total(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    p = commodity_profile(tiny_ds, "cobalt")
    rows = p.production[p.production["stage"] == "mine"]
    listed = rows[rows["country"] != "World total"]["share"].sum()
    assert p.listed_share("mine") == pytest.approx(listed)
    assert p.listed_share("mine") >= p.top_producers("mine").sum()


def test_top_reserves_are_sorted_named_countries(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    p = commodity_profile(tiny_ds, "cobalt")
    top = p.top_reserves()
    assert list(top) == sorted(top, reverse=True)
    named = p.reserves[~p.reserves["is_aggregate"]].dropna(subset=["quantity"])
    assert set(top.index) == set(named["country"])
    assert set(p.source_ids) == set(p.sources["source_id"])
