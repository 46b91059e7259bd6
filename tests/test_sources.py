"""Results carry the sources of the rows they read (``source_ids``); the column-source table."""

from __future__ import annotations

import csv
from importlib import resources

import pandas as pd
import pytest

from trust_minerals.errors import UnknownNameError
from trust_minerals.sources import column_sources, used_source_ids


def _shipped_source_ids() -> set[str]:
    path = resources.files("trust_minerals").joinpath("data", "raw", "sources.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["source_id"] for r in csv.DictReader(fh)}


def test_every_column_source_is_in_the_sources_file() -> None:
    path = resources.files("trust_minerals").joinpath("data", "spec", "column_sources.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    assert {r["source_id"] for r in rows} <= _shipped_source_ids()


def test_column_sources_name_the_wgi_and_group_files() -> None:
    assert column_sources("countries", ["pv", "rl"]) == ("wgi_2023",)
    assert column_sources("countries", ["msp", "quad"]) == ("country_groups", "msp_2025")


def test_column_sources_refuses_unknown_tables_and_columns() -> None:
    with pytest.raises(UnknownNameError, match="countries"):
        column_sources("countrys")
    with pytest.raises(UnknownNameError, match="pv"):
        column_sources("countries", ["pvv"])


def test_used_source_ids_collects_the_column_and_extras_and_skips_missing() -> None:
    a = pd.DataFrame({"source_id": ["x", None, "y", "x"]})
    b = pd.DataFrame({"other": [1]})
    assert used_source_ids(a, b, None, extra=["z", ""]) == ("x", "y", "z")
    assert used_source_ids() == ()


def _results(ds):  # type: ignore[no-untyped-def]
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.optimize.complement import complementarity
    from trust_minerals.outlook.results import balance_result, recovery_result
    from trust_minerals.simulate.backtest import backtest
    from trust_minerals.simulate.montecarlo import shortfall_risk
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.propagate import propagate
    from trust_minerals.technologies.exposure import sector_exposure

    yield "scenario", propagate(ds, preset("china-gallium-2023"), ["USA", "IND"])
    yield "scenario pooled", propagate(ds, preset("china-graphite-2023"), "USA+IND")
    yield "montecarlo", shortfall_risk(ds, ["IND"], n_draws=2_000, seed=1)
    for method in ("eu", "geopolrisk", "usgs2022", "trust"):
        yield f"criticality {method}", criticality(ds, method, "IND")
    yield "complement", complementarity(ds, ("USA", "IND"))
    yield "backtest", backtest(ds)
    yield "world balance", balance_result(ds, year=2030)
    yield "consumer balance", balance_result(ds, consumer="IND", year=2030)
    yield "recovery", recovery_result(ds, "IND")
    yield "sector exposure", sector_exposure(ds, "IND")


def test_every_result_names_sources_that_exist(ds) -> None:  # type: ignore[no-untyped-def]
    known = set(ds.sources["source_id"])
    for name, result in _results(ds):
        ids = result.source_ids
        assert ids, f"{name}: no source_ids"
        assert list(ids) == sorted(set(ids)), name
        assert set(ids) <= known, f"{name}: {set(ids) - known}"


def test_scenario_sources_follow_the_supply_mix(ds) -> None:  # type: ignore[no-untyped-def]
    """Trade shares bring BACI; a US consumer on USGS import sources brings the MCS only."""
    from trust_minerals.simulate.network import build_supply_mix
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.propagate import propagate

    usa = build_supply_mix(ds, ["USA"], "gallium", "refinery", 2023)
    assert usa.basis.startswith("usgs import sources")
    assert "baci_hs92_v202401b" not in usa.source_ids
    graphite = propagate(ds, preset("china-graphite-2023"), ["IND"])
    assert graphite.summary["basis"].str.startswith("trade").any()
    assert "baci_hs92_v202401b" in graphite.source_ids


def test_montecarlo_names_wgi_only_when_it_derives_probabilities(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.simulate.montecarlo import build_exposure, shortfall_risk

    derived = shortfall_risk(ds, ["IND"], n_draws=500, seed=1, commodities=["cobalt"])
    assert "wgi_2023" in derived.source_ids
    countries = build_exposure(ds, ["IND"], ["cobalt"]).countries
    given = shortfall_risk(
        ds,
        ["IND"],
        n_draws=500,
        seed=1,
        commodities=["cobalt"],
        probabilities=dict.fromkeys(countries, 0.1),
    )
    assert "wgi_2023" not in given.source_ids
