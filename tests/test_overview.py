"""The dashboard overview: partner exposure and criticality merged in the library, failures stated."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.api.tiny_store import build_tiny_store
from trust_minerals.overview import overview, overview_with_exposure


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from trust_minerals.data.store import load_dataset

    path: Path = build_tiny_store(tmp_path_factory.mktemp("overview") / "trust.duckdb")
    return load_dataset(path)


def test_overview_rows_gain_partner_columns_and_name_their_sources(tiny) -> None:  # type: ignore[no-untyped-def]
    r = overview_with_exposure(tiny, partners="msp")
    base = overview(tiny)
    assert len(r.table) == len(base)
    assert {"partner_share", "export_control_share", "criticality_score"} <= set(r.table.columns)
    assert set(r.source_ids) <= set(tiny.sources["source_id"])
    used = set(tiny.production.loc[tiny.production["year"] == r.year, "source_id"])
    assert used <= set(r.source_ids)
    assert r.to_frame().equals(r.table) and r.to_frame() is not r.table


def test_a_partner_set_that_cannot_be_read_is_a_note_not_zero(tiny) -> None:  # type: ignore[no-untyped-def]
    r = overview_with_exposure(tiny, partners="Atlantis")
    assert r.table["partner_share"].isna().all()
    assert any("partner exposure not available" in n and "Atlantis" in n for n in r.notes)


def test_a_score_that_cannot_be_computed_is_a_note(tiny) -> None:  # type: ignore[no-untyped-def]
    r = overview_with_exposure(tiny, score_method="trust", score_consumer="Atlantis")
    assert not r.has_scores
    assert all(math.isnan(v) for v in r.table["criticality_score"])
    assert any("criticality scores (trust) not available" in n for n in r.notes)


def test_the_score_states_its_axis_and_adaptation(tiny) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.metrics.criticality.methods import method_definition

    d = method_definition("trust")
    r = overview_with_exposure(tiny, score_method="trust", score_consumer="USA+IND")
    assert d.score_axis in r.score_note and d.adaptation in r.score_note
    assert overview_with_exposure(tiny, score_consumer="Atlantis").score_note == ""
