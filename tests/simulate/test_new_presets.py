"""The presets added for issue 14, on the real store: bases stated, routes split, nothing capped."""

from __future__ import annotations

import numpy as np
import pytest

from trust_minerals.simulate.presets import load_presets, preset
from trust_minerals.simulate.propagate import propagate

pytestmark = pytest.mark.slow


def test_december_2024_ban_hits_the_us_directly_and_through_third_countries(ds):
    r = propagate(ds, preset("china-us-ban-2024"), ["USA", "IND"]).summary
    us = r[r["consumer"] == "USA"].set_index("commodity")
    assert set(us.index) == {"gallium", "germanium", "antimony"}
    for commodity, row in us.iterrows():
        assert row["shortfall_direct_share"] > 0, commodity
        assert row["shortfall_indirect_share"] > 0, commodity
        total = row["shortfall_direct_share"] + row["shortfall_indirect_share"]
        assert total == pytest.approx(row["shortfall_share"])
        assert "restricted content through" in row["note"]
    # baseline: the year before 2024-12-03
    assert set(r["baseline_year"]) == {2023}
    # India is not named by the ban
    assert (r.loc[r["consumer"] == "IND", "shortfall_share"] == 0).all()


def test_april_2025_licensing_covers_scandium_and_yttrium_as_missing_not_zero(ds):
    spec = preset("china-rare-earths-2025")
    assert {"rare_earths", "scandium", "yttrium"} <= set(spec.commodities())
    r = propagate(ds, spec, ["USA"]).summary.set_index("commodity")
    assert r.loc["rare_earths", "shortfall_share"] > 0
    for commodity in ("scandium", "yttrium"):
        assert np.isnan(r.loc[commodity, "shortfall_share"])
        assert "only the world total is published" in r.loc[commodity, "note"]


def test_drc_cobalt_states_its_basis_and_reaches_the_us_through_refiners(ds):
    r = propagate(ds, preset("drc-cobalt-quota-2025"), ["USA", "IND"]).summary
    by = r.set_index("consumer")
    assert by.loc["IND", "basis"].startswith("world")
    assert "allocated in proportion to the world market" in by.loc["IND", "note"]
    # the US buys refined cobalt from Norway, Finland, Japan ...: Congolese feed reaches it
    assert by.loc["USA", "shortfall_indirect_share"] > 0
    # a price beyond the episodes is flagged with a note, not capped
    for _, row in r.iterrows():
        assert row["price_in_range"] or "extrapolated" in row["note"]


def test_zimbabwe_lithium_ore_ban_runs_on_pre_ban_data_and_says_so(ds):
    r = propagate(ds, preset("zimbabwe-lithium-ore-2022"), ["IND"]).summary.iloc[0]
    assert r["baseline_year"] == 2021
    assert "2021 is not in the store" in r["note"]
    assert r["shortfall_share"] > 0  # allocated by world mine shares, Zimbabwe among them


def test_every_parameter_of_the_new_presets_names_a_source():
    for name in ("china-us-ban-2024", "zimbabwe-lithium-ore-2022", "drc-cobalt-quota-2025"):
        p = load_presets()[name]
        assert p.source and p.parameter_sources
        assert all(v for v in p.parameter_sources.values())
        assert p.spec.effective is not None
