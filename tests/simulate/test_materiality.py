"""Materiality of a consumer's BACI imports at a stage (real store, hand counts from the trade
table): a sliver of the consumer's imports of a commodity does not stand for its supply mix."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.dataset import SupplyDataset
from trust_minerals.simulate.materiality import trade_immaterial
from trust_minerals.simulate.network import build_supply_mix
from trust_minerals.simulate.params import parameters

pytestmark = pytest.mark.slow


def _values_by_hand(
    ds: SupplyDataset, members: list[str], commodity: str, stage: str, year: int
) -> tuple[float, float]:
    """The consumer's import value at ``stage`` and in all non-component stages (from outside
    the consumer), straight from the trade table."""
    t = ds.trade
    t = t[
        (t["commodity"] == commodity)
        & (t["year"] == year)
        & t["importer"].isin(members)
        & ~t["exporter"].isin(members)
        & (t["stage"] != "component")
    ]
    return float(t.loc[t["stage"] == stage, "value_usd"].sum()), float(t["value_usd"].sum())


@pytest.mark.parametrize(
    ("members", "commodity"), [(["IND"], "gold"), (["IND"], "tungsten"), (["USA", "IND"], "gold")]
)
def test_an_ore_sliver_of_baci_imports_falls_back_to_world_shares(ds, members, commodity) -> None:  # type: ignore[no-untyped-def]
    stage_value, all_value = _values_by_hand(ds, members, commodity, "mine", 2024)
    assert 0 < stage_value < parameters()["min_import_share"] * all_value
    mix = build_supply_mix(ds, members, commodity, "mine", 2024)
    assert mix.basis.startswith("world")
    assert f"imports of the mine forms (USD {stage_value:,.0f};" in mix.note
    assert f"are {stage_value / all_value:.2%} of its {commodity} imports" in mix.note
    assert f"USD {all_value:,.0f};" in mix.note
    assert "min_import_share, assumption" in mix.note
    assert "allocated in proportion to the world market" in mix.note
    assert "baci_hs92_v202401b" in mix.source_ids  # the trade rows read for the test
    world = build_supply_mix(ds, members, commodity, "mine", 2024, "world")
    assert mix.shares.to_dict() == pytest.approx(world.shares.to_dict())


def test_material_baci_imports_stay_the_basis(ds) -> None:  # type: ignore[no-untyped-def]
    """India's unwrought aluminium is a large part of its aluminium imports by value."""
    stage_value, all_value = _values_by_hand(ds, ["IND"], "aluminum", "smelter", 2024)
    assert stage_value >= parameters()["min_import_share"] * all_value
    mix = build_supply_mix(ds, ["IND"], "aluminum", "smelter", 2024)
    assert mix.basis.startswith("trade 2024")
    assert "min_import_share" not in mix.note


def test_a_us_sliver_goes_to_the_usgs_sources_and_says_why(ds) -> None:  # type: ignore[no-untyped-def]
    """US gold ore is a sliver of US gold imports: the next step (USGS import sources) is used."""
    mix = build_supply_mix(ds, ["USA"], "gold", "mine", 2024)
    assert mix.basis.startswith("usgs import sources")
    assert mix.note.startswith("BACI 2024: USA imports of the mine forms")
    assert "baci_hs92_v202401b" in mix.source_ids


def test_threshold_zero_keeps_the_trade_basis(ds) -> None:  # type: ignore[no-untyped-def]
    from unittest import mock

    from trust_minerals.simulate import params

    real = params.parameters()
    with mock.patch.object(params, "parameters", return_value={**real, "min_import_share": 0.0}):
        mix = build_supply_mix(ds, ["IND"], "gold", "mine", 2024)
    assert mix.basis.startswith("trade 2024")


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.0, 1.0), scale=st.floats(0.0, 2.0))
def test_immaterial_exactly_below_the_share(ds, share: float, scale: float) -> None:  # type: ignore[no-untyped-def]
    """Scaling the stage's value against the fixed all-forms reference: immaterial iff the
    value is below ``share`` of the reference (hand count)."""
    _stage, all_value = _values_by_hand(ds, ["IND"], "gold", "mine", 2024)
    used = pd.DataFrame(
        {"importer": ["IND"], "year": [2024], "value_usd": [scale * all_value], "quantity": [1.0]}
    )
    why, _ids = trade_immaterial(ds, ["IND"], "gold", "mine", used, min_share=share)
    assert bool(why) == (scale * all_value < share * all_value)
