"""US–India (or any pair) complementarity: where one partner produces, refines or holds reserves
and the other depends on imports — with the quantities behind each opportunity.

A partner **depends on imports** of a commodity at a stage when

* its USGS net import reliance (``us_salient``; published for the United States, commodity level)
  is at least ``import_dependence_threshold`` (``optimize/data/parameters.csv``, an assumption), or
* the trade table shows it importing the commodity at that stage and its recorded production
  there is smaller than those imports, or
* it is not among the listed producers of the stage (the USGS lists main producers only, so this
  basis is weaker and is named as such).

A partner **can supply** when it has a positive production at the stage or, for mine stages,
positive reserves, and it neither bans exports of the stage's forms, nor imports more of them than
it exports, nor exports next to none of them against its output (India's silver: 800 t mined,
0.02 t of silver ore exported in 2024; :func:`trust_minerals.optimize.position.not_exportable`;
each exclusion is a note).
The US reliance used is the row of the stage's form where USGS publishes one (rare-earth mineral
concentrates: ``E``, so the US does not depend on imports of rare-earth ore), else the headline.
Withheld figures keep their status (``W`` is never read as zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult
from trust_minerals.countries import ConsumerLike, resolve_consumers
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError
from trust_minerals.metrics.concentration import shares
from trust_minerals.optimize.inputs import PER_TONNE
from trust_minerals.optimize.position import not_exportable
from trust_minerals.optimize.spec import parameters
from trust_minerals.sources import used_source_ids

OPPORTUNITY_COLUMNS = [
    "commodity",
    "stage",
    "form",
    "provider",
    "dependent",
    "provider_production",
    "provider_production_share",
    "provider_reserves",
    "provider_reserve_share",
    "dependent_production",
    "dependent_net_import_reliance",
    "dependent_imports",
    "dependence_basis",
    "unit",
    "year",
]


@dataclass(frozen=True, eq=False)
class ComplementResult(TableResult):
    """Opportunities (one row each) for the pair of ``consumers`` (two ISO3 codes); ``source_ids``
    name the sources of the rows behind them (production, reserves, US net import reliance,
    trade, and the critical-mineral lists that chose the commodities)."""

    consumers: tuple[str, str]
    opportunities: pd.DataFrame
    notes: tuple[str, ...]
    source_ids: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The opportunities (one row each)."""
        return self.opportunities.copy()


def _net_import_reliance(ds: SupplyDataset) -> pd.DataFrame:
    """Latest US net import reliance by commodity × stage (share, status, chapter).

    Stage ``""`` is the headline row of the written rule
    (:func:`trust_minerals.metrics.reliance.us_net_import_reliance`); stage ``mine`` is the row of
    ores and concentrates where USGS publishes one (e.g. rare-earth mineral concentrates: ``E``).
    """
    from trust_minerals.metrics.reliance import us_net_import_reliance

    sal = ds.us_salient
    if sal.empty:
        return pd.DataFrame(columns=["share", "status", "chapter"])
    head = us_net_import_reliance(ds)
    head = head[head["year"] == head.groupby("commodity")["year"].transform("max")]
    frames = [
        pd.DataFrame(
            {
                "commodity": head["commodity"],
                "stage": "",
                "share": head["import_reliance"],
                "status": head["status"],
                "chapter": head["detail"],
            }
        )
    ]
    nir = sal[sal["statistic"].str.strip().str.lower().eq("net import reliance")].copy()
    nir = nir[nir["year"] == nir.groupby("commodity")["year"].transform("max")]
    ore = (nir["detail"] + " " + nir["commodity_name"]).str.contains(
        r"\bores?\b|concentrate|bauxite", case=False, regex=True
    )
    nir = nir[ore].drop_duplicates("commodity")
    frames.append(
        pd.DataFrame(
            {
                "commodity": nir["commodity"],
                "stage": "mine",
                "share": np.where(nir["status"] == "net_exporter", 0.0, nir["value"] / 100.0),
                "status": nir["status"],
                "chapter": nir["commodity_name"] + ": " + nir["detail"],
            }
        )
    )
    return pd.concat(frames, ignore_index=True).set_index(["commodity", "stage"])


def _us_reliance(nir: pd.DataFrame, commodity: str, stage: str) -> tuple[float, str]:
    """The US reliance row for the stage's form (else the headline) and its chapter text."""
    for key in ((commodity, stage), (commodity, "")):
        if key in nir.index:
            row = nir.loc[[key]].iloc[0]
            return float(row["share"]), str(row["chapter"])
    return float("nan"), ""


def _stage_groups(ds: SupplyDataset, commodities: Sequence[str] | None) -> list[pd.DataFrame]:
    prod = ds.production
    if commodities is not None:
        prod = prod[prod["commodity"].isin(commodities)]
    groups = []
    for _, df in prod.groupby(["commodity", "stage"]):
        counts = df[df["quantity"].notna() & ~df["is_aggregate"]].groupby("form").size()
        form = counts.idxmax() if not counts.empty else sorted(df["form"].unique())[0]
        df = df[df["form"] == form]
        with_data = df[df["quantity"].notna() & ~df["is_aggregate"]]
        year = with_data["year"].max() if not with_data.empty else df["year"].max()
        groups.append(shares(df[df["year"] == year]))
    return groups


def _reserves(ds: SupplyDataset, commodity: str) -> pd.DataFrame:
    res = ds.reserves
    res = res[(res["commodity"] == commodity) & (res["stage"] == "mine")]
    if res.empty:
        return res
    counts = res[res["quantity"].notna() & ~res["is_aggregate"]].groupby("form").size()
    form = counts.idxmax() if not counts.empty else sorted(res["form"].unique())[0]
    res = res[res["form"] == form]
    return shares(res[res["year"] == res["year"].max()]).set_index("country")


def _imports(trade: pd.DataFrame, importer: str, commodity: str, stage: str, unit: str) -> float:
    """The importer's latest-year imports (trade table, metric tons) in the production unit;
    NaN when there is no trade or the unit is not a mass unit."""
    if trade.empty or unit not in PER_TONNE:
        return np.nan
    t = trade[
        (trade["importer"] == importer)
        & (trade["commodity"] == commodity)
        & (trade["stage"] == stage)
    ]
    if t.empty:
        return np.nan
    qty = t[t["year"] == t["year"].max()]["quantity"].sum(min_count=1)
    return float(qty) * PER_TONNE[unit]


def complementarity(
    ds: SupplyDataset,
    consumers: ConsumerLike | Sequence[ConsumerLike] = ("USA", "IND"),
    *,
    commodities: Sequence[str] | None = None,
    critical_only: bool = True,
) -> ComplementResult:
    """Opportunities where one of two ``consumers`` can supply what the other imports.

    ``consumers`` names two countries (``"USA,IND"`` or ``["USA", "IND"]``), read by
    :func:`trust_minerals.countries.resolve_consumers`; each must be a single country. By default
    only commodities on the US 2025 or India 2023 critical-mineral lists are considered
    (``critical_only=False`` or ``commodities=`` to widen or choose).

    Examples
    --------
    >>> r = complementarity(ds, "USA,IND")                           # doctest: +SKIP
    >>> r.opportunities[["commodity", "stage", "provider"]].head()   # doctest: +SKIP
    """
    pair = resolve_consumers(ds, consumers)
    pooled = [c.name for c in pair if len(c.members) != 1]
    if pooled:
        raise InputError(
            f"consumers: complementarity compares two single countries, got {', '.join(pooled)}"
        )
    codes = list(dict.fromkeys(c.members[0] for c in pair))
    if len(codes) != 2:
        raise InputError(
            f"consumers: give two different countries (e.g. USA,IND), got {', '.join(codes)}"
        )
    a, b = codes
    used: set[str] = set()
    if commodities is not None:
        ds.check_commodities(commodities, "complementarity(commodities=...)")
    elif critical_only and not ds.commodities.empty:
        c = ds.commodities
        commodities = sorted(c.loc[c["us_2025"] | c["india_2023"], "commodity"])
        lists = ds.critical_lists
        used.update(used_source_ids(lists[lists["list_id"].isin(["us_2025", "india_2023"])]))
    threshold = parameters()["import_dependence_threshold"]
    nir = _net_import_reliance(ds)
    trade = ds.trade
    rows = []
    notes: list[str] = []
    for g in _stage_groups(ds, commodities):
        commodity, stage = str(g["commodity"].iloc[0]), str(g["stage"].iloc[0])
        named = g[~g["is_aggregate"]].set_index("country")
        res = _reserves(ds, commodity) if stage == "mine" else pd.DataFrame()
        for provider, dependent in ((a, b), (b, a)):
            prod_q = named["quantity"].get(provider, np.nan)
            res_q = res["quantity"].get(provider, np.nan) if not res.empty else np.nan
            can_supply = (prod_q > 0) or (stage == "mine" and res_q > 0)
            if not can_supply:
                continue
            dep_listed = dependent in named.index
            dep_q = named["quantity"].get(dependent, np.nan)
            reliance, chapter = (
                _us_reliance(nir, commodity, stage) if dependent == "USA" else (np.nan, "")
            )
            unit = str(g["unit"].iloc[0])
            imports = _imports(trade, dependent, commodity, stage, unit)
            barred = not_exportable(
                ds,
                provider,
                commodity,
                stage,
                int(g["year"].iloc[0]),
                production=float(prod_q),
                unit=str(g["unit"].iloc[0]),
            )
            if barred:
                notes.append(f"{provider} not offered for {commodity} {stage}: {barred}")
                continue
            if not np.isnan(reliance):
                if reliance < threshold:
                    continue
                basis = (
                    f"net import reliance {reliance:.0%} ≥ {threshold:.0%} "
                    f"(USGS salient statistics, {chapter})"
                )
            elif not np.isnan(imports) and imports > 0 and not (dep_q >= imports):
                basis = "imports (trade table, converted to the production unit) exceed recorded production"
            elif not dep_listed:
                basis = "not among the listed producers of the stage (weaker evidence)"
            else:
                continue
            used.update(used_source_ids(g, res.reset_index() if not res.empty else None))
            if not np.isnan(reliance):
                used.update(used_source_ids(ds.us_salient[ds.us_salient["commodity"] == commodity]))
            if not np.isnan(imports):  # shown as dependent_imports
                t = trade[(trade["importer"] == dependent) & (trade["commodity"] == commodity)]
                used.update(used_source_ids(t[t["stage"] == stage]))
            rows.append(
                {
                    "commodity": commodity,
                    "stage": stage,
                    "form": str(g["form"].iloc[0]),
                    "provider": provider,
                    "dependent": dependent,
                    "provider_production": prod_q,
                    "provider_production_share": named["share"].get(provider, np.nan),
                    "provider_reserves": res_q,
                    "provider_reserve_share": res["share"].get(provider, np.nan)
                    if not res.empty
                    else np.nan,
                    "dependent_production": dep_q,
                    "dependent_net_import_reliance": reliance,
                    "dependent_imports": imports,
                    "dependence_basis": basis,
                    "unit": unit,
                    "year": int(g["year"].iloc[0]),
                }
            )
    out = pd.DataFrame(rows, columns=OPPORTUNITY_COLUMNS)
    out = out.sort_values(
        ["provider_production_share", "provider_reserve_share"],
        ascending=False,
        na_position="last",
        kind="stable",
    )
    return ComplementResult((a, b), out.reset_index(drop=True), tuple(notes), tuple(sorted(used)))
