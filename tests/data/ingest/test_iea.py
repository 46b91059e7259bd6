"""The IEA supply table (``supply_projection``) parsed from the bundled CSV and stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from trust_minerals.data.ingest.iea import default_path, parse_iea_supply
from trust_minerals.errors import ParseError, UnknownNameError


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return parse_iea_supply()


def _raw_rows() -> list[dict[str, str]]:
    with open(default_path(), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_row_but_top3_share_is_kept(table: pd.DataFrame) -> None:
    raw = _raw_rows()
    top3 = [r for r in raw if r["row_label"] == "Top 3 share"]
    assert len(top3) > 0
    assert len(table) == len(raw) - len(top3)


def test_top3_share_published_by_the_iea_agrees_with_the_kept_rows(table: pd.DataFrame) -> None:
    """The dropped Top-3 rows are derivable from the kept rows (checked, not trusted)."""
    labels = {(r["mineral"], r["stage_label"]) for r in _raw_rows()}
    assert len(labels) == 12
    for r in (r for r in _raw_rows() if r["row_label"] == "Top 3 share"):
        g = table[(table["stage_label"] == r["stage_label"]) & (table["year"] == int(r["year"]))]
        g = g[
            g["commodity"]
            == {"Magnet rare earth elements": "rare_earths"}.get(r["mineral"], r["mineral"].lower())
        ]
        total = g.loc[g["is_aggregate"] & g["country"].ne("Other countries"), "quantity"]
        assert len(total) == 1
        top3 = g.loc[~g["is_aggregate"], "quantity"].nlargest(3).sum() / total.iloc[0]
        # the IEA's own figure for battery-grade graphite 2023 differs by 0.006
        assert top3 == pytest.approx(float(r["value"]), abs=0.01), r


def test_cobalt_refining_total_is_not_a_world_total(table: pd.DataFrame) -> None:
    g = table[(table["commodity"] == "cobalt") & (table["stage"] == "refinery")]
    assert set(g.loc[g["is_aggregate"], "country"]) == {
        "Other countries",
        "Total clean technologies",
    }
    mine = table[(table["commodity"] == "cobalt") & (table["stage"] == "mine")]
    assert "World total" in set(mine["country"])


def test_content_basis_and_stage_label_are_kept(table: pd.DataFrame) -> None:
    basis = table.groupby(["commodity", "stage_label"])["content_basis"].first()
    assert basis[("lithium", "Mining")] == "Li content"
    assert "Nd+Pr+Dy+Tb" in basis[("rare_earths", "Refining")]
    assert set(table.loc[table["commodity"] == "graphite", "stage_label"]) == {
        "Mining (natural)",
        "Battery grade",
    }
    assert set(table["unit"]) == {"kt"}


def test_china_refines_each_battery_commodity_in_2023(table: pd.DataFrame) -> None:
    ref = table[(table["stage"] == "refinery") & (table["year"] == 2023)]
    china = ref[ref["country"] == "CHN"].set_index("commodity")["quantity"]
    assert set(china.index) >= {"lithium", "cobalt", "nickel", "graphite", "rare_earths", "copper"}
    assert (china > 0).all()


def test_named_rows_and_rest_of_world_add_up_to_the_total(table: pd.DataFrame) -> None:
    """USGS-style check: listed rows sum to the published total within the IEA's rounding (<4%)."""
    for (_c, _s, _y), g in table.groupby(["commodity", "stage_label", "year"]):
        total = g.loc[g["is_aggregate"] & g["country"].ne("Other countries"), "quantity"].iloc[0]
        listed = g.loc[g["country"].ne("World total") & g["country"].ne("Total clean technologies")]
        assert listed["quantity"].sum() / total == pytest.approx(1.0, abs=0.04)


def test_unknown_stage_label_names_the_line(tmp_path: Path) -> None:
    raw = default_path().read_text(encoding="utf-8").splitlines()
    bad = raw[:3] + [raw[3].replace("Mining", "Smelting", 1)]
    path = tmp_path / "iea.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 4, field 'stage_label', value 'Smelting'"):
        parse_iea_supply(path)


def test_unknown_country_is_named(tmp_path: Path) -> None:
    raw = default_path().read_text(encoding="utf-8").splitlines()
    path = tmp_path / "iea.csv"
    path.write_text(
        "\n".join([raw[0], raw[1].replace("Chile", "Atlantis")]) + "\n", encoding="utf-8"
    )
    with pytest.raises(UnknownNameError, match="Atlantis"):
        parse_iea_supply(path)


def test_store_holds_the_parsed_table(ds, table: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    stored = ds.supply_projection
    assert len(stored) == len(table)
    assert set(stored["source_id"]) == {"iea_cmde_2024"}
    assert "NCL" in set(ds.countries["country"])  # IEA-only country reaches the countries table
