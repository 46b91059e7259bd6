"""The supply-risk table (``trust risk``): a row per commodity × stage with every indicator.

Columns: concentration (hhi, hhi_upper, top_country, top_share, top3_share, coverage_share), the
governance-weighted hhi_wgi (0–1 instability scale), partner exposure (partner_share,
non_partner_share, non_partner_hhi, export_control_share), the consumer's import reliance with its
basis, the share of the consumer's supply mix at the stage from partners (``import_partner_share``,
measured on the stage's own forms by :func:`trust_minerals.simulate.network.build_supply_mixes`:
BACI trade in those forms, the USGS import sources for the US, else world shares at the stage;
``import_basis`` names which and ``import_note`` why a fallback was used; ``trade_year`` is the
latest BACI year at or before the year where the basis is trade), reserves
concentration (reserve_hhi) and reserves-to-production years (mine stage, where
both world totals are published in the same unit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals._tables import GROUP_KEYS, YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics._params import parameter
from trust_minerals.metrics.concentration import _in_year, concentration_table, shares
from trust_minerals.metrics.governance import instability
from trust_minerals.metrics.partners import exposure_from_shares
from trust_minerals.metrics.reliance import import_reliance_table, trade_year
from trust_minerals.metrics.stages import stage_production

RISK_COLUMNS = [
    *GROUP_KEYS,
    "hhi",
    "hhi_upper",
    "top_country",
    "top_share",
    "top3_share",
    "coverage_share",
    "hhi_wgi",
    "partner_share",
    "non_partner_share",
    "non_partner_hhi",
    "export_control_share",
    "import_reliance",
    "reliance_basis",
    "import_partner_share",
    "import_basis",
    "import_note",
    "trade_year",
    "reserve_hhi",
    "reserves_to_production_years",
    "incomplete",
    "notes",
]


def reserves_to_production(ds: SupplyDataset, year: int | None = None) -> pd.DataFrame:
    """World reserves / world mine production (years) per commodity and year, where both world
    totals are published in the same unit and form.

    Examples
    --------
    >>> reserves_to_production(ds, 2025).head()     # doctest: +SKIP
    """
    return _reserves_to_production(
        concentration_table(ds, year=year, measure="production"),
        concentration_table(ds, year=year, measure="reserves"),
    )


def _reserves_to_production(prod: pd.DataFrame, res: pd.DataFrame) -> pd.DataFrame:
    keys = ["commodity", "form", "year", "unit"]
    prod = prod[prod["stage"] == "mine"]
    both = prod[[*keys, "world_total"]].merge(
        res[[*keys, "world_total"]], on=keys, suffixes=("_production", "_reserves")
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        both["reserves_to_production_years"] = (
            both["world_total_reserves"] / both["world_total_production"]
        ).where(both["world_total_production"] > 0)
    return both.dropna(subset=["reserves_to_production_years"]).reset_index(drop=True)


def _import_mix(
    ds: SupplyDataset,
    members: tuple[str, ...],
    partners: tuple[str, ...],
    groups: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Partner share of the consumer's supply mix per commodity × stage, with its basis."""
    from trust_minerals.simulate.network import build_supply_mixes

    pairs = groups[["commodity", "stage"]].drop_duplicates().assign(year=year)
    mixes = build_supply_mixes(ds, members, pairs)
    sh = mixes.shares
    partner = sh[sh["country"].isin(partners)].groupby(["commodity", "stage"])["share"].sum()
    out = mixes.basis.set_index(["commodity", "stage"])
    known = out["basis"].ne("none")
    out["import_partner_share"] = partner.reindex(out.index).fillna(0.0).where(known)
    ty = trade_year(ds, year)
    out["trade_year"] = pd.array(
        [ty if b.startswith("trade") else None for b in out["basis"]], dtype="Int64"
    )
    out = out.rename(columns={"basis": "import_basis", "note": "import_note"})
    return out[["import_partner_share", "import_basis", "import_note", "trade_year"]].reset_index()


def risk_table(
    ds: SupplyDataset,
    consumer: ConsumerLike = "USA",
    partners: ConsumerLike | None = None,
    *,
    year: YearLike = None,
) -> pd.DataFrame:
    """Supply-risk indicators of every commodity × stage for ``consumer`` and ``partners``.

    Examples
    --------
    >>> risk_table(ds, "IND", "msp", year=2025).head()    # doctest: +SKIP
    """
    year = as_year(year)
    cons = resolve_consumer(ds, consumer, role="consumer")
    part = resolve_consumer(ds, partners, role="partner set") if partners else cons
    prod = ds.production
    if prod.empty:
        raise InputError("the dataset has no production data")
    years = sorted(int(y) for y in prod["year"].unique())
    if year is None:
        year = years[-1]
    elif year not in years:
        raise UnknownNameError("year", [str(year)], [str(y) for y in years], "production")
    conc = concentration_table(ds, year=year, measure="production")
    rows = shares(_in_year(stage_production(ds), year))
    named = rows[~rows["is_aggregate"] & rows["share"].notna()].copy()
    g = instability(ds.countries)
    named["sq_g"] = named["share"] ** 2 * named["country"].map(g).fillna(
        parameter("missing_instability")
    )
    hw = named.groupby(GROUP_KEYS)["sq_g"].sum().rename("hhi_wgi").reset_index()
    out = conc.merge(hw, on=GROUP_KEYS, how="left")
    out = out.merge(
        exposure_from_shares(rows, part.members, ds.export_controls), on=GROUP_KEYS, how="left"
    )
    rel = import_reliance_table(ds, cons, year)[["commodity", "import_reliance", "basis"]].rename(
        columns={"basis": "reliance_basis"}
    )
    out = out.merge(rel, on="commodity", how="left")
    out = out.merge(
        _import_mix(ds, cons.members, part.members, out, year),
        on=["commodity", "stage"],
        how="left",
    )
    res_all = concentration_table(ds, measure="reserves")
    res = (
        res_all[res_all["year"] <= year]
        .sort_values(["commodity", "year", "coverage_share"], ascending=[True, False, False])
        .groupby("commodity")
        .head(1)
    )
    out = out.merge(
        res[["commodity", "hhi"]].rename(columns={"hhi": "reserve_hhi"}), on="commodity", how="left"
    )
    rp = _reserves_to_production(conc, res_all[res_all["year"] == year])[
        ["commodity", "form", "reserves_to_production_years"]
    ].drop_duplicates(["commodity", "form"])
    out = out.merge(rp, on=["commodity", "form"], how="left")
    out.loc[out["stage"] != "mine", "reserves_to_production_years"] = np.nan
    cov = out["coverage_share"]
    out["incomplete"] = cov.isna() | (cov < parameter("incomplete_coverage"))
    out["notes"] = out["notes"].fillna("")
    return out[RISK_COLUMNS].sort_values(["commodity", "stage", "form"]).reset_index(drop=True)
