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
    """IEA 2023 quantities by country, the share denominator (project rule: the larger of the
    rows' sum and the published world total; the clean-technology cobalt total is no world
    total) and the unit, read straight from the IEA table."""
    t = ds.supply_projection
    t = t[(t["commodity"] == commodity) & (t["stage"] == stage) & (t["year"] == 2023)]
    listed = t[t["country"] != "World total"]
    listed = listed[listed["country"] != "Total clean technologies"]
    world = t.loc[t["country"] == "World total", "quantity"]
    denominator = max(float(listed["quantity"].sum()), float(world.max()) if len(world) else 0.0)
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


def test_china_is_not_offered_refined_cobalt_it_imports_on_net(ds) -> None:  # type: ignore[no-untyped-def]
    """The net-trade rule applies at IEA stages too: China imports more of the refinery forms
    (cobalt oxides and hydroxides, HS 282200, carry the DRC's hydroxide) than it exports."""
    from trust_minerals.optimize.position import net_trade

    cap = exportable_capacity(ds, "cobalt", "refinery", ["USA"]).set_index("supplier")
    nt = net_trade(ds, "CHN", "cobalt", "refinery", 2023)
    assert nt is not None and nt.net_importer
    assert cap.loc["CHN", "capacity"] == 0
    assert cap.loc["CHN", "capacity_basis"] == "net_importer"
    assert cap.loc["CHN", "note"].startswith("net importer")


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
