"""Criticality methods against hand calculations on the small frozen dataset (tests/metrics/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from trust_minerals.countries import resolve_consumer
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.criticality import criticality
from trust_minerals.metrics.criticality.inputs import build_indicators
from trust_minerals.metrics.criticality.validation import compare_with_lists, list_members
from trust_minerals.metrics.governance import instability

from .conftest import make_small_ds

# instability (2.5 - x) / 5, mean of PV and RL (see conftest.COUNTRIES)
G = {
    "COD": (0.9 + 0.8) / 2,
    "IDN": (0.6 + 0.5) / 2,
    "AUS": (0.3 + 0.2) / 2,
    "USA": (0.5 + 0.24) / 2,
}
COBALT_SHARES = {"COD": 0.7, "IDN": 0.1, "AUS": 0.05, "USA": 0.05}
HHI_WGI = sum(s**2 * G[c] for c, s in COBALT_SHARES.items())


@pytest.fixture(scope="module")
def ore_ds(small_ds):
    """``small_ds`` with its cobalt trade as ore (HS 260500, mine stage): the primary stage's form."""
    t = small_ds.trade.copy()
    cobalt = t["commodity"].eq("cobalt")
    t.loc[cobalt, "hs6"] = "260500"
    t.loc[cobalt, "stage"] = "mine"
    return small_ds.replace(trade=t)


def row(result, commodity: str) -> pd.Series:
    t = result.table
    return t[t["commodity"] == commodity].iloc[0]


def test_instability_is_the_mean_of_rescaled_pv_and_rl(small_ds):
    g = instability(small_ds.countries)
    assert g["COD"] == pytest.approx(G["COD"])
    assert instability(small_ds.countries, scale="eu")["USA"] == pytest.approx(10 * G["USA"])


def test_eu_supply_risk_matches_hand_calculation(ore_ds):
    ir, eol = 0.76, 0.22
    g_eu = {c: 10 * v for c, v in G.items()}
    glob = 10 * HHI_WGI
    sourcing = (
        (1 - ir) ** 2 * g_eu["USA"] + (ir * 0.6) ** 2 * g_eu["COD"] + (ir * 0.4) ** 2 * g_eu["AUS"]
    )
    expected = (glob * ir / 2 + sourcing * (1 - ir / 2)) * (1 - eol)
    r = row(criticality(ore_ds, "eu", "USA"), "cobalt")
    assert r["score"] == pytest.approx(expected)
    assert r["hhi_wgi_sourcing"] == pytest.approx(sourcing)
    assert r["eol_rir_basis"].startswith("eol_rir")


def test_geopolrisk_matches_hand_calculation(ore_ds):
    # imports 30 t from COD and 20 t from AUS, PV-only instability; US production 5 t
    import_risk = (30 * 0.9 + 20 * 0.3) / (50 + 5)
    hhi = 0.7**2 + 0.1**2 + 0.05**2 + 0.05**2
    r = row(criticality(ore_ds, "geopolrisk", "USA"), "cobalt")
    assert r["import_risk"] == pytest.approx(import_risk)
    assert r["score"] == pytest.approx(hhi * import_risk)
    assert r["price_usd_per_kg"] == pytest.approx(1e7 / 50e3)


def test_refined_trade_never_stands_in_for_the_mine_stage_sourcing(small_ds, ore_ds):
    """Cobalt's primary stage is mine; the small dataset's trade is in a refined form (282200)."""
    ind = build_indicators(small_ds, resolve_consumer(small_ds, "USA"), 2025).set_index("commodity")
    assert ind.loc["cobalt", "stage"] == "mine"
    assert ind.loc["cobalt", "import_basis"].startswith("world")
    assert "sourcing mix unknown" in ind.loc["cobalt", "import_note"]
    assert np.isnan(ind.loc["cobalt", "import_hhi"])
    assert np.isnan(ind.loc["cobalt", "hhi_wgi_sourcing_eu"])
    eu = row(criticality(small_ds, "eu", "USA"), "cobalt")
    assert eu["sourcing_basis"].startswith("global")
    gpr = row(criticality(small_ds, "geopolrisk", "USA"), "cobalt")
    assert np.isnan(gpr["import_risk"]) and "mine stage" in gpr["missing"]
    # the same trade as ore is the consumer's own mix: 60 % COD, 40 % AUS by quantity
    ore = build_indicators(ore_ds, resolve_consumer(ore_ds, "USA"), 2025).set_index("commodity")
    assert ore.loc["cobalt", "import_basis"] == "trade 2025 (quantity)"
    assert ore.loc["cobalt", "import_hhi"] == pytest.approx(0.6**2 + 0.4**2)


def test_usgs2022_is_disruption_times_exposure(small_ds):
    r = row(criticality(small_ds, "usgs2022", "USA"), "cobalt")
    assert r["score"] == pytest.approx(HHI_WGI * 0.76)


def test_trust_composite_is_weighted_mean_of_indicators(small_ds):
    governance = sum(s * G[c] for c, s in COBALT_SHARES.items()) / 0.9
    values = [0.505, governance, 0.9, 0.0, 0.76, 0.44]
    r = row(criticality(small_ds, "trust", "USA", partners="msp"), "cobalt")
    assert r["score"] == pytest.approx(np.mean(values))
    w = {"stage_concentration": 3.0, "import_reliance": 1.0}
    r2 = row(criticality(small_ds, "trust", "USA", partners="msp", weights=w), "cobalt")
    assert r2["score"] == pytest.approx((3 * 0.505 + 0.76) / 4)


def test_withheld_commodity_is_flagged_incomplete_with_coverage(small_ds):
    for method in ("eu", "usgs2022", "trust", "geopolrisk"):
        r = row(criticality(small_ds, method, "USA"), "lithium")
        assert bool(r["incomplete"]), method
        assert r["coverage_share"] == pytest.approx(0.1)
        assert "coverage" in r["missing"]


def test_scaling_every_quantity_leaves_scores_unchanged(small_ds):
    big = make_small_ds(scale=1000.0)
    for method in ("eu", "usgs2022", "trust", "geopolrisk"):
        a = criticality(small_ds, method, "USA").table.set_index("commodity")["score"]
        b = criticality(big, method, "USA").table.set_index("commodity")["score"]
        if method == "geopolrisk":  # domestic production and imports both scale: ratio unchanged
            pass
        pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), rtol=1e-9)


def test_uncertainty_gives_rank_intervals_that_contain_the_rank(small_ds):
    t = criticality(small_ds, "trust", "USA", uncertainty=500, seed=1).table.dropna(
        subset=["score"]
    )
    assert (t["rank_low"] <= t["rank"]).all() and (t["rank"] <= t["rank_high"]).all()
    t2 = criticality(small_ds, "trust", "USA", uncertainty=500, seed=1).table.dropna(
        subset=["score"]
    )
    pd.testing.assert_frame_equal(t, t2)


def test_sobol_names_the_driver_of_each_score(small_ds):
    r = criticality(small_ds, "usgs2022", "USA", sensitivity=True)
    assert set(r.sobol["variable"]) == {"disruption_potential", "trade_exposure"}
    assert row(r, "cobalt")["driver"] in {"disruption_potential", "trade_exposure"}


def test_parameters_report_assumptions(small_ds):
    p = criticality(small_ds, "eu", "USA").parameters
    assert "assumption" in set(p["status"])
    assert "eu_substitution_index" in set(p["key"])


@pytest.mark.parametrize(
    "weights", [{"stage_concentration": -1.0}, {"stage_concentration": 0.0, "import_reliance": 0.0}]
)
def test_bad_weights_are_clear_errors(small_ds, weights):
    with pytest.raises(InputError, match="weights"):
        criticality(small_ds, "trust", "USA", weights=weights)


def test_unknown_method_consumer_partners_list_the_valid_choices(small_ds):
    with pytest.raises(UnknownNameError, match="eu, geopolrisk, usgs2022, trust"):
        criticality(small_ds, "nasa", "USA")
    with pytest.raises(UnknownNameError, match="msp") as exc:
        criticality(small_ds, "eu", "XXX+Atlantis")
    assert exc.value.names == ["XXX", "Atlantis"]
    with pytest.raises(UnknownNameError, match="partner set"):
        criticality(small_ds, "trust", "USA", partners="nato")
    with pytest.raises(UnknownNameError, match="weight"):
        criticality(small_ds, "trust", "USA", weights={"vibes": 1.0})


def test_compare_lists_counts_overlap(small_ds):
    t = criticality(small_ds, "usgs2022", "USA").table  # gallium, cobalt scored
    cmp = compare_with_lists(t, small_ds).set_index("list_id")
    assert cmp.loc["us_2022", "top_n"] == 2 and cmp.loc["us_2022", "overlap"] == 2
    # recall divides by the list's published size, not by the members the method scored
    size = cmp.loc["us_2022", "list_size"]
    assert size > 2 and cmp.loc["us_2022", "recall"] == pytest.approx(2 / size)
    assert cmp.loc["india_2023", "precision"] == pytest.approx(1.0)


def test_indicators_for_a_group_consumer(small_ds):
    ind = build_indicators(small_ds, resolve_consumer(small_ds, "USA+IND"), 2025).set_index(
        "commodity"
    )
    # no published reliance for the pair and no matching trade+production stage: unknown
    assert ind.loc["cobalt", "reliance_basis"] == "unknown"
    assert np.isnan(ind.loc["cobalt", "import_reliance"])


def test_list_size_counts_published_entries_and_groups_expand(small_ds):
    # a list whose entry 2 is a group (REE) naming the aggregate and two elements, and a list
    # naming one element only: the aggregate counts for both; list_size counts entries (2, 2)
    cl = pd.DataFrame(
        {
            "list_id": ["india_2023"] * 4 + ["us_2025"] * 2,
            "order": [1, 2, 2, 2, 1, 2],
            "name_as_published": ["Cobalt", "REE", "REE", "REE", "Cobalt", "Cerium"],
            "commodity": ["cobalt", "rare_earths", "cerium", "lanthanum", "cobalt", "cerium"],
            "source_id": ["india_list_2023"] * 4 + ["us_list_2025"] * 2,
        }
    )
    assert list_members(cl)["us_2025"] == {"cobalt", "cerium", "rare_earths", "lanthanum"}
    # only the two tables compare_with_lists reads
    fake = SimpleNamespace(
        critical_lists=cl,
        commodities=pd.DataFrame({"commodity": ["cobalt", "rare_earths", "tin", "cerium"]}),
    )
    table = pd.DataFrame({"commodity": ["tin", "rare_earths", "cobalt"], "score": [0.9, 0.5, 0.1]})
    cmp = compare_with_lists(table, fake, ("us_2025",)).iloc[0]  # type: ignore[arg-type]
    assert cmp["list_size"] == 2 and cmp["top_n"] == 2
    assert cmp["overlap"] == 1 and cmp["precision"] == pytest.approx(0.5)
    assert cmp["recall"] == pytest.approx(0.5) and cmp["missed"] == "cobalt"
    assert cmp["unscored"] == "cerium" and cmp["members_unscored"] == 1
    # members rare_earths (0.5) and cobalt (0.1) against non-member tin (0.9): AUC 0
    assert cmp["auc"] == pytest.approx(0.0)


def test_trust_needs_half_the_weight_present_to_score():
    from trust_minerals.metrics.criticality import trust

    nan = float("nan")
    # commodity 0 has 3 of 6 indicators (half the weight): scored on them; commodity 1 has 2
    x = {name: np.array([0.6, nan]) for name in trust.INDICATORS}
    x["stage_concentration"] = np.array([0.3, 0.9])
    x["import_reliance"] = np.array([nan, 1.0])
    for name in ("non_partner_dependence", "export_control_exposure", "reserve_concentration"):
        x[name] = np.array([nan, nan])
    x["governance_risk"] = np.array([0.6, nan])
    x["non_partner_dependence"] = np.array([0.9, nan])
    out = trust.score(x, {"trust_min_weight_share": 0.5}, None)
    assert out[0] == pytest.approx((0.3 + 0.6 + 0.9) / 3)
    assert np.isnan(out[1])
    # weighting the two present indicators up to half the total makes commodity 1 scorable
    w = np.array([2.0, 0.0, 0.0, 1.0, 2.0, 1.0])  # present: stage (2) + reliance (2) = 4 of 6
    assert trust.score(x, {"trust_min_weight_share": 0.5}, w)[1] == pytest.approx(0.95)
