"""The technology graph: every link traceable to one published row."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import validate, vocabulary
from trust_minerals.technologies import graph
from trust_minerals.technologies.graph import build_graph, technology_links, technology_table

RAW = Path(str(resources.files("trust_minerals").joinpath("data", "raw")))


def _published_rows(relative: str) -> dict[int, dict[str, str]]:
    with open(RAW / relative, encoding="utf-8-sig", newline="") as fh:
        return {i: r for i, r in enumerate(csv.DictReader(fh), start=2)}


def test_every_trust_sector_has_links() -> None:
    g = build_graph()
    assert set(g.sectors["sector"]) == set(g.links["sector"])
    assert len(g.sectors) == 7


def test_links_validate_against_the_table_spec() -> None:
    t = technology_links()
    assert list(t.columns) == graph.LINK_COLUMNS
    assert set(t["commodity"]) <= set(vocabulary("commodity"))
    validate("technologies", t)


def test_every_qualitative_link_quotes_its_t6_row() -> None:
    rows = _published_rows(graph.T6_FILE)
    q = build_graph().links.query("link == 'qualitative'")
    assert len(q) > 50
    for r in q.itertuples():
        published = rows[r.source_row]
        assert published["Primary_Applications"] == r.source_text
        assert r.matched_phrase in published["Primary_Applications"]
        assert pd.isna(r.intensity)


def test_every_quantitative_link_is_its_material_intensity_row() -> None:
    rows = _published_rows(graph.MI_FILE)
    q = build_graph().links.query("link == 'quantitative'")
    assert len(q) > 100
    for r in q.itertuples():
        published = rows[r.source_row]
        assert published["unit"] == r.unit
        assert published["mineral"] == r.matched_phrase
        if published["intensity"]:
            assert float(published["intensity"]) == r.intensity
        else:
            assert pd.isna(r.intensity) and float(published["low"]) == r.intensity_low


def test_rare_earth_elements_are_measured_on_total_rare_earths_with_the_rule() -> None:
    links = build_graph().links
    ree = links[links["commodity"].isin(["dysprosium", "terbium", "neodymium", "samarium"])]
    assert not ree.empty
    assert (ree["supply_commodity"] == "rare_earths").all()
    assert ree["supply_rule"].str.contains("not published").all()
    own = links[links["commodity"] == "gallium"]
    assert (own["supply_commodity"] == "gallium").all() and (own["supply_rule"] == "").all()


def test_issue_links_named_by_trust_are_present() -> None:
    links = build_graph().links

    def has(sector: str, commodity: str) -> bool:
        return bool(((links["sector"] == sector) & (links["commodity"] == commodity)).any())

    assert all(has("defence", c) for c in ("neodymium", "praseodymium", "samarium"))
    assert all(has("clean_energy_ev", c) for c in ("lithium", "cobalt", "nickel"))
    assert all(has("semiconductors_ai", c) for c in ("gallium", "germanium"))
    assert has("biotech_medical", "gadolinium") and has("pharmaceuticals", "lutetium")


def test_select_unknown_sector_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="defence"):
        technology_table("defense")


def test_a_phrase_missing_from_the_t6_text_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = graph.package_path("t6_links.csv").read_text(encoding="utf-8")
    (tmp_path / "t6_links.csv").write_text(
        src.replace("Gallium,gallium,Integrated circuits", "Gallium,gallium,quantum computers"),
        encoding="utf-8",
    )
    for name in ("sectors.csv", "technologies.csv", "intensity_links.csv", "element_supply.csv"):
        (tmp_path / name).write_text(graph.package_path(name).read_text(encoding="utf-8"))
    monkeypatch.setattr(graph, "package_path", lambda *p: tmp_path.joinpath(*p))
    graph._graph.cache_clear()
    try:
        with pytest.raises(ParseError, match="quantum computers"):
            graph._graph()
    finally:
        graph._graph.cache_clear()
