from __future__ import annotations

import pandas as pd
import pytest

from tests.factories import production_rows, tiny_dataset
from trust_minerals.data.check import IEA_STEP, check_totals, rounding_step


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


def _iea_rows(values: dict[str, float], year: int = 2023) -> pd.DataFrame:
    """IEA supply rows (table ``supply_projection``) of one stage; aggregates by name."""
    return pd.DataFrame(
        [
            {
                "commodity": "nickel",
                "stage": "refinery",
                "stage_label": "Refining",
                "content_basis": "refined nickel",
                "country": country,
                "is_aggregate": country
                in ("World total", "Other countries", "Total clean technologies"),
                "year": year,
                "quantity": q,
                "unit": "kt",
                "scenario": "base case",
                "source_id": "test",
            }
            for country, q in values.items()
        ]
    )


def test_iea_rows_above_or_below_their_total_are_warnings_with_both_figures() -> None:
    table = pd.concat(
        [
            _iea_rows({"IDN": 60.5, "CAN": 10.2, "Other countries": 30.0, "World total": 90.5}),
            _iea_rows(
                {"IDN": 60.5, "CAN": 10.2, "Other countries": 20.0, "World total": 95.0}, 2030
            ),
            _iea_rows(
                {"IDN": 60.5, "CAN": 10.2, "Other countries": 20.0, "World total": 90.7}, 2035
            ),
            _iea_rows({"IDN": 60.5, "CAN": 10.2, "Total clean technologies": 70.7}, 2040),
        ],
        ignore_index=True,
    )
    res = check_totals(tiny_dataset(supply_projection=table)).set_index("year")
    assert (res["measure"] == "supply_projection").all()
    assert res.loc[2023, "kind"] == "listed_exceeds_total"
    assert res.loc[2023, "detail"].startswith("warning: ")
    assert "sum to 100.7 kt, 11.3 % above IEA's world total 90.5 kt" in res.loc[2023, "detail"]
    assert "equals the CAN row" in res.loc[2023, "detail"]
    assert res.loc[2030, "kind"] == "listed_below_total"
    assert "4.5 % below IEA's world total 95.0 kt" in res.loc[2030, "detail"]
    assert res.loc[2035, "kind"] == "within_rounding"
    assert res.loc[2040, "kind"] == "no_total"
    assert "'Total clean technologies' (70.7 kt)" in res.loc[2040, "detail"]


def test_the_real_iea_table_warns_where_its_rows_do_not_add_up(ds) -> None:  # type: ignore[no-untyped-def]
    """Recomputed by hand from the bundled CSV: every stage and year whose rows (countries and
    rest of world) add up to more, or less, than the IEA's total beyond its 0.1 kt precision."""
    import csv

    from trust_minerals.data.ingest.iea import default_path

    groups: dict[tuple[str, str, int], dict[str, float]] = {}
    decimals = set()
    with default_path().open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["mineral"], r["stage_label"], int(r["year"]))
            groups.setdefault(key, {})[r["row_label"]] = float(r["value"])
            if r["unit"] == "kt":
                decimals.add(len(r["value"].split(".")[1]) if "." in r["value"] else 0)
    assert decimals == {1} and IEA_STEP == 0.1  # every quantity to one decimal of a kt
    expected = {}
    for (mineral, label, year), g in groups.items():
        if "Total" not in g:
            continue
        listed = sum(v for k, v in g.items() if k not in ("Total", "Top 3 share"))
        if abs(listed - g["Total"]) > 0.05 * len(g):  # half of 0.1 kt per figure
            expected[(mineral, label, year)] = (listed, g["Total"])
    assert expected  # nickel and graphite: the case this check is for
    assert all(listed > total for listed, total in expected.values())

    res = check_totals(ds)
    iea = res[res["measure"] == "supply_projection"]
    assert len(iea) == len(groups)  # every stage x year is checked
    warned = iea[iea["kind"].isin(["listed_exceeds_total", "listed_below_total"])]
    assert len(warned) == len(expected)
    from trust_minerals.data.ingest.iea import stage_labels

    labels = stage_labels()
    for (mineral, label, year), (listed, total) in expected.items():
        lab = labels[(mineral, label)]
        row = warned[
            (warned["commodity"] == lab["commodity"])
            & (warned["stage"] == lab["stage"])
            & (warned["year"] == year)
        ]
        assert len(row) == 1, (mineral, label, year)
        assert row["listed_sum"].item() == pytest.approx(listed)
        assert row["world_total"].item() == pytest.approx(total)
        detail = row["detail"].item()
        assert f"sum to {listed:,.1f} kt" in detail and f"world total {total:,.1f} kt" in detail
