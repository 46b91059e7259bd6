"""Tests for the USGS MCS parsers, on the bundled files and small extracts in the official layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trust_minerals.data.ingest.usgs import (
    _raw,
    parse_mcs2026,
    parse_mcs2026_critical_flags,
    production_basis,
)
from trust_minerals.data.ingest.usgs2025 import parse_mcs2025_world
from trust_minerals.errors import ParseError, UnknownNameError

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def mcs2026() -> dict[str, pd.DataFrame]:
    return parse_mcs2026()


def _rows(t: pd.DataFrame, **eq: object) -> pd.DataFrame:
    mask = pd.Series(True, index=t.index)
    for col, val in eq.items():
        mask &= t[col] == val
    return t[mask]


def test_cobalt_largest_named_producer_is_drc(mcs2026: dict[str, pd.DataFrame]) -> None:
    rows = _rows(
        mcs2026["production"], commodity="cobalt", stage="mine", year=2025, is_aggregate=False
    )
    assert rows.loc[rows["quantity"].idxmax(), "country"] == "COD"


def test_rare_earths_china_share_of_world_total(mcs2026: dict[str, pd.DataFrame]) -> None:
    rows = _rows(mcs2026["production"], commodity="rare_earths", stage="mine", year=2025)
    china = rows.loc[rows["country"] == "CHN", "quantity"].item()
    world = rows.loc[rows["country"] == "World total", "quantity"].item()
    assert 0.68 <= china / world <= 0.70


def test_us_lithium_is_withheld_not_zero_or_dropped(mcs2026: dict[str, pd.DataFrame]) -> None:
    row = _rows(mcs2026["production"], commodity="lithium", stage="mine", year=2025, country="USA")
    assert len(row) == 1
    assert row["status"].item() == "withheld" and pd.isna(row["quantity"].item())
    assert row["value_text"].item() == "W"


def test_gallium_named_rows_exceed_the_rounded_world_total(
    mcs2026: dict[str, pd.DataFrame],
) -> None:
    rows = _rows(mcs2026["production"], commodity="gallium", stage="refinery", year=2025)
    world = rows[rows["country"] == "World total"]
    named = rows[~rows["is_aggregate"]]
    assert len(world) == 1 and len(named) >= 3
    assert named["quantity"].sum() > world["quantity"].item()


def test_every_row_is_accounted_for(mcs2026: dict[str, pd.DataFrame]) -> None:
    raw = pd.read_csv(
        _raw("usgs_mcs2026", "MCS2026_Commodities_Data.csv"),
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
    )
    sections = raw["Section"]
    world = sections.str.startswith("World")
    assert (
        len(mcs2026["production"]) + len(mcs2026["reserves"]) + len(mcs2026["capacity"])
        == world.sum()
    )
    assert len(mcs2026["us_salient"]) == sections.str.startswith("Salient").sum()
    assert len(mcs2026["import_sources"]) == (sections == "Import Sources").sum()
    assert sum(len(t) for t in mcs2026.values()) == len(raw)


def test_withheld_and_missing_values_keep_their_status(mcs2026: dict[str, pd.DataFrame]) -> None:
    for name in ("production", "reserves", "capacity"):
        t = mcs2026[name]
        numeric = t["status"].isin(["published", "estimated", "reported", "zero"])
        assert t.loc[numeric, "quantity"].notna().all()
        assert t.loc[~numeric, "quantity"].isna().all()
    zero = mcs2026["us_salient"].query("status == 'zero'")
    assert len(zero) > 0 and (zero["value"] == 0).all()


def test_world_rows_are_unique_per_key(mcs2026: dict[str, pd.DataFrame]) -> None:
    key = ["commodity", "stage", "form", "country", "year"]
    for name in ("production", "reserves", "capacity"):
        dup = mcs2026[name][mcs2026[name].duplicated(key, keep=False)]
        assert dup.empty, dup[key + ["value_text"]].head(10).to_string()


def test_stage_and_form_decisions(mcs2026: dict[str, pd.DataFrame]) -> None:
    prod = mcs2026["production"]
    al = set(
        map(
            tuple,
            prod.query("commodity == 'aluminum'")[["stage", "form"]].drop_duplicates().to_numpy(),
        )
    )
    assert al == {("mine", "bauxite"), ("refinery", "alumina"), ("smelter", "")}
    ti = set(prod.query("commodity == 'titanium'")["form"])
    assert {"ilmenite", "rutile"} <= ti
    assert set(prod.query("commodity == 'iron_ore'")["form"]) == {"iron content", "usable ore"}
    assert (mcs2026["reserves"]["stage"] == "mine").all()
    assert set(mcs2026["capacity"].query("commodity == 'titanium'")["stage"]) == {
        "metal",
        "pigment",
    }


def test_estimated_and_reported_notes_set_the_status(mcs2026: dict[str, pd.DataFrame]) -> None:
    prod = mcs2026["production"]
    est = prod[prod["note"].fillna("").str.startswith("Estimated.")]
    assert (
        est["status"].isin(
            ["estimated", "withheld", "not_available", "zero", "small", "not_calculable"]
        )
    ).all()
    assert (est["status"] == "estimated").any()
    assert (prod["status"] == "reported").any()


def test_free_text_rows_are_kept(mcs2026: dict[str, pd.DataFrame]) -> None:
    res = mcs2026["reserves"]
    cs = _rows(res, commodity="cesium")
    assert len(cs) == 1 and cs["qualifier"].item() == "<" and "Namibia" in cs["note"].item()
    slag = _rows(mcs2026["production"], commodity="iron_steel_slag")
    assert set(slag["form"]) == {"iron slag", "steel slag"} and (slag["qualifier"] == "range").all()
    y = _rows(mcs2026["production"], commodity="yttrium")
    assert len(y) == 1 and y["quantity"].item() == 10000 and y["qualifier"].item() == "range"
    assert (
        y["note"].item().startswith("Detail: mine production of Y2O3")
    )  # shifted 'Yes' is not a note


def test_import_shares_are_fractions_and_period_is_ascii(mcs2026: dict[str, pd.DataFrame]) -> None:
    imp = mcs2026["import_sources"]
    assert set(imp["period"]) == {"2021-24"}
    assert imp["share"].between(0, 1).all()
    sums = imp.groupby(["commodity_name", "detail"])["share"].sum()
    assert ((sums > 0.9) & (sums < 1.1)).mean() > 0.9
    assert "China, Germany, and Russia" in set(imp["country"])


def test_us_salient_has_net_import_reliance(mcs2026: dict[str, pd.DataFrame]) -> None:
    sal = mcs2026["us_salient"]
    nir = sal[sal["statistic"] == "Net import reliance"]
    assert (
        len(nir) > 400
        and (nir["status"] == "net_exporter").any()
        and (nir["qualifier"] == ">").any()
    )


def test_critical_flags() -> None:
    flags = parse_mcs2026_critical_flags().set_index("commodity")["usgs_critical_2025"]
    assert flags["yttrium"] and flags["cobalt"] and not flags["cement"]
    assert not flags["wollastonite"]  # its two blank flags do not count


def test_small_extract_in_the_official_layout() -> None:
    t = parse_mcs2026(FILES / "mcs2026_good.csv")
    assert len(t["production"]) == 3 and len(t["us_salient"]) == 1 and len(t["import_sources"]) == 1
    assert t["import_sources"]["share"].item() == pytest.approx(0.21)
    assert t["us_salient"]["qualifier"].item() == ">"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("mcs2026_truncated.csv", 6),
        ("mcs2026_unterminated.csv", 7),
        ("mcs2026_bad_byte.csv", 3),
        ("mcs2026_utf8.csv", 5),
        ("mcs2026_utf16.csv", 1),
        ("mcs2026_mojibake.csv", 5),
    ],
)
def test_malformed_files_name_file_and_line(name: str, line: int) -> None:
    with pytest.raises(ParseError) as err:
        parse_mcs2026(FILES / name)
    assert name in str(err.value) and f"line {line}" in str(err.value)


def test_bad_value_names_file_line_and_value() -> None:
    with pytest.raises(ParseError) as err:
        parse_mcs2026(FILES / "mcs2026_bad_value.csv")
    msg = str(err.value)
    assert "mcs2026_bad_value.csv" in msg and "line 7" in msg and "'abc'" in msg


def test_non_integer_year_outside_import_sources_is_an_error() -> None:
    with pytest.raises(ParseError, match=r"line 7.*2024e"):
        parse_mcs2026(FILES / "mcs2026_bad_year.csv")


def test_unknown_countries_are_all_listed() -> None:
    with pytest.raises(UnknownNameError) as err:
        parse_mcs2026(FILES / "mcs2026_unknown_country.csv")
    assert err.value.names == ["Atlantis", "Lemuria"]
    assert "mcs2026_unknown_country.csv" in str(err.value)


def test_unknown_commodity_names_are_all_listed() -> None:
    with pytest.raises(UnknownNameError) as err:
        parse_mcs2026(FILES / "mcs2026_unknown_names.csv")
    assert err.value.names == ["Kryptonite", "Unobtainium"]


@pytest.fixture(scope="module")
def mcs2025() -> dict[str, pd.DataFrame]:
    return parse_mcs2025_world()


def test_mcs2025_blank_us_lithium_is_withheld_with_its_reason(
    mcs2025: dict[str, pd.DataFrame],
) -> None:
    rows = _rows(mcs2025["production"], commodity="lithium", country="USA")
    assert sorted(rows["year"]) == [2023, 2024]
    assert (rows["status"] == "withheld").all() and rows["quantity"].isna().all()
    assert (rows["note"] == "W for 23-24").all()


def test_mcs2025_spot_checks_and_typos(mcs2025: dict[str, pd.DataFrame]) -> None:
    prod = mcs2025["production"]
    cobalt = _rows(prod, commodity="cobalt", year=2024, is_aggregate=False)
    assert cobalt.loc[cobalt["quantity"].idxmax(), "country"] == "COD"
    assert _rows(prod, commodity="cobalt", year=2024, country="COD")["status"].item() == "estimated"
    ge = _rows(prod, commodity="germanium")
    assert len(ge) == 16 and (ge["status"] == "withheld").all()  # 'Gemanium', all withheld
    res = mcs2025["reserves"]
    ree = _rows(res, commodity="rare_earths", country="World total")
    assert ree["qualifier"].item() == ">" and ree["quantity"].item() == 90_000_000
    iron = _rows(res, commodity="iron_ore", country="AUS")
    assert set(iron["form"]) == {"crude ore", "iron content"} and set(iron["unit"]) == {
        "million metric tons"
    }


def test_mcs2025_rows_are_unique_and_all_blocks_present(mcs2025: dict[str, pd.DataFrame]) -> None:
    key = ["commodity", "stage", "form", "country", "year"]
    for t in mcs2025.values():
        assert not t.duplicated(key).any()
    raw = pd.read_csv(
        _raw("usgs_mcs2025", "world_data", "MCS2025_World_Data.csv"),
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    filled = {
        c: int((raw[c].str.strip() != "").sum())
        for c in ("PROD_2023", "PROD_EST_ 2024", "CAP_2023", "CAP_EST_ 2024", "RESERVES_2024")
    }
    out = pd.concat(mcs2025.values())
    # every published number comes out, except the magnesium smelter RESERVES_2024 cells that
    # repeat the 2024 capacity (excluded in usgs_stages.csv)
    excluded = int(
        (
            (raw["TYPE"] == "Magnesium smelter production")
            & (raw["RESERVES_2024"].str.strip() != "")
        ).sum()
    )
    assert excluded == 10
    assert out["value_text"].str.strip().ne("").sum() == sum(filled.values()) - excluded


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        ("Mine production, recoverable copper content", "content"),
        ("Mine production: Iron content", "content"),
        ("Mine production, titanium dioxide (TiO2) content", "oxide equivalent"),
        ("Mine production, rare-earth-oxide equivalent", "oxide equivalent"),
        ("Production (arsenic trioxide, gross weight)", "oxide equivalent"),
        ("Mine production, grosss weight, marketable chromite ore", "gross weight"),
        ("Mine production: Usable ore", "gross weight"),
        ("Mine production, bauxite, dry tons", "gross weight"),
        ("Refinery production: crude and anode slimes", "not stated"),
        ("Mine production", "not stated"),
    ],
)
def test_production_basis_reads_the_table_text(text: str, basis: str) -> None:
    assert production_basis(pd.Series([text])).tolist() == [basis]


def test_both_editions_state_the_same_basis_where_both_state_one() -> None:
    """MCS 2025's TYPE texts state the basis of most world tables; where MCS 2026's detail text
    states one too (iron ore), the two agree, and its chapter-level note is not used (manganese:
    the chapter says "gross weight", its world table is manganese content in both editions)."""
    new = parse_mcs2026()["production"]
    old = parse_mcs2025_world()["production"]
    keys = ["commodity", "stage", "form"]
    a = new[new["basis"] != "not stated"].groupby(keys)["basis"].agg(set)
    b = old[old["basis"] != "not stated"].groupby(keys)["basis"].agg(set)
    both = a.index.intersection(b.index)
    assert len(both) == 4  # arsenic, iron ore (two forms), zirconium
    assert all(a[k] == b[k] for k in both), {k: (a[k], b[k]) for k in both if a[k] != b[k]}
    assert set(_rows(old, commodity="manganese", stage="mine")["basis"]) == {"content"}
    assert set(_rows(old, commodity="chromium", stage="mine")["basis"]) == {"gross weight"}
