"""Apparent-consumption import reliance on the real store: trade and production on one basis."""

from __future__ import annotations

import re

import numpy as np
import pytest

from trust_minerals.countries import resolve_consumer
from trust_minerals.metrics.reliance import apparent_consumption_reliance, trade_year
from trust_minerals.units import tonnes_per_unit


def test_india_graphite_is_the_hand_calculation_on_gross_weight(ds) -> None:  # type: ignore[no-untyped-def]
    """Natural graphite: traded and produced in gross tonnes, so the ratio is a like-for-like one."""
    row = apparent_consumption_reliance(ds, "IND").set_index("commodity").loc["graphite"]
    ty = trade_year(ds, None)
    t = ds.trade
    t = t[(t["year"] == ty) & (t["commodity"] == "graphite") & (t["stage"] == "mine")]
    imports = t.loc[t["importer"] == "IND", "quantity"].sum()
    exports = t.loc[t["exporter"] == "IND", "quantity"].sum()
    p = ds.production
    p = p[(p["commodity"] == "graphite") & (p["stage"] == "mine") & (p["country"] == "IND")]
    p = p[p["year"] == ds.production["year"].max()]
    made = float((p["quantity"] * p["unit"].map(tonnes_per_unit(list(p["unit"])))).sum())
    assert imports > exports > 0 and made > 0
    net = imports - exports
    assert row["import_reliance"] == pytest.approx(net / (made + net))
    assert row["basis"] == "apparent_consumption" and row["status"] == "estimated"
    assert "gross weight" in row["detail"] and "natural graphite" in row["detail"]
    assert "USGS states no basis" in row["detail"]  # USGS's graphite table names only its unit


def test_ore_in_gross_tonnes_is_never_set_against_metal_content(ds) -> None:  # type: ignore[no-untyped-def]
    """MSP nickel: ores and concentrates are traded gross, USGS mine output is nickel content."""
    p = ds.production
    assert set(p.loc[(p["commodity"] == "nickel") & (p["stage"] == "mine"), "basis"]) == {"content"}
    row = apparent_consumption_reliance(ds, "MSP").set_index("commodity").loc["nickel"]
    assert np.isnan(row["import_reliance"])
    assert row["status"] == "not_comparable" and row["basis"] == "unknown"
    assert "gross weight (t) of ores and concentrates" in row["detail"]
    assert "production content" in row["detail"]


@pytest.mark.parametrize("consumer", ["IND", "MSP", "USA+IND", "CHN", "EU"])
def test_every_ratio_compares_one_basis(ds, consumer: str) -> None:  # type: ignore[no-untyped-def]
    """Each estimated row names its stage and basis, and the consumer's production at that stage
    is on a basis the trade basis may be compared with (content with content, gross with gross
    or an unstated basis, which the row then says)."""
    t = apparent_consumption_reliance(ds, consumer)
    members = resolve_consumer(ds, consumer).members
    checked = 0
    for r in t[t["basis"] == "apparent_consumption"].itertuples():
        stage = re.search(r"at stage (\w+)", r.detail).group(1)  # type: ignore[union-attr]
        p = ds.production
        bases = set(
            p.loc[
                (p["commodity"] == r.commodity)
                & (p["stage"] == stage)
                & p["country"].isin(members),
                "basis",
            ]
        )
        if "gross weight (t)" in r.detail:
            used = "gross weight" if "USGS states no basis" not in r.detail else "not stated"
        else:
            used = "content" if "USGS states no basis" not in r.detail else "not stated"
        assert used in bases, (r.commodity, stage, bases, r.detail)
        assert 0.0 <= r.import_reliance <= 1.0
        checked += 1
    assert checked > 0
    refused = t[t["status"] == "not_comparable"]
    assert refused["import_reliance"].isna().all()
    assert (refused["basis"] == "unknown").all()
