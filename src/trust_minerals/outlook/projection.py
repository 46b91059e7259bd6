"""Projected primary supply: the IEA base case where it exists, USGS held constant elsewhere.

* **IEA base case** (store table ``supply_projection``, PROVENANCE section 12): mining and
  refining of copper, cobalt, lithium, nickel, graphite and magnet rare earths for 2023 and the
  base-case years 2030, 2035 and 2040, by country where the IEA lists it and ``Other countries``
  (the IEA's "Rest of world") as one row. A year after the last projected year takes the last
  one, labelled held constant. A country the IEA does not list is inside "Rest of world": its own
  figure is the USGS latest year, held constant, labelled so.
* **USGS** for every other commodity: the latest published year, held constant, labelled so.

Quantities are metric tons on the basis the source states (``content_basis``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.outlook._files import unit_factor
from trust_minerals.outlook.supply import production_stages

WORLD_TOTAL = "World total"
COLUMNS = [
    "commodity",
    "stage",
    "country",
    "is_aggregate",
    "year",
    "quantity_t",
    "content_basis",
    "source_year",
    "basis",
]


def _iea(ds: SupplyDataset) -> pd.DataFrame:
    try:
        return ds.table("supply_projection")
    except KeyError:
        return pd.DataFrame(
            columns=["commodity", "stage", "country", "year", "quantity", "unit", "content_basis"]
        )


def iea_years(ds: SupplyDataset) -> list[int]:
    """Years of the IEA base case in the store (empty when the table is absent)."""
    return sorted({int(y) for y in _iea(ds)["year"]})


def iea_supply(
    ds: SupplyDataset, commodity: str, stage: str, country: str | None, year: int | None
) -> tuple[float, int | None, str] | None:
    """``(t, year used, status)`` from the IEA base case, or ``None`` where it does not apply.

    ``country=None`` is the IEA world total; a country the IEA does not list gives ``None``
    (the caller falls back to USGS). ``year=None`` is the base year (2023 estimate).
    """
    t = _iea(ds)
    rows = t[(t["commodity"] == commodity) & (t["stage"] == stage)]
    if rows.empty:
        return None
    who = WORLD_TOTAL if country is None else country
    rows = rows[rows["country"] == who]
    if rows.empty:
        return None
    years = sorted(int(y) for y in rows["year"])
    if year is None:
        used = years[0]
    else:
        earlier = [y for y in years if y <= year]
        used = earlier[-1] if earlier else years[0]
    row = rows[rows["year"] == used].iloc[0]
    q = float(row["quantity"]) * unit_factor(str(row["unit"]), "mass")
    label = f"IEA base case {used}" if used > years[0] else f"IEA {used} estimate"
    if year is not None and used != year:
        label += f", held constant (no projection for {year})"
    return q, used, label


def _usgs_rows(ds: SupplyDataset, commodity: str, stage: str) -> pd.DataFrame:
    prod = ds.production
    rows = prod[(prod["commodity"] == commodity) & (prod["stage"] == stage)]
    if rows.empty:
        return rows
    latest = int(rows["year"].max())
    return rows[rows["year"] == latest]


def projected_supply(
    ds: SupplyDataset,
    *,
    commodity: str | Iterable[str] | None = None,
    years: Iterable[int] = (2030, 2035, 2040),
) -> pd.DataFrame:
    """Primary supply by country and stage for each year in ``years`` (t), with its basis.

    IEA-covered commodity x stage: the base-case rows (listed countries, ``Other countries``,
    ``World total``). Others: USGS rows of the latest year (named countries, aggregates as
    published), the same for every year and labelled ``held constant``. Withheld USGS values
    stay missing.

    Examples
    --------
    >>> p = projected_supply(ds, commodity="lithium", years=[2030])  # doctest: +SKIP
    >>> p[p["country"] == "World total"]  # doctest: +SKIP
    """
    ds.check_commodities(
        [commodity] if isinstance(commodity, str) else list(commodity or []), "projected_supply"
    )
    wanted = (
        None
        if commodity is None
        else ({commodity} if isinstance(commodity, str) else set(commodity))
    )
    years = list(years)
    t = _iea(ds)
    covered = {(c, s) for c, s in zip(t["commodity"], t["stage"], strict=True)}
    parts: list[pd.DataFrame] = []
    for c, s in sorted(covered):
        if wanted is not None and c not in wanted:
            continue
        rows = t[(t["commodity"] == c) & (t["stage"] == s)]
        have = sorted(int(y) for y in set(rows["year"]))
        for year in years:
            earlier = [y for y in have if y <= year]
            used = earlier[-1] if earlier else have[0]
            r = rows[rows["year"] == used]
            factor = r["unit"].map(lambda u: unit_factor(str(u), "mass"))
            held = "" if used == year else f", held constant (no projection for {year})"
            parts.append(
                pd.DataFrame(
                    {
                        "commodity": c,
                        "stage": s,
                        "country": r["country"].to_numpy(),
                        "is_aggregate": r["is_aggregate"].to_numpy(),
                        "year": year,
                        "quantity_t": (r["quantity"] * factor).to_numpy(),
                        "content_basis": r["content_basis"].to_numpy(),
                        "source_year": used,
                        "basis": f"IEA base case {used}{held}",
                    }
                )
            )
    prod = ds.production
    commodities = sorted(set(prod["commodity"]) if wanted is None else wanted)
    for c in commodities:
        for s in production_stages(ds, c):
            if (c, s) in covered:
                continue
            rows = _usgs_rows(ds, c, s)
            latest = int(rows["year"].max())
            factor = rows["unit"].map(lambda u: _mass_factor(str(u)))
            q = rows["quantity"].astype(float) * factor
            for year in years:
                parts.append(
                    pd.DataFrame(
                        {
                            "commodity": c,
                            "stage": s,
                            "country": rows["country"].to_numpy(),
                            "is_aggregate": rows["is_aggregate"].to_numpy(),
                            "year": year,
                            "quantity_t": q.to_numpy(),
                            "content_basis": (
                                rows["form"].fillna("").replace("", "as published (USGS)")
                            ).to_numpy(),
                            "source_year": latest,
                            "basis": f"USGS {latest}, held constant",
                        }
                    )
                )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def _mass_factor(unit: str) -> float:
    from trust_minerals.errors import ParseError

    try:
        return unit_factor(unit, "mass")
    except ParseError:
        return math.nan
