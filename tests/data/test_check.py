from __future__ import annotations

import pandas as pd

from tests.factories import production_rows, tiny_dataset
from trust_minerals.data.check import check_totals, rounding_step


def test_rounding_step_is_the_place_of_the_last_significant_digit() -> None:
    assert rounding_step(290000.0) == 10000.0
    assert rounding_step(848000.0) == 1000.0
    assert rounding_step(0.0) == 0.0


def _kind(rows: list[tuple[str, float | None]], note: str | None = None) -> str:
    prod = production_rows(rows)
    if note:
        prod.loc[prod["country"] == "World total", "note"] = note
    return check_totals(tiny_dataset(production=prod))["kind"].item()


def test_each_kind_of_mismatch_is_recognised() -> None:
    assert (
        _kind([("COD", 226000.0), ("IDN", 61000.0), ("World total", 290000.0)]) == "within_rounding"
    )
    assert (
        _kind([("CHN", 839000.0), ("JPN", 30000.0), ("World total", 848000.0)])
        == "listed_exceeds_total"
    )
    assert _kind([("AUS", 80000.0), ("USA", None), ("World total", 120000.0)]) == "withheld"
    assert (
        _kind(
            [("AUS", 80000.0), ("USA", None), ("World total", 120000.0)],
            "Excludes U.S. production.",
        )
        == "excludes_us"
    )
    assert (
        _kind([("AUS", 80000.0), ("CHL", 20000.0), ("World total", 120000.0)])
        == "listed_below_total"
    )


def test_a_missing_world_total_is_reported_not_skipped() -> None:
    prod = production_rows([("AUS", 5.0), ("World total", None)])
    res = check_totals(tiny_dataset(production=prod))
    assert res["kind"].item() == "no_total"
    assert pd.isna(res["world_total"].item())
