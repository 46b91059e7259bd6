"""IEA demand outlook: figures reproduced exactly from the source file."""

from __future__ import annotations

import csv

import pytest

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.outlook._files import raw_outlook_path
from trust_minerals.outlook.demand import demand_outlook, load_demand_outlook


def _source_value(mineral: str, year: str, scenario: str, scope: str) -> float:
    with open(raw_outlook_path("demand_outlook.csv"), encoding="utf-8", newline="") as fh:
        hits = [
            r["demand_kt"]
            for r in csv.DictReader(fh)
            if (r["mineral"], r["year"], r["scenario"], r["scope"])
            == (mineral, year, scenario, scope)
        ]
    assert len(hits) == 1
    return float(hits[0])


@pytest.mark.parametrize(
    ("query", "mineral", "year", "scenario", "scope"),
    [
        ("lithium", "Lithium", 2030, "STEPS", "total_demand"),
        ("Copper", "Copper", 2040, "NZE", "total_demand"),
        ("cobalt", "Cobalt", 2050, "APS", "total_demand"),
        ("nickel", "Nickel", 2035, "STEPS", "total_demand"),
        ("gallium", "Gallium", 2035, "STEPS", "clean_tech_total"),
        ("Germanium", "Germanium", 2045, "NZE", "clean_tech_total"),
    ],
)
def test_iea_figures_are_reproduced_exactly(
    query: str, mineral: str, year: int, scenario: str, scope: str
) -> None:
    got = demand_outlook(scenario, year, query)
    assert len(got) == 1
    row = got.iloc[0]
    assert row["demand_kt"] == _source_value(mineral, str(year), scenario, scope)
    assert (row["demand_name"], row["scope"], row["scenario"]) == (mineral, scope, scenario)


def test_base_year_rows_are_returned_for_2023() -> None:
    row = demand_outlook("STEPS", 2023, "lithium").iloc[0]
    assert row["scenario"] == "Base year (2023 estimate)"
    assert row["demand_kt"] == _source_value(
        "Lithium", "2023", "Base year (2023 estimate)", "total_demand"
    )


def test_one_row_per_series_and_total_demand_preferred() -> None:
    df = demand_outlook("APS", 2040)
    assert df["demand_name"].is_unique
    raw = load_demand_outlook()
    with_total = set(raw.loc[raw["scope"] == "total_demand", "demand_name"])
    assert set(df.loc[df["scope"] == "total_demand", "demand_name"]) == with_total
    assert set(df["scope"]) == {"total_demand", "clean_tech_total"}


def test_bad_queries_name_the_bad_value() -> None:
    with pytest.raises(UnknownNameError, match="BAU"):
        demand_outlook("BAU", 2030)
    with pytest.raises(UnknownNameError, match="kryptonite"):
        demand_outlook("STEPS", 2030, "kryptonite")
    with pytest.raises(InputError, match="2031"):
        demand_outlook("STEPS", 2031)


def test_all_scenarios_at_once_agree_with_one_at_a_time() -> None:
    from trust_minerals.outlook.demand import demand_outlook_all

    everything = demand_outlook_all()
    for scenario, year in [("STEPS", 2030), ("NZE", 2050), ("APS", 2023)]:
        one = demand_outlook(scenario, year)
        label = one["scenario"].iloc[0]
        sub = everything[(everything["scenario"] == label) & (everything["year"] == year)]
        assert (
            sub.sort_values("demand_name")["demand_kt"].tolist()
            == one.sort_values("demand_name")["demand_kt"].tolist()
        )
