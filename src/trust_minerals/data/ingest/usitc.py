"""US trade by partner in critical-mineral HTS headings, from USITC DataWeb (table ``us_trade``).

Source: U.S. International Trade Commission DataWeb (U.S. Census Bureau trade statistics),
*Imports for Consumption* (customs value) and *Domestic Exports* (FAS value), HTS 4-digit
headings, annual 1993–2025, for 18 partner countries only (no world total); the bundled file
``data/raw/usitc_dataweb/us_trade_critical_hs4_annual.csv`` is the tidy table derived from the
two DataWeb workbooks (PROVENANCE.md).

Rules:

* one row per flow × partner × heading × year × quantity unit, as published: DataWeb splits a
  heading's value by the unit its sub-items are counted in, so the value of a heading is the sum
  over its units, and quantities in different units are never added;
* ``value_usd`` is the customs value (imports) or the FAS value (exports); a blank value is
  missing, never 0; ``quantity`` is the first unit of quantity (blank = missing);
* partner names go through :func:`trust_minerals.data.concordance.to_iso3`.

Only the 18 queried partners are in the file: shares computed from it are shares of the
listed partners, not of all US trade (:func:`trust_minerals.simulate.network.build_supply_mix`
says so in its ``basis`` and ``note``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from trust_minerals.data.concordance import to_iso3
from trust_minerals.errors import ParseError
from trust_minerals.schema import validate

SOURCE_ID = "usitc_dataweb_2026"
FLOWS = ("imports_for_consumption", "domestic_exports")
_COLUMNS = (
    "flow",
    "partner_country",
    "hts4",
    "description",
    "quantity_unit",
    "year",
    "customs_value_usd",
    "fas_value_usd",
    "first_unit_quantity",
    "second_unit_quantity",
)


def default_path() -> Path:
    """The bundled file ``data/raw/usitc_dataweb/us_trade_critical_hs4_annual.csv``."""
    return Path(
        str(
            resources.files("trust_minerals").joinpath(
                "data", "raw", "usitc_dataweb", "us_trade_critical_hs4_annual.csv"
            )
        )
    )


def _numbers(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``column`` as floats; blank is missing; any other text raises ParseError with its line."""
    text = df[column].str.strip()
    values = pd.to_numeric(text.where(text.ne("")), errors="coerce")
    bad = values.isna() & text.ne("")
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise ParseError(
            "not a number", path=str(path), line=i + 2, field=column, value=text.iloc[i]
        )
    return values.astype(float)


def parse_usitc(path: str | Path | None = None) -> pd.DataFrame:
    """Read the USITC DataWeb extract into the validated table ``us_trade``.

    Examples
    --------
    >>> t = parse_usitc()
    >>> sorted(t["flow"].unique())
    ['domestic_exports', 'imports_for_consumption']
    """
    path = Path(path) if path is not None else default_path()
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror}", path=str(path)) from None
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise ParseError(f"missing column(s) {', '.join(missing)}", path=str(path), line=1)
    bad_flow = ~df["flow"].isin(FLOWS)
    if bad_flow.any():
        i = int(bad_flow.to_numpy().argmax())
        raise ParseError(
            f"unknown flow (expected {' or '.join(FLOWS)})",
            path=str(path),
            line=i + 2,
            field="flow",
            value=df["flow"].iloc[i],
        )
    bad_hts = ~df["hts4"].str.fullmatch(r"\d{4}")
    if bad_hts.any():
        i = int(bad_hts.to_numpy().argmax())
        raise ParseError(
            "not a four-digit HTS heading",
            path=str(path),
            line=i + 2,
            field="hts4",
            value=df["hts4"].iloc[i],
        )
    partners = sorted(set(df["partner_country"]))
    iso3 = dict(zip(partners, to_iso3(partners, where=str(path)), strict=True))
    imports = df["flow"].eq("imports_for_consumption")
    value = _numbers(df, "customs_value_usd", path).where(
        imports, _numbers(df, "fas_value_usd", path)
    )
    out = pd.DataFrame(
        {
            "flow": df["flow"],
            "country": df["partner_country"].map(iso3),
            "hts4": df["hts4"],
            "description": df["description"],
            "year": _numbers(df, "year", path).astype(int),
            "value_usd": value,
            "quantity": _numbers(df, "first_unit_quantity", path),
            "quantity_unit": df["quantity_unit"],
            "source_id": SOURCE_ID,
        }
    )
    return validate("us_trade", out, where=str(path))
