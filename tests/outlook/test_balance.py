"""Balance: like-for-like comparison (hand-made dataset) and import need (real store)."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.outlook._files import outlook_path
from trust_minerals.outlook.balance import COLUMNS, balance, lce
from trust_minerals.outlook.demand import demand_outlook
from trust_minerals.outlook.plans import plan_demand


def _weights() -> dict[str, float]:
    """Atomic weights read straight from the data file (independent of the scope module)."""
    with open(outlook_path("data", "atomic_weights.csv"), encoding="utf-8") as fh:
        return {r["symbol"]: float(r["atomic_weight"]) for r in csv.DictReader(fh)}


# --- world balance on a hand-made dataset -------------------------------------------------------


def test_world_lithium_gap_against_the_world_total(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, year=2030, scenario="STEPS")
    row = b[b["commodity"] == "lithium"].iloc[0]
    demand_t = demand_outlook("STEPS", 2030, "lithium")["demand_kt"].iloc[0] * 1000
    # listed rows (90,000 + 160,000) exceed the rounded world total (240,000): the larger is used
    supply_t = 90000.0 + 160000.0
    assert row["demand_t"] == pytest.approx(demand_t) and row["demand_scope"] == "total"
    assert row["primary_t"] == supply_t and row["primary_year"] == 2025 and row["stage"] == "mine"
    assert row["comparison"] == "gap" and row["supply_scope"] == "total"
    assert row["recovery_counted_t"] == 0.0 and row["supply_t"] == supply_t
    assert row["gap_share"] == pytest.approx((demand_t - supply_t) / supply_t)


def test_world_rows_convert_units_and_rare_earth_oxide_to_element(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, year=2030)
    cu = b[b["commodity"] == "copper"].set_index("stage")
    assert cu.loc["refinery", "primary_t"] == 27000.0 * 1000  # thousand metric tons -> t
    ga = b[b["commodity"] == "gallium"].iloc[0]
    assert ga["primary_t"] == pytest.approx(760.0)  # kilograms -> t
    w = _weights()
    nd_in_oxide = 2 * w["Nd"] / (2 * w["Nd"] + 3 * w["O"])
    ree = b[b["demand_name"] == "Total rare earth elements"].iloc[0]
    assert ree["primary_published_t"] == 390000.0  # REO as published
    assert ree["primary_t"] == pytest.approx(390000.0 * nd_in_oxide)
    assert "Nd2O3" in ree["conversion"] and "assumption" in ree["conversion"]
    # magnet rare earths (Nd+Pr+Dy+Tb) never fall back to all-REO USGS output
    magnet = b[b["demand_name"] == "Magnet rare earth elements"]
    assert magnet["primary_t"].isna().all()
    assert magnet["primary_status"].str.contains("another basis").all()
    no_data = b[b["commodity"] == "arsenic"].iloc[0]
    assert math.isnan(no_data["supply_t"]) and math.isnan(no_data["demand_share_of_supply"])


def test_full_balance_covers_every_scenario_and_year(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, scenario=None)
    assert set(b["year"]) == {2023, 2030, 2035, 2040, 2045, 2050}
    assert {"STEPS", "APS", "NZE"} <= set(b["scenario"]) and list(b.columns) == COLUMNS


def test_unknown_scenario_and_a_plan_without_consumer_are_refused(small_ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="BAU"):
        balance(small_ds, scenario="BAU")
    with pytest.raises(InputError, match="consumer"):
        balance(small_ds, plan="india-2030")


def test_lce_is_the_stoichiometric_inverse_of_lithium_in_li2co3() -> None:
    w = _weights()
    li_in_lce = 2 * w["Li"] / (2 * w["Li"] + w["C"] + 3 * w["O"])
    assert lce(1.0) == pytest.approx(1 / li_in_lce) and lce(1.0) == pytest.approx(5.323, abs=1e-3)


# --- the real store -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(ds):  # type: ignore[no-untyped-def]
    return balance(ds, scenario=None)


@pytest.mark.slow
def test_every_row_states_its_scope_basis_and_unit(world) -> None:  # type: ignore[no-untyped-def]
    for col in ("demand_scope", "demand_basis", "supply_scope", "supply_basis", "unit"):
        assert world[col].notna().all() and (world[col].astype(str) != "").all(), col
    assert set(world["unit"]) == {"t"}
    assert set(world["comparison"]) == {"gap", "share", "none"}
    assert (world["comparison_note"].str.len() > 0).all()


@pytest.mark.slow
def test_a_gap_only_where_total_demand_meets_total_supply(world) -> None:  # type: ignore[no-untyped-def]
    gap = world[world["gap_t"].notna()]
    assert (gap["demand_scope"] == "total").all() and (gap["supply_scope"] == "total").all()
    assert set(gap["commodity"]) == {"cobalt", "copper", "lithium", "nickel", "rare_earths"}
    assert set(gap.loc[gap["commodity"] == "rare_earths", "demand_name"]) == {
        "Magnet rare earth elements"
    }
    assert gap["primary_status"].str.contains("IEA").all()
    clean = world[world["demand_scope"] == "clean technologies"]
    assert clean["gap_t"].isna().all() and clean["gap_share"].isna().all()
    # the cases of issue 12: chromium and zinc were -99% and -92% gaps
    cr = world[world["commodity"] == "chromium"]
    assert (cr["comparison"] == "none").all() and cr["demand_share_of_supply"].isna().all()
    zn = world[(world["commodity"] == "zinc") & (world["year"] == 2030)]
    assert (zn["comparison"] == "share").all() and (zn["demand_share_of_supply"] > 0).all()


@pytest.mark.slow
def test_graphite_and_magnesium_are_set_against_the_matching_supply(world) -> None:  # type: ignore[no-untyped-def]
    gr = world[world["demand_name"].str.startswith("Graphite (all grades")]
    assert (gr["supply_scope"] == "natural graphite only").all()
    assert (gr["comparison"] == "share").all() and gr["gap_t"].isna().all()
    mg = world[world["commodity"] == "magnesium"]
    assert set(mg["stage"]) == {"smelter"}  # metal, not magnesite ore


@pytest.mark.slow
def test_no_potential_in_supply_by_default(ds) -> None:  # type: ignore[no-untyped-def]
    base = balance(ds, consumer="IND", year=2030)
    pot = balance(ds, consumer="IND", year=2030, include_potential=True)
    ree = base[base["commodity"] == "rare_earths"].iloc[0]
    ree_pot = pot[pot["commodity"] == "rare_earths"].iloc[0]
    assert ree["recovery_counted_t"] == 0.0 and "capacity only" in ree["recovery_note"]
    assert ree["supply_t"] == ree["primary_t"]
    assert ree_pot["recovery_counted_t"] > 0 and "technical potential" in ree_pot["recovery_note"]
    assert ree_pot["supply_t"] == pytest.approx(
        ree_pot["primary_t"] + ree_pot["recovery_counted_t"]
    )
    world = balance(ds, year=2030)
    assert (world["recovery_counted_t"] == 0.0).all()


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["STEPS", "APS", "NZE"])
def test_india_lithium_cobalt_nickel_need_is_the_whole_demand(ds, scenario: str) -> None:  # type: ignore[no-untyped-def]
    b = balance(ds, consumer="IND", year=2030, scenario=scenario)
    plan = plan_demand("india-2030").set_index("commodity")
    for commodity in ("lithium", "cobalt", "nickel"):
        row = b[b["commodity"] == commodity].iloc[0]
        assert row["primary_t"] == 0.0 and "counted as 0" in row["primary_status"]
        assert row["import_need_t"] == pytest.approx(plan.loc[commodity, "central"])
        assert "whole demand" in row["import_need_note"]
        assert row["top_supplier"] and 0 <= row["china_share"] <= 1
        # the stage's supply mix: own trade in the stage's forms, or a stated fallback
        basis = row["exposure_basis"]
        assert 0 < row["supplier_hhi"] <= 1 and basis.startswith(f"{row['stage']} supply mix: ")
        assert "trade" in basis or "allocated in proportion to the world market" in basis


@pytest.mark.slow
def test_india_need_bounds_and_blanks_are_explained(ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(ds, consumer="IND", year=2030)
    ok = b["import_need_low_t"].notna()
    low, high = b.loc[ok, "import_need_low_t"], b.loc[ok, "import_need_high_t"]
    assert (low <= high + 1e-9).all() and (high <= b.loc[ok, "demand_t"] + 1e-9).all()
    cu = b[b["commodity"] == "copper"].set_index("stage")
    assert math.isnan(cu.loc["mine", "import_need_t"])
    assert cu.loc["mine", "import_need_low_t"] == pytest.approx(
        cu.loc["mine", "demand_t"] - cu.loc["mine", "primary_t"]
    )
    assert cu.loc["refinery", "import_need_low_t"] == 0.0  # India refines more than the plan needs
    blank = b[b["import_need_t"].isna()]
    assert (blank["import_need_note"].str.len() > 0).all()
    nd = b[b["commodity"] == "neodymium"].iloc[0]
    assert nd["comparison"] == "none" and nd["import_need_note"].startswith("blank:")


@pytest.mark.slow
def test_plan_rare_earth_total_is_not_below_its_elements(ds) -> None:  # type: ignore[no-untyped-def]
    d = plan_demand("india-2030").set_index("commodity")
    elements = ["neodymium", "praseodymium", "dysprosium", "terbium"]
    for col in ("low", "central", "high"):
        assert d.loc["rare_earths", col] >= d.loc[elements, col].sum() - 1e-9


@pytest.mark.slow
@pytest.mark.parametrize("consumer", ["CHN", "AUS", "DEU", "ABW", "usa_ind", "USA+IND"])
def test_balance_works_for_every_consumer(ds, consumer: str) -> None:  # type: ignore[no-untyped-def]
    b = balance(ds, consumer=consumer, year=2030)
    assert len(b) > 0 and list(b.columns) == COLUMNS
    assert b["demand_basis"].str.startswith("unknown").all() and b["demand_t"].isna().all()
    assert (b["import_need_note"] == "no demand figure (see demand_basis)").all()


@pytest.mark.slow
def test_a_country_with_no_data_gets_rows_that_say_so(ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(ds, consumer="ABW", year=2030)
    listed = b[b["primary_status"].str.contains("no output listed")]
    assert len(listed) > 10 and (listed["primary_t"] == 0.0).all()
    unknown = b[b["primary_t"].isna()]
    assert unknown["primary_status"].str.contains("not compared|another basis", regex=True).all()


@pytest.mark.slow
def test_unknown_consumer_names_the_closest(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="INDD"):
        balance(ds, consumer="INDD")


@pytest.mark.slow
def test_pooled_consumer_adds_its_members_output(ds) -> None:  # type: ignore[no-untyped-def]
    one = {c: balance(ds, consumer=c, year=2030) for c in ("USA", "IND")}
    both = balance(ds, consumer="USA+IND", year=2030)
    key = (both["commodity"] == "copper") & (both["stage"] == "refinery")
    parts = [
        one[c].loc[(one[c]["commodity"] == "copper") & (one[c]["stage"] == "refinery"), "primary_t"]
        for c in one
    ]
    assert both.loc[key, "primary_t"].iloc[0] == pytest.approx(
        float(np.sum([p.iloc[0] for p in parts]))
    )


@pytest.mark.slow
def test_commodity_outlook_gives_world_years_and_the_consumer_need(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.outlook.balance import OUTLOOK_COLUMNS, commodity_outlook

    o = commodity_outlook(ds, "lithium", consumer="IND")
    assert list(o.columns) == OUTLOOK_COLUMNS
    world = o[o["consumer"] == "World"]
    assert set(world["year"]) == {2030, 2035, 2040} and (world["comparison"] == "gap").all()
    india = o[o["consumer"] == "IND"]
    assert len(india) > 0 and (india["import_need_t"] > 0).all()
    assert commodity_outlook(ds, "lithium", consumer="USA")["consumer"].eq("World").all()
