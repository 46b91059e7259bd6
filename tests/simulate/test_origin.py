"""Third-country origin: a hand-computed two-tier case, and the December 2024 ban on the store."""

from __future__ import annotations

import numpy as np
import pytest

from trust_minerals.simulate.origin import OriginTracer, feed_origin
from trust_minerals.simulate.params import parameters
from trust_minerals.simulate.propagate import propagate
from trust_minerals.simulate.spec import scenario_from_dict

from .tiny import make_ds

PRODUCTION = [
    ("gallium", "refinery", "CHN", 900.0),
    ("gallium", "refinery", "JPN", 50.0),
    ("gallium", "refinery", "RUS", 50.0),
    ("gallium", "refinery", "World total", 1000.0),
]
#: USA buys from CHN 10, JPN 20, DEU 10; JPN (producing 50 t) imports CHN 30, DEU 20;
#: DEU (no output) imports CHN 40
TRADE = [
    ("CHN", "USA", "gallium", "refinery", 10.0),
    ("JPN", "USA", "gallium", "refinery", 20.0),
    ("DEU", "USA", "gallium", "refinery", 10.0),
    ("CHN", "JPN", "gallium", "refinery", 30.0),
    ("DEU", "JPN", "gallium", "refinery", 20.0),
    ("CHN", "DEU", "gallium", "refinery", 40.0),
]


@pytest.fixture()
def two_tier():
    return make_ds(production=PRODUCTION, trade=TRADE)


def _ban(tiers: int, **kw):
    return scenario_from_dict(
        {
            "origin_tiers": tiers,
            "shocks": [{"kind": "export_ban", "country": "CHN", "commodity": "gallium", **kw}],
        }
    )


def test_feed_of_a_refiner_is_its_own_output_plus_its_imports(two_tier):
    # JPN: 50 t own output + 50 t imports -> own 0.5, CHN 0.5 x 30/50 = 0.3, DEU 0.2
    feed = feed_origin(two_tier, "JPN", "gallium", "refinery", 2025, 3).shares
    assert feed.to_dict() == pytest.approx({"JPN": 0.5, "CHN": 0.3, "DEU": 0.2})
    assert feed_origin(two_tier, "DEU", "gallium", "refinery", 2025, 3).shares.to_dict() == {
        "CHN": 1.0
    }


def test_second_tier_follows_the_feed_of_the_feed(two_tier):
    tracer = OriginTracer(two_tier, "gallium", "refinery", 2025, 3)
    one, _ = tracer.origin_shares("JPN", 1, {"CHN"})
    two, basis = tracer.origin_shares("JPN", 2, {"CHN"})
    assert one["CHN"] == pytest.approx(0.3)
    # JPN's German feed (0.2) is all Chinese: 0.3 + 0.2 x 1.0
    assert two["CHN"] == pytest.approx(0.5) and two["JPN"] == pytest.approx(0.5)
    assert "tier 2" in basis


@pytest.mark.parametrize(
    ("tiers", "indirect"),
    [(0, 0.0), (1, 0.5 * 0.3 + 0.25 * 1.0), (2, 0.5 * 0.5 + 0.25 * 1.0)],
)
def test_a_ban_reaches_the_consumer_through_third_countries(two_tier, tiers, indirect):
    """USA mix: CHN 0.25, JPN 0.5, DEU 0.25; a ban on all destinations cuts the Chinese feed."""
    row = propagate(two_tier, _ban(tiers), ["USA"]).summary.iloc[0]
    assert row["shortfall_direct_share"] == pytest.approx(0.25)
    assert row["shortfall_indirect_share"] == pytest.approx(indirect)
    assert row["shortfall_share"] == pytest.approx(0.25 + indirect)


def test_a_ban_on_one_destination_reaches_it_indirectly_by_the_reach_share(two_tier):
    reach = parameters()["indirect_reach_share"]
    r = propagate(two_tier, _ban(2, targets=["USA"]), ["USA", "IND"]).summary.set_index("consumer")
    assert r.loc["USA", "shortfall_direct_share"] == pytest.approx(0.25)
    assert r.loc["USA", "shortfall_indirect_share"] == pytest.approx(reach * 0.5)
    # a destination the ban does not name keeps its supply
    assert r.loc["IND", "shortfall_share"] == 0


def test_direct_and_indirect_add_up_after_mitigation(two_tier):
    s = scenario_from_dict(
        {
            "origin_tiers": 2,
            "shocks": [
                {"kind": "export_ban", "country": "CHN", "commodity": "gallium"},
                {
                    "kind": "stockpile",
                    "consumer": "USA",
                    "commodity": "gallium",
                    "months_of_supply": 3,
                },
            ],
        }
    )
    row = propagate(two_tier, s, ["USA"]).summary.iloc[0]
    total = row["shortfall_direct_share"] + row["shortfall_indirect_share"]
    assert total == pytest.approx(row["shortfall_share"])
    assert row["shortfall_share"] < 0.75 and np.isclose(
        row["shortfall_direct_share"] / total, 0.25 / 0.75
    )


def test_a_mine_producer_without_ore_trade_ships_its_own_ore():
    ds = make_ds()  # cobalt: COD, IDN, AUS mine; no ore imports by IDN
    feed = feed_origin(ds, "IDN", "cobalt", "mine", 2025, 3)
    assert feed.shares.to_dict() == {"IDN": 1.0} and "own mine output" in feed.basis
    # a country with no mine output and no ore trade buys on the world market
    assert "world market" in feed_origin(ds, "DEU", "cobalt", "mine", 2025, 3).basis
