"""The build's derived columns: production basis carried to rows whose text states none."""

from __future__ import annotations

import pandas as pd

from trust_minerals.data.build import carry_production_basis


def _rows(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["commodity", "stage", "form", "basis"])


def test_a_row_without_a_basis_takes_the_one_its_series_states() -> None:
    t = _rows(
        ("copper", "mine", "", "content"),
        ("copper", "mine", "", "not stated"),
        ("copper", "refinery", "", "not stated"),
    )
    assert carry_production_basis(t)["basis"].tolist() == ["content", "content", "not stated"]


def test_two_stated_bases_leave_the_row_unstated() -> None:
    t = _rows(
        ("iron_ore", "mine", "", "content"),
        ("iron_ore", "mine", "", "gross weight"),
        ("iron_ore", "mine", "", "not stated"),
        ("iron_ore", "mine", "usable ore", "not stated"),
    )
    out = carry_production_basis(t)["basis"].tolist()
    assert out == ["content", "gross weight", "not stated", "not stated"]
    assert t["basis"].tolist()[2:] == ["not stated", "not stated"]  # the input is not changed


def test_the_real_store_carries_mcs2025_bases_to_mcs2026_rows(ds) -> None:  # type: ignore[no-untyped-def]
    p = ds.production
    latest = p[(p["source_id"] == "usgs_mcs2026") & (p["stage"] == "mine")]
    assert set(latest.loc[latest["commodity"] == "copper", "basis"]) == {"content"}
    assert set(latest.loc[latest["commodity"] == "chromium", "basis"]) == {"gross weight"}
    assert set(latest.loc[latest["commodity"] == "rare_earths", "basis"]) == {"oxide equivalent"}
