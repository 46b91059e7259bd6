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
    # quantities of several forms are added only on a content basis (a factor for every form);
    # else the forms are compared by value
    f = ds.forms[(ds.forms["commodity"] == commodity) & (ds.forms["stage"] == stage)]
    factor = pd.to_numeric(f.set_index("hs6")["content_factor"], errors="coerce")
    traded = set(t["hs6"])
    addable = len(traded) == 1 or bool(factor.reindex(sorted(traded)).notna().all())
    column = "quantity" if addable and t["quantity"].notna().all() else "value_usd"
    if column == "quantity" and factor.reindex(sorted(traded)).notna().all():
        t = t.assign(quantity=t["quantity"] * t["hs6"].map(factor))
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
    """Ore trade, never refined trade; Indian tungsten ore is too small a part of India's
    tungsten imports (by value) to stand for its mix: world mine shares, stated."""
    for t, consumer in ((usa, "USA"), (india, "IND")):
        for commodity in ("tungsten", "antimony"):
            r = _row(t, commodity, "mine")
            if (consumer, commodity) == ("IND", "tungsten"):
                assert r["import_basis"].startswith("world")
                assert "min_import_share" in r["import_note"]
                continue
            assert r["import_basis"].startswith("trade 2024")
            assert r["import_partner_share"] == pytest.approx(
                _partner_share_by_hand(ds, consumer, commodity, "mine")
            )


def _top_by_hand(shares: pd.Series) -> tuple[str, float]:
    shares = shares.sort_values(ascending=False)
    return str(shares.index[0]), float(shares.iloc[0])


def test_us_refined_antimony_row_uses_the_usgs_metal_and_oxide_sources(ds, usa):
    """USGS has no refinery table for antimony: the row exists, its mix is the USGS import
    sources of metal and oxide (the forms table's breakdown), and production columns are
    missing with the reason, never the mine stage's numbers."""
    from trust_minerals.forms import usgs_import_detail

    r = _row(usa, "antimony", "refinery")
    detail = usgs_import_detail(ds, "antimony", "refinery")
    assert r["import_basis"] == f"usgs import sources 2021-24 ({detail})"
    src = ds.import_sources
    src = src[
        (src["commodity"] == "antimony")
        & (src["detail"] == detail)
        & (src["country"] != "Other countries")
    ]
    shares = src.set_index("country")["share"]
    top, top_share = _top_by_hand(shares)
    assert top == "CHN"  # the USGS table: China supplied over half of US metal and oxide
    assert (r["import_top_country"], r["import_top_share"]) == (top, pytest.approx(top_share))
    msp = set(resolve_consumer(ds, "msp").members)
    assert r["import_partner_share"] == pytest.approx(shares[shares.index.isin(msp)].sum())
    for column in ("hhi", "top_share", "coverage_share", "hhi_wgi", "partner_share"):
        assert pd.isna(r[column]), column
    assert pd.isna(r["top_country"]) and r["incomplete"]
    assert "no world refinery production of antimony is published" in r["notes"]
    assert "HS 282580, not in the bundled BACI extract" in r["notes"]
    assert not pd.isna(_row(usa, "antimony", "mine")["hhi"])


def test_us_refined_tungsten_row_uses_trade_in_refined_forms(ds, usa):
    r = _row(usa, "tungsten", "refinery")
    assert r["import_basis"] == "trade 2024 (quantity)" and r["trade_year"] == 2024
    t = ds.trade
    t = t[
        (t["importer"] == "USA")
        & (t["year"] == 2024)
        & t["hs6"].isin(stage_hs6(ds, "tungsten", "refinery"))
    ]
    assert not t["hs6"].isin(stage_hs6(ds, "tungsten", "mine")).any()
    by = t.groupby("exporter")["quantity"].sum()
    shares = by / by.sum()
    top, top_share = _top_by_hand(shares)
    assert (r["import_top_country"], r["import_top_share"]) == (top, pytest.approx(top_share))
    assert shares["CHN"] > 0.1  # China is a main source of refined tungsten, not of US ore
    assert r["import_partner_share"] == pytest.approx(
        _partner_share_by_hand(ds, "USA", "tungsten", "refinery")
    )
    assert pd.isna(r["hhi"]) and pd.isna(r["coverage_share"])
    assert "no world refinery production of tungsten is published" in r["notes"]
    risk_cn = risk_table(ds, "USA", "CHN", year=2025)
    assert _row(risk_cn, "tungsten", "refinery")["import_partner_share"] == pytest.approx(
        shares["CHN"]
    )


def test_a_traded_stage_nothing_measures_is_listed_as_missing_never_zero(india):
    r = _row(india, "antimony", "refinery")  # no Indian imports in the extract, no USGS sources
    assert r["import_basis"] == "none"
    assert pd.isna(r["import_partner_share"]) and pd.isna(r["import_top_share"])
    assert "holds no antimony refinery forms" in r["import_note"]


def test_only_stages_without_production_get_traded_stage_rows(ds, usa):
    from trust_minerals.metrics.stages import stage_production

    prod = stage_production(ds)
    have = set(zip(prod["commodity"], prod["stage"], strict=True))
    traded = usa[usa["notes"].str.startswith("no world ")]
    assert {("antimony", "refinery"), ("tungsten", "refinery")} <= set(
        zip(traded["commodity"], traded["stage"], strict=True)
    )
    for c, s in zip(traded["commodity"], traded["stage"], strict=True):
        assert (c, s) not in have
        assert stage_hs6(ds, c, s)
    measured = usa[~usa["notes"].str.startswith("no world ")]
    assert set(zip(measured["commodity"], measured["stage"], strict=True)) <= have
    assert not usa.duplicated(["commodity", "stage", "form"]).any()
