"""The one unit table (data/spec/units.csv): every factor has a source; conversions by hand."""

from __future__ import annotations

import csv

import pytest

from trust_minerals.errors import ParseError
from trust_minerals.units import UNITS_FILE, tonnes_per_unit, unit_factor, unit_table


def test_every_unit_has_a_kind_a_number_and_a_source() -> None:
    with open(UNITS_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["source"].strip() and r["kind"].strip() for r in rows)
    assert len({r["unit"] for r in rows}) == len(rows)
    assert set(unit_table()) == {r["unit"] for r in rows}


def test_mass_factors_by_hand() -> None:
    assert tonnes_per_unit(["kilograms", "metr. t", "million metric tons"]) == {
        "kilograms": 0.001,
        "metr. t": 1.0,
        "million metric tons": 1e6,
    }
    assert unit_factor("million short tons", "mass") == pytest.approx(0.90718474e6)


def test_an_unknown_or_wrong_kind_of_unit_is_refused() -> None:
    with pytest.raises(ParseError, match="data/spec/units.csv"):
        unit_factor("furlongs", "mass")
    with pytest.raises(ParseError, match="expected mass"):
        tonnes_per_unit(["ppm"])


def test_the_analysis_modules_take_their_factors_from_the_table() -> None:
    from trust_minerals.metrics.criticality.geopolrisk import UNIT_TONNES
    from trust_minerals.metrics.reliance import _TONNES
    from trust_minerals.optimize.inputs import PER_TONNE
    from trust_minerals.simulate.us_imports import _TONNES_PER_UNIT

    for table in (UNIT_TONNES, _TONNES, _TONNES_PER_UNIT):
        assert table == tonnes_per_unit(table)
    assert {u: 1 / f for u, f in PER_TONNE.items()} == pytest.approx(tonnes_per_unit(PER_TONNE))
