"""Scenario and Monte Carlo results read by sector: which TRUST technologies a disruption reaches.

Both functions join a simulation result (a row per consumer x commodity x stage) to the
technology graph on the link's ``supply_commodity``; nothing is re-simulated.

* :func:`sector_impact` (``trust simulate ... --by-sector``): each technology's share of supply
  lost (``shortfall_share``) of each commodity it needs. Where the link is quantitative the
  intensity rows (converted to the canonical unit of ``outlook/data/units.csv``: t per MW, kWh or
  vehicle) give the quantity per unit of technology whose supply is lost
  (``at_risk = intensity x shortfall_share``; low / median / high over the link's source rows).
  Qualitative links carry the shortfall share only.
* :func:`montecarlo_by_sector` (``trust montecarlo ... --by-sector``): the shortfall-share
  statistics of each commodity a technology needs. A sector row names its worst link (highest
  p95); it is not a joint distribution of the sector's commodities.

Element links measured on total rare earths (``supply_rule``) lose the rare-earth shortfall: the
rule assumes every element comes from the same countries in the same shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals.technologies.graph import TechnologyGraph, build_graph, check_names

_LINK_KEYS = ["sector", "technology", "technology_name", "commodity", "supply_commodity"]


def _canonical_intensity(links: pd.DataFrame) -> pd.DataFrame:
    """Quantitative link rows with ``intensity_*`` in the canonical unit (t per denominator)."""
    from trust_minerals.outlook._files import unit_table

    table = unit_table()
    q = links[links["link"] == "quantitative"].copy()
    factor = q["unit"].map(lambda u: table[u][1] if u in table else np.nan)
    unknown = sorted(set(q.loc[factor.isna(), "unit"]))
    if unknown:
        from trust_minerals.errors import UnknownNameError

        raise UnknownNameError("intensity unit", unknown, sorted(table), "outlook/data/units.csv")
    q["intensity_unit"] = q["unit"].map(lambda u: table[u][2])
    for col in ("intensity", "intensity_low", "intensity_high"):
        q[col] = q[col] * factor
    # a range published without a central value: its midpoint (as in outlook.plans)
    mid = q["intensity"].isna()
    q.loc[mid, "intensity"] = (q.loc[mid, "intensity_low"] + q.loc[mid, "intensity_high"]) / 2
    q["intensity_low"] = q["intensity_low"].fillna(q["intensity"])
    q["intensity_high"] = q["intensity_high"].fillna(q["intensity"])
    return q


def _link_frame(graph: TechnologyGraph) -> pd.DataFrame:
    """One row per sector x technology x commodity: link kind, intensity range, source rows."""
    links = graph.links
    refs = links["source_file"].str.rsplit("/", n=1).str[-1] + ":" + links["source_row"].astype(str)
    base = (
        links.assign(_ref=refs, _q=links["link"] == "quantitative")
        .groupby(_LINK_KEYS, as_index=False, sort=False)
        .agg(
            quantitative=("_q", "any"),
            source_rows=("_ref", lambda s: ";".join(dict.fromkeys(s))),
            supply_rule=("supply_rule", "first"),
        )
    )
    base["link"] = np.where(base.pop("quantitative"), "quantitative", "qualitative")
    q = _canonical_intensity(links)
    if q.empty:
        return base.assign(
            intensity_unit=None, intensity_low=np.nan, intensity=np.nan, intensity_high=np.nan
        )
    # one canonical unit per technology x commodity (the most common one if several)
    q["_n"] = q.groupby([*_LINK_KEYS, "intensity_unit"])["intensity"].transform("size")
    q = q.sort_values("_n", ascending=False)
    unit = q.groupby(_LINK_KEYS, sort=False)["intensity_unit"].first().rename("_u")
    q = q.merge(unit.reset_index(), on=_LINK_KEYS)
    q = q[q["intensity_unit"] == q["_u"]]
    agg = q.groupby(_LINK_KEYS, as_index=False).agg(
        intensity_unit=("intensity_unit", "first"),
        intensity_low=("intensity_low", "min"),
        intensity=("intensity", "median"),
        intensity_high=("intensity_high", "max"),
        intensity_rows=("intensity", "size"),
    )
    return base.merge(agg, on=_LINK_KEYS, how="left")


def _note(df: pd.DataFrame) -> pd.Series:
    qual = np.where(
        df["link"] == "qualitative", "qualitative link: no intensity, shortfall share only", ""
    )
    rule = np.where(df["supply_rule"] != "", "measured on total rare earths", "")
    return pd.Series(
        ["; ".join(p for p in parts if p) for parts in zip(qual, rule, strict=True)],
        index=df.index,
    )


def sector_impact(
    result: object,
    graph: TechnologyGraph | None = None,
    *,
    level: str = "link",
) -> pd.DataFrame:
    """The technologies a scenario reaches, by consumer and sector.

    Parameters
    ----------
    result : ScenarioResult
        From :func:`trust_minerals.simulate.propagate.propagate` (its ``summary``).
    graph : TechnologyGraph, optional
        Default: :func:`~trust_minerals.technologies.graph.build_graph`.
    level : {"link", "sector"}
        ``link``: a row per consumer x sector x technology x commodity x stage; ``sector``: a row
        per consumer x sector naming its hardest-hit technology and commodity.

    Returns
    -------
    DataFrame
        ``shortfall_share`` (share of the consumer's supply lost), ``months_short``,
        ``price_change_share`` from the scenario; ``link``; for quantitative links the intensity
        (canonical unit, low/median/high) and ``at_risk_*`` = intensity x shortfall share;
        ``source_rows`` and ``note``. Empty when the scenario reaches no technology.

    Examples
    --------
    >>> r = propagate(ds, preset("china-rare-earths-2025"), ["IND"])   # doctest: +SKIP
    >>> sector_impact(r)[["sector", "technology", "commodity", "shortfall_share"]]  # doctest: +SKIP
    """
    check_names("level", [level], ["link", "sector"])
    summary: pd.DataFrame = result.summary  # type: ignore[attr-defined]
    links = _link_frame(graph or build_graph())
    cols = [
        "consumer",
        "commodity",
        "stage",
        "year",
        "shortfall_share",
        "months_short",
        "price_change_share",
        "basis",
    ]
    extra = ["note"] if "note" in summary.columns else []
    hit = summary[cols + extra].rename(
        columns={"commodity": "supply_commodity", "basis": "supply_basis", "note": "_scenario_note"}
    )
    out = links.merge(hit, on="supply_commodity", how="inner")
    for k in ("low", "", "high"):
        src = f"intensity_{k}" if k else "intensity"
        out[f"at_risk_{k}" if k else "at_risk"] = out[src] * out["shortfall_share"]
    out["note"] = _note(out)
    if extra:  # the scenario's own note (why a shortfall is missing, which basis stands in)
        scenario_note = out.pop("_scenario_note").fillna("").astype(str)
        out["note"] = [
            "; ".join(p for p in parts if p)
            for parts in zip(out["note"], scenario_note, strict=True)
        ]
    out = out.sort_values(
        ["consumer", "shortfall_share", "sector", "technology", "commodity"],
        ascending=[True, False, True, True, True],
        na_position="last",
    ).reset_index(drop=True)
    link_cols = [
        "consumer",
        "sector",
        "technology",
        "technology_name",
        "commodity",
        "supply_commodity",
        "stage",
        "year",
        "shortfall_share",
        "months_short",
        "price_change_share",
        "link",
        "intensity_unit",
        "intensity_low",
        "intensity",
        "intensity_high",
        "at_risk_low",
        "at_risk",
        "at_risk_high",
        "supply_basis",
        "source_rows",
        "note",
    ]
    out = out.reindex(columns=link_cols)
    if level == "link":
        return out
    return _by_sector(out, "shortfall_share")


def _by_sector(links: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per consumer x sector: the hardest-hit link and the technologies and commodities reached."""
    if links.empty:
        return pd.DataFrame(
            columns=["consumer", "sector", "technology", "commodity", measure, "technologies"]
        )
    # ties: a quantitative link (it has an intensity) before a qualitative one
    ordered = links.sort_values(
        ["consumer", "sector", measure, "link"],
        ascending=[True, True, False, False],
        na_position="last",
    )
    top = ordered.groupby(["consumer", "sector"], sort=False).head(1)
    g = links.groupby(["consumer", "sector"])
    extra = pd.DataFrame(
        {
            "technologies": g["technology"].agg(lambda s: ",".join(sorted(set(s)))),
            "commodities": g["commodity"].agg(lambda s: ",".join(sorted(set(s)))),
            "quantitative_links": g["link"].agg(lambda s: int((s == "quantitative").sum())),
        }
    ).reset_index()
    keep = [c for c in top.columns if c not in ("technology_name",)]
    out = top[keep].merge(extra, on=["consumer", "sector"])
    return out.sort_values(
        ["consumer", measure], ascending=[True, False], na_position="last"
    ).reset_index(drop=True)


def montecarlo_by_sector(
    result: object,
    graph: TechnologyGraph | None = None,
    *,
    level: str = "sector",
) -> pd.DataFrame:
    """Monte Carlo shortfall statistics by TRUST sector and technology.

    Parameters
    ----------
    result : MonteCarloResult
        From :func:`trust_minerals.simulate.montecarlo.shortfall_risk` (its ``table``).
    graph : TechnologyGraph, optional
    level : {"sector", "link"}
        ``link``: a row per consumer x sector x technology x commodity x stage with the
        commodity's statistics; ``sector``: per consumer x sector, its worst link by p95 (not a
        joint distribution over the sector's commodities).

    Examples
    --------
    >>> mc = shortfall_risk(ds, ["IND"], n_draws=10_000)     # doctest: +SKIP
    >>> montecarlo_by_sector(mc).head()                       # doctest: +SKIP
    """
    check_names("level", [level], ["link", "sector"])
    table: pd.DataFrame = result.table  # type: ignore[attr-defined]
    links = _link_frame(graph or build_graph())
    stats = [
        c
        for c in ("mean_shortfall_share", "p50", "p95", "p99", "cvar95", "cvar99")
        if c in table.columns
    ]
    hit = table[["consumer", "commodity", "stage", "year", "basis", *stats]].rename(
        columns={"commodity": "supply_commodity", "basis": "supply_basis"}
    )
    out = links.merge(hit, on="supply_commodity", how="inner")
    out["note"] = _note(out)
    cols = [
        "consumer",
        "sector",
        "technology",
        "technology_name",
        "commodity",
        "supply_commodity",
        "stage",
        "year",
        *stats,
        "link",
        "supply_basis",
        "source_rows",
        "note",
    ]
    out = out.reindex(columns=cols).sort_values(
        ["consumer", "p95", "sector", "technology"],
        ascending=[True, False, True, True],
        na_position="last",
    )
    out = out.reset_index(drop=True)
    if level == "link":
        return out
    return _by_sector(out, "p95")


def links_with_impact(exposure_links: pd.DataFrame, impact: pd.DataFrame | None) -> pd.DataFrame:
    """Exposure links (``SectorExposureResult.links``) with the scenario's ``shortfall_share``.

    A link reached at several stages takes the largest shortfall; a link the scenario does not
    reach has a missing ``shortfall_share`` (not 0: the scenario says nothing about it). Without a
    scenario (``impact`` None) the links are returned unchanged.

    Examples
    --------
    >>> links_with_impact(sector_exposure(ds, "IND").links, sector_impact(result))  # doctest: +SKIP
    """
    if impact is None:
        return exposure_links.copy()
    keys = ["sector", "technology", "commodity"]
    lost = impact.groupby(keys)["shortfall_share"].max().rename("shortfall_share").reset_index()
    return exposure_links.merge(lost, on=keys, how="left")
