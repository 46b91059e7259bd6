"""Monthly propagation: mass balance, hand calculations, chain, mitigation; specs and presets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.simulate.presets import load_presets, preset, scenarios_table
from trust_minerals.simulate.price import effective_loss, price_response
from trust_minerals.simulate.propagate import propagate
from trust_minerals.simulate.spec import load_scenario, scenario_from_dict

from .tiny import make_ds


def _ban(country: str, commodity: str = "gallium", stage: str = "refinery", **kw):
    return {"kind": "export_ban", "country": country, "commodity": commodity, "stage": stage, **kw}


def test_ban_hand_calculation_for_one_consumer(tiny):
    """USA buys gallium 15 t from CHN and 5 t from JPN: a full CHN ban loses 75% every month."""
    r = propagate(tiny, scenario_from_dict({"shocks": [_ban("CHN")]}), ["USA"])
    row = r.summary.iloc[0]
    assert row["shortfall_share"] == pytest.approx(0.75)
    assert row["months_short"] == 12
    assert row["lost_supply"] == pytest.approx(0.75 * 20.0)  # 20 t/yr imported, 12 months
    # the outside market: CHN ships 45 of the 50 t exported to others (BACI), so it loses 0.9
    # of its supply every month; after the buffer the peak effective loss is 0.9
    r_ = price_response()
    eff = effective_loss(np.full(12, 0.9), r_.buffer_months)
    assert row["price_change_share"] == pytest.approx(r_.slope * eff.max())
    assert row["price_basis"].startswith("outside world exports 2025")
    # beyond the range the episodes cover: flagged, not capped
    assert not row["price_in_range"] and "extrapolated" in row["note"]


def test_ban_by_a_country_with_zero_share_changes_nothing(tiny):
    r = propagate(tiny, scenario_from_dict({"shocks": [_ban("FIN")]}), ["USA", "IND", "MSP"])
    assert (r.summary["shortfall_share"] == 0).all()
    assert (r.summary["months_short"] == 0).all()
    assert (r.summary["price_change_share"] == 0).all()


def test_spared_destination_keeps_its_supply(tiny):
    s = scenario_from_dict({"shocks": [_ban("CHN", spare=["USA", "JPN"])]})
    r = propagate(tiny, s, ["USA", "DEU"]).summary.set_index("consumer")
    assert r.loc["USA", "shortfall_share"] == 0
    assert r.loc["DEU", "shortfall_share"] == pytest.approx(1.0)


def test_licensing_lag_then_partial_recovery(tiny):
    s = scenario_from_dict(
        {
            "shocks": [
                {
                    "kind": "licensing",
                    "country": "CHN",
                    "commodity": "gallium",
                    "delay_months": 2,
                    "after_share": 0.4,
                }
            ]
        }
    )
    m = propagate(tiny, s, ["USA"]).monthly
    np.testing.assert_allclose(m["shortfall_share"].to_numpy()[:2], 0.75)
    np.testing.assert_allclose(m["shortfall_share"].to_numpy()[2:], 0.75 * 0.6)


def test_mine_outage_limits_refinery_output_in_proportion(tiny):
    """COD loses half its mine output (35% of world feed) for 3 months: every refiner loses 35%."""
    s = scenario_from_dict(
        {
            "shocks": [
                {
                    "kind": "outage",
                    "country": "COD",
                    "commodity": "cobalt",
                    "stage": "mine",
                    "fraction": 0.5,
                    "duration_months": 3,
                }
            ]
        }
    )
    r = propagate(tiny, s, ["IND"])
    refinery = r.monthly[(r.monthly["stage"] == "refinery")]
    np.testing.assert_allclose(refinery["shortfall_share"].to_numpy()[:3], 0.35)
    assert (refinery["shortfall_share"].to_numpy()[3:] == 0).all()
    assert r.summary.set_index("stage").loc["refinery", "months_short"] == 3


def test_spare_capacity_and_stockpile_reduce_the_shortfall(tiny):
    base = [_ban("CHN")]
    plain = (
        propagate(tiny, scenario_from_dict({"shocks": base}), ["USA"])
        .summary["shortfall_share"]
        .iloc[0]
    )
    spare = {
        "kind": "spare_capacity",
        "commodity": "gallium",
        "stage": "refinery",
        "headroom_share": 1.0,
        "ramp_months": 2,
    }
    stock = {
        "kind": "stockpile",
        "consumer": "USA",
        "commodity": "gallium",
        "months_of_supply": 1.5,
    }
    with_spare = (
        propagate(tiny, scenario_from_dict({"shocks": [*base, spare]}), ["USA"])
        .summary["shortfall_share"]
        .iloc[0]
    )
    with_stock = propagate(tiny, scenario_from_dict({"shocks": [*base, stock]}), ["USA"])
    assert with_spare < plain
    # 1.5 months of supply cover 1.5 month-units of the 0.75/month gap: 12*0.75 - 1.5 over 12 months
    assert with_stock.summary["shortfall_share"].iloc[0] == pytest.approx((12 * 0.75 - 1.5) / 12)
    assert with_stock.monthly["stock_draw"].sum() == pytest.approx(1.5)


def test_demand_shock_alone_creates_a_shortfall(tiny):
    s = scenario_from_dict(
        {
            "shocks": [
                {
                    "kind": "demand_shock",
                    "consumer": "USA",
                    "commodity": "gallium",
                    "change_share": 0.25,
                    "duration_months": 4,
                }
            ]
        }
    )
    m = propagate(tiny, s, ["USA"]).monthly
    np.testing.assert_allclose(m["shortfall_share"].to_numpy()[:4], 0.25 / 1.25)


@settings(max_examples=8, deadline=None)
@given(
    quota=st.floats(0, 1),
    fraction=st.floats(0, 1),
    start=st.integers(0, 11),
    duration=st.integers(0, 12),
    demand=st.floats(-0.5, 1.0),
    stock=st.floats(0, 3),
    headroom=st.floats(0, 1),
)
def test_mass_balance_every_month(quota, fraction, start, duration, demand, stock, headroom):
    ds = make_ds()
    shocks = [
        {
            "kind": "export_quota",
            "country": "CHN",
            "commodity": "cobalt",
            "stage": "refinery",
            "quota_share": quota,
            "start_month": start,
        },
        {
            "kind": "outage",
            "country": "COD",
            "commodity": "cobalt",
            "stage": "mine",
            "fraction": fraction,
            "start_month": start,
            "duration_months": duration,
        },
        {"kind": "demand_shock", "consumer": "IND", "commodity": "cobalt", "change_share": demand},
        {"kind": "stockpile", "consumer": "IND", "commodity": "cobalt", "months_of_supply": stock},
        {
            "kind": "spare_capacity",
            "commodity": "cobalt",
            "stage": "refinery",
            "headroom_share": headroom,
        },
    ]
    for allocation in ("trade", "partner-first"):
        m = propagate(
            ds,
            scenario_from_dict({"allocation": allocation, "shocks": shocks}),
            ["USA", "IND", "MSP"],
        ).monthly
        np.testing.assert_allclose(m["delivered"] + m["shortfall"], m["demand"], atol=1e-12)
        assert (m["shortfall"] >= -1e-12).all() and (m["shortfall_share"] <= 1 + 1e-12).all()


@pytest.mark.parametrize(
    ("shock", "field"),
    [
        (
            {"kind": "outage", "country": "COD", "commodity": "cobalt", "fraction": 1.5},
            "shocks.0.fraction",
        ),
        (
            {
                "kind": "outage",
                "country": "COD",
                "commodity": "cobalt",
                "fraction": 0.5,
                "duration_months": -1,
            },
            "shocks.0.duration_months",
        ),
        (
            {"kind": "export_quota", "country": "CHN", "commodity": "cobalt", "quota_share": -0.2},
            "shocks.0.quota_share",
        ),
        ({"kind": "meteor", "country": "CHN", "commodity": "cobalt"}, "shocks.0"),
    ],
)
def test_bad_spec_names_the_field(shock, field):
    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        scenario_from_dict({"shocks": [shock]})


def test_unknown_country_or_commodity_in_a_scenario(tiny):
    with pytest.raises(UnknownNameError, match="ZZZ"):
        propagate(tiny, scenario_from_dict({"shocks": [_ban("ZZZ")]}), ["USA"])
    with pytest.raises(UnknownNameError, match="unobtainium"):
        propagate(
            tiny, scenario_from_dict({"shocks": [_ban("CHN", commodity="unobtainium")]}), ["USA"]
        )
    with pytest.raises(UnknownNameError, match="NARNIA"):
        propagate(tiny, scenario_from_dict({"shocks": [_ban("CHN")]}), ["NARNIA"])


def test_scenario_files_yaml_json_and_malformed(tmp_path, tiny):
    y = tmp_path / "s.yaml"
    y.write_text("name: test\nshocks:\n  - {kind: export_ban, country: CHN, commodity: gallium}\n")
    assert load_scenario(y).shocks[0].country == "CHN"
    j = tmp_path / "s.json"
    j.write_text(
        '{"shocks": [{"kind": "outage", "country": "COD", "commodity": "cobalt", "fraction": 0.2}]}'
    )
    assert load_scenario(j).shocks[0].fraction == 0.2
    bad = tmp_path / "bad.yaml"
    bad.write_text("shocks: [\n  - {kind: \n")
    with pytest.raises(ParseError, match="bad.yaml"):
        load_scenario(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_presets_load_with_sources_and_unknown_preset_is_refused():
    presets = load_presets()
    expected = {
        "china-gallium-2023",
        "china-germanium-2023",
        "china-graphite-2023",
        "china-antimony-2024",
        "china-rare-earths-2025",
        "china-tungsten-2025",
        "drc-cobalt-quota-2025",
        "indonesia-nickel-ore-2020",
    }
    assert expected <= set(presets)
    assert all(p.source for p in presets.values())
    table = scenarios_table()
    assert table["source"].str.contains("T4").all()
    with pytest.raises(UnknownNameError, match="atlantis-2030"):
        preset("atlantis-2030")


def test_gallium_preset_direction_in_the_tiny_world(tiny):
    """Importers outside China lose supply and see prices rise; China keeps its supply and its
    domestic price moves the other way (the inside price, a fitted fraction of the outside one)."""
    r = propagate(tiny, preset("china-gallium-2023"), ["USA", "CHN"]).summary.set_index("consumer")
    assert r.loc["USA", "shortfall_share"] > 0 and r.loc["USA", "price_change_share"] > 0.4
    assert r.loc["CHN", "shortfall_share"] == 0
    inside = price_response().inside_ratio * r.loc["USA", "price_change_share"]
    assert r.loc["CHN", "price_change_share"] == pytest.approx(inside)
    assert r.loc["CHN", "price_basis"].startswith("inside")
