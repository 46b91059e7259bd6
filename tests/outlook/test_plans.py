"""Deployment plans: hand calculations, intensity combination, and errors naming the entry."""

from __future__ import annotations

import copy
import csv
import statistics
from typing import Any

import pytest

from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.outlook._files import raw_outlook_path
from trust_minerals.outlook.plans import load_plan, parse_plan, plan_demand, technology_intensities


def _mi_rows() -> list[dict[str, str]]:
    with open(raw_outlook_path("material_intensity.csv"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _plan(**deployment: Any) -> dict[str, Any]:
    d = {
        "name": "storage",
        "technology": "battery",
        "variant": "LFP",
        "unit": "GWh",
        "factors": [{"name": "storage", "value": 1.0, "unit": "GWh", "assumption": "test"}],
    }
    d.update(deployment)
    return {"name": "test", "country": "IND", "year": 2030, "deployments": [d]}


def test_one_gwh_of_lfp_needs_the_published_lithium_per_kwh() -> None:
    li = next(
        r for r in _mi_rows() if r["mineral"] == "Lithium" and r["scenario_or_variant"] == "LFP"
    )
    expected_t = 1e6 * float(li["intensity"]) / 1000  # 1 GWh = 1e6 kWh; kg -> t
    d = plan_demand(parse_plan(_plan()))
    assert d.loc[d["commodity"] == "lithium", "central"].iloc[0] == pytest.approx(expected_t)


def test_factors_multiply_and_convert_units() -> None:
    factors = [
        {"name": "cars", "value": 1000, "unit": "vehicles", "assumption": "t"},
        {"name": "ev share", "value": 0.5, "unit": "share", "source": "t"},
        {"name": "pack", "value": 50, "unit": "kWh/vehicle", "assumption": "t"},
    ]
    a = plan_demand(parse_plan(_plan(factors=factors)))
    b = plan_demand(
        parse_plan(_plan(factors=[{"name": "x", "value": 25, "unit": "MWh", "assumption": "t"}]))
    )
    assert a["central"].tolist() == pytest.approx(b["central"].tolist())


def test_several_published_rows_combine_as_median_and_envelope() -> None:
    rows = [r for r in _mi_rows() if r["technology"] == "Onshore wind" and r["mineral"] == "Copper"]
    centrals = [float(r["intensity"]) for r in rows]
    lows = [float(r["low"] or r["intensity"]) for r in rows]
    highs = [float(r["high"] or r["intensity"]) for r in rows]
    t = technology_intensities()
    got = t[(t["technology"] == "wind_onshore") & (t["commodity"] == "copper")].iloc[0]
    assert got["central"] * 1000 == pytest.approx(statistics.median(centrals))
    assert (got["low"] * 1000, got["high"] * 1000) == pytest.approx((min(lows), max(highs)))


def test_battery_intensities_are_kg_per_kwh_consistent_with_the_iea_car() -> None:
    # cross-check of the unit reading: IEA's typical car lithium / BatPaC lithium per kWh = pack size
    rows = _mi_rows()
    car_li = next(
        float(r["intensity"])
        for r in rows
        if r["technology"].startswith("Battery electric car") and r["mineral"] == "Lithium"
    )
    nmc_li = next(
        float(r["intensity"])
        for r in rows
        if r["mineral"] == "Lithium" and r["scenario_or_variant"] == "NMC 622"
    )
    implied_pack_kwh = car_li / nmc_li
    assert 20 < implied_pack_kwh < 150


def test_shipped_india_plan_gives_ordered_ranges() -> None:
    d = plan_demand("india-2030")
    assert {"lithium", "copper", "nickel", "cobalt", "neodymium"} <= set(d["commodity"])
    assert ((d["low"] <= d["central"]) & (d["central"] <= d["high"])).all()
    assert load_plan("india-2030").year == 2030


def test_unknown_technology_names_the_entry() -> None:
    with pytest.raises(UnknownNameError, match="fusion_reactor.*'storage'"):
        parse_plan(_plan(technology="fusion_reactor"))


def test_unknown_commodity_names_the_entry() -> None:
    plan = _plan(
        intensities=[
            {
                "commodity": "adamantium",
                "value": 1.0,
                "unit": "kg/kWh of battery (= t/GWh)",
                "assumption": "t",
            }
        ]
    )
    with pytest.raises(UnknownNameError, match="adamantium.*'storage'"):
        parse_plan(plan)
    plan = _plan()
    plan["commodities"] = ["lithium", "vibranium"]
    with pytest.raises(UnknownNameError, match="vibranium"):
        parse_plan(plan)


def test_negative_deployment_names_the_entry() -> None:
    plan = _plan(factors=[{"name": "storage", "value": -5.0, "unit": "GWh", "assumption": "t"}])
    with pytest.raises(InputError, match="'storage'.*negative"):
        parse_plan(plan)


def test_mismatched_units_name_the_entry() -> None:
    with pytest.raises(ParseError, match="'storage'.*MW.*kWh"):
        parse_plan(
            _plan(unit="MW", factors=[{"name": "x", "value": 1.0, "unit": "MW", "assumption": "t"}])
        )
    with pytest.raises(ParseError, match="'storage'.*do not reduce"):
        parse_plan(
            _plan(factors=[{"name": "x", "value": 1.0, "unit": "vehicles", "assumption": "t"}])
        )


def test_unlabelled_figure_is_refused_naming_the_entry() -> None:
    plan = _plan()
    bad = copy.deepcopy(plan)
    del bad["deployments"][0]["factors"][0]["assumption"]
    with pytest.raises(ParseError, match="'storage'.*source.*assumption"):
        parse_plan(bad)


def test_bad_yaml_file_is_a_parse_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "bad.yaml"
    p.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParseError, match="bad.yaml"):
        load_plan(p)
    with pytest.raises(UnknownNameError, match="no-such-plan"):
        load_plan("no-such-plan")
