"""Supply mixes: per-member trade years, stale-trade fallbacks, missing shares, recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.simulate.network import build_supply_mix
from trust_minerals.simulate.params import parameters
from trust_minerals.simulate.propagate import propagate
from trust_minerals.simulate.spec import scenario_from_dict

from .tiny import COUNTRIES, PRODUCTION, countries_table, make_ds, production_table, trade_table


def _trade(rows: list[tuple[str, str, str, str, float, int]]) -> pd.DataFrame:
    return pd.concat([trade_table([r[:5]], year=r[5]) for r in rows], ignore_index=True)


def _ds(trade_rows, production=None, import_sources=None) -> SupplyDataset:
    tables = {
        "production": production_table(PRODUCTION if production is None else production),
        "countries": countries_table(COUNTRIES),
        "trade": _trade(trade_rows),
    }
    if import_sources is not None:
        tables["import_sources"] = import_sources
    return SupplyDataset.from_tables(tables)


def test_group_mix_takes_each_member_at_its_own_latest_year():
    """USA's last trade year is 2015, India's 2016: the group uses both, not only India's."""
    ds = _ds(
        [
            ("CHN", "USA", "gallium", "refinery", 30.0, 2015),
            ("JPN", "IND", "gallium", "refinery", 10.0, 2016),
        ]
    )
    group = build_supply_mix(ds, ["USA", "IND"], "gallium", "refinery", 2016)
    india = build_supply_mix(ds, ["IND"], "gallium", "refinery", 2016)
    assert group.shares.to_dict() == pytest.approx({"CHN": 0.75, "JPN": 0.25})
    assert india.shares.to_dict() == pytest.approx({"JPN": 1.0})
    assert group.basis == "trade 2015-2016 (quantity)"
    assert group.import_quantity == pytest.approx(40.0)


def test_stale_trade_falls_back_to_the_world_market_and_says_so():
    age = int(parameters()["max_trade_age_years"])
    ds = _ds([("JPN", "USA", "gallium", "refinery", 5.0, 2025 - age - 1)])
    mix = build_supply_mix(ds, ["USA"], "gallium", "refinery", 2025)
    assert mix.basis == "world 2025"
    assert mix.shares["CHN"] == pytest.approx(0.98)
    assert f"latest {2025 - age - 1}" in mix.note and "world market" in mix.note
    recent = _ds([("JPN", "USA", "gallium", "refinery", 5.0, 2025 - age)])
    assert build_supply_mix(recent, ["USA"], "gallium", "refinery", 2025).basis.startswith("trade")


def test_usa_without_recent_trade_uses_the_published_import_sources():
    sources = pd.DataFrame(
        {
            "commodity": "gallium",
            "commodity_name": "Gallium",
            "detail": "Metal",
            "country": ["CHN", "JPN", "Other countries"],
            "share": [0.2, 0.5, 0.3],
            "period": "2021-24",
            "status": "published",
            "qualifier": "=",
            "value_text": ["20", "50", "30"],
            "basis": ["not stated"] * 3,
            "source_id": "test",
        }
    )
    ds = _ds([("CHN", "DEU", "gallium", "refinery", 5.0, 2025)], import_sources=sources)
    mix = build_supply_mix(ds, ["USA"], "gallium", "refinery", 2025)
    assert mix.basis == "usgs import sources 2021-24 (Metal)"
    assert mix.shares.to_dict() == pytest.approx({"JPN": 0.5, "CHN": 0.2})
    # India is not covered by the US import sources: world market
    assert build_supply_mix(ds, ["IND"], "gallium", "refinery", 2025).basis == "world 2025"


def test_withheld_production_and_no_trade_gives_missing_not_zero():
    withheld = [("germanium", "refinery", c, np.nan) for c in ("CHN", "RUS", "World total")]
    ds = _ds([("CHN", "DEU", "gallium", "refinery", 5.0, 2025)], production=withheld)
    mix = build_supply_mix(ds, ["USA"], "germanium", "refinery", 2025)
    assert mix.basis == "none" and mix.shares.empty
    scenario = scenario_from_dict(
        {"shocks": [{"kind": "export_ban", "country": "CHN", "commodity": "germanium"}]}
    )
    row = propagate(ds, scenario, ["USA"]).summary.iloc[0]
    assert np.isnan(row["shortfall_share"]) and np.isnan(row["price_change_share"])
    assert row["basis"] == "none"


SCANDIUM = [
    ("scandium", "refinery", "CHN", 90.0),
    ("scandium", "refinery", "RUS", 10.0),
    ("scandium", "refinery", "World total", 100.0),
]


def test_recovery_shock_adds_the_outlook_engines_median_supply():
    """India's bauxite-residue scandium (outlook engine) offsets part of a Chinese ban."""
    from trust_minerals.outlook.recovery import recovery_supply

    ds = make_ds(
        production=SCANDIUM,
        trade=[("CHN", "IND", "scandium", "refinery", 1000.0)],
    )
    ban = {"kind": "export_ban", "country": "CHN", "commodity": "scandium"}
    rec = {"kind": "recovery", "consumer": "IND", "commodity": "scandium"}
    scenario = scenario_from_dict({"shocks": [ban, rec]})
    without = propagate(ds, scenario, ["IND"]).summary.iloc[0]
    result = propagate(ds, scenario, ["IND"], use_recovery=True)
    with_rec = result.summary.iloc[0]
    expected = recovery_supply("IND", "scandium", draws=10000, seed=0).p50 / 1000.0
    assert 0 < expected < 1
    assert without["shortfall_share"] == pytest.approx(1.0)
    assert with_rec["shortfall_share"] == pytest.approx(1.0 - expected, rel=1e-9)
    assert any("recovery IND scandium: p50" in n for n in result.notes)


def _mix_by_hand(ds: SupplyDataset, importer: str, commodity: str, stage: str, column: str):
    """Shares of the importer's 2024 imports in the stage's forms, each form's tonnes weighed by
    its content factor (forms table) when ``column`` is quantity."""
    f = ds.forms[(ds.forms["commodity"] == commodity) & (ds.forms["stage"] == stage)]
    t = ds.trade
    t = t[(t["importer"] == importer) & (t["year"] == 2024) & t["hs6"].isin(f["hs6"])]
    if column == "quantity":
        factor = pd.to_numeric(f.set_index("hs6")["content_factor"])
        t = t.assign(quantity=t["quantity"] * t["hs6"].map(factor))
    by = t.groupby("exporter")[column].sum()
    return by / by.sum()


@pytest.mark.parametrize("importer", ["USA", "IND"])
def test_forms_of_a_stage_are_added_on_their_content_basis(ds, importer):
    """Lithium carbonate and hydroxide carry Li-content factors: the mix adds Li content."""
    mix = build_supply_mix(ds, [importer], "lithium", "refinery", 2024)
    assert mix.basis == "trade 2024 (quantity)"
    assert "Li content" in mix.note
    expected = _mix_by_hand(ds, importer, "lithium", "refinery", "quantity")
    pd.testing.assert_series_equal(
        mix.shares.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )
    by_value = _mix_by_hand(ds, importer, "lithium", "refinery", "value_usd")
    assert not np.allclose(mix.shares.sort_index(), by_value.reindex(mix.shares.index).sort_index())


def test_forms_without_a_common_content_basis_are_compared_by_value(ds):
    """Cobalt's refinery forms have no common factor: value shares, no import quantity, said."""
    mix = build_supply_mix(ds, ["USA"], "cobalt", "refinery", 2024)
    assert mix.basis == "trade 2024 (value_usd)"
    assert "no common content basis" in mix.note
    assert np.isnan(mix.import_quantity)
    expected = _mix_by_hand(ds, "USA", "cobalt", "refinery", "value_usd")
    pd.testing.assert_series_equal(
        mix.shares.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )
