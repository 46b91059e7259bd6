"""Overseas-asset screening: countries ranked for one commodity, each rank explained.

Components (weights and directions in ``optimize/data/screen_weights.csv``, all ``assumption``):

* ``reserve_share`` — the country's share of world reserves (latest year; denominator as in
  :func:`trust_minerals.metrics.concentration.shares`);
* ``production_growth`` — compound annual growth of production over the years the dataset has
  within 2021–2025, from one source per country (USGS MCS rows, or World Mining Data
  ``production_wmd`` when that spans more years) — sources are never mixed in one series;
* ``reserves_to_production`` — reserves / latest production (years), when the units agree;
* ``governance`` — mean of the WGI 2023 Political Stability and Rule of Law estimates;
* ``partner`` — 1 in the partner set; ``no_export_control`` — 1 when no export control on the
  commodity is listed for the country.

Continuous components are scored by percentile rank among the candidates (0–1). A component
without data is not counted as 0: the score averages the components the country has (weights
renormalised) and ``missing`` names the others.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.metrics.concentration import shares
from trust_minerals.optimize.inputs import partner_countries
from trust_minerals.optimize.spec import data_path
from trust_minerals.sources import column_sources, group_source_ids, used_source_ids

GROWTH_YEARS = (2021, 2025)

RANKING_COLUMNS = [
    "rank",
    "country",
    "score",
    "reserves",
    "reserve_share",
    "production",
    "production_growth",
    "growth_basis",
    "reserves_to_production",
    "governance",
    "partner",
    "export_control",
    "unit",
    "missing",
    "explanation",
]


@cache
def default_weights() -> dict[str, float]:
    """Component weights from ``screen_weights.csv`` (labelled assumptions).

    Examples
    --------
    >>> sorted(default_weights())[:2]
    ['governance', 'no_export_control']
    """
    path = data_path("screen_weights.csv")
    out: dict[str, float] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out[row["component"]] = float(row["weight"])
            except (TypeError, ValueError):
                raise ParseError(
                    "not a number", path=path, line=line, field="weight", value=row["weight"]
                ) from None
    return out


@dataclass(frozen=True, eq=False)
class ScreenResult(TableResult):
    """Ranked countries (one row each, with the raw values, component scores and explanation)."""

    commodity: str
    weights: Mapping[str, float]
    ranking: pd.DataFrame
    components: pd.DataFrame
    notes: tuple[str, ...]
    source_ids: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The ranking (one row per country)."""
        return self.ranking.copy()


def _best_form(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the stage 'mine' (or the first stage) and the form with the most numbers."""
    if df.empty:
        return df
    stage = "mine" if (df["stage"] == "mine").any() else sorted(df["stage"].unique())[0]
    df = df[df["stage"] == stage]
    counts = df[df["quantity"].notna() & ~df["is_aggregate"]].groupby("form").size()
    form = counts.idxmax() if not counts.empty else sorted(df["form"].unique())[0]
    return df[df["form"] == form]


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return df
    with_data = df[df["quantity"].notna() & ~df["is_aggregate"]]
    year = with_data["year"].max() if not with_data.empty else df["year"].max()
    return df[df["year"] == year]


def _growth(
    ds: SupplyDataset, commodity: str, prod: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """CAGR by country from the single source with the longest span inside GROWTH_YEARS, and the
    World Mining Data rows read (None when none)."""
    lo, hi = GROWTH_YEARS
    series = []
    mcs = prod[~prod["is_aggregate"] & prod["quantity"].gt(0) & prod["year"].between(lo, hi)]
    series.append(mcs.assign(basis="usgs_mcs")[["country", "year", "quantity", "basis"]])
    wmd = ds.production_wmd
    read = None
    if not wmd.empty:
        w = wmd[
            (wmd["commodity"] == commodity) & wmd["quantity"].gt(0) & wmd["year"].between(lo, hi)
        ]
        if not w.empty:  # one WMD series per commodity: the name with most rows
            name = w.groupby("wmd_name").size().idxmax()
            w = w[w["wmd_name"] == name]
            read = w
            series.append(
                w.assign(basis="world_mining_data")[["country", "year", "quantity", "basis"]]
            )
    rows = []
    for df in series:
        for (country, basis), g in df.groupby(["country", "basis"]):
            g = g.sort_values("year")
            if len(g) < 2:
                continue
            y0, y1 = int(g["year"].iloc[0]), int(g["year"].iloc[-1])
            q0, q1 = float(g["quantity"].iloc[0]), float(g["quantity"].iloc[-1])
            rows.append(
                (country, (q1 / q0) ** (1.0 / (y1 - y0)) - 1.0, f"{basis} {y0}-{y1}", y1 - y0)
            )
    if not rows:
        return pd.DataFrame(columns=["production_growth", "growth_basis"]), read
    out = pd.DataFrame(rows, columns=["country", "production_growth", "growth_basis", "span"])
    out = out.sort_values(["country", "span"], ascending=[True, False], kind="stable")
    out = out.drop_duplicates("country").set_index("country")
    if read is not None and not (out["growth_basis"].str.startswith("world_mining_data")).any():
        read = None  # no country's growth came from it
    return out[["production_growth", "growth_basis"]], read


def screen_assets(
    ds: SupplyDataset,
    commodity: str,
    *,
    consumer: ConsumerLike | None = None,
    partners: ConsumerLike = "msp",
    weights: Mapping[str, float] | None = None,
) -> ScreenResult:
    """Rank countries as overseas-asset destinations for ``commodity``.

    ``weights`` overrides some or all component weights (others keep their defaults); unknown
    component names raise :class:`UnknownNameError`, negative weights :class:`InputError`.

    Examples
    --------
    >>> r = screen_assets(ds, "lithium", consumer="IND")       # doctest: +SKIP
    >>> r.ranking[["rank", "country", "score"]].head(3)     # doctest: +SKIP
    """
    ds.check_commodities([commodity], "screen_assets(commodity=...)")
    w = dict(default_weights())
    for name, value in (weights or {}).items():
        if name not in w:
            raise UnknownNameError("screening component", [name], sorted(w), "weights=")
        if not value >= 0:
            raise InputError(f"weights[{name!r}]: must be non-negative, got {value}")
        w[name] = float(value)
    if sum(w.values()) <= 0:
        raise InputError("weights: at least one weight must be positive")
    notes: list[str] = []
    res = _latest(_best_form(ds.reserves[ds.reserves["commodity"] == commodity]))
    prod_all = _best_form(ds.production[ds.production["commodity"] == commodity])
    prod = _latest(prod_all)
    res_named = shares(res)[lambda d: ~d["is_aggregate"]] if not res.empty else res
    prod_named = prod[~prod["is_aggregate"]] if not prod.empty else prod
    countries = sorted(set(res_named.get("country", [])) | set(prod_named.get("country", [])))
    if consumer is not None:
        own = set(resolve_consumer(ds, consumer).members)
        countries = [c for c in countries if c not in own]
    if not countries:
        raise InputError(f"commodity: no country has reserves or production of {commodity!r}")
    df = pd.DataFrame(index=pd.Index(countries, name="country"))
    if not res_named.empty:
        r = res_named.set_index("country")
        df["reserves"] = r["quantity"]
        df["reserve_share"] = r["share"]
    else:
        df["reserves"] = np.nan
        df["reserve_share"] = np.nan
    df["production"] = (
        prod_named.set_index("country")["quantity"] if not prod_named.empty else np.nan
    )
    growth, growth_rows = _growth(ds, commodity, prod_all)
    df["production_growth"] = growth["production_growth"].reindex(df.index)
    df["growth_basis"] = growth["growth_basis"].reindex(df.index)
    units_agree = (
        not res.empty
        and not prod.empty
        and set(res["unit"]) == set(prod["unit"])
        and res["unit"].nunique() == 1
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rp = df["reserves"] / df["production"].where(df["production"] > 0)
    df["reserves_to_production"] = rp if units_agree else np.nan
    if not units_agree and not res.empty and not prod.empty:
        notes.append(
            f"reserves ({res['unit'].iloc[0]}) and production ({prod['unit'].iloc[0]}) units differ: no R/P"
        )
    ctab = ds.countries.set_index("country")
    gov = (
        ctab[["pv", "rl"]].mean(axis=1, skipna=False) if not ctab.empty else pd.Series(dtype=float)
    )
    df["governance"] = gov.reindex(df.index)
    partner_set = set(partner_countries(ds, partners))
    df["partner"] = [c in partner_set for c in df.index]
    ec = ds.export_controls
    controlled = set(ec.loc[ec["commodity"] == commodity, "country"]) if not ec.empty else set()
    df["export_control"] = [c in controlled for c in df.index]
    df["unit"] = (
        res["unit"].iloc[0] if not res.empty else (prod["unit"].iloc[0] if not prod.empty else "")
    )

    comp = pd.DataFrame(index=df.index)
    for name in ("reserve_share", "production_growth", "reserves_to_production", "governance"):
        comp[name] = df[name].rank(pct=True) if df[name].notna().any() else np.nan
    comp["partner"] = df["partner"].astype(float)
    comp["no_export_control"] = (~df["export_control"]).astype(float)
    weight = pd.Series(w)
    have = comp.notna() & (weight.reindex(comp.columns) > 0).to_numpy()
    wsum = have.mul(weight.reindex(comp.columns), axis=1).sum(axis=1)
    contrib = comp.fillna(0.0).mul(weight.reindex(comp.columns), axis=1)
    df["score"] = contrib.sum(axis=1) / wsum.where(wsum > 0)
    df["missing"] = [
        ", ".join(c for c in comp.columns if pd.isna(comp.loc[idx, c]) and w[c] > 0)
        for idx in comp.index
    ]
    df["explanation"] = [_explain(comp.loc[idx], weight, float(wsum[idx])) for idx in comp.index]
    df = df.sort_values(["score", "reserves"], ascending=False, na_position="last", kind="stable")
    df["rank"] = np.arange(1, len(df) + 1)
    ranking = df.reset_index()[RANKING_COLUMNS]
    sets = (partners,) if consumer is None else (partners, consumer)
    extra = {*column_sources("countries", ["pv", "rl"]), *group_source_ids(*sets)}
    ec_rows = ec[ec["commodity"] == commodity] if not ec.empty else None
    used = set(used_source_ids(res, prod_all, growth_rows, ec_rows, extra=extra))
    return ScreenResult(
        commodity,
        w,
        ranking,
        comp.loc[df.index].reset_index(),
        tuple(notes),
        tuple(sorted(used)),
    )


def _explain(scores: pd.Series, weight: pd.Series, wsum: float) -> str:
    parts = []
    for name in scores.index:
        if weight[name] <= 0:
            continue
        if pd.isna(scores[name]):
            parts.append(f"{name} n/a")
        else:
            parts.append(f"{name} {weight[name]:g}×{scores[name]:.2f}")
    return " + ".join(parts) + (f" (÷ {wsum:g})" if wsum > 0 else "")
