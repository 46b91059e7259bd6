"""Recovery: data labelling, Monte Carlo invariants, hand calculations, errors."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.outlook._files import outlook_path, raw_outlook_path
from trust_minerals.outlook.recovery import (
    draw_recoverable,
    load_streams,
    percentiles,
    recovery_streams_table,
    recovery_supply,
)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() != ""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


REFERENCE_COLUMNS = {"residue_rows"}  # line numbers pointing into residue_streams.csv, not figures


@pytest.mark.parametrize("path", sorted(outlook_path("data").glob("*.csv")), ids=lambda p: p.name)
def test_every_number_in_outlook_data_files_has_a_source_or_assumption_label(path: Path) -> None:
    for line, row in enumerate(_rows(path), start=2):
        numbers = [k for k, v in row.items() if k not in REFERENCE_COLUMNS and _is_number(v or "")]
        if not numbers:
            continue
        labelled = (row.get("source") or "").strip() or row.get("basis") in ("source", "assumption")
        assert labelled, (
            f"{path.name} line {line}: numbers in {numbers} carry no source or assumption label"
        )


def _numbers_without_label(node: object, where: str, top: bool) -> list[str]:
    bad: list[str] = []
    if isinstance(node, dict):
        labelled = bool(
            str(node.get("source") or "").strip() or str(node.get("assumption") or "").strip()
        )
        for k, v in node.items():
            if isinstance(v, int | float) and not isinstance(v, bool):
                if not labelled and not (top and k == "year"):
                    bad.append(f"{where}.{k}")
            else:
                bad += _numbers_without_label(v, f"{where}.{k}", False)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, int | float) and not isinstance(v, bool):
                bad.append(f"{where}[{i}]")
            bad += _numbers_without_label(v, f"{where}[{i}]", False)
    return bad


@pytest.mark.parametrize("path", sorted(outlook_path("plans").glob("*.yaml")), ids=lambda p: p.name)
def test_every_number_in_plan_files_has_a_source_or_assumption_label(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _numbers_without_label(data, path.stem, True) == []


def test_the_label_scan_catches_an_unlabelled_number() -> None:
    plan = {"year": 2030, "deployments": [{"factors": [{"name": "x", "value": 3, "unit": "GW"}]}]}
    assert _numbers_without_label(plan, "p", True) == ["p.deployments[0].factors[0].value"]


def test_stream_figures_are_copied_from_the_residue_rows_they_cite() -> None:
    residue = {i: r for i, r in enumerate(_rows(raw_outlook_path("residue_streams.csv")), start=2)}
    for line, row in enumerate(_rows(outlook_path("data", "recovery_streams.csv")), start=2):
        if row["basis"] == "missing":
            assert row["low"] == row["high"] == "" and row["reason"].strip(), f"line {line}"
            continue
        cited = [int(x) for x in row["residue_rows"].split(";")]
        published = {
            float(residue[n][k]) for n in cited for k in ("value", "low", "high") if residue[n][k]
        }
        for k in ("low", "high"):
            value = float(row[k])
            is_bound = (
                row["basis"] == "assumption" and value == 1.0 and "physical bound" in row["reason"]
            )
            assert value in published or is_bound, (
                f"line {line}: {k}={value} not in cited rows {cited}"
            )
        if row["basis"] == "source":
            assert all(residue[n]["country"] == row["country"] for n in cited), (
                f"line {line}: a transferred figure must be an assumption"
            )


def test_every_stream_has_tonnage_grade_and_recovery() -> None:
    streams = load_streams()
    assert {s.country for s in streams} == {"IND", "USA"}
    expected = {
        ("coal_fly_ash", "rare_earths"),
        ("bauxite_residue", "gallium"),
        ("bauxite_residue", "scandium"),
        ("zinc_refining_residue", "germanium"),
        ("zinc_refining_residue", "indium"),
        ("copper_anode_slime", "selenium"),
        ("copper_anode_slime", "tellurium"),
        ("spent_li_ion_batteries", "lithium"),
        ("spent_li_ion_batteries", "cobalt"),
        ("spent_li_ion_batteries", "nickel"),
    }
    assert expected <= {(s.stream, s.commodity) for s in streams if s.country == "IND"}


ranges = st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)).map(sorted).map(tuple)
fractions = st.tuples(st.floats(0, 1), st.floats(0, 1)).map(sorted).map(tuple)


@settings(max_examples=60, deadline=None)
@given(t=ranges, g=fractions, r=fractions, seed=st.integers(0, 2**32 - 1))
def test_monte_carlo_percentiles_are_ordered(
    t: tuple[float, float], g: tuple[float, float], r: tuple[float, float], seed: int
) -> None:
    p5, p50, p95 = percentiles(draw_recoverable(t, g, r, draws=500, seed=seed))
    assert p5 <= p50 <= p95


@settings(max_examples=60, deadline=None)
@given(t=st.floats(0, 1e9), g=st.floats(0, 1), r=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_zero_width_ranges_give_the_point_value(t: float, g: float, r: float, seed: int) -> None:
    d = draw_recoverable((t, t), (g, g), (r, r), draws=200, seed=seed)
    point = float(np.prod([t, g, r]))
    assert percentiles(d) == (point, point, point)


def test_monte_carlo_mean_matches_the_closed_form() -> None:
    t, g, r = (100.0, 300.0), (0.1, 0.5), (0.2, 0.4)
    d = draw_recoverable(t, g, r, draws=200_000, seed=1)
    closed = (
        (sum(t) / 2) * (sum(g) / 2) * (sum(r) / 2)
    )  # independent uniforms: E[xyz] = E[x]E[y]E[z]
    assert d.mean() == pytest.approx(closed, rel=0.01)
    assert d.min() >= t[0] * g[0] * r[0] and d.max() <= t[1] * g[1] * r[1]


def test_same_seed_same_draws_and_other_seed_other_draws() -> None:
    a = recovery_supply("IND", "rare_earths", draws=1000, seed=3)
    b = recovery_supply("IND", "rare_earths", draws=1000, seed=3)
    c = recovery_supply("IND", "rare_earths", draws=1000, seed=4)
    assert np.array_equal(a.draws, b.draws) and not np.array_equal(a.draws, c.draws)


def test_indian_red_mud_scandium_is_the_product_of_the_cited_figures() -> None:
    residue = {i: r for i, r in enumerate(_rows(raw_outlook_path("residue_streams.csv")), start=2)}
    tonnage_mt, grade_ppm, recovery = (
        float(residue[17]["value"]),
        float(residue[23]["value"]),
        float(residue[21]["value"]),
    )
    expected = tonnage_mt * 1e6 * grade_ppm / 1e6 * recovery
    r = recovery_supply("IND", "scandium", draws=100)
    assert (r.p5, r.p50, r.p95) == pytest.approx((expected, expected, expected), rel=1e-12)
    assert r.streams == ("bauxite_residue",) and r.unit == "t"


def test_us_coal_ash_tonnage_is_converted_from_short_tons() -> None:
    s = next(
        s for s in load_streams() if s.country == "USA" and s.stream == "coal_combustion_products"
    )
    assert s.tonnage.low == pytest.approx(75.2e6 * 0.90718474)


def test_missing_figures_give_nan_and_say_why() -> None:
    t = recovery_streams_table("IND", draws=100)
    row = t[(t["stream"] == "copper_anode_slime") & (t["commodity"] == "selenium")].iloc[0]
    assert math.isnan(row["p50"]) and "PROVENANCE" in row["status"]
    r = recovery_supply("IND", "lithium", draws=100)
    assert math.isnan(r.p50) and r.streams == () and len(r.missing) == 1


def test_user_values_fill_missing_figures() -> None:
    user = {
        ("spent_li_ion_batteries", "lithium", "tonnage"): 1000.0,
        "spent_li_ion_batteries/lithium/grade": 0.02,
    }
    r = recovery_supply("IND", "lithium", draws=5000, user_values=user)
    assert r.streams == ("spent_li_ion_batteries",)
    # recovery 0.7..1 (one minus a 0..30% loss): bounds of the product
    assert 1000 * 0.02 * 0.7 <= r.p5 <= r.p50 <= r.p95 <= 1000 * 0.02 * 1.0
    # only the recovery rate cites residue_streams.csv (line 33): the user's figures cite nothing
    from trust_minerals.sources import column_sources

    assert r.source_ids == column_sources("recovery_streams", ["recovery"])
    assert recovery_supply("IND", "lithium", draws=100).source_ids == ()  # nothing summed


def test_user_values_alone_cite_no_source() -> None:
    user = {
        ("spent_li_ion_batteries", "lithium", "tonnage"): 1000.0,
        "spent_li_ion_batteries/lithium/grade": 0.02,
        "spent_li_ion_batteries/lithium/recovery": 0.9,
    }
    assert recovery_supply("IND", "lithium", draws=100, user_values=user).source_ids == ()


def test_bad_user_values_are_refused() -> None:
    with pytest.raises(UnknownNameError, match="no_such_stream"):
        recovery_supply("IND", "lithium", user_values={"no_such_stream/lithium/tonnage": 1.0})
    with pytest.raises(InputError, match="grade"):
        recovery_supply("IND", "lithium", user_values={"spent_li_ion_batteries/lithium/grade": 2.0})
    with pytest.raises(InputError, match="tonnage"):
        recovery_supply(
            "IND", "lithium", user_values={"spent_li_ion_batteries/lithium/tonnage": (5.0, 1.0)}
        )


def test_unknown_country_and_commodity_raise_naming_them() -> None:
    with pytest.raises(UnknownNameError, match="XXZ"):
        recovery_supply("XXZ", "lithium")
    with pytest.raises(UnknownNameError, match="unobtainium"):
        recovery_supply("IND", "unobtainium")


def test_a_country_without_streams_gets_zero_and_says_so() -> None:
    r = recovery_supply("DEU", "rare_earths", draws=10)
    assert (
        (r.p5, r.p50, r.p95) == (0.0, 0.0, 0.0)
        and r.streams == ()
        and "no residue stream" in r.note
    )
