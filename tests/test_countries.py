"""One reader for every consumer and partner text (trust_minerals.countries)."""

from __future__ import annotations

import pytest

from trust_minerals.countries import CountrySet, resolve_consumer, resolve_consumers
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.simulate.network import build_exposure


@pytest.mark.parametrize("text", ["USA+IND", "usa_ind", "USA_IND", "ind,usa", ["USA", "IND"]])
def test_every_spelling_of_the_pair_gives_the_same_members(ds, text) -> None:  # type: ignore[no-untyped-def]
    assert resolve_consumer(ds, text).members == ("IND", "USA")


def test_a_country_set_is_checked_and_returned_sorted(ds) -> None:  # type: ignore[no-untyped-def]
    cs = resolve_consumer(ds, CountrySet("pair", ("USA", "IND")))
    assert cs == CountrySet("pair", ("IND", "USA"))
    with pytest.raises(UnknownNameError, match="XXX"):
        resolve_consumer(ds, CountrySet("bad", ("XXX",)))


def test_msp_members_come_from_the_countries_table(ds) -> None:  # type: ignore[no-untyped-def]
    expected = tuple(sorted(ds.countries.loc[ds.countries["msp"], "country"]))
    assert resolve_consumer(ds, "MSP").members == expected
    assert "USA" in expected and "IND" in expected


def test_comma_separates_consumers_and_plus_pools_them(ds) -> None:  # type: ignore[no-untyped-def]
    got = resolve_consumers(ds, "USA,IND+USA,usa")
    assert [c.name for c in got] == ["USA", "IND+USA", "usa"]
    assert [c.members for c in got] == [("USA",), ("IND", "USA"), ("USA",)]


def test_the_simulation_reads_consumers_with_the_same_reader(ds) -> None:  # type: ignore[no-untyped-def]
    pooled = build_exposure(ds, "USA+IND", ["cobalt"], ["mine"])
    named = build_exposure(ds, ["usa_ind"], ["cobalt"], ["mine"])
    assert list(pooled.columns["consumer"]) == ["USA+IND"]
    assert list(named.columns["consumer"]) == ["USA_IND"]
    assert (pooled.matrix == named.matrix).all()


def test_unknown_names_are_named_with_the_closest_valid_one(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match=r"'UAS'.*did you mean 'USA'") as err:
        resolve_consumer(ds, "UAS+IND")
    assert err.value.names == ["UAS"]


def test_an_empty_consumer_is_refused(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="empty"):
        resolve_consumer(ds, " + ")
    with pytest.raises(InputError, match="at least one"):
        resolve_consumers(ds, "")
