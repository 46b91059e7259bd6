"""US import sources on the real store: USITC DataWeb headings as a basis only where the heading
holds the stage's forms and nothing else, and as a cross-check beside the USGS shares."""

from __future__ import annotations

import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.forms import usitc_heading
from trust_minerals.simulate.network import build_supply_mix

pytestmark = pytest.mark.slow


def _listed_shares(ds: SupplyDataset, heading: str, year: int) -> pd.Series:
    """Value shares of US imports by listed partner, straight from the us_trade table."""
    t = ds.us_trade
    t = t[(t["flow"] == "imports_for_consumption") & (t["hts4"] == heading) & (t["year"] == year)]
    by = t.groupby("country")["value_usd"].sum()
    return (by / by.sum()).sort_values(ascending=False)


def test_us_cobalt_ore_usitc_flows_are_too_small_to_be_the_mix_and_say_so(ds) -> None:  # type: ignore[no-untyped-def]
    """No BACI cobalt ore in the extract and no USGS breakdown of ore; DataWeb HTS 2605 holds ore
    only, but US ore imports (a few tonnes gross) are far below ``min_import_share`` of US cobalt
    imports (USGS, thousands of tonnes of content): the rule falls back to world mine shares."""
    from trust_minerals.simulate.params import parameters

    assert usitc_heading(ds, "cobalt", "mine") == ("2605", "stage_forms")
    share = parameters()["min_import_share"]
    for year in (2023, 2024, 2025):
        t = ds.us_trade
        t = t[
            (t["flow"] == "imports_for_consumption")
            & (t["hts4"] == "2605")
            & (t["year"] == year)
            & (t["quantity_unit"] == "kilograms")
        ]
        gross_t = t["quantity"].sum() / 1000
        sal = ds.us_salient
        total = sal.loc[
            (sal["commodity"] == "cobalt")
            & (sal["statistic"] == "Import")
            & (sal["year"] == year)
            & (sal["unit"] == "metric tons"),
            "value",
        ]
        assert len(total) == 1 and gross_t < share * float(total.iloc[0])
        mix = build_supply_mix(ds, ["USA"], "cobalt", "mine", year)
        assert mix.basis == f"world {year}"
        assert f"US imports of {gross_t:,.1f} t (gross weight) in {year}" in mix.note
        assert "min_import_share, assumption" in mix.note
        assert "allocated in proportion to the world market" in mix.note
        assert {"usitc_dataweb_2026", "usgs_mcs2026"} <= set(mix.source_ids)
    world = build_supply_mix(ds, ["USA"], "cobalt", "mine", 2025, "world")
    assert mix.shares.to_dict() == pytest.approx(world.shares.to_dict())
    # DataWeb is US trade only: India falls back to world mine shares
    assert build_supply_mix(ds, ["IND"], "cobalt", "mine", 2024).basis.startswith("world")


def test_a_material_usitc_heading_is_still_the_us_basis(ds) -> None:  # type: ignore[no-untyped-def]
    """With the threshold at 0 the DataWeb shares of the listed partners are the basis, stated
    as upper bounds (the rule itself is unchanged; only its materiality test is new)."""
    from unittest import mock

    from trust_minerals.simulate import params

    real = params.parameters()
    with mock.patch.object(params, "parameters", return_value={**real, "min_import_share": 0.0}):
        mix = build_supply_mix(ds, ["USA"], "cobalt", "mine", 2024)
    assert mix.basis == "usitc dataweb 2024 (HTS 2605, 18 listed partners)"
    assert "upper bound" in mix.note and "holds no cobalt mine forms" in mix.note
    assert mix.shares.to_dict() == pytest.approx(_listed_shares(ds, "2605", 2024).to_dict())


def test_a_heading_holding_other_products_is_never_used_as_shares(ds) -> None:  # type: ignore[no-untyped-def]
    """HTS 8101 (tungsten articles, waste and scrap too) and 8505 (electromagnets too); with the
    US tungsten-powder trade taken out, the refinery stage falls to world shares, not DataWeb."""
    assert usitc_heading(ds, "tungsten", "refinery") == ("8101", "wider")
    assert usitc_heading(ds, "rare_earths", "component") == ("8505", "wider")
    # forms with different headings (ferrosilicon 7202, silicon metal none) have no one heading
    assert usitc_heading(ds, "silicon", "smelter") == ("", "")
    t = ds.trade
    no_us = ds.replace(trade=t[~((t["importer"] == "USA") & (t["commodity"] == "tungsten"))])
    for d, commodity, stage in ((no_us, "tungsten", "refinery"), (ds, "rare_earths", "component")):
        mix = build_supply_mix(d, ["USA"], commodity, stage, 2024)
        assert not mix.basis.startswith("usitc") and "USITC" not in mix.note


def test_usgs_nickel_shares_carry_the_usitc_cross_check_and_agree_on_the_top(ds) -> None:  # type: ignore[no-untyped-def]
    mix = build_supply_mix(ds, ["USA"], "nickel", "refinery", 2024)
    assert mix.basis == "usgs import sources 2021-24 (Primary nickel)"
    listed = _listed_shares(ds, "7502", 2024)
    assert f"USITC DataWeb 2024 HTS 7502 (18 listed partners only): CAN {listed.iloc[0]:.0%}" in (
        mix.note
    )
    assert mix.shares.idxmax() == listed.index[0] == "CAN"
    # Norway (11 % in USGS) is not among the partners DataWeb was queried for: the listed-partner
    # share of Canada overstates its share of all imports, which is why USGS stays the basis
    assert "NOR" in mix.shares.index and "NOR" not in set(ds.us_trade["country"])
    assert listed.iloc[0] > mix.shares.max()
