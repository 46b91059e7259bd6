"""Each criticality method's own definition (metrics/criticality/methods.py): verdict rules from
the thresholds file, the EU verdict without economic importance, the single-consumer adaptation,
and the EU ranking for India and the USA checked against a hand calculation from the raw files."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics.criticality import METHODS, criticality
from trust_minerals.metrics.criticality.methods import (
    NO_RULE,
    apply_verdict,
    method_definition,
    methods_table,
    thresholds_table,
)

from .conftest import make_small_ds


def _threshold_file() -> list[dict[str, str]]:
    path = resources.files("trust_minerals").joinpath("metrics", "data", "method_thresholds.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _eu_threshold(axis: str) -> float:
    return next(float(r["threshold"]) for r in _threshold_file() if r["axis"] == axis)


# --- the methods table -------------------------------------------------------------------------


def test_every_method_has_exactly_one_definition_with_a_source():
    table = methods_table()
    assert sorted(table["method"]) == sorted(METHODS)
    assert table["source"].str.len().min() > 10
    assert table["adaptation"].str.len().min() > 40


def test_eu_verdict_rule_reads_its_numbers_from_the_thresholds_file():
    rows = [r for r in _threshold_file() if r["method"] == "eu"]
    assert {r["axis"] for r in rows} == {"supply_risk", "economic_importance"}
    assert all(r["status"] == "published" and "2024/1252" in r["source"] for r in rows)
    rule = method_definition("eu").verdict_rule
    for r in rows:
        assert f"{r['axis_label']} >= {float(r['threshold']):g}" in rule


def test_unknown_method_definition_names_the_choices():
    with pytest.raises(UnknownNameError, match="usgs2022"):
        method_definition("usgs2021")


def test_methods_without_thresholds_give_no_verdict():
    for m in ("geopolrisk", "usgs2022", "trust"):
        assert thresholds_table().query("method == @m").empty
        out = apply_verdict(m, pd.DataFrame({"score": [0.1, 0.9]}))
        assert (out["verdict"] == NO_RULE).all()


# --- the verdict rule (properties) ---------------------------------------------------------------

value = st.one_of(st.floats(0, 10, allow_nan=False), st.just(float("nan")))
scores = st.lists(value, min_size=1, max_size=30)


@settings(deadline=None)  # no timed assertions (a loaded machine is slow)
@given(scores)
def test_sr_flag_matches_the_score_and_no_verdict_without_ei(sr):
    out = apply_verdict("eu", pd.DataFrame({"score": sr}))
    threshold = _eu_threshold("supply_risk")
    for value, flag, verdict in zip(sr, out["meets_sr_threshold"], out["verdict"], strict=True):
        assert flag is None if np.isnan(value) else flag == (value >= threshold)
        assert verdict.startswith("not determinable")
        assert "economic importance (EI) not bundled" in verdict
        assert ("supply risk (SR) missing" in verdict) == bool(np.isnan(value))


@settings(deadline=None)  # no timed assertions (a loaded machine is slow)
@given(st.lists(st.tuples(value, value), min_size=1, max_size=20))
def test_with_both_axes_critical_means_both_thresholds_are_met(pairs):
    sr, ei = (list(x) for x in zip(*pairs, strict=True))
    out = apply_verdict("eu", pd.DataFrame({"score": sr, "economic_importance": ei}))
    t_sr, t_ei = _eu_threshold("supply_risk"), _eu_threshold("economic_importance")
    for s, e, v in zip(sr, ei, out["verdict"], strict=True):
        known = [(x, t) for x, t in ((s, t_sr), (e, t_ei)) if not np.isnan(x)]
        if any(x < t for x, t in known):
            assert v == "not critical"
        elif len(known) < 2:
            assert v.startswith("not determinable") and "missing" in v
        else:
            assert v == "critical"


# --- the small dataset ---------------------------------------------------------------------------


def test_result_carries_score_axis_rule_adaptation_and_source():
    r = criticality(make_small_ds(), "eu", "USA")
    d = method_definition("eu")
    assert (r.score_axis, r.verdict_rule, r.method_note, r.method_source) == (
        d.score_axis,
        d.verdict_rule,
        d.adaptation,
        d.source,
    )
    assert "supply risk (SR) only" in r.score_axis
    assert "domestic supply (1 - IR)" in r.method_note and "EU sourcing" in r.method_note
    assert len(r.notes) == 4
    annotated = r.annotated()
    assert (annotated["method_note"] == r.method_note).all()
    assert "critical" not in set(r.table["verdict"])


# --- the real store: the investigation of issue 10, item 8 ------------------------------------


def _raw_governance_eu() -> pd.Series:
    """The EU-scale instability (0-10) of every country, straight from the bundled WGI file."""
    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "governance_wgi", "wgi_pv_rl_2023_countries.csv"
    )
    with path.open(encoding="utf-8") as fh:
        w = pd.read_csv(fh).set_index("iso3")
    pv = ((2.5 - w["pv_est"]) / 5).clip(0, 1)
    rl = ((2.5 - w["rl_est"]) / 5).clip(0, 1)
    return (pv + rl) / 2 * 10


def _hand_hhi_wgi(ds, commodity: str, year: int) -> float:
    """Σ share² × instability over named countries; denominator max(world total, listed sum)."""
    p = ds.production
    p = p[(p["commodity"] == commodity) & (p["year"] == year) & (p["stage"] == "mine")]
    assert p["form"].fillna("").nunique() == 1, "one form only in this hand calculation"
    world = p.loc[p["country"] == "World total", "quantity"].max()
    listed = p.loc[p["country"] != "World total", "quantity"].sum()
    den = max(float(world) if pd.notna(world) else 0.0, float(listed))
    named = p[~p["is_aggregate"] & p["quantity"].notna()]
    g = _raw_governance_eu()
    return float(((named["quantity"] / den) ** 2 * named["country"].map(g)).sum())


@pytest.fixture(scope="module")
def eu_india(ds):
    return criticality(ds, "eu", "IND")


@pytest.fixture(scope="module")
def eu_usa(ds):
    return criticality(ds, "eu", "USA")


def _row(result, commodity: str) -> pd.Series:
    t = result.table
    return t[t["commodity"] == commodity].iloc[0]


@pytest.mark.parametrize("commodity", ["barite", "rare_earths", "lithium", "mercury", "iron_ore"])
def test_global_hhi_wgi_matches_a_hand_calculation(eu_india, ds, commodity):
    r = _row(eu_india, commodity)
    if commodity == "iron_ore":  # USGS publishes usable ore and iron content: the score uses one
        assert r["stage"] == "mine"
        return
    assert r["hhi_wgi_global"] == pytest.approx(_hand_hhi_wgi(ds, commodity, int(r["year"])))


@pytest.mark.parametrize("commodity", ["barite", "clays", "iron_ore"])
def test_india_self_supplied_materials_score_indias_own_governance(eu_india, commodity):
    """India is a net exporter of barite, clays and iron ore (IR 0 by apparent consumption), so
    the sourcing term is India alone at its own instability: SR = g_IND × (1 − EoL_RIR)."""
    r = _row(eu_india, commodity)
    g_ind = _raw_governance_eu()["IND"]
    assert r["import_reliance"] == 0 and r["reliance_basis"] == "apparent_consumption"
    assert r["hhi_wgi_sourcing"] == pytest.approx(g_ind)
    assert r["score"] == pytest.approx(g_ind * (1 - r["eol_rir_used"]))
    assert not r["incomplete"]


def test_india_ranking_is_what_the_formula_gives(eu_india):
    t = eu_india.table.set_index("commodity")
    g_ind = _raw_governance_eu()["IND"]
    # nothing outscores a self-supplied material without recycling credit
    assert t["score"].max() == pytest.approx(g_ind)
    for top in ("barite", "clays", "iron_ore"):
        for low in ("rare_earths", "lithium"):
            assert t.loc[top, "rank"] < t.loc[low, "rank"]
    # rare earths: India's import reliance unknown, so the world mix stands in (flagged)
    ree = t.loc["rare_earths"]
    assert np.isnan(ree["import_reliance"]) and ree["incomplete"]
    assert ree["score"] == pytest.approx(ree["hhi_wgi_global"] * (1 - ree["eol_rir_used"]))
    # lithium: IR 1, so SR = (global + sourcing) / 2 × (1 − EoL_RIR)
    li = t.loc["lithium"]
    assert li["import_reliance"] == 1
    expected = (li["hhi_wgi_global"] / 2 + li["hhi_wgi_sourcing"] / 2) * (1 - li["eol_rir_used"])
    assert li["score"] == pytest.approx(expected)


def test_usa_mercury_is_the_world_mix_because_us_reliance_is_not_available(eu_usa, ds):
    m = _row(eu_usa, "mercury")
    assert np.isnan(m["import_reliance"]) and m["reliance_basis"] == "usgs_nir"
    assert m["sourcing_basis"].startswith("global") and m["incomplete"]
    assert "import reliance unknown" in m["missing"]
    hand = _hand_hhi_wgi(ds, "mercury", int(m["year"]))
    assert m["score"] == pytest.approx(hand * (1 - m["eol_rir_used"]))
    assert m["rank"] <= 3  # China holds ~94 % of listed mine output


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("consumer", ["IND", "USA"])
def test_no_verdict_the_data_cannot_support(ds, method, consumer):
    r = criticality(ds, method, consumer)
    assert "critical" not in set(r.table["verdict"])
    if method == "eu":
        assert r.table["verdict"].str.contains("economic importance \\(EI\\) not bundled").all()
        scored = r.table["score"].notna()
        flag = r.table.loc[scored, "meets_sr_threshold"].astype(bool)
        assert (flag == (r.table.loc[scored, "score"] >= _eu_threshold("supply_risk"))).all()
        assert r.table.loc[~scored, "meets_sr_threshold"].isna().all()
    else:
        assert (r.table["verdict"] == NO_RULE).all()


@pytest.mark.parametrize("commodity", ["clays", "iron_ore"])
def test_group_domestic_supply_counts_each_member_as_a_supplier(ds, commodity):
    """USA+IND: domestic supply split by the members' production (the EU counts member states
    separately), each at its own instability; IR 0 here (net exporters on a like-for-like gross
    basis), so the sourcing term is domestic only. Copper and zinc no longer qualify: their ore is
    traded gross against mine output in metal content, so their reliance is not computed."""
    from trust_minerals.countries import resolve_consumer
    from trust_minerals.metrics.criticality.inputs import build_indicators

    ind = build_indicators(ds, resolve_consumer(ds, "USA+IND"), 2025).set_index("commodity")
    r = ind.loc[commodity]
    assert r["import_reliance"] == 0
    p = ds.production
    p = p[
        (p["commodity"] == commodity)
        & (p["stage"] == r["stage"])
        & (p["form"].fillna("") == r["form"])
        & (p["year"] == r["year"])
        & p["country"].isin(["USA", "IND"])
    ]
    assert p["quantity"].notna().all() and len(p) == 2
    w = p.set_index("country")["quantity"] / p["quantity"].sum()
    g = _raw_governance_eu()
    hand = float((w**2 * g.reindex(w.index)).sum())
    assert r["hhi_wgi_sourcing_eu"] == pytest.approx(hand)
    # one country is one supplier at its own instability, as before
    assert hand < max(g["USA"], g["IND"])


@pytest.mark.parametrize("consumer", ["IND", "USA"])
def test_eu_keeps_the_higher_of_extraction_and_processing_sr(ds, consumer):
    """Where production data exist at mine and at a later stage, SR is computed at both and the
    higher kept, as the EU does; the row's stage is the one whose SR was kept."""
    from trust_minerals.metrics.criticality.eu import EXTRACTION

    t = criticality(ds, "eu", consumer).table
    both = t[t["sr_extraction"].notna() & t["sr_processing"].notna()]
    prod = ds.production
    prod = prod[prod["quantity"].notna() & (prod["year"] <= 2025)]
    stages = prod.groupby("commodity")["stage"].agg(set)
    expected = {c for c, s in stages.items() if EXTRACTION in s and len(s) > 1}
    assert set(both["commodity"]) <= expected and {"copper", "aluminum"} <= set(both["commodity"])
    for r in both.itertuples():
        assert r.score == pytest.approx(max(r.sr_extraction, r.sr_processing))
        at_mine = r.sr_extraction >= r.sr_processing
        assert (r.stage == EXTRACTION) == at_mine
    one = t[t["score"].notna() & ~t["commodity"].isin(both["commodity"])]
    single = np.where(one["stage"] == EXTRACTION, one["sr_extraction"], one["sr_processing"])
    assert np.allclose(single, one["score"])
