"""Dependence: net import reliance and import-source shares, each labelled with its basis.

``import_reliance_table(ds, consumer, year)`` gives one row per commodity with ``import_reliance``
(a fraction) and ``basis``:

* ``usgs_nir`` — the US net import reliance published by USGS (salient statistics), keeping its
  qualifier (``>95`` → 0.95 with ``qualifier='>'``); the ``E`` net-exporter code gives 0 with
  ``status='net_exporter'``; withheld values stay missing; the headline row is chosen by the
  written rule of :func:`us_net_import_reliance` and the other rows are shown in ``other_rows``;
* ``india_published`` — India's published import-reliance/dependence figures (bundled file
  ``raw/outlook/india_import_dependence.csv``; the reference period is in ``period``);
* ``apparent_consumption`` — (imports − exports) / (production + imports − exports) from the BACI
  trade quantities and USGS production at the same stage, on one basis (content with content,
  gross weight with gross weight; :func:`apparent_consumption_reliance`); where no stage has
  both on one basis the value is missing (basis ``unknown``) with the reason in ``detail``;
* ``unknown`` — none of the above is available (the value stays missing).

Import-source shares come from the BACI ``trade`` table (value share by exporter; trade between
members of a group consumer is internal and left out): :func:`import_source_shares` for one
commodity and stage is :func:`trust_minerals.metrics.trade.import_shares` (never summed across
stages).
BACI ends earlier than the production tables, so the trade-based figures of a year use the latest
trade year at or before it (:func:`trade_year`), reported in ``period``.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from trust_minerals._tables import YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.trade import import_shares, quantity_basis
from trust_minerals.units import tonnes_per_unit

RELIANCE_COLUMNS = [
    "commodity",
    "import_reliance",
    "qualifier",
    "status",
    "basis",
    "period",
    "detail",
    "other_rows",
]
_MAIN_NIR_DETAIL = "Net import reliance as a percentage of apparent consumption"
#: the production units (gross mass) matched with trade tonnes; factors from the unit table
_TONNES = tonnes_per_unit(
    ["metric tons", "kilograms", "thousand metric tons", "million metric tons"]
)


def us_net_import_reliance(ds: SupplyDataset, year: int | None = None) -> pd.DataFrame:
    """US net import reliance per commodity and year from the USGS salient statistics.

    The headline row is chosen by a written rule (``headline_rule`` says which applied):

    1. ``whole``: the row for the commodity as a whole, i.e. in the USGS chapter named like the
       commodity (``Rare Earths``, not ``Rare Earths (Heavy)``) with the main detail
       ("Net import reliance as a percentage of apparent consumption", or its ``: Total``);
    2. ``refined_form``: else the row of the refined form (detail or chapter naming compounds and
       metals, refined or metal), preferring the commodity's own chapter;
    3. ``largest_detail``: else the largest of the published rows (stated);
       ``only_row`` where a single row is published.

    ``E`` (net exporter) is kept as ``status='net_exporter'`` (reliance 0, never a missing value);
    withheld values stay missing. ``other_rows`` lists every other row of that commodity and year
    beside the headline (``chapter: detail = value``).

    Columns: commodity, year, import_reliance (fraction), qualifier, status, value_text, detail,
    headline_rule, other_rows.

    Examples
    --------
    >>> us_net_import_reliance(ds, 2025).set_index("commodity").loc["rare_earths", "detail"]  # doctest: +SKIP
    'Rare Earths: ...: Compounds and metals'
    """
    sal = ds.us_salient
    nir = sal[sal["statistic"].str.strip().str.lower().eq("net import reliance")].copy()
    if year is not None:
        nir = nir[nir["year"] == year]
    cols = [
        "commodity",
        "year",
        "import_reliance",
        "qualifier",
        "status",
        "value_text",
        "detail",
        "headline_rule",
        "other_rows",
    ]
    if nir.empty:
        return pd.DataFrame(columns=cols)
    nir["import_reliance"] = nir["value"] / 100.0
    nir.loc[nir["status"].eq("net_exporter"), "import_reliance"] = 0.0
    names = ds.commodities.set_index("commodity")["name"].str.casefold()
    chapter = nir["commodity_name"].str.casefold().str.strip()
    own = chapter.eq(nir["commodity"].map(names)) | chapter.eq(
        nir["commodity"].str.replace("_", " ")
    )
    detail = nir["detail"].str.strip()
    main = detail.eq(_MAIN_NIR_DETAIL) | detail.str.casefold().str.endswith(": total")
    refined = (detail + " " + nir["commodity_name"]).str.casefold().str.contains(
        r"compounds and metals|refined|\bmetal\b", regex=True
    ) & ~detail.str.casefold().str.contains(r"\bore|concentrate", regex=True)
    nir["_rank"] = np.select([own & main, own & refined, refined], [0, 1, 2], default=3)
    only = nir.groupby(["commodity", "year"])["detail"].transform("size").eq(1)
    nir["headline_rule"] = np.select(
        [only, nir["_rank"].eq(0), nir["_rank"].isin([1, 2])],
        ["only_row", "whole", "refined_form"],
        default="largest_detail",
    )
    nir["_order"] = np.arange(len(nir))
    rest = detail.str.replace(_MAIN_NIR_DETAIL, "", regex=False).str.lstrip(":, ").str.strip()
    nir["_label"] = (
        nir["commodity_name"].str.strip()
        + rest.map(lambda r: f" ({r})" if r else "")
        + " = "
        + nir["value_text"].astype(str)
    )
    nir = nir.sort_values(
        ["commodity", "year", "_rank", "import_reliance", "_order"],
        ascending=[True, True, True, False, True],
        na_position="last",
    )
    labels = nir.groupby(["commodity", "year"])["_label"].agg(list)
    out = nir.groupby(["commodity", "year"], as_index=False).head(1).copy()
    out["other_rows"] = [
        "; ".join(labels[(c, y)][1:]) for c, y in zip(out["commodity"], out["year"], strict=True)
    ]
    out["detail"] = out["commodity_name"] + ": " + out["detail"]
    return out[cols].reset_index(drop=True)


@cache
def _india_rows() -> tuple[dict[str, str], ...]:
    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "outlook", "india_import_dependence.csv"
    )
    with open(str(path), encoding="utf-8", newline="") as fh:
        return tuple(r for r in csv.DictReader(fh) if r["country"] == "India")


def india_published_reliance(commodity_names: pd.DataFrame) -> pd.DataFrame:
    """India's published import reliance per commodity (bundled file), matched on the commodity name.

    ``import_reliance_pct`` (Parliament reply, FY2022-23) is preferred over
    ``import_dependence_pct`` (2023 committee report, year not stated).
    """
    names = {
        str(n).strip().lower(): c
        for c, n in zip(commodity_names["commodity"], commodity_names["name"], strict=True)
    }
    names.update({c: c for c in commodity_names["commodity"]})
    rows = []
    for rank, indicator in enumerate(("import_reliance_pct", "import_dependence_pct")):
        for r in _india_rows():
            commodity = names.get(r["mineral"].strip().lower())
            if r["indicator"] != indicator or commodity is None:
                continue
            rows.append(
                {
                    "commodity": commodity,
                    "import_reliance": float(r["value"]) / 100.0,
                    "qualifier": r["qualifier"] or "=",
                    "status": "published",
                    "basis": "india_published",
                    "period": r["year"],
                    "detail": f"{indicator}: {r['source']}",
                    "other_rows": "",
                    "_rank": rank,
                }
            )
    if not rows:
        return pd.DataFrame(columns=RELIANCE_COLUMNS)
    df = pd.DataFrame(rows).sort_values(["commodity", "_rank"]).groupby("commodity").head(1)
    return df[RELIANCE_COLUMNS].reset_index(drop=True)


def _trade(ds: SupplyDataset) -> pd.DataFrame:
    return ds.trade


def trade_year(ds: SupplyDataset, year: YearLike = None) -> int | None:
    """The latest year of the BACI trade table at or before ``year`` (None if there is none).

    ``year=None`` gives the latest trade year.

    Examples
    --------
    >>> trade_year(ds, 2025)     # doctest: +SKIP
    2024
    """
    years = ds.trade["year"]
    y = as_year(year)
    if y is not None:
        years = years[years <= y]
    return int(years.max()) if len(years) else None


def import_source_shares(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike,
    year: YearLike = None,
    *,
    stage: str | None = None,
) -> pd.Series:
    """Share of the consumer's imports (by value) from each exporter (external trade only).

    The shared :func:`trust_minerals.metrics.trade.import_shares` in the trade year of ``year``
    (:func:`trade_year`; ``None`` = the latest); empty when there is no such trade.

    Examples
    --------
    >>> import_source_shares(ds, "cobalt", "USA", 2022)   # doctest: +SKIP
    """
    s = import_shares(ds, commodity, consumer, trade_year(ds, year), stage)
    return s.rename("import_share")


def _trade_on_basis(
    ds: SupplyDataset, commodity: str, stage: str, flows: pd.DataFrame
) -> tuple[pd.Series | None, str, str]:
    """Trade tonnes of one stage's flows on the forms' common basis.

    Returns ``(quantity per flow or None, kind, basis text)``; ``kind`` is ``content`` (content
    factors), ``metal`` (content factors all 1: the refined element itself), ``gross`` (gross
    weight of one form) or ``none`` (the forms share no basis: quantities are not added).
    """
    factors, text = quantity_basis(ds, commodity, stage, sorted(set(flows["hs6"].astype(str))))
    if factors is None:
        return None, "none", text
    qty = flows["quantity"].astype(float) * flows["hs6"].astype(str).map(factors)
    if text.startswith("gross weight"):
        return qty, "gross", text
    return qty, "metal" if set(factors.values()) == {1.0} else "content", text


#: the production bases each trade basis is compared with, in order of preference; a match on
#: ``not stated`` is an approximation and says so
_COMPARABLE = {
    "content": ("content",),
    "metal": ("content", "not stated"),
    "gross": ("gross weight", "not stated"),
    "none": (),
}


def apparent_consumption_reliance(
    ds: SupplyDataset, consumer: ConsumerLike, year: YearLike = None
) -> pd.DataFrame:
    """(imports − exports) / (production + imports − exports) per commodity, on one basis.

    Trade quantities (BACI) of a stage's forms are put on their common basis (content factors of
    the forms table, or the gross weight of a single form; :func:`~trust_minerals.metrics.trade.
    quantity_basis`) and set against the consumer's USGS production at that stage on the same
    basis (the production table's ``basis``, read from the USGS table text): content with content,
    gross weight with gross weight. Where USGS states no basis, gross weight of traded metal or of
    one form is compared with it and ``detail`` says so. Ore traded in gross tonnes is never set
    against production in metal content (the ratio would be meaningless): such a stage is left
    out, and a commodity with no comparable stage gets a missing value, basis ``unknown`` and the
    reason in ``detail``. Of several comparable stages the one with the highest reliance is shown
    (its stage named in ``detail``). Negative net imports give 0 (net exporter). Trade is taken
    from the latest trade year at or before ``year`` and production from the latest production
    year at or before it (both named in ``period``).
    """
    members = list(resolve_consumer(ds, consumer).members)
    ty = trade_year(ds, year)
    t = _trade(ds)
    t = t[t["year"] == ty]
    inward = t["importer"].isin(members) & ~t["exporter"].isin(members)
    outward = t["exporter"].isin(members) & ~t["importer"].isin(members)
    t = t[inward | outward].assign(inward=inward[inward | outward])
    y = as_year(year)
    prod = ds.production
    prod_years = prod["year"] if y is None else prod["year"][prod["year"] <= y]
    py = int(prod_years.max()) if len(prod_years) else y
    prod = prod[(prod["year"] == py) & ~prod["is_aggregate"] & prod["unit"].isin(list(_TONNES))]
    prod = prod[prod["country"].isin(members) & prod["quantity"].notna()]
    prod = prod.assign(t=prod["quantity"] * prod["unit"].map(_TONNES))
    period = f"trade {ty}, production {py}"
    rows: list[dict[str, object]] = []
    refused: dict[str, list[str]] = {}
    for (commodity, stage), made in prod.groupby(["commodity", "stage"], sort=True):
        flows = t[(t["commodity"] == commodity) & (t["stage"] == stage)]
        if not flows["inward"].any():
            continue
        qty, kind, text = _trade_on_basis(ds, str(commodity), str(stage), flows)
        bases = sorted(set(made["basis"]))
        match = next((b for b in _COMPARABLE[kind] if b in bases), None)
        if qty is None or match is None:
            refused.setdefault(str(commodity), []).append(
                f"{stage}: trade {text}; production {' and '.join(bases)}"
            )
            continue
        imports = float(qty[flows["inward"]].sum())
        exports = float(qty[~flows["inward"]].sum())
        production = float(made.loc[made["basis"] == match, "t"].sum())
        net = imports - exports
        # production >= 0 and net > 0 put the ratio in (0, 1]: nothing is clipped
        share = net / (production + net) if net > 0 else 0.0
        note = "" if match != "not stated" else "; USGS states no basis for this production"
        rows.append(
            {
                "commodity": commodity,
                "import_reliance": share,
                "qualifier": "=",
                "status": "estimated" if share > 0 else "net_exporter",
                "basis": "apparent_consumption",
                "period": period,
                "detail": f"BACI trade vs USGS production at stage {stage}, on {text}{note}",
                "other_rows": "",
            }
        )
    best: dict[str, dict[str, object]] = {}
    for row in rows:  # of several comparable stages, the highest reliance (first stage on a tie)
        c = str(row["commodity"])
        if c not in best or float(row["import_reliance"]) > float(best[c]["import_reliance"]):  # type: ignore[arg-type]
            best[c] = row
    for c in sorted(set(refused) - set(best)):
        best[c] = {
            "commodity": c,
            "import_reliance": np.nan,
            "qualifier": "",
            "status": "not_comparable",
            "basis": "unknown",
            "period": period,
            "detail": "apparent consumption not computed: no stage has trade and production on "
            "one basis (" + "; ".join(refused[c]) + ")",
            "other_rows": "",
        }
    return pd.DataFrame([best[c] for c in sorted(best)], columns=RELIANCE_COLUMNS)


def import_reliance_table(
    ds: SupplyDataset, consumer: ConsumerLike, year: YearLike = None
) -> pd.DataFrame:
    """Import reliance of ``consumer`` for every commodity, with its basis (see module docstring).

    ``consumer`` is any consumer text or :class:`~trust_minerals.countries.CountrySet`
    (``"IND"``, ``"USA+IND"``, ``"MSP"``); ``year=None`` means the latest year with data. Every
    commodity gets a row; where nothing is available ``basis`` is ``unknown`` and the value is
    missing.

    Examples
    --------
    >>> import_reliance_table(ds, "USA", 2025).head()   # doctest: +SKIP
    """
    consumer = resolve_consumer(ds, consumer)
    y = as_year(year)
    commodities = ds.commodities[["commodity", "name"]]
    parts: list[pd.DataFrame] = []
    if consumer.members == ("USA",):
        us = us_net_import_reliance(ds)
        us = (
            us
            if y is None
            else us[us["year"] <= y].sort_values("year").groupby("commodity").tail(1)
        )
        if not us.empty:
            us = us.assign(basis="usgs_nir", period=us["year"].astype(str))
            parts.append(us[RELIANCE_COLUMNS])
    if consumer.members == ("IND",):
        parts.append(india_published_reliance(commodities))
    parts.append(apparent_consumption_reliance(ds, consumer, y))
    parts = [p for p in parts if not p.empty]
    base = pd.DataFrame({"commodity": commodities["commodity"]})
    if not parts:
        out = base.assign(
            import_reliance=np.nan,
            qualifier="",
            status="",
            basis="unknown",
            period="",
            detail="",
            other_rows="",
        )
        return out[RELIANCE_COLUMNS]
    found = pd.concat(parts, ignore_index=True).groupby("commodity", sort=False).head(1)
    out = base.merge(found, on="commodity", how="left")
    out["basis"] = out["basis"].fillna("unknown")
    for col in ("qualifier", "status", "period", "detail", "other_rows"):
        out[col] = out[col].fillna("")
    return out[RELIANCE_COLUMNS]
