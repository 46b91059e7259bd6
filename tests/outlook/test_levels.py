"""Recovery in three levels: contained, technically recoverable, capacity."""

from __future__ import annotations

import csv
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.outlook._files import raw_outlook_path
from trust_minerals.outlook.levels import (
    LEVEL_COLUMNS,
    NO_CAPACITY,
    NOT_PUBLISHED,
    PUBLISHED,
    recovery_counted,
    recovery_levels,
    recovery_table,
)


def _residue() -> dict[int, dict[str, str]]:
    with open(raw_outlook_path("residue_streams.csv"), encoding="utf-8", newline="") as fh:
        return dict(enumerate(csv.DictReader(fh), start=2))


def test_red_mud_scandium_is_a_point_value_without_a_fake_range() -> None:
    r = _residue()
    tonnage, grade, rate = (float(r[n]["value"]) for n in (17, 23, 21))
    row = (
        recovery_levels("IND")
        .set_index(["stream", "commodity"])
        .loc[("bauxite_residue", "scandium")]
    )
    contained = tonnage * 1e6 * grade * 1e-6
    assert row["contained_t"] == pytest.approx(contained)
    assert row["recoverable_t"] == pytest.approx(contained * rate)
    assert row["range"] == NOT_PUBLISHED
    assert math.isnan(row["contained_low_t"]) and math.isnan(row["recoverable_high_t"])
    assert math.isnan(row["capacity_t"]) and row["capacity_status"] == NO_CAPACITY


def test_fly_ash_has_the_published_range_and_no_single_value() -> None:
    r = _residue()
    row = (
        recovery_levels("IND")
        .set_index(["stream", "commodity"])
        .loc[("coal_fly_ash", "rare_earths")]
    )
    tonnage = float(r[2]["value"]) * 1e6
    g_low, g_high = float(r[14]["low"]) * 1e-6, float(r[14]["high"]) * 1e-6
    assert row["range"] == PUBLISHED and math.isnan(row["contained_t"])
    assert row["contained_low_t"] == pytest.approx(tonnage * g_low)
    assert row["contained_high_t"] == pytest.approx(tonnage * g_high)
    assert row["recoverable_high_t"] <= row["contained_high_t"]
    assert row["content_basis"] == "element" and row["basis"] == "assumption"


def test_missing_figures_leave_levels_missing_and_say_why() -> None:
    t = recovery_levels("IND").set_index(["stream", "commodity"])
    se = t.loc[("copper_anode_slime", "selenium")]
    assert math.isnan(se["contained_t"]) and math.isnan(se["contained_low_t"])
    assert se["status"].startswith("missing") and "PROVENANCE" in se["status"]


def test_only_capacity_is_counted_unless_potential_is_asked_for() -> None:
    default = recovery_counted("IND", "scandium")
    assert default.quantity == 0.0 and default.level == "capacity"
    assert NO_CAPACITY in default.note and "not counted" in default.note
    pot = recovery_counted("IND", "scandium", include_potential=True)
    row = (
        recovery_levels("IND")
        .set_index(["stream", "commodity"])
        .loc[("bauxite_residue", "scandium")]
    )
    assert (
        pot.quantity == pytest.approx(row["recoverable_t"]) and pot.level == "technical potential"
    )
    ree = recovery_counted("IND", "rare_earths", include_potential=True)
    assert ree.quantity < ree.high and "low end" in ree.note
    none = recovery_counted("DEU", "rare_earths")
    assert none.quantity == 0.0 and "no residue stream" in none.note


def test_a_stream_with_every_figure_missing_counts_nan_as_potential() -> None:
    r = recovery_counted("IND", "lithium", include_potential=True)
    assert math.isnan(r.quantity) and "lacks" in r.note


@settings(max_examples=40, deadline=None)
@given(
    tonnage=st.floats(1, 1e7),
    grade=st.tuples(st.floats(1e-6, 0.5), st.floats(1e-6, 0.5)).map(sorted),
)
def test_levels_are_ordered_for_any_user_values(tonnage: float, grade: list[float]) -> None:
    user = {
        "spent_li_ion_batteries/lithium/tonnage": tonnage,
        "spent_li_ion_batteries/lithium/grade": (grade[0], grade[1]),
    }
    row = (
        recovery_levels("IND", user_values=user)
        .set_index(["stream", "commodity"])
        .loc[("spent_li_ion_batteries", "lithium")]
    )
    # recovery 0.7..1 is a published range, so the row has low/high only
    assert row["range"] == PUBLISHED and math.isnan(row["recoverable_t"])
    assert row["recoverable_low_t"] <= row["recoverable_high_t"]
    assert row["recoverable_high_t"] <= row["contained_high_t"] + 1e-9 or math.isnan(
        row["contained_high_t"]
    )


@pytest.mark.slow
def test_recovery_table_sets_levels_beside_production_on_the_same_basis(ds) -> None:  # type: ignore[no-untyped-def]
    t = recovery_table(ds, "IND")
    assert list(t.columns[: len(LEVEL_COLUMNS) - 2]) == LEVEL_COLUMNS[:-2]
    ree = t[(t["stream"] == "coal_fly_ash") & (t["commodity"] == "rare_earths")].iloc[0]
    assert ree["primary_stage"] == "mine" and ree["primary_production"] > 0
    assert "oxide" in ree["primary_basis"]
    assert ree["primary_on_content_basis_t"] < ree["primary_production"]  # REO -> element
    li = t[t["commodity"] == "lithium"].iloc[0]
    assert li["import_need"] == 1.0 and "FY2022-23" in li["import_need_basis"]
