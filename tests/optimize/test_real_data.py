"""The optimiser, screening and complementarity on the real bundled dataset (fixture ``ds``)."""

from __future__ import annotations

import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.optimize.complement import complementarity
from trust_minerals.optimize.screen import screen_assets
from trust_minerals.optimize.solve import optimize_sourcing
from trust_minerals.optimize.spec import parameters

LITHIUM = {"consumer": "IND", "commodity": "lithium", "stage": "mine", "draws": 2000, "seed": 1}


def test_india_lithium_portfolio_from_the_scenario_engine(ds: SupplyDataset) -> None:
    r = optimize_sourcing(
        ds, demand=20000, max_supplier_share=0.65, min_partner_share=0.5, partners="msp", **LITHIUM
    )
    assert r.status == "optimal"
    pf = r.portfolio.set_index("supplier")
    assert {"AUS", "CHL", "CHN", "ARG"} <= set(pf.index)
    assert pf["flow_opt"].sum() == pytest.approx(20000)
    assert pf.loc[pf["partner"], "flow_opt"].sum() >= 10000 - 1e-6
    # USGS withholds US lithium production: named in a note, not offered as zero
    assert any(n.startswith("USA: production withheld") for n in r.notes)
    assert "USA" not in pf.index


def test_real_infeasibility_is_explained_from_the_data(ds: SupplyDataset) -> None:
    rows = ds.production
    rows = rows[
        (rows["commodity"] == "lithium") & (rows["stage"] == "mine") & (rows["year"] == 2025)
    ]
    from trust_minerals.optimize.inputs import partner_countries

    msp = set(partner_countries(ds, "msp"))
    named = rows[~rows["is_aggregate"] & rows["country"].isin(msp)]
    partner_cap = named["quantity"].sum() * parameters()["exportable_fraction"]
    demand = 2 * partner_cap
    r = optimize_sourcing(ds, demand=demand, min_partner_share=0.9, **LITHIUM)
    assert r.status == "infeasible"
    partner = next(c for c in r.conflicts if "min_partner_share" in c.constraints)
    assert partner.available == pytest.approx(partner_cap)
    assert partner.required == pytest.approx(0.9 * demand)
    assert "AUS" in partner.message


def test_lithium_screening_ranks_reserve_holders(ds: SupplyDataset) -> None:
    r = screen_assets(ds, "lithium", consumer="IND")
    t = r.ranking.set_index("country")
    assert "IND" not in t.index
    assert {"AUS", "CHL", "ARG"} <= set(t.index)
    assert t["reserve_share"].dropna().between(0, 1).all()
    assert t.loc["AUS", "growth_basis"].split()[1].startswith("20")
    assert list(r.ranking["rank"]) == list(range(1, len(t) + 1))


def test_us_india_complementarity_lists_quantities(ds: SupplyDataset) -> None:
    r = complementarity(ds, "USA,IND")
    opp = r.opportunities
    assert not opp.empty
    assert set(opp["provider"]) <= {"USA", "IND"}
    supplied = opp["provider_production"].fillna(0) + opp["provider_reserves"].fillna(0)
    assert (supplied > 0).all()
    assert opp["dependence_basis"].str.len().gt(0).all()


def test_banned_or_net_importing_suppliers_get_no_exportable_capacity(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.optimize.capacity import exportable_capacity

    cap = exportable_capacity(ds, "lithium", "mine", ["IND"]).set_index("supplier")
    assert cap.loc["ZWE", "capacity"] == 0 and cap.loc["ZWE", "capacity_basis"] == "export_ban"
    assert "Lithium ore" in cap.loc["ZWE", "note"]
    assert cap.loc["CHN", "capacity"] == 0 and "IEA 2023" in cap.loc["CHN", "note"]
    assert cap.loc["AUS", "capacity"] > 0 and cap.loc["AUS", "note"] == ""


def test_complement_no_longer_offers_india_rare_earth_ore_or_net_importers(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.optimize.complement import complementarity

    r = complementarity(ds, "USA,IND")
    o = r.opportunities
    india = o[o["provider"] == "IND"]
    assert not ((india["commodity"] == "rare_earths") & (india["stage"] == "mine")).any()
    assert not ((india["commodity"] == "graphite") & (india["stage"] == "mine")).any()
    assert any(n.startswith("IND not offered for graphite mine: net importer") for n in r.notes)


def test_complement_does_not_offer_india_silver_it_does_not_export(ds) -> None:  # type: ignore[no-untyped-def]
    """India mines ~800 t of silver (refined at home) but exported 0.02 t of silver ore in 2024,
    with a $20 import flow of unknown weight that made the net-trade test fall back to values."""
    from trust_minerals.optimize.capacity import exportable_capacity
    from trust_minerals.optimize.complement import complementarity
    from trust_minerals.optimize.position import net_trade

    nt = net_trade(ds, "IND", "silver", "mine", 2025)
    assert nt is not None and nt.year == 2024 and nt.exports_t < 1.0
    r = complementarity(ds, "USA,IND")
    o = r.opportunities
    assert not ((o["provider"] == "IND") & (o["commodity"] == "silver")).any()
    note = [n for n in r.notes if n.startswith("IND not offered for silver mine")]
    assert len(note) == 1 and "negligible exports" in note[0] and "BACI 2024" in note[0]
    # the optimiser's exportable capacity follows the same rule
    cap = exportable_capacity(ds, "silver", "mine", ["USA"]).set_index("supplier")
    assert cap.loc["IND", "capacity"] == 0
    assert cap.loc["IND", "capacity_basis"] == "negligible_exports"
    assert cap.loc["MEX", "capacity"] > 0  # Mexico exports silver concentrate


def test_status_quo_is_the_consumer_mix_at_the_stage_by_the_one_rule(ds: SupplyDataset) -> None:
    """The optimiser's status quo is :func:`build_supply_mix`: ore trade at the mine stage, world
    shares (stated, rescaled) where the stage's forms have no trade code."""
    from trust_minerals.optimize.solve import prepare
    from trust_minerals.optimize.spec import SourcingSpec
    from trust_minerals.simulate.network import build_supply_mix

    def prep(commodity: str):  # type: ignore[no-untyped-def]
        spec = SourcingSpec.create(
            consumer="USA", commodity=commodity, stage="mine", demand=100, draws=200, seed=1
        )
        return prepare(ds, spec)

    sb = prep("antimony")
    mix = build_supply_mix(ds, ["USA"], "antimony", "mine", sb.year)
    assert sb.status_quo_basis == mix.basis == "trade 2024 (quantity)"
    assert sb.status_quo.to_dict() == pytest.approx((mix.shares / mix.shares.sum()).to_dict())
    assert sb.status_quo.idxmax() == "MEX"
    assert "baci_hs92_v202401b" in sb.source_ids
    ree = prep("rare_earths")
    assert ree.status_quo_basis.startswith("world 2025; rescaled to the named suppliers")
    assert "no mine form of rare_earths has an HS6 code" in ree.status_quo_basis
    assert "USA" not in ree.status_quo.index  # the consumer's own output is not an import
    assert ree.status_quo.sum() == pytest.approx(1.0)


def test_sourcing_source_ids_are_those_of_the_rows_read(ds: SupplyDataset) -> None:
    """No fixed list: WGI only when the scenario engine draws losses, the MSP file only when the
    partner set names it, BACI only when trade rows were read."""
    import pandas as pd

    from trust_minerals.sources import column_sources

    shipped = set(ds.sources["source_id"])
    engine = optimize_sourcing(ds, demand=20000, partners="msp", **LITHIUM)
    assert set(engine.source_ids) <= shipped
    assert set(column_sources("countries", ["pv", "rl", "msp"])) <= set(engine.source_ids)
    suppliers = list(engine.portfolio["supplier"])
    loss = pd.DataFrame(0.0, index=range(50), columns=suppliers)
    given = optimize_sourcing(ds, demand=20000, partners="AUS,CHL", loss=loss, **LITHIUM)
    assert given.status == "optimal"
    assert not set(column_sources("countries", ["pv", "rl", "msp"])) & set(given.source_ids)
    assert "usgs_mcs2026" in given.source_ids  # the production rows behind the capacities
    # lithium ores have no HS code: the status quo is world shares and no trade row is read,
    # but the mine-feed check reads the IEA table
    assert given.status_quo_basis.startswith("world")
    assert "baci_hs92_v202401b" not in given.source_ids
    assert "iea_cmde_2024" in given.source_ids
    antimony = optimize_sourcing(
        ds, consumer="USA", commodity="antimony", stage="mine", demand=100, draws=200, seed=1
    )
    assert antimony.status_quo_basis.startswith("trade")
    assert "baci_hs92_v202401b" in antimony.source_ids


def test_screen_source_ids_are_those_of_the_rows_read(ds: SupplyDataset) -> None:
    from trust_minerals.sources import column_sources

    r = screen_assets(ds, "lithium", consumer="IND", partners="AUS,CHL")
    assert set(r.source_ids) <= set(ds.sources["source_id"])
    assert set(column_sources("countries", ["pv", "rl"])) <= set(r.source_ids)
    assert "msp_2025" not in r.source_ids  # no group named
    assert "msp_2025" in screen_assets(ds, "lithium", partners="msp").source_ids
    ec = ds.export_controls
    assert set(ec.loc[ec["commodity"] == "lithium", "source_id"]) <= set(r.source_ids)
