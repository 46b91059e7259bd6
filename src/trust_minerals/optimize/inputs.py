"""Other optimiser inputs taken from the dataset: partner sets, the status-quo mix, unit costs,
disruption draws (from the scenario engine) and recovery supply (from the outlook module)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, NoDataError, TrustMineralsError
from trust_minerals.sources import used_source_ids
from trust_minerals.units import tonnes_per_unit


class MissingComponentError(TrustMineralsError, RuntimeError):
    """A part of the platform this function needs (e.g. the scenario engine) is not installed."""


def partner_countries(ds: SupplyDataset, partners: ConsumerLike) -> list[str]:
    """ISO3 codes of a partner set (sorted), read by :func:`trust_minerals.countries.resolve_consumer`.

    Examples
    --------
    >>> partner_countries(ds, "usa_ind")   # doctest: +SKIP
    ['IND', 'USA']
    """
    return list(resolve_consumer(ds, partners, role="partner set").members)


@dataclass(frozen=True)
class StatusQuo:
    """The consumer's current mix: shares by supplier and what they are based on."""

    shares: pd.Series
    basis: str
    source_ids: tuple[str, ...] = ()


def status_quo(
    ds: SupplyDataset, consumer: Sequence[str], commodity: str, stage: str, year: int
) -> StatusQuo:
    """The consumer's current supply mix at ``stage``, by the one supply-mix rule.

    :func:`trust_minerals.simulate.network.build_supply_mix`: BACI imports in the stage's own
    forms, else (US) the USGS import sources of the matching form, else world production shares
    at the stage; ``basis`` names it and adds the fallback note. Where the shares leave part of
    the mix unassigned (``Other countries``, withheld producers, the consumer's own output in a
    world mix) they are rescaled to the named suppliers, and ``basis`` says by how much.
    """
    from trust_minerals.simulate.network import build_supply_mix

    sm = build_supply_mix(ds, list(consumer), commodity, stage, year)
    shares = sm.shares.astype(float)
    basis = sm.basis
    total = float(shares.sum())
    if not total > 0:
        return StatusQuo(
            pd.Series(dtype=float), f"{basis}: no known supply mix ({sm.note})", sm.source_ids
        )
    if total < 0.999:
        basis += f"; rescaled to the named suppliers ({1 - total:.0%} of the mix unassigned)"
    if sm.note:
        basis += f" ({sm.note})"
    return StatusQuo(shares / total, basis, sm.source_ids)


@dataclass(frozen=True)
class UnitCosts:
    """Unit cost per supplier, its basis and the sources of the rows read."""

    cost: pd.Series
    basis: pd.Series
    source_ids: tuple[str, ...] = ()


def unit_costs(
    ds: SupplyDataset, commodity: str, stage: str, suppliers: Sequence[str]
) -> UnitCosts:
    """Unit cost by supplier: trade unit values (USD/t) where the trade table has them, else the
    USGS price (one price: cost then ranks no supplier above another), else relative cost 1."""
    cost = pd.Series(np.nan, index=list(suppliers), dtype=float)
    basis = pd.Series("relative", index=list(suppliers), dtype=object)
    read: list[pd.DataFrame] = []
    trade = ds.trade
    if not trade.empty:
        t = trade[
            (trade["commodity"] == commodity)
            & (trade["stage"] == stage)
            & trade["quantity"].gt(0)
            & trade["value_usd"].notna()
        ]
        if not t.empty:
            t = t[t["year"] == t["year"].max()]
            read.append(t[t["exporter"].isin(cost.index)])
            g = t.groupby("exporter")[["value_usd", "quantity"]].sum()
            uv = (g["value_usd"] / g["quantity"]).reindex(cost.index)
            cost = cost.fillna(uv)
            basis[uv.notna()] = "trade_unit_value_usd_per_t"
    if cost.isna().any():
        price = _usgs_price(ds, commodity)
        if price is not None and cost.notna().any():
            basis[cost.isna()] = "median_trade_unit_value"
            cost = cost.fillna(float(cost.median()))
        elif price is not None:
            basis[cost.isna()] = "usgs_price"
            cost = cost.fillna(float(price["value"].iloc[0]))
            read.append(price)
        else:
            cost = cost.fillna(1.0)
    return UnitCosts(cost, basis, used_source_ids(*read))


def _usgs_price(ds: SupplyDataset, commodity: str) -> pd.DataFrame | None:
    """The USGS price row of the latest year (one row), None when none is published."""
    sal = ds.us_salient
    if sal.empty:
        return None
    p = sal[(sal["commodity"] == commodity) & (sal["statistic"] == "Price") & sal["value"].gt(0)]
    if p.empty:
        return None
    p = p[p["year"] == p["year"].max()]
    return p.iloc[[0]]


def loss_matrix(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    year: int,
    suppliers: Sequence[str],
    *,
    draws: int,
    seed: int,
    severity: str = "default",
) -> tuple[np.ndarray, list[str]]:
    """Loss shares (draws × suppliers) from the scenario engine, with notes.

    Suppliers the engine does not cover (e.g. recovery) are undisrupted, and each is named in a
    note.
    """
    try:
        from trust_minerals.simulate.montecarlo import supply_loss_draws
    except ImportError:
        raise MissingComponentError(
            "the scenario engine (trust_minerals.simulate.montecarlo.supply_loss_draws) is not "
            "available; pass a loss matrix to optimize_sourcing(loss=...)"
        ) from None
    countries = [s for s in suppliers if len(s) == 3 and s.isupper()]
    d = supply_loss_draws(
        ds, commodity, stage, year, n_draws=draws, seed=seed, severity=severity, countries=countries
    )
    index = {c: j for j, c in enumerate(d.countries)}
    loss = np.zeros((d.loss_share.shape[0], len(suppliers)))
    missing = []
    for i, s in enumerate(suppliers):
        if s in index:
            loss[:, i] = d.loss_share[:, index[s]]
        else:
            missing.append(s)
    notes = []
    if missing:
        notes.append(f"no disruption draws for {', '.join(missing)}: treated as undisrupted")
    return loss, notes


#: the columns of the ``countries`` table the scenario engine's disruption draws read (WGI)
DRAW_SOURCE_COLUMNS = ("pv", "rl")


#: metric tons → production unit, for the mass units published
PER_TONNE = {
    unit: 1.0 / t
    for unit, t in tonnes_per_unit(["metric tons", "kilograms", "thousand metric tons"]).items()
}


def recovery_capacity(
    consumer: Sequence[str], commodity: str, unit: str, *, seed: int = 0
) -> tuple[float, str, tuple[str, ...]]:
    """Recovery/recycling supply available to the consumer (median of the outlook's draws), in
    the production ``unit``, its basis, and the sources of the residue figures it was computed
    from (:attr:`~trust_minerals.outlook.recovery.RecoverySupply.source_ids`)."""
    try:
        from trust_minerals.outlook.recovery import recovery_supply
    except ImportError:
        raise MissingComponentError(
            "recovery supply needs trust_minerals.outlook.recovery.recovery_supply, which is not "
            "available"
        ) from None
    if unit not in PER_TONNE:
        raise InputError(
            f"recovery: cannot express recovery (t) in the production unit {unit!r}; "
            "give capacities={'recovery': ...} instead"
        )
    total = 0.0
    ids: set[str] = set()
    for country in consumer:
        r = recovery_supply(country, commodity, seed=seed)
        ids.update(r.source_ids)
        if np.isnan(r.p50):
            raise NoDataError(
                f"recovery: no recovery estimate for {country} {commodity} (missing figures: "
                f"{', '.join(r.missing) or 'none'}); give capacities={{'recovery': ...}}"
            )
        total += float(r.p50) * PER_TONNE[unit]
    return total, "recovery_p50_outlook", tuple(sorted(ids))
