"""Stage shares from the best source (USGS, else the IEA table) on the real store."""

from __future__ import annotations

import math

import pytest

from trust_minerals.metrics.concentration import concentration, concentration_table
from trust_minerals.metrics.stages import stage_production
from trust_minerals.overview import overview


@pytest.mark.parametrize("commodity", ["lithium", "cobalt", "nickel", "graphite", "rare_earths"])
def test_battery_commodities_gain_a_refinery_stage_led_by_china_or_indonesia(ds, commodity) -> None:  # type: ignore[no-untyped-def]
    r = concentration(ds, commodity, "refinery", 2023)
    assert r.source_id == "iea_cmde_2024" and r.assessable
    assert "CHN" in r.shares.index and r.shares["CHN"] > 0.2
    # cross-check: China's share recomputed from the IEA table itself
    iea = ds.supply_projection
    g = iea[(iea["commodity"] == commodity) & (iea["stage"] == "refinery") & (iea["year"] == 2023)]
    listed = g[g["country"] != "World total"]
    listed = listed[listed["country"] != "Total clean technologies"]["quantity"].sum()
    world = g.loc[g["country"] == "World total", "quantity"]
    denominator = max(listed, float(world.iloc[0])) if len(world) else listed
    china = float(g.loc[g["country"] == "CHN", "quantity"].iloc[0])
    assert r.shares["CHN"] == pytest.approx(china / denominator)


def test_usgs_refinery_table_wins_where_it_exists(ds) -> None:  # type: ignore[no-untyped-def]
    rows = stage_production(ds)
    copper = rows[(rows["commodity"] == "copper") & (rows["stage"] == "refinery")]
    assert set(copper["source_id"]) <= {"usgs_mcs2026", "usgs_mcs2025"}
    assert not rows["year"].gt(2023).any() or set(
        rows.loc[rows["source_id"] == "iea_cmde_2024", "year"]
    ) == {2023}  # projections are never production


def test_cobalt_refining_is_a_share_of_the_clean_technology_total(ds) -> None:  # type: ignore[no-untyped-def]
    r = concentration(ds, "cobalt", "refinery", 2023)
    assert r.world_total is None
    assert any("clean technologies" in n for n in r.notes)


def test_overview_shows_the_refinery_stage_with_source_and_year(ds) -> None:  # type: ignore[no-untyped-def]
    t = overview(ds, year=2025)
    lithium = t[t["commodity"] == "lithium"].set_index("stage")
    assert lithium.loc["refinery", "top_country"] == "CHN"
    assert lithium.loc["refinery", "year"] == 2023
    assert lithium.loc["refinery", "source_id"] == "iea_cmde_2024"
    assert lithium.loc["mine", "source_id"] == "usgs_mcs2026"
    assert t.loc[t["stage"].ne(""), "source_id"].str.len().gt(0).all()


def test_sand_and_gravel_is_not_assessable_and_listed_after_the_rest(ds) -> None:  # type: ignore[no-untyped-def]
    r = concentration(ds, "sand_gravel_construction", "mine", 2025)
    assert not r.assessable and math.isnan(r.hhi) and math.isnan(r.coverage_share)
    t = overview(ds, year=2025, include_all=True)
    blind = t[~t["assessable"] & t["stage"].ne("")]
    assert {"sand_gravel_construction", "stone_crushed", "stone_dimension"} <= set(
        blind["commodity"]
    )
    assert blind.index.min() > t[t["assessable"]].index.max()
    table = concentration_table(ds, year=2025)
    assert table.loc[~table["assessable"], "hhi"].isna().all()
