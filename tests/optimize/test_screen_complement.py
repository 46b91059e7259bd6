"""Overseas-asset screening and US–India complementarity on hand-made datasets."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.factories import countries_table, production_rows, tiny_dataset
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.optimize.complement import complementarity
from trust_minerals.optimize.screen import default_weights, screen_assets
from trust_minerals.optimize.spec import parameters


def _export_control(country: str, commodity: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "country": country,
                "commodity": commodity,
                "control_type": "Export license",
                "since_year": 2023,
                "item_text": commodity,
                "source_url": None,
                "source_id": "test",
            }
        ]
    )


@pytest.fixture(scope="module")
def screen_ds() -> SupplyDataset:
    prod = pd.concat(
        [
            production_rows(
                [("AUS", 100.0), ("CHL", 50.0), ("CHN", 40.0)], commodity="lithium", year=2023
            ),
            production_rows(
                [("AUS", 121.0), ("CHL", 50.0), ("CHN", 90.0)], commodity="lithium", year=2025
            ),
        ]
    )
    reserves = production_rows(
        [
            ("AUS", 6000.0),
            ("CHL", 9000.0),
            ("CHN", 3000.0),
            ("IND", None),
            ("World total", 20000.0),
        ],
        commodity="lithium",
    )
    countries = countries_table(["AUS", "CHL", "CHN", "IND"], msp=["AUS", "IND"])
    countries["pv"] = [1.0, 0.5, -0.5, 0.0]
    countries["rl"] = [1.5, 1.0, -0.5, 0.0]
    return tiny_dataset(
        production=prod,
        reserves=reserves,
        countries=countries,
        export_controls=_export_control("CHN", "lithium"),
    )


def test_screen_components_match_hand_calculations(screen_ds: SupplyDataset) -> None:
    r = screen_assets(screen_ds, "lithium", consumer="IND")
    t = r.ranking.set_index("country")
    assert "IND" not in t.index
    assert t.loc["CHL", "reserve_share"] == pytest.approx(9000 / 20000)
    assert t.loc["AUS", "production_growth"] == pytest.approx((121 / 100) ** 0.5 - 1)
    assert t.loc["AUS", "growth_basis"] == "usgs_mcs 2023-2025"
    assert t.loc["AUS", "reserves_to_production"] == pytest.approx(6000 / 121)
    assert t.loc["AUS", "governance"] == pytest.approx(1.25)
    assert bool(t.loc["CHN", "export_control"]) and bool(t.loc["AUS", "partner"])
    assert list(r.ranking["rank"]) == [1, 2, 3]
    assert r.ranking["score"].is_monotonic_decreasing


def test_screen_score_is_the_weighted_mean_of_its_components(screen_ds: SupplyDataset) -> None:
    r = screen_assets(screen_ds, "lithium", consumer="IND")
    w = pd.Series(default_weights())
    comp = r.components.set_index("country")
    by_hand = (comp[w.index] * w).sum(axis=1) / w.sum()
    got = r.ranking.set_index("country")["score"]
    assert got.to_numpy() == pytest.approx(by_hand.reindex(got.index).to_numpy())
    assert all("reserve_share 0.3×" in e for e in r.ranking["explanation"])


def test_screen_weights_change_the_ranking(screen_ds: SupplyDataset) -> None:
    only_reserves = {k: 0.0 for k in default_weights()} | {"reserve_share": 1.0}
    r = screen_assets(screen_ds, "lithium", weights=only_reserves)
    assert list(r.ranking["country"])[:2] == ["CHL", "AUS"]
    only_growth = {k: 0.0 for k in default_weights()} | {"production_growth": 1.0}
    assert (
        screen_assets(screen_ds, "lithium", weights=only_growth).ranking["country"].iloc[0] == "CHN"
    )


def test_missing_component_is_named_not_zero(screen_ds: SupplyDataset) -> None:
    r = screen_assets(screen_ds, "lithium")  # IND: reserves withheld, no production
    ind = r.ranking.set_index("country").loc["IND"]
    assert "reserve_share" in ind["missing"] and "production_growth" in ind["missing"]
    assert pd.isna(ind["reserve_share"])
    assert "reserve_share n/a" in ind["explanation"]


def test_screen_bad_weights(screen_ds: SupplyDataset) -> None:
    with pytest.raises(UnknownNameError, match="charm"):
        screen_assets(screen_ds, "lithium", weights={"charm": 1.0})
    with pytest.raises(InputError, match="governance"):
        screen_assets(screen_ds, "lithium", weights={"governance": -1.0})


def _salient(commodity: str, value: float | None, status: str = "published") -> dict:
    return {
        "commodity": commodity,
        "commodity_name": commodity.title(),
        "statistic": "Net import reliance",
        "detail": "Net import reliance as a percentage of apparent consumption",
        "year": 2025,
        "value": value,
        "unit": "percent",
        "status": status,
        "qualifier": "=",
        "value_text": "E" if value is None else str(value),
        "basis": "not stated",
        "note": None,
        "source_id": "test",
    }


@pytest.fixture(scope="module")
def pair_ds() -> SupplyDataset:
    prod = pd.concat(
        [
            # India mines ilmenite-like "titanium"; the US relies on imports for it (NIR 90%)
            production_rows(
                [("IND", 500.0), ("AUS", 900.0), ("World total", 2000.0)], commodity="titanium"
            ),
            # the US refines germanium; India is not a listed producer
            production_rows(
                [("USA", 30.0), ("CHN", 600.0)], commodity="germanium", stage="refinery"
            ),
            # both mine copper; the US is a net exporter (E): no opportunity for India → US
            production_rows([("USA", 1000.0), ("IND", 100.0)], commodity="copper"),
        ]
    )
    reserves = production_rows([("IND", 7000.0), ("World total", 70000.0)], commodity="titanium")
    salient = pd.DataFrame([_salient("titanium", 90.0), _salient("copper", None, "net_exporter")])
    return tiny_dataset(
        production=prod,
        reserves=reserves,
        us_salient=salient,
        countries=countries_table(["USA", "IND", "AUS", "CHN"]),
    )


def test_complementarity_lists_each_opportunity_with_quantities(pair_ds: SupplyDataset) -> None:
    r = complementarity(pair_ds, "USA,IND")
    assert r.consumers == ("USA", "IND")
    got = {(o.commodity, o.stage, o.provider, o.dependent) for o in r.opportunities.itertuples()}
    assert got == {("titanium", "mine", "IND", "USA"), ("germanium", "refinery", "USA", "IND")}
    ti = r.opportunities.set_index("commodity").loc["titanium"]
    assert ti["provider_production"] == 500.0
    assert ti["provider_production_share"] == pytest.approx(500 / 2000)
    assert ti["provider_reserve_share"] == pytest.approx(0.1)
    assert ti["dependent_net_import_reliance"] == pytest.approx(0.9)
    assert parameters()["import_dependence_threshold"] <= 0.9
    ge = r.opportunities.set_index("commodity").loc["germanium"]
    assert "not among the listed producers" in ge["dependence_basis"]


def test_complementarity_bad_input(pair_ds: SupplyDataset) -> None:
    with pytest.raises(InputError):
        complementarity(pair_ds, "USA,USA")
    with pytest.raises(InputError, match="single countries"):
        complementarity(pair_ds, ["USA+IND", "AUS"])
    with pytest.raises(UnknownNameError, match="XYZ"):
        complementarity(pair_ds, ["USA", "XYZ"])
