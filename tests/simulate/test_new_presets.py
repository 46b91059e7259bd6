"""The presets added for issue 14, on the real store: bases stated, routes split, nothing capped."""

from __future__ import annotations

import numpy as np
import pytest

from trust_minerals.simulate.presets import load_presets, preset
from trust_minerals.simulate.propagate import propagate

pytestmark = pytest.mark.slow


def test_december_2024_ban_hits_the_us_directly_and_through_third_countries(ds):
    r = propagate(ds, preset("china-us-ban-2024"), ["USA", "IND"]).summary
    us = r[r["consumer"] == "USA"]
    assert set(us["commodity"]) == {"gallium", "germanium", "antimony"}
    for _, row in us.iterrows():
        commodity = (row["commodity"], row["stage"])
        assert row["shortfall_direct_share"] > 0, commodity
        assert row["shortfall_indirect_share"] > 0, commodity
        total = row["shortfall_direct_share"] + row["shortfall_indirect_share"]
        assert total == pytest.approx(row["shortfall_share"])
        assert "restricted content through" in row["note"]
    # baseline: the year before 2024-12-03
    assert set(r["baseline_year"]) == {2023}
    # India is not named by the ban (a row with no supply data at all stays missing)
    india = r[r["consumer"] == "IND"]
    known = india[india["basis"] != "none"]
    assert len(known) and (known["shortfall_share"] == 0).all()
    assert india.loc[india["basis"] == "none", "shortfall_share"].isna().all()


def test_april_2025_licensing_covers_scandium_and_yttrium_as_missing_not_zero(ds):
    spec = preset("china-rare-earths-2025")
    assert {"rare_earths", "scandium", "yttrium"} <= set(spec.commodities())
    r = propagate(ds, spec, ["USA"]).summary
    re = r[r["commodity"] == "rare_earths"].set_index("stage")
    assert re.loc["mine", "shortfall_share"] > 0  # the restricted stage
    for commodity in ("scandium", "yttrium"):
        rows = r[r["commodity"] == commodity]
        assert len(rows) and rows["shortfall_share"].isna().all()
        assert rows["note"].str.contains("only the world total is published").all()


def test_drc_cobalt_states_its_basis_and_reaches_the_us_through_refiners(ds):
    r = propagate(ds, preset("drc-cobalt-quota-2025"), ["USA", "IND"]).summary
    mine = r[r["stage"] == "mine"].set_index("consumer")
    assert mine.loc["IND", "basis"].startswith("world")
    assert "world market" in mine.loc["IND", "note"]
    # refined cobalt bought from other refiners: the Congolese feed they lose reaches the
    # consumer through them (indirect), none of it directly
    refined = r[r["stage"] == "refinery"].set_index("consumer")
    assert (refined["shortfall_indirect_share"] > 0).all()
    assert np.allclose(refined["shortfall_direct_share"], 0)
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


def test_preset_shocks_read_in_words_with_country_and_commodity_names(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.simulate.presets import scenarios_table

    table = scenarios_table(ds)
    row = table.set_index("name").loc["china-gallium-2023"]
    assert row["shocks"].startswith("licensing(country=CHN")  # the spec form stays
    assert row["shocks_text"] == (
        "export licensing by China on Gallium (refinery), 2-month delay, then 27% shipped"
    )
    codes = set(ds.countries["country"])
    for text in table["shocks_text"]:
        assert not [w for w in text.replace(",", " ").split() if w in codes], text
