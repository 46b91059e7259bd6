"""``trust risk`` on the real store: the consumer's import mix at each stage is measured on that
stage's own forms (one rule with ``simulate``), never on ore and refined trade summed."""

from __future__ import annotations

import pandas as pd
import pytest

from trust_minerals.countries import resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.forms import stage_hs6
from trust_minerals.metrics.risk import risk_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def usa(ds: SupplyDataset) -> pd.DataFrame:
    return risk_table(ds, "USA", "msp", year=2025)


@pytest.fixture(scope="module")
def india(ds: SupplyDataset) -> pd.DataFrame:
    return risk_table(ds, "IND", "msp", year=2025)


def _row(t: pd.DataFrame, commodity: str, stage: str) -> pd.Series:
    return t[(t["commodity"] == commodity) & (t["stage"] == stage)].iloc[0]


def _partner_share_by_hand(ds: SupplyDataset, consumer: str, commodity: str, stage: str) -> float:
    """Partner share of the consumer's 2024 imports in the stage's HS6 codes, from ds.trade."""
    t = ds.trade
    codes = stage_hs6(ds, commodity, stage)
    t = t[(t["importer"] == consumer) & (t["exporter"] != consumer) & (t["year"] == 2024)]
    t = t[t["hs6"].isin(codes)]
    column = "quantity" if t["quantity"].notna().all() else "value_usd"
    msp = set(resolve_consumer(ds, "msp").members)
    return float(t.loc[t["exporter"].isin(msp), column].sum() / t[column].sum())


def test_us_nickel_refinery_uses_the_usgs_primary_nickel_sources_not_ore_trade(usa):
    mine, refinery = _row(usa, "nickel", "mine"), _row(usa, "nickel", "refinery")
    assert mine["import_basis"].startswith("trade 2024")
    assert refinery["import_basis"] == "usgs import sources 2021-24 (Primary nickel)"
    assert "holds no nickel refinery forms" in refinery["import_note"]
    assert pd.isna(refinery["trade_year"])
    # before, both stages carried one all-forms number (0.81); now each stage has its own
    assert refinery["import_partner_share"] != pytest.approx(mine["import_partner_share"])


def test_india_nickel_refinery_falls_back_to_world_refining_and_says_so(india):
    r = _row(india, "nickel", "refinery")
    assert r["import_basis"] == "world 2023"  # IEA refining table (USGS has no refinery table)
    assert "allocated in proportion to the world market" in r["import_note"]


def test_rare_earth_mine_and_refinery_stages_have_their_own_basis(ds, usa, india):
    for t, consumer in ((usa, "USA"), (india, "IND")):
        mine, refinery = _row(t, "rare_earths", "mine"), _row(t, "rare_earths", "refinery")
        # rare-earth ores have no HS92 code of their own: world mine shares, stated
        assert mine["import_basis"].startswith("world")
        assert "no mine form of rare_earths has an HS6 code" in mine["import_note"]
        assert refinery["import_basis"].startswith("trade 2024")
        assert refinery["import_partner_share"] == pytest.approx(
            _partner_share_by_hand(ds, consumer, "rare_earths", "refinery")
        )


def test_tungsten_and_antimony_mine_rows_use_ore_trade_only(ds, usa, india):
    for t, consumer in ((usa, "USA"), (india, "IND")):
        for commodity in ("tungsten", "antimony"):
            r = _row(t, commodity, "mine")
            assert r["import_basis"].startswith("trade 2024")
            assert r["import_partner_share"] == pytest.approx(
                _partner_share_by_hand(ds, consumer, commodity, "mine")
            )
