"""Scope rules and content-basis conversions (data files and their use)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.outlook._files import outlook_path
from trust_minerals.outlook.demand import load_demand_outlook
from trust_minerals.outlook.scope import (
    comparison,
    conversion,
    conversions,
    element_fraction,
    scopes_for_commodity,
    scopes_for_demand,
    supply_scopes,
    total_at_least_members,
)


def _weights() -> dict[str, float]:
    with open(outlook_path("data", "atomic_weights.csv"), encoding="utf-8") as fh:
        return {r["symbol"]: float(r["atomic_weight"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize(
    ("compound", "element", "parts"),
    [
        ("Nd2O3", "Nd", {"Nd": 2, "O": 3}),
        ("Y2O3", "Y", {"Y": 2, "O": 3}),
        ("As2O3", "As", {"As": 2, "O": 3}),
        ("Li2CO3", "Li", {"Li": 2, "C": 1, "O": 3}),
        ("Pr6O11", "Pr", {"Pr": 6, "O": 11}),
    ],
)
def test_element_fraction_matches_a_hand_calculation(
    compound: str, element: str, parts: dict[str, int]
) -> None:
    w = _weights()
    expected = parts[element] * w[element] / sum(n * w[s] for s, n in parts.items())
    assert element_fraction(compound, element) == pytest.approx(expected, rel=1e-12)


def test_every_conversion_is_labelled_and_between_zero_and_one() -> None:
    table = conversions()
    assert {"reo_to_ree", "lce_to_li", "y2o3_to_y", "as2o3_to_as"} <= set(table)
    for c in table.values():
        assert 0 < c.factor < 1 and c.basis in ("source", "assumption") and c.source
    assert conversion("reo_to_ree").basis == "assumption"  # a mix of oxides has no single factor


def test_bad_formulae_and_names_are_refused() -> None:
    with pytest.raises(ParseError):
        element_fraction("Nd2O3x", "Nd")
    with pytest.raises(UnknownNameError, match="Xx"):
        element_fraction("Xx2O3", "Xx")
    with pytest.raises(UnknownNameError, match="lce_to_na"):
        conversion("lce_to_na")


def test_every_iea_series_has_a_supply_rule() -> None:
    df = load_demand_outlook()
    names = set(df.loc[df["scope"].isin(["total_demand", "clean_tech_total"]), "demand_name"])
    names -= {"All minerals (aggregate)"}
    ruled = {s.demand_name for s in supply_scopes()}
    assert names <= ruled, sorted(names - ruled)


def test_gap_only_for_total_against_total() -> None:
    li = scopes_for_demand("Lithium")[0]
    graphite = scopes_for_demand("Graphite (all grades: natural and synthetic)")[0]
    chromium = scopes_for_demand("Chromium")[0]
    assert comparison("total", li)[0] == "gap"
    assert comparison("clean technologies", li)[0] == "share"
    assert comparison("plan deployments", li)[0] == "share"
    assert comparison("total", graphite)[0] == "share"
    assert comparison("total", chromium)[0] == "none"
    assert comparison("unknown", li)[0] == "none"


def test_plan_commodities_pick_the_total_series() -> None:
    assert {s.demand_name for s in scopes_for_commodity("rare_earths")} == {
        "Total rare earth elements"
    }
    assert scopes_for_commodity("unobtainium") == ()


def test_a_group_total_is_raised_to_its_members_sum_and_says_so() -> None:
    df = pd.DataFrame(
        {
            "entry": ["wind", "wind", "wind", "car"],
            "commodity": ["rare_earths", "neodymium", "terbium", "neodymium"],
            "low": [5.0, 1.0, 1.0, 2.0],
            "central": [1.0, 3.0, 1.0, 2.0],
            "high": [1.0, 4.0, 2.0, 2.0],
            "intensity_basis": "catalogue",
        }
    )
    out = total_at_least_members(df)
    ree = out[out["commodity"] == "rare_earths"].set_index("entry")
    assert ree.loc["wind", ["low", "central", "high"]].tolist() == [5.0, 4.0, 6.0]
    assert "at least the sum" in ree.loc["wind", "intensity_basis"]
    assert ree.loc["car", ["low", "central", "high"]].tolist() == [2.0, 2.0, 2.0]
