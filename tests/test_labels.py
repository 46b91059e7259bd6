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


def test_every_vocabulary_value_has_a_label_and_the_data_uses_only_named_values() -> None:
    """The display labels are data: each id of a vocabulary a page shows has one, and the data
    files that use a vocabulary (recovery streams, backtest episodes and quantities) name no id
    outside it (their readers raise ParseError otherwise)."""
    import csv
    from importlib import resources

    from trust_minerals.outlook.recovery import load_streams
    from trust_minerals.schema import vocabulary, vocabulary_labels
    from trust_minerals.simulate.backtest import QUANTITIES, observations

    path = resources.files("trust_minerals").joinpath("data", "spec", "vocabulary.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["label"].strip() for r in rows)
    streams = {s.stream for s in load_streams()}
    assert streams and streams <= set(vocabulary("recovery_stream"))
    obs = observations()
    assert set(obs["episode"]) <= set(vocabulary("export_control_episode"))
    assert set(QUANTITIES) == set(vocabulary_labels("backtest_quantity"))


def test_every_labelled_column_names_a_known_kind_and_vocabulary() -> None:
    from trust_minerals.report.fmt import column_labels
    from trust_minerals.schema import vocabulary

    kinds = {"commodity", "country", "countries", "consumer", "text", "bool", "number"}
    kinds |= {"int", "share", "hhi", "year", "wgi", "score"}
    for spec in column_labels().values():
        assert spec.kind in kinds, spec
        if spec.vocabulary:
            assert vocabulary(spec.vocabulary), spec
