"""Criticality inputs on the real store: the consumer's sourcing is measured at each commodity's
primary stage, on that stage's forms (the one supply-mix rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.countries import CountrySet, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.forms import stage_hs6
from trust_minerals.metrics.criticality import criticality
from trust_minerals.metrics.criticality.inputs import build_indicators

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["USA", "IND"])
def indicators(request, ds: SupplyDataset) -> tuple[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    consumer = request.param
    return consumer, build_indicators(ds, resolve_consumer(ds, consumer), 2025).set_index(
        "commodity"
    )


def _import_hhi_by_hand(ds: SupplyDataset, consumer: str, commodity: str, stage: str) -> float:
    t = ds.trade
    t = t[(t["importer"] == consumer) & (t["year"] == 2024) & (t["exporter"] != consumer)]
    t = t[t["hs6"].isin(stage_hs6(ds, commodity, stage))]
    column = "quantity" if t["quantity"].notna().all() else "value_usd"
    s = t.groupby("exporter")[column].sum()
    return float(((s / s.sum()) ** 2).sum())


def _ore_is_material(ds: SupplyDataset, consumer: str, commodity: str) -> bool:
    """The consumer's 2024 mine-form imports reach ``min_import_share`` of its imports of the
    commodity in all non-component forms, by value (the materiality rule, counted by hand)."""
    from trust_minerals.simulate.params import parameters

    t = ds.trade
    t = t[(t["importer"] == consumer) & (t["year"] == 2024) & (t["exporter"] != consumer)]
    t = t[(t["commodity"] == commodity) & (t["stage"] != "component")]
    ore = t.loc[t["stage"] == "mine", "value_usd"].sum()
    return bool(ore >= parameters()["min_import_share"] * t["value_usd"].sum())


def test_tungsten_and_antimony_sourcing_is_ore_trade_at_the_mine_stage(ds, indicators):
    """Ore trade, never refined trade, where the ore imports are material; Indian tungsten ore
    is a sliver of India's tungsten imports by value: world mine shares, stated."""
    consumer, ind = indicators
    for commodity in ("tungsten", "antimony", "nickel"):
        assert ind.loc[commodity, "stage"] == "mine"
        if not _ore_is_material(ds, consumer, commodity):
            assert (consumer, commodity) == ("IND", "tungsten")
            assert ind.loc[commodity, "import_basis"].startswith("world")
            assert "min_import_share" in ind.loc[commodity, "import_note"]
            continue
        assert ind.loc[commodity, "import_basis"].startswith("trade 2024")
        # tungsten powders (810110) are refinery trade: left out of the mine-stage mix
        assert ind.loc[commodity, "import_hhi"] == pytest.approx(
            _import_hhi_by_hand(ds, consumer, commodity, "mine")
        )


def test_rare_earth_refinery_trade_does_not_stand_in_for_mine_sourcing(ds, indicators):
    consumer, ind = indicators
    if consumer == "USA":  # cobalt ore: USITC HTS 2605 flows too small to be a mix (stated)
        assert "min_import_share" in ind.loc["cobalt", "import_note"]
    for commodity in ("rare_earths", "lithium", "cobalt"):
        assert ind.loc[commodity, "stage"] == "mine"
        assert ind.loc[commodity, "import_basis"].startswith("world")
        assert "sourcing mix unknown" in ind.loc[commodity, "import_note"]
        assert np.isnan(ind.loc[commodity, "import_hhi"])
        assert np.isnan(ind.loc[commodity, "hhi_wgi_sourcing_eu"])
    eu = criticality(ds, "eu", consumer).table.set_index("commodity")
    assert eu.loc["rare_earths", "sourcing_basis"].startswith("global")
    # the basis is carried to the method's output
    assert eu.loc["rare_earths", "import_basis"].startswith("world")
    tungsten = "trade 2024" if _ore_is_material(ds, consumer, "tungsten") else "world"
    assert eu.loc["tungsten", "import_basis"].startswith(tungsten)
    gpr = criticality(ds, "geopolrisk", consumer).table.set_index("commodity")
    assert np.isnan(gpr.loc["rare_earths", "import_risk"])
    assert gpr.loc["rare_earths", "import_basis"] == "none"
    assert "forms traded at the mine stage" in gpr.loc["rare_earths", "missing"]
    assert gpr.loc["tungsten", "import_basis"] == "trade 2024 (BACI, quantity, mine forms)"


def test_sourcing_term_without_any_imports_is_the_domestic_term_or_missing():
    """No import rows at all (text columns of an empty table): a commodity supplied entirely at
    home gets its domestic term, one that imports keeps a missing term (never a type error)."""
    from trust_minerals.metrics.criticality.inputs import _sourcing_hhi_wgi

    imports = pd.DataFrame(
        {
            "commodity": pd.Series([], dtype="str"),
            "exporter": pd.Series([], dtype="str"),
            "import_share": pd.Series([], dtype=float),
        }
    )
    ir = pd.Series([0.0, 0.4], index=["home", "abroad"])
    g_dom = pd.Series([2.0, 3.0], index=["home", "abroad"])
    consumer = CountrySet("IND", ("IND",))
    out = _sourcing_hhi_wgi(imports, ir, consumer, pd.Series({"CHN": 6.0}), g_dom)
    assert out.dtype == float
    assert out["home"] == pytest.approx(2.0)
    assert np.isnan(out["abroad"])
