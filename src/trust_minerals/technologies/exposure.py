"""Sector exposure: TRUST sectors and technologies ranked by the exposure of the commodities they
need, for one consumer (``trust sectors --for IND``).

Nothing is recomputed here: each commodity's indicators come from the platform's metric
functions, joined to the technology graph on the link's ``supply_commodity``:

* :func:`trust_minerals.metrics.risk.risk_table` — per stage: ``hhi`` (concentration), the top
  country and its share, ``export_control_share`` (share of world supply from countries with an
  export control in force on the commodity), the consumer's ``import_reliance`` and its basis;
* :func:`trust_minerals.metrics.criticality.criticality` — the criticality ``score`` and ``rank``
  of one method (default ``trust``; ``eu``, ``geopolrisk``, ``usgs2022`` accepted).

A technology's **weakest link** is the commodity with the highest criticality score among those
it needs; a sector's weakest link is the weakest among its technologies. Ranking is by that score
(commodities without a score rank last and are named in ``unscored``). ``basis`` says whether the
weakest link is quantitative (an intensity exists) or qualitative (a USGS T6 application only);
``qualitative_only`` flags technologies with no intensity at all. Element links measured on total
rare earths say so in ``supply_rule``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.technologies.graph import TechnologyGraph, build_graph


@dataclass(frozen=True)
class SectorExposureResult:
    """Exposure of the TRUST sectors for one consumer.

    ``sectors`` (a row per sector, ranked), ``technologies`` (a row per sector x technology,
    ranked), ``links`` (a row per sector x technology x commodity with every indicator and its
    source rows), ``stages`` (the risk-table rows of every supply commodity, stage by stage);
    ``source_ids``: the criticality scores' sources and USGS table T6 where a link comes from it.
    """

    consumer: str
    year: int
    method: str
    sectors: pd.DataFrame
    technologies: pd.DataFrame
    links: pd.DataFrame
    stages: pd.DataFrame
    notes: tuple[str, ...]
    source_ids: tuple[str, ...] = ()


def _stage_summary(risk: pd.DataFrame) -> pd.DataFrame:
    """Per commodity: the most concentrated stage and the stage with most export-control share."""
    r = risk.copy()
    r["stage_form"] = np.where(r["form"] != "", r["stage"] + " (" + r["form"] + ")", r["stage"])
    out = []
    for commodity, g in r.groupby("commodity", sort=True):
        row: dict[str, object] = {"supply_commodity": commodity}
        h = g.dropna(subset=["hhi"])
        if len(h):
            top = h.sort_values("hhi", ascending=False).iloc[0]
            row |= {
                "max_hhi": float(top["hhi"]),
                "max_hhi_stage": top["stage_form"],
                "top_country": top["top_country"],
                "top_share": float(top["top_share"]),
            }
        e = g.dropna(subset=["export_control_share"])
        if len(e):
            top = e.sort_values("export_control_share", ascending=False).iloc[0]
            row |= {
                "export_control_share": float(top["export_control_share"]),
                "export_control_stage": top["stage_form"],
            }
        rel = g.dropna(subset=["import_reliance"])
        row["import_reliance"] = float(rel["import_reliance"].iloc[0]) if len(rel) else np.nan
        row["reliance_basis"] = (
            g["reliance_basis"].dropna().iloc[0] if g["reliance_basis"].notna().any() else "unknown"
        )
        row["stages"] = "; ".join(
            f"{s}: hhi {h_:.2f}" if pd.notna(h_) else f"{s}: hhi missing"
            for s, h_ in zip(g["stage_form"], g["hhi"], strict=True)
        )
        out.append(row)
    cols = [
        "supply_commodity",
        "import_reliance",
        "reliance_basis",
        "max_hhi",
        "max_hhi_stage",
        "top_country",
        "top_share",
        "export_control_share",
        "export_control_stage",
        "stages",
    ]
    return pd.DataFrame(out).reindex(columns=cols)


def _collapse_links(links: pd.DataFrame) -> pd.DataFrame:
    """One row per sector x technology x commodity; its source rows listed."""
    keys = ["sector", "technology", "technology_name", "commodity", "supply_commodity"]
    refs = links["source_file"].str.rsplit("/", n=1).str[-1] + ":" + links["source_row"].astype(str)
    df = links.assign(_ref=refs, _quant=links["link"] == "quantitative")
    out = df.groupby(keys, as_index=False, sort=False).agg(
        quantitative=("_quant", "any"),
        source_rows=("_ref", lambda s: ";".join(dict.fromkeys(s))),
        supply_rule=("supply_rule", "first"),
    )
    out.insert(5, "link", np.where(out.pop("quantitative"), "quantitative", "qualitative"))
    return out


def _weakest(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: the row with the highest score (missing scores last), plus counts."""
    ordered = df.sort_values(["score", "commodity"], ascending=[False, True], na_position="last")
    top = ordered.groupby(keys, sort=False).head(1)
    counts = df.groupby(keys).agg(
        commodities=("commodity", "nunique"),
        quantitative_links=("link", lambda s: int((s == "quantitative").sum())),
        qualitative_links=("link", lambda s: int((s == "qualitative").sum())),
        unscored=("commodity", lambda s: ",".join(sorted(set(s[df.loc[s.index, "score"].isna()])))),
    )
    return top.merge(counts.reset_index(), on=keys)


def sector_exposure(
    ds: SupplyDataset,
    consumer: str = "IND",
    *,
    partners: str | None = None,
    year: int | None = None,
    method: str = "trust",
    sector: str | None = None,
    graph: TechnologyGraph | None = None,
) -> SectorExposureResult:
    """Rank the TRUST sectors and technologies by the exposure of the commodities they need.

    Parameters
    ----------
    ds : SupplyDataset
    consumer : str
        Consumer whose exposure is measured (``IND``, ``USA``, ``usa_ind``, ``MSP`` ...).
    partners : str, optional
        Partner set for the risk table and the criticality method (default: the consumer).
    year : int, optional
        Production year (default: the latest).
    method : str
        Criticality method ranking the commodities (``trust``, ``eu``, ``geopolrisk``,
        ``usgs2022``).
    sector : str, optional
        Restrict to one sector.
    graph : TechnologyGraph, optional
        Default: :func:`~trust_minerals.technologies.graph.build_graph`.

    Examples
    --------
    >>> r = sector_exposure(ds, "IND")                               # doctest: +SKIP
    >>> r.sectors[["sector", "weakest_commodity", "score"]].head()   # doctest: +SKIP
    """
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.risk import risk_table

    g = (graph or build_graph()).select(sector=sector)
    crit = criticality(ds, method, consumer, partners=partners, year=year)
    risk = risk_table(ds, consumer, partners, year=year)
    links = _collapse_links(g.links)
    wanted = set(links["supply_commodity"])
    stages = risk[risk["commodity"].isin(wanted)].reset_index(drop=True)
    summary = _stage_summary(stages)
    scores = crit.table[["commodity", "score", "rank", "incomplete"]].rename(
        columns={"commodity": "supply_commodity", "incomplete": "score_incomplete"}
    )
    out = links.merge(scores, on="supply_commodity", how="left").merge(
        summary, on="supply_commodity", how="left"
    )
    missing = sorted(wanted - set(scores["supply_commodity"]))
    no_data = sorted(wanted - set(stages["commodity"]))
    notes = [
        f"consumer {consumer}, year {crit.year}, criticality method {method!r} "
        f"(score in [0, 1]; rank among {int(scores['score'].notna().sum())} scored commodities)",
    ]
    if missing:
        notes.append(f"no {method} criticality score (ranked last): {', '.join(missing)}")
    if no_data:
        notes.append(f"no production data in the store: {', '.join(no_data)}")
    if (out["supply_rule"] != "").any():
        proxied = sorted(set(out.loc[out["supply_rule"] != "", "commodity"]))
        notes.append(
            f"measured on total rare earths (element data not published): {', '.join(proxied)}"
        )
    out = out.sort_values(
        ["score", "sector", "technology", "commodity"],
        ascending=[False, True, True, True],
        na_position="last",
    ).reset_index(drop=True)

    tech = _weakest(out, ["sector", "technology"])
    tech["qualitative_only"] = tech["quantitative_links"] == 0
    tech = tech.rename(columns={"commodity": "weakest_commodity", "link": "basis"})
    tech_cols = [
        "sector",
        "technology",
        "technology_name",
        "weakest_commodity",
        "supply_commodity",
        "score",
        "rank",
        "basis",
        "qualitative_only",
        "import_reliance",
        "reliance_basis",
        "max_hhi",
        "max_hhi_stage",
        "top_country",
        "export_control_share",
        "export_control_stage",
        "commodities",
        "quantitative_links",
        "qualitative_links",
        "unscored",
        "source_rows",
        "supply_rule",
    ]
    tech = tech[tech_cols].reset_index(drop=True)

    sec = _weakest(out, ["sector"]).rename(
        columns={
            "commodity": "weakest_commodity",
            "technology": "weakest_technology",
            "link": "basis",
        }
    )
    n_tech = out.groupby("sector")["technology"].nunique().rename("technologies")
    sec = sec.merge(n_tech.reset_index(), on="sector")
    names = g.sectors.set_index("sector")["name"]
    sec.insert(1, "sector_name", sec["sector"].map(names))
    sec_cols = [
        "sector",
        "sector_name",
        "weakest_commodity",
        "weakest_technology",
        "supply_commodity",
        "score",
        "rank",
        "basis",
        "import_reliance",
        "reliance_basis",
        "max_hhi",
        "max_hhi_stage",
        "top_country",
        "export_control_share",
        "export_control_stage",
        "technologies",
        "commodities",
        "quantitative_links",
        "qualitative_links",
        "unscored",
        "source_rows",
        "supply_rule",
    ]
    sec = sec[sec_cols].reset_index(drop=True)
    return SectorExposureResult(
        consumer=consumer,
        year=crit.year,
        method=method,
        sectors=sec,
        technologies=tech,
        links=out,
        stages=stages,
        notes=tuple(notes),
        source_ids=_source_ids(crit.source_ids, out),
    )


def _source_ids(scores: tuple[str, ...], links: pd.DataFrame) -> tuple[str, ...]:
    """The scores' sources, and table T6's where a link was read from it."""
    from pathlib import Path

    from trust_minerals.sources import column_sources
    from trust_minerals.technologies.graph import T6_FILE

    t6 = links["source_rows"].astype(str).str.contains(Path(T6_FILE).name, regex=False).any()
    extra = column_sources("technology_links", ["source_rows"]) if t6 else ()
    return tuple(sorted({*scores, *extra}))


LEVELS = {"sector": "sectors", "technology": "technologies", "link": "links", "stage": "stages"}


def exposure_level(result: SectorExposureResult, level: str) -> pd.DataFrame:
    """One table of a :class:`SectorExposureResult` (``level``: sector, technology, link, stage)."""
    from trust_minerals.technologies.graph import check_names

    check_names("level", [level], list(LEVELS))
    return getattr(result, LEVELS[level])  # type: ignore[no-any-return]
