"""Trends of one commodity: concentration by year, a consumer's import sources by year, and the
export-control events to mark on the time axis.

* :func:`concentration_trend` -- the top producer's share and the HHI per year, from USGS (the
  concentration table, every year the store holds) and from World Mining Data (``production_wmd``,
  2018 onwards). WMD lists producing countries without a world total in the bundled extract, so
  its shares are of the sum of the listed countries (``basis`` says so).
* :func:`import_source_trend` -- the consumer's imports by exporter and year from BACI, as shares
  of the year's import value (flows between members of a group are internal and left out, as in
  :func:`~trust_minerals.metrics.trade.import_suppliers`); the ``top`` exporters over the period
  are named, the rest pooled as ``Other exporters``.
* :func:`control_events` -- export controls on the commodity with the year they began (USGS MCS
  2026 table T4).

Missing values stay missing; a year without data has no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset

OTHER_EXPORTERS = "Other exporters"
CONCENTRATION_COLUMNS = ["source", "series", "year", "top_country", "top_share", "hhi", "basis"]
IMPORT_COLUMNS = ["year", "exporter", "value_usd", "share"]
EVENT_COLUMNS = ["year", "country", "control_type", "item_text", "source_id"]


@dataclass(frozen=True)
class CommodityTrends:
    """Concentration by year, the consumer's import sources by year, export-control events;
    ``source_ids`` name the sources of each part's rows (keys ``concentration``, ``imports``,
    ``events``)."""

    commodity: str
    consumer: str
    concentration: pd.DataFrame
    import_sources: pd.DataFrame
    events: pd.DataFrame
    source_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)


def concentration_trend(ds: SupplyDataset, commodity: str) -> pd.DataFrame:
    """Top share and HHI by year: one series per USGS stage/form and per WMD product.

    Examples
    --------
    >>> concentration_trend(ds, "lithium").head()        # doctest: +SKIP
    """
    from trust_minerals.metrics.concentration import concentration_table

    ds.check_commodities([commodity], "concentration_trend")
    sub = ds.select(commodity=commodity)
    frames = []
    conc = concentration_table(sub)  # every year the store holds
    if len(conc):
        form = conc["form"].fillna("")
        frames.append(
            pd.DataFrame(
                {
                    "source": "USGS",
                    "series": conc["stage"] + form.map(lambda f: f" ({f})" if f else ""),
                    "year": conc["year"].astype(int),
                    "top_country": conc["top_country"],
                    "top_share": conc["top_share"],
                    "hhi": conc["hhi"],
                    "basis": conc["denominator_basis"].map(lambda b: f"USGS MCS, share of {b}"),
                }
            )
        )
    wmd = getattr(ds, "production_wmd", pd.DataFrame())
    if isinstance(wmd, pd.DataFrame) and len(wmd):
        w = wmd[(wmd["commodity"] == commodity) & wmd["quantity"].notna()]
        for (name, year), g in w.groupby(["wmd_name", "year"], sort=True):
            total = float(g["quantity"].sum())
            if total <= 0:
                continue
            shares = (g.set_index("country")["quantity"] / total).sort_values(ascending=False)
            frames.append(
                pd.DataFrame(
                    {
                        "source": ["WMD"],
                        "series": [f"WMD {name}"],
                        "year": [int(str(year))],
                        "top_country": [shares.index[0]],
                        "top_share": [float(shares.iloc[0])],
                        "hhi": [float((shares**2).sum())],
                        "basis": ["World Mining Data, share of the sum of listed countries"],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=CONCENTRATION_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[CONCENTRATION_COLUMNS]
    return out.sort_values(["source", "series", "year"], kind="mergesort").reset_index(drop=True)


def import_source_trend(
    ds: SupplyDataset, commodity: str, consumer: ConsumerLike, *, top: int = 5
) -> pd.DataFrame:
    """The consumer's import value by exporter and year (BACI), with each exporter's share.

    Examples
    --------
    >>> import_source_trend(ds, "lithium", "IND").head()    # doctest: +SKIP
    """
    ds.check_commodities([commodity], "import_source_trend")
    members = list(resolve_consumer(ds, consumer).members)
    t = ds.trade
    mask = (t["commodity"] == commodity) & t["importer"].isin(members)
    mask &= ~t["exporter"].isin(members)
    flows = t.loc[mask.to_numpy(), ["year", "exporter", "value_usd"]]
    if flows.empty:
        return pd.DataFrame(columns=IMPORT_COLUMNS)
    by = flows.groupby(["year", "exporter"], as_index=False)["value_usd"].sum(min_count=1)
    leaders = by.groupby("exporter")["value_usd"].sum().sort_values(ascending=False).head(top).index
    by["exporter"] = by["exporter"].where(by["exporter"].isin(leaders), OTHER_EXPORTERS)
    by = by.groupby(["year", "exporter"], as_index=False)["value_usd"].sum(min_count=1)
    totals = by.groupby("year")["value_usd"].transform("sum")
    by["share"] = by["value_usd"] / totals.where(totals > 0)
    by["year"] = by["year"].astype(int)
    return by[IMPORT_COLUMNS].sort_values(["year", "exporter"]).reset_index(drop=True)


def control_events(ds: SupplyDataset, commodity: str) -> pd.DataFrame:
    """Export controls on ``commodity`` with the year they began (USGS MCS 2026 table T4)."""
    c = ds.export_controls
    rows = c[(c["commodity"] == commodity) & c["since_year"].notna()]
    out = rows.rename(columns={"since_year": "year"})[EVENT_COLUMNS].copy()
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "country"]).reset_index(drop=True)


def commodity_trends(
    ds: SupplyDataset, commodity: str, consumer: ConsumerLike = "IND"
) -> CommodityTrends:
    """Every trend of ``commodity`` for ``consumer`` (see the module docstring).

    Examples
    --------
    >>> t = commodity_trends(ds, "gallium", "IND")     # doctest: +SKIP
    >>> t.events[["year", "country"]]                  # doctest: +SKIP
    """
    from trust_minerals.sources import used_source_ids

    cs = resolve_consumer(ds, consumer)
    prod, wmd, trade = ds.production, ds.production_wmd, ds.trade
    imports = trade[(trade["commodity"] == commodity) & trade["importer"].isin(list(cs.members))]
    events = control_events(ds, commodity)
    return CommodityTrends(
        commodity=commodity,
        consumer=cs.name,
        concentration=concentration_trend(ds, commodity),
        import_sources=import_source_trend(ds, commodity, cs),
        events=events,
        source_ids={
            "concentration": used_source_ids(
                prod[prod["commodity"] == commodity], wmd[wmd["commodity"] == commodity]
            ),
            "imports": used_source_ids(imports),
            "events": used_source_ids(events),
        },
    )
