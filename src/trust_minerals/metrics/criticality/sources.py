"""The sources behind a criticality score table: the ``source_id`` of the rows its inputs read.

Read from the score table itself (which commodity, stage and year each score used, which
indicator columns the method has, the basis of each import reliance), so the list follows the
method's inputs without re-running them:

* the production rows of each scored commodity × stage × year (World Mining Data rows where USGS
  gives no usable figure and the score fell back to it);
* the WGI estimates (``countries`` pv and rl): every method weighs producers by governance;
* by indicator: ``eol_rir`` rows, ``export_controls`` rows, ``reserves`` rows, the consumer's
  BACI imports (import mix, apparent consumption, GeoPolRisk imports) and the USGS salient
  statistics (published US net import reliance).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.stages import stage_production
from trust_minerals.sources import column_sources, reliance_source_ids, used_source_ids


def score_source_ids(
    ds: SupplyDataset, table: pd.DataFrame, members: Sequence[str], year: int
) -> tuple[str, ...]:
    """Sorted source ids of the rows behind ``table`` (a criticality score table).

    ``members`` are the consumer's countries (their imports), ``year`` the assessment year.
    """
    commodities = set(table["commodity"])
    frames: list[pd.DataFrame] = []
    keys = table[["commodity", "stage", "year"]].dropna().drop_duplicates()
    prod = stage_production(ds)
    prod = prod.merge(
        keys.astype({"year": prod["year"].dtype}), on=["commodity", "stage", "year"], how="inner"
    )
    frames.append(prod)
    without = commodities - set(prod["commodity"])
    wmd = ds.production_wmd
    frames.append(wmd[wmd["commodity"].isin(without) & (wmd["year"] <= year)])
    cols = set(table.columns)
    if "eol_rir" in cols:
        frames.append(ds.eol_rir[ds.eol_rir["commodity"].isin(commodities)])
    if "export_control_exposure" in cols:
        ec = ds.export_controls
        frames.append(ec[ec["commodity"].isin(commodities)])
    if "reserve_concentration" in cols:
        res = ds.reserves
        frames.append(res[res["commodity"].isin(commodities) & (res["year"] <= year)])
    sourcing = set(table["sourcing_basis"].dropna()) if "sourcing_basis" in cols else set()
    if "imports_t" in cols or "consumer_mix" in sourcing:
        trade = ds.trade
        frames.append(
            trade[
                trade["importer"].isin(list(members))
                & trade["commodity"].isin(commodities)
                & (trade["year"] <= year)
            ]
        )
    extra = set(column_sources("countries", ["pv", "rl"]))
    if "reliance_basis" in cols:
        reliance = table[["commodity", "reliance_basis"]].rename(
            columns={"reliance_basis": "basis"}
        )
        extra.update(reliance_source_ids(ds, reliance, members, year))
    return used_source_ids(*frames, extra=extra)


__all__ = ["score_source_ids"]
