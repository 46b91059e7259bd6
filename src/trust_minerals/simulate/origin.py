"""Third-country origin: what a supplier's own supply is made from, one or two tiers deep.

A consumer that buys refined gallium from Japan or Germany is exposed to China if the Japanese or
German refiner's feed is Chinese. For a supplier ``B`` of a commodity at a stage, its **feed** is
the upstream form (:func:`upstream_stage`: the ores at the mine stage for a refined form where the
commodity has a mine stage, else the same form, bought in for further refining or resale):

* ``B``'s imports of the upstream form (BACI, the latest year <= the baseline within
  ``max_trade_age_years``), by exporter, plus ``B``'s own output as the domestic part:
  ``domestic = own upstream output / (own upstream output + imports)`` when the upstream form is
  the same form (tonnes; USGS production and BACI quantities), ``own mine output / own refinery
  output`` (capped at 1, same USGS unit) when it is the mine stage; a supplier with no output
  row has no domestic part;
* where ``B`` has no usable trade of the upstream form, a mine producer shipping ore ships its own
  ore; otherwise ``B`` is assumed to buy on the world market: its feed follows world production
  shares at the upstream stage (its own share included), and ``basis`` says so.

:func:`origin_shares` returns the ultimate origin of ``B``'s supply: tier 1 is ``B``'s feed; tier 2
replaces each foreign feed supplier ``C`` by ``C``'s own feed (never a restricting country
itself, whose output is its own, nor a producer without trade data, which ships its own output;
a feed read from world production shares is not traced further either). A restriction by ``A`` then reaches a consumer through ``B`` in
proportion to ``origin[B][A]`` (see :mod:`trust_minerals.simulate.propagate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.simulate.network import _world_mix
from trust_minerals.simulate.us_imports import _TONNES_PER_UNIT


@dataclass(frozen=True)
class Feed:
    """``shares``: origin country → share of a supplier's feed (the supplier itself for its own
    output); ``basis`` says where the shares come from."""

    shares: pd.Series
    basis: str


def upstream_stage(ds: SupplyDataset, commodity: str, stage: str) -> str:
    """The stage a supplier's feed is measured at: ``mine`` for a later stage where the commodity
    has mine production or mine-stage trade, else ``stage`` itself.

    Examples
    --------
    >>> upstream_stage(ds, "cobalt", "refinery")  # doctest: +SKIP
    'mine'
    """
    if stage == "mine":
        return "mine"
    prod, trade = ds.production, ds.trade
    has_mine = (
        (prod["commodity"] == commodity) & (prod["stage"] == "mine") & ~prod["is_aggregate"]
    ).any() or ((trade["commodity"] == commodity) & (trade["stage"] == "mine")).any()
    return "mine" if has_mine else stage


def _output(
    ds: SupplyDataset, country: str, commodity: str, stage: str, year: int
) -> tuple[float, str]:
    """A country's production (quantity, unit) at the latest year <= ``year`` (else the earliest
    after); ``(nan, '')`` without a published quantity."""
    prod = ds.production
    rows = prod[
        (prod["commodity"] == commodity)
        & (prod["stage"] == stage)
        & (prod["country"] == country)
        & prod["quantity"].notna()
    ]
    if rows.empty:
        return float("nan"), ""
    years = rows["year"]
    before = years[years <= year]
    use = int(before.max()) if len(before) else int(years.min())
    rows = rows[rows["year"] == use]
    return float(rows["quantity"].sum()), str(rows["unit"].iloc[0])


def feed_origin(
    ds: SupplyDataset, country: str, commodity: str, stage: str, year: int, max_age: int
) -> Feed:
    """Where ``country``'s supply of ``commodity`` at ``stage`` is made from (tier 1).

    Examples
    --------
    >>> feed_origin(ds, "JPN", "gallium", "refinery", 2022, 3).basis  # doctest: +SKIP
    """
    up = upstream_stage(ds, commodity, stage)
    trade = ds.trade
    flows = trade[
        (trade["commodity"] == commodity)
        & (trade["stage"] == up)
        & (trade["importer"] == country)
        & (trade["exporter"] != country)
    ]
    if len(flows):
        years = flows["year"].unique()
        before = years[years <= year]
        use = int(before.max()) if len(before) else int(years.min())
        flows = flows[flows["year"] == use]
        imported = float(flows["quantity"].sum())
        if abs(use - year) <= max_age and flows["quantity"].notna().all() and imported > 0:
            own, unit = _output(ds, country, commodity, up, year)
            own_t = own * _TONNES_PER_UNIT.get(unit, np.nan) if np.isfinite(own) else 0.0
            if up == stage:
                domestic = own_t / (own_t + imported) if own_t > 0 else 0.0
                how = "own output and imports in tonnes"
            else:
                made, made_unit = _output(ds, country, commodity, stage, year)
                known = np.isfinite(own) and np.isfinite(made) and made > 0 and unit == made_unit
                domestic = min(1.0, own / made) if known else 0.0
                how = f"own {up} output over own {stage} output" if known else "no own output"
            if not np.isfinite(domestic):
                domestic, how = 0.0, "own output in a unit without a tonne conversion: left out"
            by = flows.groupby("exporter")["quantity"].sum() / imported * (1.0 - domestic)
            shares = pd.concat([by, pd.Series({country: domestic})]).groupby(level=0).sum()
            return Feed(
                shares[shares > 0].sort_values(ascending=False),
                f"{country} {up} imports {use} (BACI quantity) + own output ({how})",
            )
    if up == stage == "mine":
        own, _ = _output(ds, country, commodity, "mine", year)
        if np.isfinite(own) and own > 0:
            return Feed(
                pd.Series({country: 1.0}),
                f"{country} own mine output (no {commodity} ore trade: ore is shipped by the "
                "country that mines it)",
            )
    world = _world_mix(ds, [], commodity, up, year)
    if world is None:
        return Feed(pd.Series(dtype=float), "none")
    return Feed(
        world[0],
        f"{world[1]} {up} (no {commodity} {up} trade for {country}: bought on the world market)",
    )


@dataclass
class OriginTracer:
    """Feeds and ultimate origins of suppliers, cached for one commodity × stage × year."""

    ds: SupplyDataset
    commodity: str
    stage: str
    year: int
    max_age: int
    _feeds: dict[tuple[str, str], Feed] = field(default_factory=dict)

    def feed(self, country: str, stage: str | None = None) -> Feed:
        """Tier-1 feed of ``country`` (at ``stage``, default the tracer's stage)."""
        stage = self.stage if stage is None else stage
        key = (country, stage)
        if key not in self._feeds:
            self._feeds[key] = feed_origin(
                self.ds, country, self.commodity, stage, self.year, self.max_age
            )
        return self._feeds[key]

    def origin_shares(self, country: str, tiers: int, keep: set[str]) -> tuple[pd.Series, str]:
        """Ultimate origin of ``country``'s supply, ``tiers`` (1 or 2) deep; countries in
        ``keep`` (the restricting countries) are never expanded.

        Examples
        --------
        >>> OriginTracer(ds, "gallium", "refinery", 2022, 3).origin_shares("DEU", 2, {"CHN"})
        ... # doctest: +SKIP
        """
        first = self.feed(country)
        if tiers <= 1 or first.basis == "none" or "bought on the world market" in first.basis:
            # world production shares are the producers' own output: nothing to trace further
            return first.shares, first.basis
        up = upstream_stage(self.ds, self.commodity, self.stage)
        parts = []
        for supplier, weight in first.shares.items():
            if supplier == country or supplier in keep:
                parts.append(pd.Series({supplier: weight}))
                continue
            second = self.feed(str(supplier), up)
            own, _ = _output(self.ds, str(supplier), self.commodity, up, self.year)
            producer = bool(np.isfinite(own) and own > 0)
            world = "bought on the world market" in second.basis
            if second.basis == "none" or second.shares.sum() <= 0 or (world and producer):
                # a producing supplier without trade data ships its own output
                parts.append(pd.Series({supplier: weight}))
                continue
            rest = max(0.0, 1.0 - float(second.shares.sum()))
            parts.append(second.shares * weight)
            if rest > 0:
                parts.append(pd.Series({supplier: weight * rest}))
        shares = pd.concat(parts).groupby(level=0).sum()
        return shares.sort_values(ascending=False), first.basis + "; tier 2 through its suppliers"


def indirect_loss(
    tracer: OriginTracer,
    mix: pd.Series,
    restrictors: set[str],
    cut: dict[str, np.ndarray],
    tiers: int,
) -> tuple[np.ndarray, list[str]]:
    """Monthly share of a consumer's supply lost through third countries, and one note per
    supplier that carries restricted content.

    ``mix`` is the consumer's supply shares by supplier; ``cut[A][t]`` the share of ``A``-origin
    content that does not reach the consumer through a third country in month ``t``.

    Examples
    --------
    >>> loss, notes = indirect_loss(tracer, mix, {"CHN"}, {"CHN": np.ones(12)}, 2)
    ... # doctest: +SKIP
    """
    horizon = len(next(iter(cut.values()))) if cut else 0
    total = np.zeros(horizon)
    notes: list[str] = []
    for supplier, weight in mix.items():
        if supplier in restrictors or supplier not in tracer.ds.country_ids():
            continue
        origin, basis = tracer.origin_shares(str(supplier), tiers, restrictors)
        part = np.zeros(horizon)
        carried = []
        for country in sorted(restrictors):
            share = float(origin.get(country, 0.0))
            if share > 0:
                part = part + share * cut[country]
                carried.append(f"{share:.2f} {country}")
        if carried:
            total = total + float(weight) * np.minimum(part, 1.0)
            notes.append(
                f"{supplier} ({float(weight):.2f} of supply): {', '.join(carried)}; {basis}"
            )
    return total, notes
