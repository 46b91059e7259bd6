"""Stage shares from the best source (USGS, else the IEA table) on the real store."""

from __future__ import annotations

import csv
import itertools
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
    # the IEA's published world total where it publishes one (as its own top-3 shares)
    denominator = float(world.iloc[0]) if len(world) else listed
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


def _iea_csv() -> dict[tuple[str, str, int], dict[str, float]]:
    """The bundled IEA file read by hand: (mineral, stage label, year) -> row label -> value."""
    from trust_minerals.data.ingest.iea import default_path

    out: dict[tuple[str, str, int], dict[str, float]] = {}
    with default_path().open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["mineral"], r["stage_label"], int(r["year"]))
            out.setdefault(key, {})[r["row_label"]] = float(r["value"])
    return out


def _country_rows(group: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in group.items() if k not in ("Total", "Top 3 share", "Rest of world")}


def test_nickel_refining_china_share_is_of_the_iea_published_total(ds) -> None:  # type: ignore[no-untyped-def]
    group = _iea_csv()[("Nickel", "Refining", 2023)]
    listed = sum(v for k, v in group.items() if k not in ("Total", "Top 3 share"))
    assert listed > group["Total"]  # the case: the rows add up to more than the IEA's total
    r = concentration(ds, "nickel", "refinery", 2023)
    assert r.shares["CHN"] == pytest.approx(group["China"] / group["Total"], rel=1e-12)
    assert r.shares["CHN"] != pytest.approx(group["China"] / listed, rel=1e-3)
    assert r.denominator == pytest.approx(group["Total"]) and r.denominator_basis == "world_total"
    # the IEA's own top-3 share of that stage is reproduced
    assert r.top3_share == pytest.approx(group["Top 3 share"], abs=5e-7)


def test_the_nickel_refining_note_states_both_figures(ds) -> None:  # type: ignore[no-untyped-def]
    group = _iea_csv()[("Nickel", "Refining", 2023)]
    listed = sum(v for k, v in group.items() if k not in ("Total", "Top 3 share"))
    excess = (listed - group["Total"]) / group["Total"]
    notes = "; ".join(concentration(ds, "nickel", "refinery", 2023).notes)
    assert f"sum to {listed:,.1f} kt, {excess * 100:.1f} % above" in notes
    assert f"world total {group['Total']:,.1f} kt" in notes
    assert f"they add to {listed / group['Total']:.3f}, not 1" in notes
    # the IEA stage rows carry the same statement in their note
    rows = stage_production(ds)
    nickel = rows[
        (rows["commodity"] == "nickel") & (rows["stage"] == "refinery") & (rows["year"] == 2023)
    ]
    assert nickel["note"].str.contains(f"sum to {listed:,.1f} kt", regex=False).all()
    # a stage whose rows add up to the total says nothing of the kind
    lithium = concentration(ds, "lithium", "refinery", 2023)
    assert not any("sum to" in n for n in lithium.notes)


def test_iea_top3_shares_divide_by_the_published_total() -> None:
    """Which denominator the IEA uses, from its own "Top 3 share" rows: for every stage and year,
    three of its country rows over the published total give the published share; where the rows
    add up to more than the total, no three rows over their sum do."""
    checked = 0
    for key, group in _iea_csv().items():
        if "Top 3 share" not in group or "Total" not in group:
            continue
        countries = _country_rows(group)
        listed = sum(v for k, v in group.items() if k not in ("Total", "Top 3 share"))
        sums = [sum(c) for c in itertools.combinations(countries.values(), 3)]
        # 0.15 kt: three rows published to 0.1 kt; the share to six decimals
        assert any(
            abs(s / group["Total"] - group["Top 3 share"]) * group["Total"] <= 0.15 for s in sums
        ), key
        if listed - group["Total"] > 1.0:
            assert not any(abs(s / listed - group["Top 3 share"]) * listed <= 0.15 for s in sums), (
                key
            )
        checked += 1
    assert checked == 44  # 12 stages x 4 years, less cobalt refining (no world total)
