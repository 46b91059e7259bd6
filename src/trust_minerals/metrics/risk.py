"""The supply-risk table (``trust risk``): a row per commodity × stage with every indicator.

Columns: concentration (hhi, hhi_upper, top_country, top_share, top3_share, coverage_share), the
governance-weighted hhi_wgi (0–1 instability scale), partner exposure (partner_share,
non_partner_share, non_partner_hhi, export_control_share), the consumer's import reliance with its
basis, the share of the consumer's supply mix at the stage from partners (``import_partner_share``;
``import_top_country`` and ``import_top_share`` name the mix's largest supplier,
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
    "import_top_country",
    "import_top_share",
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
    top = sh.sort_values("share", ascending=False, kind="stable").drop_duplicates(
        ["commodity", "stage"]
    )
    top = top.set_index(["commodity", "stage"]).reindex(out.index)
    out["import_top_country"] = top["country"].where(known)
    out["import_top_share"] = top["share"].where(known)
    ty = trade_year(ds, year)
    out["trade_year"] = pd.array(
        [ty if b.startswith("trade") else None for b in out["basis"]], dtype="Int64"
    )
    out = out.rename(columns={"basis": "import_basis", "note": "import_note"})
    cols = ["import_partner_share", "import_top_country", "import_top_share", "import_basis"]
    return out[[*cols, "import_note", "trade_year"]].reset_index()


def traded_stage_rows(
    ds: SupplyDataset, members: tuple[str, ...], partners: tuple[str, ...], year: int
) -> pd.DataFrame:
    """Risk rows of the stages that have traded forms but no world production in any source.

    A commodity × stage qualifies when the forms table gives it at least one HS6-coded form and
    :func:`trust_minerals.metrics.stages.stage_production` has no row for it. The ``component``
    stage (magnets, cells, wafers: forms that only a user's imported BACI file holds) is listed
    only when its forms appear in the trade table or the consumer's mix has a basis; every other
    stage is always listed, with ``import_basis`` ``none`` and the reason in ``import_note`` when
    nothing measures it (India's refined antimony in the bundled extract). Production-based
    columns stay missing (never 0, never the mine stage's numbers) and ``notes`` says why.

    Examples
    --------
    >>> traded_stage_rows(ds, ("USA",), ("USA",), 2025)[["commodity", "stage"]]  # doctest: +SKIP
    """
    forms = ds._frame("forms")
    forms = forms[forms["hs6"].ne("")]
    prod = stage_production(ds)
    have = set(zip(prod["commodity"], prod["stage"], strict=True))
    keep = [(c, s) not in have for c, s in zip(forms["commodity"], forms["stage"], strict=True)]
    forms = forms[np.array(keep, dtype=bool)]
    if forms.empty:
        return pd.DataFrame(columns=RISK_COLUMNS)
    pairs = forms[["commodity", "stage"]].drop_duplicates()
    mix = _import_mix(ds, members, partners, pairs, year)
    trade = ds._frame("trade")
    traded = set(
        trade.loc[trade["hs6"].isin(set(forms["hs6"])), ["commodity", "hs6"]].itertuples(
            index=False, name=None
        )
    )
    described = {
        (c, s): "; ".join(
            f"{name} (HS {code}{'' if bundled else ', not in the bundled BACI extract'})"
            for name, code, bundled in zip(g["form"], g["hs6"], g["in_bundled_baci"], strict=True)
        )
        for (c, s), g in forms.groupby(["commodity", "stage"], sort=False)
    }
    in_trade = {
        (c, s)
        for c, s, code in zip(forms["commodity"], forms["stage"], forms["hs6"], strict=True)
        if (c, code) in traded
    }
    listed = [
        s != "component" or (c, s) in in_trade or b != "none"
        for c, s, b in zip(mix["commodity"], mix["stage"], mix["import_basis"], strict=True)
    ]
    mix = mix[np.array(listed, dtype=bool)].reset_index(drop=True)
    mix["form"] = ""
    mix["year"] = year
    mix["notes"] = [
        f"no world {s} production of {c} is published (no USGS {s} table, no IEA row): "
        "concentration, coverage and production-based partner and export-control shares are "
        f"not available; the supply mix is measured on the {s} forms: {described[(c, s)]}"
        for c, s in zip(mix["commodity"], mix["stage"], strict=True)
    ]
    return mix


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
    out = out.merge(
        _import_mix(ds, cons.members, part.members, out, year),
        on=["commodity", "stage"],
        how="left",
    )
    extra = traded_stage_rows(ds, cons.members, part.members, year)
    if not extra.empty:
        out = pd.concat([out, extra], ignore_index=True)
    out = out.merge(rel, on="commodity", how="left")
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
