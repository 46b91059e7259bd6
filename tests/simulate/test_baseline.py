"""Pre-shock baselines: the year before the effective date, and a stated fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.errors import InputError
from trust_minerals.simulate.baseline import period_note, pick_year, wanted_year
from trust_minerals.simulate.presets import preset
from trust_minerals.simulate.propagate import propagate
from trust_minerals.simulate.spec import scenario_from_dict

_SHOCK = {"kind": "outage", "country": "COD", "commodity": "cobalt", "fraction": 0.5}


def test_effective_date_sets_the_baseline_to_the_year_before():
    s = scenario_from_dict({"year": 2023, "effective": "2023-08-01", "shocks": [_SHOCK]})
    assert wanted_year(s)[0] == 2022
    assert wanted_year(scenario_from_dict({"year": 2023, "shocks": [_SHOCK]}))[0] == 2023


def test_a_malformed_effective_date_is_refused_naming_the_field():
    with pytest.raises(InputError, match="effective"):
        scenario_from_dict({"effective": "Aug 2023", "shocks": [_SHOCK]})


def test_pick_year_prefers_the_latest_year_before_and_says_when_it_falls_forward():
    assert pick_year([2019, 2021, 2023], 2022, "x").used == 2021
    later = pick_year([2023, 2024], 2022, "gallium refinery production")
    assert later.used == 2023
    assert (
        "2022 is not in the store" in later.note and "may already contain the shock" in later.note
    )
    assert pick_year([2022, 2023], 2022, "x").note == ""
    assert pick_year([], 2022, "x").used is None


@given(st.sets(st.integers(1990, 2030), min_size=1), st.integers(1990, 2030))
def test_picked_year_is_available_and_never_later_than_needed(years, wanted):
    got = pick_year(years, wanted, "x")
    assert got.used in years
    if any(y <= wanted for y in years):
        assert got.used == max(y for y in years if y <= wanted)
    else:
        assert got.used == min(years)
    assert (got.note == "") == (got.used == wanted)


def test_period_note_flags_a_basis_period_that_runs_past_the_baseline():
    assert "2021-24" in period_note("usgs import sources 2021-24 (Metal)", 2022)
    assert period_note("trade 2019 (quantity)", 2019) == ""
    assert period_note("trade 2018-2019 (quantity)", 2019) == ""
    assert period_note("world 2023", None) == ""


@pytest.mark.slow
def test_indonesia_nickel_ban_runs_on_pre_ban_trade_and_says_which_production_year(ds):
    r = propagate(ds, preset("indonesia-nickel-ore-2020"), ["CHN", "USA"]).summary
    assert set(r["baseline_year"]) == {2019}
    chn = r[r["stage"] == "mine"].set_index("consumer").loc["CHN"]
    assert chn["basis"].startswith("trade 2019 (")
    # the store's production tables start after 2019: the year used and why are stated
    assert chn["year"] > 2019
    assert "2019 is not in the store" in chn["note"] and str(chn["year"]) in chn["note"]
    # China bought Indonesian ore before the ban: the ban is a real loss on pre-ban data
    assert chn["shortfall_share"] > 0.1


@pytest.mark.slow
def test_gallium_2023_says_its_import_sources_contain_the_shock(ds):
    r = propagate(ds, preset("china-gallium-2023"), ["USA"]).summary.iloc[0]
    assert r["baseline_year"] == 2022
    assert "2021-24 ends after the baseline year 2022" in r["note"]
