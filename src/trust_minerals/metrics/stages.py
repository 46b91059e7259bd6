"""Production by stage from the best published source, each row with its ``source_id`` and year.

Rule (docs/data.md, "Stage shares"): a commodity × stage is measured on the USGS world tables
(``production``) where USGS publishes that stage; where it does not, on the IEA Critical Minerals
Data Explorer table (``supply_projection``), year 2023 only (the IEA's estimate; 2030 and later
are base-case projections, never production). This gives lithium (chemicals), cobalt, nickel,
graphite (battery grade) and magnet rare earths a refinery stage.

IEA rows are turned into production-like rows: ``form`` is the IEA content basis (so a share
is never taken across bases), ``status`` is ``estimated``, ``note`` names the IEA stage label.
The IEA's cobalt-refining total covers clean-technology uses only: that row is not a world total
and is left out, so shares are of the listed countries plus the IEA's rest of world, as the note
says. Where the IEA's country and rest-of-world rows do not add up to its own world total
(nickel and graphite refining, 2023), the note gives both figures
(:func:`trust_minerals.data.check.total_gaps`); the concentration then divides by the published
total (:mod:`trust_minerals.metrics.concentration`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals.data.check import IEA_PARTIAL_TOTALS, total_gaps
from trust_minerals.dataset import SupplyDataset

#: year of the IEA table that is an estimate of actual supply (later years are projections)
IEA_ESTIMATE_YEAR = 2023
#: IEA aggregate rows that are not world totals (left out of share calculations)
PARTIAL_TOTALS = IEA_PARTIAL_TOTALS
_CACHE_KEY = "_stage_production"


def iea_stage_rows(ds: SupplyDataset) -> pd.DataFrame:
    """IEA supply rows (2023 estimate) for the commodity × stage pairs USGS does not publish."""
    prod = ds._frame("production")
    iea = ds._frame("supply_projection")
    iea = iea[(iea["year"] == IEA_ESTIMATE_YEAR) & ~iea["country"].isin(PARTIAL_TOTALS)]
    have = set(zip(prod["commodity"], prod["stage"], strict=True))
    keep = [(c, s) not in have for c, s in zip(iea["commodity"], iea["stage"], strict=True)]
    iea = iea[np.array(keep, dtype=bool)]
    partial = set(
        ds._frame("supply_projection")
        .loc[lambda t: t["country"].isin(PARTIAL_TOTALS), ["commodity", "stage"]]
        .itertuples(index=False, name=None)
    )
    gaps = total_gaps(iea.rename(columns={"content_basis": "form"}))["statement"]
    gaps = gaps[gaps != ""]
    notes = [
        f"IEA stage '{label}' ({basis})"
        + (
            "; shares of the IEA total for clean technologies, not of world refining"
            if (c, s) in partial
            else ""
        )
        + (f"; {gaps[key]}" if key in gaps.index else "")
        for c, s, label, basis, key in zip(
            iea["commodity"],
            iea["stage"],
            iea["stage_label"],
            iea["content_basis"],
            zip(
                iea["commodity"],
                iea["stage"],
                iea["content_basis"],
                iea["year"],
                iea["unit"],
                strict=True,
            ),
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            "commodity": iea["commodity"].to_numpy(),
            "stage": iea["stage"].to_numpy(),
            "form": iea["content_basis"].to_numpy(),
            "country": iea["country"].to_numpy(),
            "is_aggregate": iea["is_aggregate"].to_numpy(),
            "year": iea["year"].to_numpy(),
            "quantity": iea["quantity"].to_numpy(),
            "unit": iea["unit"].to_numpy(),
            "status": "estimated",
            "qualifier": "=",
            "value_text": [f"{q:g}" for q in iea["quantity"]],
            "note": notes,
            "basis": [
                "content" if "content" in str(b) else "not stated" for b in iea["content_basis"]
            ],
            "source_id": iea["source_id"].to_numpy(),
        }
    )


def stage_production(ds: SupplyDataset) -> pd.DataFrame:
    """USGS production rows plus the IEA rows for stages USGS does not publish (read-only frame).

    Examples
    --------
    >>> t = stage_production(ds)                                          # doctest: +SKIP
    >>> t.query("commodity == 'lithium' and stage == 'refinery'").source_id.unique()  # doctest: +SKIP
    array(['iea_cmde_2024'], dtype=object)
    """
    cached = ds._cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    prod = ds.production
    iea = iea_stage_rows(ds)
    out = prod if iea.empty else pd.concat([prod, iea[prod.columns]], ignore_index=True)
    ds._cache[_CACHE_KEY] = out  # derived once per dataset (datasets are immutable)
    return out
