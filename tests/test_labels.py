"""List and group labels are data (data/spec/lists.csv, groups.csv), one place for each."""

from __future__ import annotations

from trust_minerals.countries import GROUPS
from trust_minerals.labels import group_labels, list_labels, list_specs


def test_every_group_the_resolver_knows_has_one_label() -> None:
    assert set(group_labels()) == set(GROUPS)


def test_every_list_is_a_critical_list_id_with_a_source(ds) -> None:  # type: ignore[no-untyped-def]
    ids = {s.list_id for s in list_specs()}
    assert ids <= set(ds.commodities.columns)
    assert {s.source_id for s in list_specs()} <= set(ds.sources["source_id"])
    assert set(ds.critical_lists["list_id"]) == ids
    assert list(list_labels("short_label")) == list(list_labels())
