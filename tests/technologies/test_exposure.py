"""Sector exposure on the real store: ranking, weakest links and traceability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics.criticality import criticality
from trust_minerals.metrics.risk import risk_table
from trust_minerals.technologies.exposure import exposure_level, sector_exposure
from trust_minerals.technologies.graph import build_graph


@pytest.fixture(scope="module", params=["IND", "USA"])
def result(request: pytest.FixtureRequest, ds):  # type: ignore[no-untyped-def]
    return sector_exposure(ds, request.param)


def test_every_trust_sector_is_ranked_by_its_weakest_link(result) -> None:  # type: ignore[no-untyped-def]
    sec = result.sectors
    assert set(sec["sector"]) == set(build_graph().sectors["sector"])
    scored = sec["score"].dropna().to_numpy()
    assert (np.diff(scored) <= 0).all()
    assert sec["score"].isna().sum() == 0 or sec["score"].isna().to_numpy()[-1]
    for row in sec.itertuples():
        links = result.links[result.links["sector"] == row.sector]
        if links["score"].notna().any():
            assert row.score == links["score"].max()
            assert row.weakest_commodity in set(links.loc[links["score"] == row.score, "commodity"])


def test_scores_are_the_criticality_methods_scores(result, ds) -> None:  # type: ignore[no-untyped-def]
    crit = criticality(ds, "trust", result.consumer).table.set_index("commodity")["score"]
    for row in result.links.dropna(subset=["score"]).itertuples():
        assert row.score == pytest.approx(crit[row.supply_commodity])


def test_indicators_are_the_risk_tables(result, ds) -> None:  # type: ignore[no-untyped-def]
    risk = risk_table(ds, result.consumer)
    for row in result.links.drop_duplicates("supply_commodity").itertuples():
        r = risk[risk["commodity"] == row.supply_commodity]
        if r["hhi"].notna().any():
            assert row.max_hhi == pytest.approx(r["hhi"].max())
        if r["import_reliance"].notna().any():
            assert row.import_reliance == pytest.approx(r["import_reliance"].dropna().iloc[0])


def test_each_link_names_source_rows_that_exist_in_the_graph(result) -> None:  # type: ignore[no-untyped-def]
    g = build_graph().links
    refs = set(g["source_file"].str.rsplit("/", n=1).str[-1] + ":" + g["source_row"].astype(str))
    for text in result.links["source_rows"]:
        assert set(text.split(";")) <= refs


def test_qualitative_links_are_flagged(result) -> None:  # type: ignore[no-untyped-def]
    tech = result.technologies.set_index(["sector", "technology"])
    assert tech.loc[("quantum", "atomic_clocks"), "qualitative_only"]
    assert not tech.loc[("clean_energy_ev", "batteries"), "qualitative_only"]
    q = result.links[result.links["link"] == "qualitative"]
    assert not q.empty


def test_gallium_is_the_weakest_link_of_semiconductors(result) -> None:  # type: ignore[no-untyped-def]
    semis = result.sectors.set_index("sector").loc["semiconductors_ai"]
    assert semis["weakest_commodity"] == "gallium"
    assert semis["top_country"] == "CHN" and semis["export_control_share"] > 0.9


def test_rare_earth_elements_say_they_are_measured_on_total_rare_earths(result) -> None:  # type: ignore[no-untyped-def]
    dy = result.links[result.links["commodity"] == "dysprosium"]
    assert (dy["supply_commodity"] == "rare_earths").all()
    assert any("total rare earths" in n for n in result.notes)


def test_unknown_consumer_and_level_raise(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError):
        sector_exposure(ds, "Atlantis")
    r = sector_exposure(ds, "IND", sector="quantum")
    assert isinstance(exposure_level(r, "technology"), pd.DataFrame)
    with pytest.raises(UnknownNameError, match="technology"):
        exposure_level(r, "technologies")
