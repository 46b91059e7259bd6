"""Primary supply and import need, read from the dataset (and the bundled India indicators).

Quantities are converted to metric tons with the outlook unit table; a value that is withheld or
not available keeps its status (quantity NaN), and a unit missing from the table gives NaN with a
status saying so, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import ParseError
from trust_minerals.outlook._files import commodity_for, raw_outlook_path, read_rows, unit_factor

#: stage preference when a commodity is produced at several stages (first with data wins)
STAGE_ORDER = ("mine", "refinery", "smelter", "processing", "metal", "pigment")


@dataclass(frozen=True)
class PrimaryProduction:
    """Primary production of one country (or the world) at one stage, in metric tons."""

    quantity: float
    stage: str | None
    year: int | None
    status: str


@dataclass(frozen=True)
class ImportNeed:
    """Share of supply met by imports (fraction), with its basis; NaN with basis 'unknown' if none."""

    share: float
    basis: str


def _to_tonnes(rows: pd.DataFrame) -> tuple[float, str]:
    """Sum of quantities in metric tons and a status (first non-numeric status if any is missing)."""
    if rows.empty:
        return math.nan, "no data"
    missing = rows["quantity"].isna()
    if missing.any():
        return math.nan, str(rows.loc[missing, "status"].iloc[0])
    total = 0.0
    for unit, q in zip(rows["unit"], rows["quantity"], strict=True):
        try:
            total += float(q) * unit_factor(str(unit), "mass")
        except ParseError:
            return math.nan, f"unit not convertible to t: {unit}"
    qualifiers = set(rows["qualifier"]) - {"="}
    return total, "published" if not qualifiers else "censored " + ",".join(sorted(qualifiers))


def _pick_form(rows: pd.DataFrame) -> pd.DataFrame:
    forms = sorted(set(rows["form"]))
    for preferred in ("", "content"):
        if preferred in forms:
            return rows[rows["form"] == preferred]
    return rows[rows["form"] == forms[0]]


def stage_production(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    country: str | None = None,
    year: int | None = None,
    forms: tuple[str, ...] = (),
) -> PrimaryProduction:
    """Production of ``commodity`` at ``stage`` for ``country`` (``None`` = the world), latest year.

    The world figure is the published ``World total`` or, where that is missing or smaller, the
    sum of the listed rows (named countries + ``Other countries``), as for concentration shares.
    ``forms`` (e.g. ``("ferrosilicon", "silicon metal")``) adds those forms; by default one form is
    taken (the unnamed or ``content`` form first).
    """
    prod = ds.production
    rows = prod[(prod["commodity"] == commodity) & (prod["stage"] == stage)]
    rows = rows[rows["is_aggregate"] == False] if country is not None else rows  # noqa: E712
    if country is not None:
        rows = rows[rows["country"] == country]
    if rows.empty:
        return PrimaryProduction(math.nan, stage, None, "no data")
    rows = rows[rows["form"].isin(forms)] if forms else _pick_form(rows)
    if rows.empty:
        return PrimaryProduction(math.nan, stage, None, f"no data for forms {'+'.join(forms)}")
    yr = int(rows["year"].max()) if year is None else year
    rows = rows[rows["year"] == yr]
    if country is not None:
        q, status = _to_tonnes(rows)
        return PrimaryProduction(q, stage, yr, status)
    total_rows = rows[rows["country"] == "World total"]
    listed = rows[rows["country"] != "World total"]
    q_total, s_total = _to_tonnes(total_rows)
    q_listed, s_listed = _to_tonnes(listed)
    if math.isnan(q_total) or (not math.isnan(q_listed) and q_listed > q_total):
        return PrimaryProduction(
            q_listed, stage, yr, s_listed if math.isnan(q_listed) else "sum of listed rows"
        )
    return PrimaryProduction(q_total, stage, yr, "world total")


def production_stages(ds: SupplyDataset, commodity: str) -> list[str]:
    """Stages at which ``commodity`` has production rows, in :data:`STAGE_ORDER`."""
    prod = ds.production
    present = set(prod.loc[prod["commodity"] == commodity, "stage"])
    return [s for s in STAGE_ORDER if s in present]


def primary_production(ds: SupplyDataset, country: str, commodity: str) -> PrimaryProduction:
    """The country's production of ``commodity`` at its first stage with data (mine first), latest year.

    Examples
    --------
    >>> primary_production(ds, "IND", "rare_earths")  # doctest: +SKIP
    PrimaryProduction(quantity=2900.0, stage='mine', year=2025, status='estimated')
    """
    prod = ds.production
    rows = prod[(prod["commodity"] == commodity) & (prod["country"] == country)]
    for stage in STAGE_ORDER:
        if (rows["stage"] == stage).any():
            return stage_production(ds, commodity, stage, country)
    return PrimaryProduction(math.nan, None, None, "no data")


@cache
def _india_import_rows() -> tuple[dict[str, str], ...]:
    return tuple(
        r
        for r in read_rows(raw_outlook_path("india_import_dependence.csv"))
        if r["country"] == "India"
    )


def import_need(ds: SupplyDataset, country: str, commodity: str) -> ImportNeed:
    """Share of the country's supply of ``commodity`` that is imported.

    India: the FY2022-23 import-reliance figures of ``india_import_dependence.csv`` where published,
    else its 100%-import-dependence list. USA: USGS net import reliance (``ds.us_salient``,
    statistic 'Net import reliance', latest year with a value). Otherwise NaN with basis 'unknown'.

    Examples
    --------
    >>> import_need(ds, "IND", "lithium").share  # doctest: +SKIP
    1.0
    """
    if country == "IND":
        for indicator in ("import_reliance_pct", "import_dependence_pct"):
            for r in _india_import_rows():
                if (
                    r["indicator"] == indicator
                    and commodity_for("india_import_dependence", r["mineral"]) == commodity
                ):
                    share = float(r["value"]) * unit_factor("%", "fraction")
                    return ImportNeed(
                        share,
                        f"{indicator} {r['year']} ({r['mineral']}; india_import_dependence.csv)",
                    )
    if country == "USA":
        sal = ds.us_salient
        rows = sal[(sal["commodity"] == commodity) & (sal["statistic"] == "Net import reliance")]
        if not rows.empty:
            rows = rows.sort_values("year", ascending=False)
            for _, r in rows.iterrows():
                if pd.notna(r["value"]):
                    unit = str(r["unit"]).lower()
                    factor = (
                        unit_factor("%", "fraction") if ("percent" in unit or "%" in unit) else 1.0
                    )
                    qual = "" if r["qualifier"] == "=" else f" ({r['qualifier']})"
                    return ImportNeed(
                        float(r["value"]) * factor, f"USGS net import reliance {r['year']}{qual}"
                    )
            r = rows.iloc[0]
            return ImportNeed(
                math.nan, f"USGS net import reliance {r['year']}: {r['status']} ({r['value_text']})"
            )
    return ImportNeed(math.nan, "unknown")
