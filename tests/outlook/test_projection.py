"""Projected supply: IEA base case by country, rest of world one row, USGS held constant."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from trust_minerals.outlook.balance import balance
from trust_minerals.outlook.projection import iea_supply, projected_supply


def _iea_rows() -> list[dict[str, str]]:
    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "outlook", "iea_supply_base_case.csv"
    )
    with open(str(path), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _published(mineral: str, stage_label: str, row_label: str, year: int) -> float:
    row = next(
        r
        for r in _iea_rows()
        if (r["mineral"], r["stage_label"], r["row_label"], r["year"])
        == (mineral, stage_label, row_label, str(year))
    )
    return float(row["value"]) * 1000  # kt -> t


@pytest.mark.slow
def test_iea_rows_by_country_with_rest_of_world_as_one_row(ds) -> None:  # type: ignore[no-untyped-def]
    p = projected_supply(ds, commodity="lithium", years=[2030, 2035, 2040])
    chem = p[(p["stage"] == "refinery") & (p["year"] == 2030)].set_index("country")
    assert chem.loc["World total", "quantity_t"] == pytest.approx(
        _published("Lithium", "Chemicals", "Total", 2030)
    )
    assert chem.loc["CHN", "quantity_t"] == pytest.approx(
        _published("Lithium", "Chemicals", "China", 2030)
    )
    assert (chem.index == "Other countries").sum() == 1
    assert set(p["year"]) == {2030, 2035, 2040} and p["basis"].str.startswith("IEA").all()


@pytest.mark.slow
def test_other_commodities_are_usgs_held_constant(ds) -> None:  # type: ignore[no-untyped-def]
    p = projected_supply(ds, commodity="gallium", years=[2030, 2040])
    assert p["basis"].str.endswith("held constant").all()
    world = p[p["country"] == "World total"]
    assert world["quantity_t"].nunique() == 1 and len(world) == 2


@pytest.mark.slow
def test_a_year_past_the_projection_is_held_constant_and_says_so(ds) -> None:  # type: ignore[no-untyped-def]
    q, used, label = iea_supply(ds, "nickel", "mine", None, 2050)  # type: ignore[misc]
    assert used == 2040 and "held constant" in label
    assert q == pytest.approx(_published("Nickel", "Mining", "Total", 2040))
    assert iea_supply(ds, "nickel", "mine", "ABW", 2030) is None  # not listed


@pytest.mark.slow
def test_world_balance_uses_the_projection_for_the_year(ds) -> None:  # type: ignore[no-untyped-def]
    b = balance(ds, year=2035, scenario="APS")
    li = b[(b["commodity"] == "lithium") & (b["stage"] == "mine")].iloc[0]
    assert li["primary_t"] == pytest.approx(_published("Lithium", "Mining", "Total", 2035))
    assert li["primary_year"] == 2035 and "IEA base case 2035" in li["primary_status"]
    ga = b[b["commodity"] == "gallium"].iloc[0]
    assert "held constant" in ga["primary_status"]
