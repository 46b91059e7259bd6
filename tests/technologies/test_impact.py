"""Scenario and Monte Carlo results by TRUST sector."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path
from statistics import median
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.errors import UnknownNameError
from trust_minerals.simulate.montecarlo import shortfall_risk
from trust_minerals.simulate.presets import preset
from trust_minerals.simulate.propagate import propagate
from trust_minerals.technologies.graph import build_graph
from trust_minerals.technologies.impact import montecarlo_by_sector, sector_impact

MI = Path(str(resources.files("trust_minerals").joinpath("data", "raw", "outlook"))) / (
    "material_intensity.csv"
)


@pytest.fixture(scope="module")
def rare_earths(ds):  # type: ignore[no-untyped-def]
    return propagate(ds, preset("china-rare-earths-2025"), ["IND", "USA"])


def test_rare_earth_licensing_reaches_defence_medical_and_clean_energy(rare_earths) -> None:  # type: ignore[no-untyped-def]
    t = sector_impact(rare_earths)
    ind = t[t["consumer"] == "IND"]
    lost = rare_earths.summary.set_index(["consumer", "commodity", "stage"])["shortfall_share"]
    assert lost[("IND", "rare_earths", "mine")] > 0
    for sector, tech in [
        ("defence", "permanent_magnets"),
        ("biotech_medical", "medical_imaging"),
        ("clean_energy_ev", "wind_turbines"),
    ]:
        rows = ind[(ind["sector"] == sector) & (ind["technology"] == tech)]
        assert not rows.empty
        for r in rows.itertuples():  # each stage of the scenario, its own shortfall
            assert r.shortfall_share == lost[("IND", "rare_earths", r.stage)]
    dy_tb = ind[ind["commodity"].isin(["dysprosium", "terbium"])]
    assert {"defence", "clean_energy_ev"} <= set(dy_tb["sector"])
    assert dy_tb["note"].str.contains("total rare earths").all()


def test_a_missing_shortfall_stays_missing_with_the_scenario_s_reason(rare_earths) -> None:  # type: ignore[no-untyped-def]
    t = sector_impact(rare_earths)
    summary = rare_earths.summary
    missing = summary[summary["shortfall_share"].isna()]
    if missing.empty:
        pytest.skip("the preset has no commodity with a missing shortfall")
    rows = t[t["supply_commodity"].isin(missing["commodity"])]
    assert not rows.empty
    assert rows["shortfall_share"].isna().all() and rows["at_risk"].isna().all()
    if "note" in summary.columns:
        reasons = set(missing["note"])
        assert all(any(r in n for r in reasons) for n in rows["note"])


def test_at_risk_is_the_median_intensity_times_the_shortfall(rare_earths) -> None:  # type: ignore[no-untyped-def]
    t = sector_impact(rare_earths)
    row = t[
        (t["consumer"] == "IND")
        & (t["technology"] == "wind_turbines")
        & (t["commodity"] == "dysprosium")
        & (t["sector"] == "clean_energy_ev")
        & (t["stage"] == "mine")
    ].iloc[0]
    with open(MI, encoding="utf-8", newline="") as fh:
        published = [
            float(r["intensity"]) / 1000  # kg/MW -> t/MW
            for r in csv.DictReader(fh)
            if r["mineral"] == "Dysprosium"
            and r["intensity"]
            and r["technology"]
            in {
                "Onshore wind",
                "Offshore wind",
                "Wind turbine generator (onshore or offshore)",
                "Wind turbine (onshore or offshore)",
                "Wind turbine nacelle/generator (onshore & offshore, Canada study)",
            }
            and r["unit"].startswith("kg/MW")
        ]
    assert row["link"] == "quantitative" and row["intensity_unit"] == "t/MW"
    assert row["intensity"] == pytest.approx(median(published))
    assert row["at_risk"] == pytest.approx(row["intensity"] * row["shortfall_share"])
    assert row["at_risk_low"] <= row["at_risk"] <= row["at_risk_high"]


def test_qualitative_links_carry_no_quantity(rare_earths) -> None:  # type: ignore[no-untyped-def]
    t = sector_impact(rare_earths)
    q = t[t["link"] == "qualitative"]
    assert not q.empty
    assert q["at_risk"].isna().all() and q["intensity"].isna().all()
    assert q["note"].str.contains("qualitative").all()


def test_sector_level_names_the_hardest_hit_link(rare_earths) -> None:  # type: ignore[no-untyped-def]
    links = sector_impact(rare_earths)
    sec = sector_impact(rare_earths, level="sector")
    for r in sec.itertuples():
        sub = links[(links["consumer"] == r.consumer) & (links["sector"] == r.sector)]
        assert r.shortfall_share == sub["shortfall_share"].max()
        assert r.technology in set(sub["technology"])
    with pytest.raises(UnknownNameError):
        sector_impact(rare_earths, level="sectors")


def test_gallium_licensing_reaches_semiconductors(ds) -> None:  # type: ignore[no-untyped-def]
    t = sector_impact(propagate(ds, preset("china-gallium-2023"), ["USA"]))
    assert "semiconductors_ai" in set(t["sector"])
    assert set(t["supply_commodity"]) == {"gallium"}


def test_montecarlo_by_sector_takes_each_commodity_s_statistics(ds) -> None:  # type: ignore[no-untyped-def]
    mc = shortfall_risk(ds, ["IND"], n_draws=500, seed=3, commodities=["gallium", "cobalt"])
    links = montecarlo_by_sector(mc, level="link")
    assert set(links["supply_commodity"]) <= {"gallium", "cobalt"}
    stats = mc.table.set_index(["commodity", "stage"])["p95"]
    for r in links.itertuples():
        assert r.p95 == stats[(r.supply_commodity, r.stage)]
    sec = montecarlo_by_sector(mc)
    for r in sec.itertuples():
        assert r.p95 == links.loc[links["sector"] == r.sector, "p95"].max()
    assert isinstance(sec, pd.DataFrame)


# --- invariants on any scenario result ---------------------------------------------------------
SUPPLY = sorted(set(build_graph().links["supply_commodity"]))


@settings(max_examples=25, deadline=None)
@given(
    hit=st.dictionaries(
        st.sampled_from(SUPPLY), st.floats(0, 1, allow_nan=False), min_size=1, max_size=6
    )
)
def test_sector_impact_invariants(hit: dict[str, float]) -> None:
    summary = pd.DataFrame(
        {
            "consumer": "IND",
            "commodity": list(hit),
            "stage": "mine",
            "year": 2025,
            "shortfall_share": list(hit.values()),
            "months_short": 1,
            "price_change_share": 0.0,
            "basis": "test",
        }
    )
    t = sector_impact(SimpleNamespace(summary=summary))
    links = build_graph().links
    reached = links[links["supply_commodity"].isin(list(hit))]
    # one row per sector x technology x commodity that needs a shocked supply commodity
    assert len(t) == len(reached.drop_duplicates(["sector", "technology", "commodity"]))
    assert (t["shortfall_share"] == t["supply_commodity"].map(hit)).all()
    q = t.dropna(subset=["at_risk"])
    assert np.allclose(q["at_risk"], q["intensity"] * q["shortfall_share"])
    assert (q["at_risk_low"] <= q["at_risk"] + 1e-15).all()
    assert (q["at_risk"] <= q["at_risk_high"] + 1e-15).all()
    assert t.loc[t["link"] == "qualitative", "at_risk"].isna().all()
    sec = sector_impact(SimpleNamespace(summary=summary), level="sector")
    assert set(sec["sector"]) == set(t["sector"])


def test_links_with_impact_keeps_unreached_links_missing(ds, rare_earths) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.technologies.exposure import sector_exposure
    from trust_minerals.technologies.impact import links_with_impact

    links = sector_exposure(ds, "IND").links
    joined = links_with_impact(links, sector_impact(rare_earths))
    assert len(joined) == len(links)
    ree = joined[joined["supply_commodity"] == "rare_earths"]
    assert (ree["shortfall_share"] > 0).all()
    assert joined.loc[joined["supply_commodity"] == "gallium", "shortfall_share"].isna().all()
    assert "shortfall_share" not in links_with_impact(links, None).columns
