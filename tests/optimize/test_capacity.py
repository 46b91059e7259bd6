"""Exportable capacity and the optimiser at stages that only the IEA table measures (real store).

Nickel, cobalt and rare-earth refining have no USGS world table: suppliers and capacity come from
the IEA 2023 estimate, the same best-source stage rows as the concentration view, read here
independently from ``ds.supply_projection``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.optimize.capacity import exportable_capacity
from trust_minerals.optimize.solve import optimize_sourcing
from trust_minerals.optimize.spec import parameters

pytestmark = pytest.mark.slow


def _iea_2023(ds: SupplyDataset, commodity: str, stage: str) -> tuple[pd.Series, float, str]:
    """IEA 2023 quantities by country, the share denominator (project rule at IEA stages: the
    IEA's published world total where there is one, even where the rows add up to more, as in its
    own top-3 shares; else the rows' sum: the clean-technology cobalt total is no world total)
    and the unit, read straight from the IEA table."""
    t = ds.supply_projection
    t = t[(t["commodity"] == commodity) & (t["stage"] == stage) & (t["year"] == 2023)]
    listed = t[t["country"] != "World total"]
    listed = listed[listed["country"] != "Total clean technologies"]
    world = t.loc[t["country"] == "World total", "quantity"]
    denominator = float(world.max()) if len(world) else float(listed["quantity"].sum())
    assert set(t["unit"]) == {"kt"}
    named = listed[~listed["is_aggregate"]].set_index("country")["quantity"]
    return named, denominator, "kt"


@pytest.mark.parametrize("commodity", ["nickel", "cobalt", "rare_earths"])
def test_iea_stage_suppliers_and_china_share_come_from_the_iea_table(ds, commodity) -> None:  # type: ignore[no-untyped-def]
    assert ds.production[
        (ds.production["commodity"] == commodity) & (ds.production["stage"] == "refinery")
    ].empty  # the case: USGS publishes no refinery table
    named, denominator, unit = _iea_2023(ds, commodity, "refinery")
    cap = exportable_capacity(ds, commodity, "refinery", ["USA"]).set_index("supplier")
    assert set(cap.index) == set(named.index)
    assert (cap["unit"] == unit).all() and (cap["year"] == 2023).all()
    assert (cap["source_id"] == "iea_cmde_2024").all()
    assert cap["production"].to_dict() == pytest.approx(named.to_dict())
    assert cap.loc["CHN", "world_share"] == pytest.approx(named["CHN"] / denominator)
    assert cap["world_share"].idxmax() == named.idxmax()
    china = cap.loc["CHN"]
    if china["capacity_basis"] == "exportable_fraction_assumption":
        assert china["capacity"] == pytest.approx(
            named["CHN"] * parameters()["exportable_fraction"]
        )
    else:  # barred by the existing rules: capacity 0 with the reason
        assert china["capacity"] == 0 and china["note"]


def _feed_share_by_hand(ds: SupplyDataset, commodity: str, hs6: str, year: int) -> float:
    """Share of the code's world export value (BACI, latest year <= ``year``) shipped by
    countries with mine output (USGS mine table) but no refinery output (IEA 2023 table), read
    straight from the bundled tables."""
    t = ds.trade
    t = t[(t["commodity"] == commodity) & (t["hs6"] == hs6) & (t["year"] <= year)]
    t = t[t["year"] == t["year"].max()]
    iea = ds.supply_projection
    iea = iea[(iea["commodity"] == commodity) & (iea["stage"] == "refinery")]
    iea = iea[(iea["year"] == 2023) & ~iea["is_aggregate"] & (iea["quantity"] > 0)]
    prod = ds.production
    prod = prod[(prod["commodity"] == commodity) & (prod["stage"] == "mine")]
    prod = prod[~prod["is_aggregate"] & prod["quantity"].notna() & (prod["year"] <= year)]
    prod = prod[prod["year"] == prod["year"].max()]
    feeders = set(prod.loc[prod["quantity"] > 0, "country"]) - set(iea["country"])
    by = t.groupby("exporter")["value_usd"].sum()
    return float(by[by.index.isin(feeders)].sum() / by.sum())


def test_cobalt_refinery_codes_carry_mine_stage_feed_by_a_hand_count(ds) -> None:  # type: ignore[no-untyped-def]
    """HS 282200 and 810510 carry the DRC's cobalt hydroxide: most of their world export value
    comes from countries that mine cobalt and refine none of it. Lithium chemicals do not."""
    from trust_minerals.optimize.position import feed_codes

    threshold = parameters()["feed_export_share"]
    for commodity in ("cobalt", "lithium", "rare_earths"):
        for code in feed_codes(ds, commodity, "refinery", 2023):
            by_hand = _feed_share_by_hand(ds, commodity, code.hs6, 2023)
            assert code.feed_share == pytest.approx(by_hand), (commodity, code.hs6)
            assert code.carries_feed == (by_hand >= threshold)
    cobalt = {c.hs6: c for c in feed_codes(ds, "cobalt", "refinery", 2023)}
    assert set(cobalt) == {"282200", "810510"}
    assert all(c.carries_feed and c.feed_exporters[0] == "COD" for c in cobalt.values())
    assert not any(c.carries_feed for c in feed_codes(ds, "lithium", "refinery", 2023))
    assert feed_codes(ds, "cobalt", "mine", 2023) == ()  # ores are the feed itself


def test_china_keeps_refined_cobalt_capacity_its_feed_imports_do_not_net_away(ds) -> None:  # type: ignore[no-untyped-def]
    """China's imports of HS 282200/810510 are refinery feed: they are not netted against its
    exports, so China is offered at production x exportable_fraction, with the reason stated."""
    from trust_minerals.optimize.position import net_trade

    named, _denominator, _unit = _iea_2023(ds, "cobalt", "refinery")
    cap = exportable_capacity(ds, "cobalt", "refinery", ["USA"]).set_index("supplier")
    china = cap.loc["CHN"]
    assert china["capacity_basis"] == "exportable_fraction_assumption"
    assert china["capacity"] == pytest.approx(named["CHN"] * parameters()["exportable_fraction"])
    nt = net_trade(ds, "CHN", "cobalt", "refinery", 2023)
    assert nt is not None and not nt.net_importer
    assert set(nt.feed_hs6) == {"282200", "810510"}
    # by hand: China's 2023 imports of both codes (value; some flows lack a weight)
    t = ds.trade
    bought = t[
        (t["commodity"] == "cobalt")
        & t["hs6"].isin(["282200", "810510"])
        & (t["year"] == 2023)
        & (t["importer"] == "CHN")
    ]
    assert nt.feed_imports == pytest.approx(float(bought["value_usd"].sum()))
    assert nt.feed_imports > nt.exports  # netted, China would have been barred
    assert "not netted: the codes carry mine-stage feed" in china["note"]
    r = optimize_sourcing(
        ds, consumer="USA", commodity="cobalt", stage="refinery", demand=5.0, draws=300, seed=1
    )
    assert "leaves out imports of HS 282200, 810510" in r.supply_basis
    assert "feed_export_share assumption" in r.supply_basis
    assert r.portfolio.set_index("supplier").loc["CHN", "capacity"] > 0


def test_rare_earth_refining_in_china_is_not_barred_by_mixed_compound_imports(ds) -> None:  # type: ignore[no-untyped-def]
    """Mixed rare-earth compounds from Myanmar (HS 284690) are feed for Chinese separation."""
    cap = exportable_capacity(ds, "rare_earths", "refinery", ["USA"]).set_index("supplier")
    assert cap.loc["CHN", "capacity"] > 0
    assert "284690" in cap.loc["CHN", "note"]


@pytest.mark.parametrize(("commodity", "demand"), [("nickel", 100.0), ("cobalt", 5.0)])
def test_optimise_for_usa_at_iea_refinery_stages_runs_and_states_the_basis(
    ds, commodity, demand
) -> None:  # type: ignore[no-untyped-def]
    r = optimize_sourcing(
        ds, consumer="USA", commodity=commodity, stage="refinery", demand=demand, draws=500, seed=1
    )
    assert r.status == "optimal"
    assert r.unit == "kt" and r.year == 2023
    assert r.supply_basis.startswith("IEA 2023 estimate of refinery supply, kt of ")
    assert "[iea_cmde_2024]" in r.supply_basis
    assert f"USGS publishes no {commodity} refinery table" in r.supply_basis
    assert "iea_cmde_2024" in r.source_ids
    assert r.summary()["supply_basis"].iloc[0] == r.supply_basis
    assert r.portfolio["flow_opt"].sum() == pytest.approx(demand)
    named, denominator, _ = _iea_2023(ds, commodity, "refinery")
    pf = r.portfolio.set_index("supplier")
    assert pf.loc["CHN", "world_share"] == pytest.approx(named["CHN"] / denominator)
    assert (pf["flow_opt"] <= pf["capacity"] + 1e-6).all()


def test_nickel_refinery_says_net_trade_was_not_checked(ds) -> None:  # type: ignore[no-untyped-def]
    """The bundled BACI extract has no refined-nickel codes: the net-trade rule could not be
    applied, and the result says so instead of passing in silence."""
    r = optimize_sourcing(
        ds, consumer="USA", commodity="nickel", stage="refinery", demand=100, draws=200, seed=1
    )
    assert any(
        n.startswith("net trade positions in the refinery forms (HS 750210, 750220) not checked")
        for n in r.notes
    )


def test_usgs_stages_keep_the_usgs_rows(ds) -> None:  # type: ignore[no-untyped-def]
    cap = exportable_capacity(ds, "lithium", "mine", ["IND"])
    assert set(cap["source_id"].dropna()) == {"usgs_mcs2026"}
    r = optimize_sourcing(
        ds, consumer="IND", commodity="lithium", stage="mine", demand=20000, draws=200, seed=1
    )
    assert r.supply_basis.startswith("USGS world mine production 2025")
