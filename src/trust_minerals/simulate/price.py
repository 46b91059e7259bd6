"""Price response to a supply loss, set against the observed export-control episodes.

The price that moves after an export restriction is a **market** price: buyers outside the
restricting country bid for what is left of the supply to the outside market; inside it, the
output that can no longer leave keeps the domestic price flat or lower (gallium -9 %, germanium
+1 % in August 2023 while prices outside China rose more than 40 %,
``data/raw/outlook/export_control_episodes.csv`` row 5). So:

* ``market_loss[t]`` -- the share of the outside market's supply lost in month ``t``: each
  restricting country's share of that supply (:func:`market_shares`) times the share of its
  exports it holds back (``1 - allowed``), plus outages (world production share × fraction),
  less other producers' spare capacity;
* inventories and pre-buying are a buffer of ``buffer_months`` months of supply: the price in
  month ``t`` responds to the uncovered loss expected over the rest of the horizon,
  ``effective_loss[t] = max(0, Σ_{u≥t} loss[u] − buffer left at t) / (H − t)``;
* ``price_change_outside[t] = slope × effective_loss[t]`` (linear, no cap);
  ``price_change_inside[t] = inside_ratio × price_change_outside[t]``.

``slope``, ``inside_ratio`` and ``max_loss_share`` are fitted to the episodes
(:func:`trust_minerals.simulate.backtest.fit_price_response`) and stored with their source rows in
``simulate/data/price_response.csv``; ``buffer_months`` is a labelled assumption of the order of
the July 2023 pre-buying. A price whose effective loss lies beyond ``max_loss_share`` (the
largest effective loss among the episodes the line was fitted to) is **extrapolated**: it is
reported with ``price_in_range = False`` and a note, never clipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import ParseError
from trust_minerals.simulate.params import data_path
from trust_minerals.sources import used_source_ids

PRICE_KEYS = ("slope", "buffer_months", "inside_ratio", "max_loss_share")


@dataclass(frozen=True)
class PriceResponse:
    """Parameters of the price response, each with its source (``sources[key]``)."""

    slope: float
    buffer_months: float
    inside_ratio: float
    max_loss_share: float
    sources: dict[str, str] = field(default_factory=dict)

    def replace(self, **changes: float) -> PriceResponse:
        """A copy with some parameters changed (used by the leave-one-out fit)."""
        values = {k: getattr(self, k) for k in PRICE_KEYS} | changes
        return PriceResponse(**values, sources=self.sources)


@cache
def price_response() -> PriceResponse:
    """The fitted price response (``simulate/data/price_response.csv``).

    Examples
    --------
    >>> price_response().slope > 0
    True
    """
    path = data_path("price_response.csv")
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            key = row.get("key", "")
            if key not in PRICE_KEYS:
                raise ParseError(
                    f"unknown key (expected one of {', '.join(PRICE_KEYS)})",
                    path=path,
                    line=line,
                    field="key",
                    value=key,
                )
            if not row.get("source"):
                raise ParseError(
                    "every parameter needs a source or 'assumption'",
                    path=path,
                    line=line,
                    field="source",
                )
            try:
                values[key] = float(row["value"])
            except (TypeError, ValueError):
                raise ParseError(
                    "not a number", path=path, line=line, field="value", value=row["value"]
                ) from None
            sources[key] = row["source"]
    missing = [k for k in PRICE_KEYS if k not in values]
    if missing:
        raise ParseError(f"missing parameters: {', '.join(missing)}", path=path, field="key")
    return PriceResponse(**values, sources=sources)


@dataclass(frozen=True)
class MarketShares:
    """Each restricting country's share of the supply to the outside market, the basis and the
    sources of the rows read."""

    shares: dict[str, float]
    basis: str
    source_ids: tuple[str, ...] = ()


def market_shares(
    ds: SupplyDataset, countries: Iterable[str], commodity: str, stage: str, year: int
) -> MarketShares:
    """Share of the outside market's supply of ``commodity`` that each of ``countries`` provides.

    In order, saying which in ``basis``:

    1. the published shares of US imports (USGS MCS import sources of the form traded at the
       stage, from the forms table): the
       only published import mix of a large consumer outside the restricting countries, and it
       names the refined forms export controls cover;
    2. the country's share of world exports at ``stage`` (BACI, latest year <= ``year``);
    3. its share of world production at ``stage`` (an upper bound: its own consumption is
       counted as if exported).

    Examples
    --------
    >>> market_shares(ds, ["CHN"], "gallium", "refinery", 2022).basis  # doctest: +SKIP
    'usgs import sources 2021-24 (Metal)'
    """
    from trust_minerals.simulate.network import producer_shares
    from trust_minerals.simulate.us_imports import _us_import_sources

    countries = list(dict.fromkeys(countries))
    us = _us_import_sources(ds, commodity, stage)
    if us is not None and any(c in us[0].index for c in countries):
        return MarketShares({c: float(us[0].get(c, 0.0)) for c in countries}, us[1], us[3])
    trade = ds.trade
    flows = trade[(trade["commodity"] == commodity) & (trade["stage"] == stage)]
    flows = flows[flows["year"] <= year]
    if not flows.empty:
        last = int(flows["year"].max())
        rows = flows[flows["year"] == last]
        column = "quantity" if rows["quantity"].notna().all() else "value_usd"
        totals = {c: float(rows.loc[rows["importer"] != c, column].sum()) for c in countries}
        if all(t > 0 for t in totals.values()):
            out = {
                c: float(rows.loc[(rows["importer"] != c) & (rows["exporter"] == c), column].sum())
                / totals[c]
                for c in countries
            }
            return MarketShares(out, f"world exports {last} (BACI {column})", used_source_ids(rows))
    years = ds.production.loc[
        (ds.production["commodity"] == commodity) & (ds.production["stage"] == stage), "year"
    ]
    if years.empty:
        return MarketShares({c: float("nan") for c in countries}, "none")
    before = years[years <= year]
    use = int(before.max()) if len(before) else int(years.min())
    ps = producer_shares(ds, commodity, stage, use)
    return MarketShares(
        {c: float(ps.shares.get(c, np.nan if c in ps.withheld else 0.0)) for c in countries},
        f"world production {use} (upper bound: own use counted as exports)",
        ps.source_ids,
    )


def effective_loss(loss: np.ndarray, buffer_months: float) -> np.ndarray:
    """Uncovered loss expected over the rest of the horizon at each month, after a buffer of
    ``buffer_months`` months of supply (inventories, pre-buying) drawn from month 0.

    Examples
    --------
    >>> effective_loss(np.array([0.5, 0.5, 0.5, 0.5]), 1.0).round(3).tolist()
    [0.25, 0.333, 0.5, 0.5]
    """
    loss = np.clip(np.asarray(loss, dtype=float), 0.0, None)
    horizon = len(loss)
    ahead = np.cumsum(loss[::-1])[::-1]  # Σ_{u>=t} loss[u]
    used = np.concatenate([[0.0], np.cumsum(loss)[:-1]])  # Σ_{u<t} loss[u]
    left = np.maximum(0.0, buffer_months - used)
    return np.maximum(0.0, ahead - left) / (horizon - np.arange(horizon))


def price_paths(
    loss: np.ndarray, response: PriceResponse | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(effective_loss, price_change_outside, price_change_inside)`` by month.

    Examples
    --------
    >>> r = PriceResponse(slope=2.0, buffer_months=0.0, inside_ratio=-0.1, max_loss_share=0.5)
    >>> [p.round(2).tolist() for p in price_paths(np.array([0.2, 0.2]), r)]
    [[0.2, 0.2], [0.4, 0.4], [-0.04, -0.04]]
    """
    r = price_response() if response is None else response
    eff = effective_loss(loss, r.buffer_months)
    outside = r.slope * eff
    return eff, outside, r.inside_ratio * outside


def range_note(eff_peak: float, response: PriceResponse | None = None) -> str:
    """'' when ``eff_peak`` lies in the range the episodes cover, else a note saying so."""
    r = price_response() if response is None else response
    if not np.isfinite(eff_peak) or eff_peak <= r.max_loss_share + 1e-12:
        return ""
    return (
        f"price extrapolated: effective loss {eff_peak:.2f} of the outside market's supply is "
        f"beyond the episodes' range (up to {r.max_loss_share:.2f}); the figure is the fitted "
        "line's, not checked against any episode"
    )


def market_frame(
    commodity: str, stage: str, loss: np.ndarray, basis: str, response: PriceResponse | None = None
) -> pd.DataFrame:
    """One row per month: the outside market's loss, effective loss and prices."""
    eff, outside, inside = price_paths(loss, response)
    return pd.DataFrame(
        {
            "commodity": commodity,
            "stage": stage,
            "month": np.arange(len(loss)),
            "market_loss_share": loss,
            "effective_loss_share": eff,
            "price_change_outside": outside,
            "price_change_inside": inside,
            "price_basis": basis,
        }
    )


def outside_market(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    year: int,
    restrictors: set[str],
    shares: pd.Series,
    avail: dict[str, np.ndarray],
    generic: dict[str, np.ndarray],
    spare: np.ndarray,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The outside market's monthly loss and prices (see the module docstring), and the sources
    of the market shares read (none without a restriction: the world shares are the caller's).

    ``restrictors`` restrict exports with ``generic[country][t]`` the share of their exports let
    through; ``shares`` are world production shares at the stage and ``avail`` each producer's
    available share of output (outages, lost feed); ``spare`` other producers' spare capacity
    as a share of world supply.
    """
    horizon = len(spare)
    loss = np.zeros(horizon)
    basis = "world production shares (outages, lost feed; no export restriction at this stage)"
    ids: tuple[str, ...] = ()
    if restrictors:
        ms = market_shares(ds, sorted(restrictors), commodity, stage, year)
        basis, ids = ms.basis, ms.source_ids
        for country, share in ms.shares.items():
            loss = loss + share * (1.0 - generic.get(country, np.ones(horizon)))
    for country, arr in avail.items():  # outages and lost feed: world production shares
        if country not in restrictors:
            loss = loss + float(shares.get(country, 0.0)) * (1.0 - arr)
    loss = np.clip(loss - spare, 0.0, 1.0)
    return market_frame(commodity, stage, loss, basis), ids
