"""Partner exposure: share of a stage from a partner set, concentration of the non-partner
remainder, and the share from countries with an active export control.

All three are fractions of the same denominator as :mod:`trust_minerals.metrics.concentration`
(published world total or the listed sum, whichever is larger):

* ``partner_share`` = Σ share of named partner countries;
* ``non_partner_share`` = 1 − ``partner_share`` (unnamed ``Other countries`` count as non-partner:
  nothing shows they are partners);
* ``non_partner_hhi`` = Σ (s_i / S)² over named non-partners, S = their total (the HHI of the
  non-partner remainder on its own; NaN when no named non-partner has a share);
* ``export_control_share`` = Σ share of named countries with a control on the commodity in the
  ``export_controls`` table that is in force in the year (``since_year`` ≤ year, or no year given).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from trust_minerals._tables import GROUP_KEYS, WORLD_TOTAL, YearLike, as_year
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.concentration import shares

EXPOSURE_COLUMNS = ["partner_share", "non_partner_share", "non_partner_hhi", "export_control_share"]


def controlled_pairs(export_controls: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Distinct (country, commodity) pairs with an export control in force in ``year``.

    Examples
    --------
    >>> import pandas as pd
    >>> ec = pd.DataFrame({"country": ["CHN", "IDN"], "commodity": ["gallium", "nickel"],
    ...                    "since_year": [2023, 2030]})
    >>> controlled_pairs(ec, 2025).values.tolist()
    [['CHN', 'gallium']]
    """
    ec = export_controls
    if year is not None and "since_year" in ec.columns:
        since = pd.to_numeric(ec["since_year"], errors="coerce")
        ec = ec[since.isna() | (since <= year)]
    return ec[["country", "commodity"]].drop_duplicates().reset_index(drop=True)


def _control_since(controlled: pd.DataFrame) -> pd.DataFrame:
    """Earliest year of control per (country, commodity); NaN = in force with no year given."""
    ctrl = controlled.copy()
    if "since_year" not in ctrl.columns:
        ctrl["since_year"] = np.nan
    ctrl["since_year"] = pd.to_numeric(ctrl["since_year"], errors="coerce").astype(float)
    no_year = ctrl["since_year"].isna().groupby([ctrl["country"], ctrl["commodity"]]).any()
    first = ctrl.groupby(["country", "commodity"])["since_year"].min()
    first[no_year] = -np.inf
    return first.rename("_since").reset_index()


def exposure_from_shares(
    shared: pd.DataFrame, partners: Iterable[str], controlled: pd.DataFrame
) -> pd.DataFrame:
    """Partner exposure per group of a frame returned by :func:`concentration.shares`.

    ``controlled`` holds (country, commodity) pairs and optionally ``since_year`` (a control counts
    from that year on; no year = always). Returns one row
    per commodity × stage × form × year × unit with :data:`EXPOSURE_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"commodity": "x", "stage": "mine", "form": "", "year": 2025,
    ...     "unit": "t", "country": ["AAA", "BBB", "CCC"], "is_aggregate": False,
    ...     "quantity": [2.0, 1.0, 1.0]})
    >>> ctrl = pd.DataFrame({"country": ["BBB"], "commodity": ["x"]})
    >>> exposure_from_shares(shares(rows), ["AAA"], ctrl)[["partner_share", "export_control_share"]].values.tolist()
    [[0.5, 0.25]]
    """
    partner_set = set(partners)
    df = shared[~shared["country"].eq(WORLD_TOTAL)].copy()
    named = ~df["is_aggregate"].astype(bool)
    df["is_partner"] = named & df["country"].isin(partner_set)
    since = df[["country", "commodity"]].merge(_control_since(controlled), how="left")["_since"]
    df["is_controlled"] = named.to_numpy() & (since.to_numpy() <= df["year"].to_numpy())
    s = df["share"]
    df["_partner"] = s.where(df["is_partner"])
    df["_np"] = s.where(named & ~df["is_partner"])
    df["_np_sq"] = df["_np"] ** 2
    df["_ctrl"] = s.where(df["is_controlled"])
    df["_any"] = s
    g = df.groupby(GROUP_KEYS, dropna=False)
    out = pd.DataFrame(index=g.size().index)
    has_share = g["_any"].count() > 0
    out["partner_share"] = g["_partner"].sum().where(has_share)
    out["non_partner_share"] = 1.0 - out["partner_share"]
    np_total = g["_np"].sum(min_count=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["non_partner_hhi"] = (g["_np_sq"].sum(min_count=1) / np_total**2).where(np_total > 0)
    out["export_control_share"] = g["_ctrl"].sum().where(has_share)
    return out.reset_index()


def partner_exposure_table(
    ds: SupplyDataset,
    partners: Iterable[str],
    *,
    year: YearLike = None,
    measure: str = "production",
) -> pd.DataFrame:
    """Partner exposure of every commodity × stage × form × year group of ``measure``.

    Examples
    --------
    >>> partner_exposure_table(ds, ["USA", "AUS"], year=2025)     # doctest: +SKIP
    """
    year = as_year(year)
    df = ds.table(measure)
    if year is not None:
        df = df[df["year"] == year]
    if df.empty:
        return pd.DataFrame(columns=[*GROUP_KEYS, *EXPOSURE_COLUMNS])
    return exposure_from_shares(shares(df), partners, ds.export_controls)
