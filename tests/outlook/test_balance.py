"""Balance: demand against primary supply by stage plus recovery (hand-made dataset)."""

from __future__ import annotations

import math

import pytest

from trust_minerals.errors import UnknownNameError
from trust_minerals.outlook.balance import balance
from trust_minerals.outlook.demand import demand_outlook
from trust_minerals.outlook.plans import plan_demand


def test_world_lithium_gap_against_the_world_total(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, year=2030, scenario="STEPS")
    row = b[b["commodity"] == "lithium"].iloc[0]
    demand_t = demand_outlook("STEPS", 2030, "lithium")["demand_kt"].iloc[0] * 1000
    # listed rows (90,000 + 160,000) exceed the rounded world total (240,000): the larger is used
    supply_t = 90000.0 + 160000.0
    assert row["demand_t"] == pytest.approx(demand_t)
    assert row["primary_t"] == supply_t and row["primary_year"] == 2025 and row["stage"] == "mine"
    assert math.isnan(row["recovery_p50_t"]) and "not counted" in row["recovery_status"]
    assert row["gap_share"] == pytest.approx((demand_t - supply_t) / supply_t)


def test_world_balance_has_one_row_per_stage_and_converts_units(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, year=2030)
    cu = b[b["commodity"] == "copper"].set_index("stage")
    assert cu.loc["refinery", "primary_t"] == 27000.0 * 1000  # thousand metric tons -> t
    ga = b[b["commodity"] == "gallium"].iloc[0]
    assert ga["primary_t"] == pytest.approx(760.0)  # kilograms -> t
    ree = b[b["commodity"] == "rare_earths"].iloc[0]
    assert ree["recovery_p5_t"] <= ree["recovery_p50_t"] <= ree["recovery_p95_t"]
    assert ree["supply_t"] == pytest.approx(ree["primary_t"] + ree["recovery_p50_t"])
    no_data = b[b["commodity"] == "arsenic"].iloc[0]
    assert math.isnan(no_data["supply_t"]) and no_data["primary_status"] == "no production data"


def test_full_balance_covers_every_scenario_and_year(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, scenario=None)
    assert set(b["year"]) == {2023, 2030, 2035, 2040, 2045, 2050}
    assert {"STEPS", "APS", "NZE"} <= set(b["scenario"])


def test_country_balance_uses_the_shipped_plan(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, country="IND", year=2030)
    d = plan_demand("india-2030").set_index("commodity")
    cu = b[(b["commodity"] == "copper") & (b["stage"] == "mine")].iloc[0]
    assert cu["demand_t"] == pytest.approx(d.loc["copper", "central"])
    assert cu["primary_t"] == 30000.0
    assert cu["gap_share"] == pytest.approx((cu["demand_t"] - 30000.0) / 30000.0)


def test_country_without_plan_keeps_demand_unknown(small_ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(small_ds, country="USA", year=2030)
    assert b["demand_t"].isna().all() and b["demand_basis"].str.startswith("unknown").all()
    ree = b[b["commodity"] == "rare_earths"].iloc[0]
    assert ree["primary_t"] == 45000.0 and ree["recovery_p50_t"] > 0


def test_unknown_scenario_is_refused(small_ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="BAU"):
        balance(small_ds, scenario="BAU")


@pytest.mark.slow
def test_real_dataset_balance_and_recovery_table(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.outlook.recovery import recovery_table

    b = balance(ds, scenario=None)
    li = b[(b["commodity"] == "lithium") & (b["year"] == 2030) & (b["scenario"] == "STEPS")]
    assert not li.empty and (li["primary_t"] > 0).all()
    t = recovery_table(ds, "IND", draws=200)
    ree = t[t["mineral"] == "rare_earths"].iloc[0]
    assert ree["primary_production"] > 0 or ree["primary_status"] not in ("published", "estimated")
