"""USITC DataWeb extract (table ``us_trade``): every row kept, blanks stay missing, bad input named."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from trust_minerals.data.ingest.usitc import default_path, parse_usitc
from trust_minerals.errors import ParseError


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return parse_usitc()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(default_path(), dtype=str, keep_default_na=False)


def test_every_row_is_kept_with_its_partner_as_iso3(table: pd.DataFrame, raw) -> None:  # type: ignore[no-untyped-def]
    assert len(table) == len(raw) == 19278  # PROVENANCE: 19,278 rows
    assert table["country"].nunique() == 18 and set(table["country"]) >= {"CHN", "IND", "COD"}
    assert (table["source_id"] == "usitc_dataweb_2026").all()


def test_blank_values_stay_missing_never_zero(table: pd.DataFrame, raw) -> None:  # type: ignore[no-untyped-def]
    imports = raw["flow"].eq("imports_for_consumption")
    blank = (imports & raw["customs_value_usd"].eq("")).to_numpy()
    assert blank.any() and table.loc[blank, "value_usd"].isna().all()
    exports = (~imports & raw["fas_value_usd"].ne("")).to_numpy()
    assert table.loc[exports, "value_usd"].to_numpy() == pytest.approx(
        raw.loc[exports, "fas_value_usd"].astype(float).to_numpy()
    )


def test_nickel_imports_2024_agree_with_the_raw_file(table: pd.DataFrame, raw) -> None:  # type: ignore[no-untyped-def]
    r = raw[
        raw["flow"].eq("imports_for_consumption") & raw["hts4"].eq("7502") & raw["year"].eq("2024")
    ]
    canada = r.loc[r["partner_country"] == "Canada", "customs_value_usd"].astype(float).sum()
    t = table[
        (table["flow"] == "imports_for_consumption")
        & (table["hts4"] == "7502")
        & (table["year"] == 2024)
    ]
    assert t.loc[t["country"] == "CAN", "value_usd"].sum() == pytest.approx(canada)


def _write(tmp_path: Path, **change: str) -> Path:
    with open(default_path(), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = [next(reader), next(reader)]
    rows[1].update(change)
    path = tmp_path / "usitc.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return path


def test_bad_flow_heading_or_number_names_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="line 3.*flow"):
        parse_usitc(_write(tmp_path, flow="re_exports"))
    with pytest.raises(ParseError, match="line 3.*hts4"):
        parse_usitc(_write(tmp_path, hts4="25O4"))
    with pytest.raises(ParseError, match="line 3.*fas_value_usd"):
        parse_usitc(_write(tmp_path, fas_value_usd="n/a"))
