"""The concordance files are consistent with the vocabularies they map into."""

from __future__ import annotations

import pytest

from trust_minerals.data.concordance import read_concordance, to_iso3
from trust_minerals.errors import UnknownNameError
from trust_minerals.schema import vocabulary

COMMODITIES = set(vocabulary("commodity"))
STAGES = set(vocabulary("stage"))


def test_usgs_country_names_map_through_the_alias_file() -> None:
    assert to_iso3(["Congo (Kinshasa)", "Burma", "Korea, Republic of", "India"]) == [
        "COD",
        "MMR",
        "KOR",
        "IND",
    ]


def test_aggregates_keep_their_names_only_when_allowed() -> None:
    assert to_iso3(["World total (rounded)", "Other countries"], allow_aggregates=True) == [
        "World total",
        "Other countries",
    ]
    with pytest.raises(UnknownNameError):
        to_iso3(["Other countries"])


def test_every_unmatched_name_is_listed_in_one_error() -> None:
    with pytest.raises(UnknownNameError) as err:
        to_iso3(["Atlantis", "India", "Narnia"], where="test file")
    assert err.value.names == ["Atlantis", "Narnia"]
    assert "test file" in str(err.value)


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("usgs_commodity_names.csv", "commodity"),
        ("hs6_commodities.csv", "commodity"),
        ("list_names.csv", "commodity"),
        ("wmd_commodities.csv", "commodity"),
    ],
)
def test_concordances_map_into_known_commodity_ids(file: str, column: str) -> None:
    ids = {r[column] for r in read_concordance(file) if r[column]}
    assert ids and ids <= COMMODITIES, sorted(ids - COMMODITIES)


def test_export_control_items_map_into_known_ids() -> None:
    ids = {
        c
        for r in read_concordance("export_control_items.csv")
        for c in r["commodity"].split(";")
        if c
    }
    assert ids <= COMMODITIES, sorted(ids - COMMODITIES)


@pytest.mark.parametrize("file", ["usgs_stages.csv", "hs6_commodities.csv"])
def test_concordances_use_only_stages_of_the_vocabulary(file: str) -> None:
    stages = {r["stage"] for r in read_concordance(file) if r.get("stage")}
    assert stages <= STAGES, sorted(stages - STAGES)


def test_hs6_codes_are_unique_six_digit_codes() -> None:
    codes = [r["hs6"] for r in read_concordance("hs6_commodities.csv")]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_name_variants_are_unambiguous() -> None:
    keys = [
        " ".join(r["name"].split()).casefold() for r in read_concordance("usgs_commodity_names.csv")
    ]
    assert len(keys) == len(set(keys))


def test_country_converter_reads_its_table_as_its_own_reader_does_under_pandas_2() -> None:
    """The package's converter (table read here, pandas-3-safe) converts every short name, every
    ISO2 code and Namibia's ``NA`` as ``country_converter``'s own reader does (pandas 2)."""
    import country_converter as coco
    import pandas as pd

    from trust_minerals.data.concordance import country_converter

    ours = country_converter()
    assert ours.convert("NA", src="ISO2", to="ISO3") == "NAM"
    if int(pd.__version__.split(".")[0]) >= 3:
        pytest.skip("country_converter's own reader fails under pandas 3: nothing to compare")
    theirs = coco.CountryConverter()
    names = [n for n in theirs.data["name_short"].dropna().astype(str)]
    assert len(names) > 200
    assert ours.convert(names, to="ISO3", not_found=None) == theirs.convert(
        names, to="ISO3", not_found=None
    )
    iso2 = [c for c in theirs.data["ISO2"].astype(str) if c]
    assert ours.convert(iso2, src="ISO2", to="ISO3") == theirs.convert(iso2, src="ISO2", to="ISO3")
