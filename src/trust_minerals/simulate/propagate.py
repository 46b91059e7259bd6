"""Monthly propagation of a scenario through the chain: mine → refinery → consumers.

Quantities are in *shares of a consumer's pre-shock monthly supply* (demand = 1 before a demand
shock); tonnes come from the consumer's BACI import quantity at that stage where known.

* producers: an outage removes ``fraction`` of a country's output while active;
* chain: when a mine stage is hit, refined output is limited by feedstock; lost feed is shared
  among refiners in proportion to their output (a country restricting ore exports keeps feeding
  its own refiners first: only ``max(0, mine share − refinery share)`` of its ore counts as
  exported);
* consumers: each buys by its pre-shock import shares at that stage (or world production shares
  with no trade data; the unassigned rest -- ``Other countries``, withheld producers -- is treated as
  one more supplier); export restrictions cut what a restricting country ships to non-exempt
  destinations (licensing: nothing for ``delay_months`` then ``after_share``);
* mitigation: producers not hit raise output by their spare capacity (linear ramp) and it covers
  every consumer's loss in the same proportion (``partner-first``: partners' spare goes first to
  partner consumers, in proportion to the partners' share of world imports); a stockpile covers
  the remaining gap until it runs out;
* price: a market price, not a per-consumer one: the outside market's loss of supply, after a
  buffer of inventories and pre-buying, times a slope fitted to the observed episodes
  (:mod:`trust_minerals.simulate.price`); consumers made up of restricting countries get the
  inside price. A price beyond the range the episodes cover is flagged (``price_in_range``),
  never capped.

Every month ``delivered + shortfall == demand`` (checked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trust_minerals._tables import OTHER_COUNTRIES, TableResult
from trust_minerals.countries import ConsumerLike, resolve_consumer, resolve_consumers
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import NoDataError
from trust_minerals.forms import form_stages
from trust_minerals.metrics.stages import stage_production
from trust_minerals.simulate.baseline import BaselineYear, period_note, pick_year, wanted_year
from trust_minerals.simulate.network import (
    build_supply_mix,
    producer_shares,
)
from trust_minerals.simulate.origin import OriginTracer, indirect_loss
from trust_minerals.simulate.params import parameters
from trust_minerals.simulate.price import outside_market, range_note
from trust_minerals.simulate.spec import (
    DemandShock,
    ExportRestriction,
    Outage,
    Recovery,
    ScenarioSpec,
    SpareCapacity,
    StockpileRelease,
)

OTHER = OTHER_COUNTRIES
SUMMARY_COLUMNS = [
    "consumer",
    "commodity",
    "stage",
    "year",
    "lost_supply",
    "shortfall_share",
    "shortfall_direct_share",
    "shortfall_indirect_share",
    "months_short",
    "price_change_share",
    "price_in_range",
    "price_basis",
    "basis",
    "import_quantity",
    "baseline_year",
    "note",
]
MONTHLY_COLUMNS = [
    "consumer",
    "commodity",
    "stage",
    "month",
    "demand",
    "delivered",
    "shortfall",
    "stock_draw",
    "shortfall_share",
    "price_change_share",
]


@dataclass(frozen=True)
class ScenarioResult(TableResult):
    """``summary``: one row per consumer × commodity × stage; ``monthly``: one row per month;
    ``market``: the outside market per commodity × stage × month (loss, effective loss, prices;
    see :mod:`trust_minerals.simulate.price`); ``source_ids``: the sources of the rows read
    (world production shares, each consumer's supply mix, the outside market's shares)."""

    scenario: ScenarioSpec
    summary: pd.DataFrame
    monthly: pd.DataFrame
    notes: tuple[str, ...]
    market: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_ids: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The summary (one row per consumer × commodity × stage)."""
        return self.summary.copy()


def _baseline(ds: SupplyDataset, commodity: str, stage: str, wanted: int | None) -> BaselineYear:
    prod = stage_production(ds)
    years = prod.loc[
        (prod["commodity"] == commodity) & (prod["stage"] == stage) & ~prod["is_aggregate"], "year"
    ]
    return pick_year(years, wanted, f"{commodity} {stage} production")


def _year(ds: SupplyDataset, commodity: str, stage: str, year: int | None) -> int | None:
    prod = stage_production(ds)
    years = prod.loc[
        (prod["commodity"] == commodity) & (prod["stage"] == stage) & ~prod["is_aggregate"], "year"
    ]
    if years.empty:
        return None
    if year is None:
        return int(years.max())
    before = years[years <= year]
    return int(before.max()) if len(before) else int(years.min())


def _check_names(ds: SupplyDataset, scenario: ScenarioSpec) -> None:
    ds.check_commodities(scenario.commodities(), "scenario shocks")
    countries = [s.country for s in scenario.shocks if isinstance(s, ExportRestriction | Outage)]
    ds.check_countries(countries, "scenario shocks")
    consumers = [
        s.consumer
        for s in scenario.shocks
        if isinstance(s, DemandShock | StockpileRelease | Recovery)
    ]
    spared = [
        n
        for s in scenario.shocks
        if isinstance(s, ExportRestriction)
        for n in [*s.spare, *s.targets]
    ]
    if consumers or spared:
        resolve_consumers(ds, consumers + spared)


def _availability(
    ds: SupplyDataset,
    scenario: ScenarioSpec,
    commodity: str,
    stage: str,
    year: int,
    chain_year: int | None,
) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """World shares at ``stage`` and each producer's available share of output by month."""
    horizon = scenario.horizon_months
    ws = producer_shares(ds, commodity, stage, year)
    shares = pd.concat([ws.shares, pd.Series({OTHER: ws.other_share})])
    avail = {c: np.ones(horizon) for c in shares.index}
    for s in scenario.shocks:
        if isinstance(s, Outage) and s.commodity == commodity and s.stage == stage:
            arr = avail.setdefault(s.country, np.ones(horizon))
            for t in range(horizon):
                if s.active(t):
                    arr[t] = min(arr[t], 1.0 - s.fraction)
    if chain_year is not None:  # refined output limited by mine feed
        mine = producer_shares(ds, commodity, "mine", chain_year).shares
        lost_all = np.zeros(horizon)
        lost_excl: dict[str, np.ndarray] = {}
        for s in scenario.shocks:
            if (
                not isinstance(s, Outage | ExportRestriction)
                or s.commodity != commodity
                or s.stage != "mine"
            ):
                continue
            share_m = float(mine.get(s.country, 0.0))
            for t in range(horizon):
                if isinstance(s, Outage) and s.active(t):
                    lost_all[t] += share_m * s.fraction
                elif isinstance(s, ExportRestriction):
                    exported = max(0.0, share_m - float(shares.get(s.country, 0.0)))
                    own = float(shares.get(s.country, 0.0))
                    lost = exported * (1.0 - s.allowed_share(t)) / max(1e-12, 1.0 - own)
                    lost_excl.setdefault(s.country, np.zeros(horizon))[t] += lost
        for country, arr in avail.items():
            feed_loss = lost_all + sum(
                (v for k, v in lost_excl.items() if k != country), np.zeros(horizon)
            )
            np.minimum(arr, 1.0 - np.clip(feed_loss, 0.0, 1.0), out=arr)
    return shares, avail


def _allowed(
    scenario: ScenarioSpec, commodity: str, stage: str, exempt: set[str], horizon: int
) -> dict[str, np.ndarray]:
    """Share of pre-shock exports each restricting country lets through to this consumer."""
    out: dict[str, np.ndarray] = {}
    for s in scenario.shocks:
        if (
            isinstance(s, ExportRestriction)
            and s.commodity == commodity
            and s.stage == stage
            and s.country not in exempt
        ):
            arr = out.setdefault(s.country, np.ones(horizon))
            arr *= np.array([s.allowed_share(t) for t in range(horizon)])
    return out


def _recovery_share(
    members: Sequence[str], commodity: str, quantity: float, notes: list[str]
) -> float:
    """Median recoverable tonnage of the members (outlook engine) over their annual imports."""
    from trust_minerals.outlook.recovery import recovery_supply

    if not np.isfinite(quantity) or quantity <= 0:
        notes.append(f"recovery for {commodity}: no import quantity to scale it against; ignored")
        return 0.0
    total = 0.0
    for country in members:
        r = recovery_supply(country, commodity, draws=10000, seed=0)
        if not np.isfinite(r.p50):
            notes.append(f"recovery {country} {commodity}: {r.note}; not counted")
            continue
        total += float(r.p50)
        notes.append(
            f"recovery {country} {commodity}: p50 {r.p50:.4g} t/yr "
            f"(p5 {r.p5:.4g}, p95 {r.p95:.4g}; streams {', '.join(r.streams) or 'none'}; {r.note})"
        )
    return total / quantity


def propagate(
    ds: SupplyDataset,
    scenario: ScenarioSpec,
    consumers: ConsumerLike | Sequence[ConsumerLike] = ("USA", "IND"),
    *,
    use_recovery: bool = False,
) -> ScenarioResult:
    """Run ``scenario`` month by month for each consumer.

    Parameters
    ----------
    ds
        The dataset.
    scenario
        The scenario (:func:`~trust_minerals.simulate.spec.load_scenario` or a preset).
    consumers
        Consumers, each assessed on its own: ``"USA,IND"``, a list, ``"USA+IND"`` (one pooled
        consumer), groups (MSP, QUAD, G7, EU, OECD, USA_IND) or a :class:`CountrySet`.
    use_recovery
        Add secondary supply from ``recovery`` shocks (needs the outlook package).

    Returns
    -------
    ScenarioResult
        ``summary`` columns: consumer, commodity, stage, year, lost_supply (t, missing without
        an import quantity), shortfall_share (over the horizon) split into
        shortfall_direct_share and shortfall_indirect_share (through third countries, with
        ``origin_tiers``; see :mod:`~trust_minerals.simulate.origin`), months_short,
        price_change_share (the peak month of the market price, see
        :mod:`~trust_minerals.simulate.price`), price_in_range (False when the price is
        extrapolated beyond the episodes), price_basis, basis (the allocation used, see
        :func:`~trust_minerals.simulate.network.build_supply_mix`), import_quantity (t/yr),
        baseline_year (the pre-shock year wanted: the year before the scenario's ``effective``
        date, see :mod:`~trust_minerals.simulate.baseline`), note (every fallback for this row).
        A consumer with no supply shares at all (``basis='none'``) gets missing values, never 0;
        ``notes`` say which fallbacks were used; ``market`` gives the monthly market prices.

    Examples
    --------
    >>> from trust_minerals.simulate.presets import preset
    >>> r = propagate(ds, preset("china-gallium-2023"), ["USA", "IND"])  # doctest: +SKIP
    """
    _check_names(ds, scenario)
    members = {c.name.upper(): c.members for c in resolve_consumers(ds, consumers)}
    horizon = scenario.horizon_months
    partners = (
        set(resolve_consumer(ds, scenario.partners, role="partner set").members)
        if scenario.allocation == "partner-first"
        else set()
    )
    summary: list[dict[str, object]] = []
    monthly: list[pd.DataFrame] = []
    markets: list[pd.DataFrame] = []
    notes: list[str] = []
    used: set[str] = set()
    wanted, why = wanted_year(scenario)
    max_age = int(parameters()["max_trade_age_years"])
    reach = parameters()["indirect_reach_share"]
    for commodity in scenario.commodities():
        shocks = [s for s in scenario.shocks if s.commodity == commodity]
        stages = [str(s.stage) for s in shocks if hasattr(s, "stage")]
        if "mine" in stages and _year(ds, commodity, "refinery", None) is not None:
            stages.append("refinery")
        if not stages:
            stages = ["refinery" if _year(ds, commodity, "refinery", None) is not None else "mine"]
        for stage in dict.fromkeys(sorted(stages, key=lambda s: s != "mine")):
            picked = _baseline(ds, commodity, stage, wanted)
            year = picked.used
            unpriced = False  # a traded stage whose world production is not published
            if year is None:
                prod = stage_production(ds)
                if not ((prod["commodity"] == commodity) & (prod["stage"] == stage)).any():
                    direct = any(getattr(x, "stage", None) == stage for x in shocks)
                    if not (direct and stage in form_stages(ds, commodity)):
                        raise NoDataError(
                            f"scenario: {commodity} has no production at stage {stage!r}; "
                            "choose a stage with data"
                        )
                    unpriced = True
                    have = prod.loc[prod["commodity"] == commodity, "year"]
                    year = wanted if wanted is not None else int(have.max())
            if year is None:
                why_missing = (
                    f"{commodity} {stage}: only the world total is published (no country "
                    "production), so no country's share is known; shortfall and price left missing"
                )
                notes.append(why_missing)
                summary.extend(_missing_rows(members, commodity, stage, wanted, why_missing))
                continue
            row_notes = [picked.note] if picked.note else []
            if picked.note:
                notes.append(f"{commodity} {stage}: baseline is {why}; {picked.note}")
            chain = (
                _baseline(ds, commodity, "mine", wanted).used
                if stage != "mine" and "mine" in stages
                else None
            )
            avail: dict[str, np.ndarray]
            if unpriced:
                row_notes.append(NO_WORLD_STAGE.format(commodity=commodity, stage=stage))
                notes.append(NO_WORLD_STAGE.format(commodity=commodity, stage=stage))
                shares, avail = pd.Series({OTHER: 1.0}), {}  # world split unknown
            else:
                shares, avail = _availability(ds, scenario, commodity, stage, year, chain)
                used.update(_production_sources(ds, commodity, stage, year))
                if chain is not None:
                    used.update(_production_sources(ds, commodity, "mine", chain))
            # each producer's availability without lost feed: what the consumer's own suppliers
            # lose directly (the rest of a chain loss reaches it through them: indirect)
            own_avail = (
                _availability(ds, scenario, commodity, stage, year, None)[1]
                if chain is not None and not unpriced
                else avail
            )
            targeted_only = {
                s.country for s in shocks if isinstance(s, ExportRestriction) and s.targets
            }
            generic = _allowed(scenario, commodity, stage, targeted_only, horizon)
            lost_world = sum(
                (
                    float(shares.get(c, 0.0))
                    * (1 - avail.get(c, np.ones(horizon)) * generic.get(c, np.ones(horizon)))
                    for c in set(shares.index) | set(generic)
                ),
                np.zeros(horizon),
            )
            hit = set(generic) | {c for c, a in avail.items() if (a < 1).any()}
            spare_w, spare_p = np.zeros(horizon), np.zeros(horizon)
            for s in shocks:
                if isinstance(s, SpareCapacity) and s.stage == stage:
                    ramp = np.array([s.ramp(t) for t in range(horizon)])
                    free = shares.drop(labels=[c for c in hit if c in shares.index])
                    spare_w += s.headroom_share * ramp * float(free.sum())
                    spare_p += (
                        s.headroom_share * ramp * float(free[free.index.isin(partners)].sum())
                    )
            pi = _partner_import_share(ds, partners, commodity, stage) if partners else 0.0
            restrictors = {
                s.country for s in shocks if isinstance(s, ExportRestriction) and s.stage == stage
            }
            market_year = wanted if wanted is not None else year
            priced: dict[tuple[object, ...], pd.DataFrame] = {}
            tracer = (
                OriginTracer(ds, commodity, stage, market_year, max_age)
                if scenario.origin_tiers and market_year is not None
                else None
            )
            for name, mem in members.items():
                sm = build_supply_mix(
                    ds,
                    mem,
                    commodity,
                    stage,
                    wanted if wanted is not None else year,
                    "world" if scenario.allocation == "world" else "trade",
                )
                mix, basis, quantity = sm.shares, sm.basis, sm.import_quantity
                used.update(sm.source_ids)
                if sm.note:
                    notes.append(f"{name} {commodity} {stage}: {sm.note}; basis {basis}")
                stale = period_note(basis, wanted)
                if stale:
                    notes.append(f"{name} {commodity} {stage}: {stale}")
                consumer_notes = [*row_notes, *(n for n in (sm.note, stale) if n)]
                mix = pd.concat([mix, pd.Series({OTHER: max(0.0, 1.0 - float(mix.sum()))})])
                exempt = {
                    s.country
                    for s in shocks
                    if isinstance(s, ExportRestriction) and _exempt(ds, s, mem)
                }
                allowed = _allowed(scenario, commodity, stage, exempt, horizon)
                inside = bool(restrictors) and set(mem) <= restrictors
                hits = generic if inside else allowed
                key = tuple(sorted((c, tuple(a)) for c, a in hits.items()))
                if key not in priced:
                    # a stage without published world production is still priced from the
                    # restricting country's published share of the outside market (missing
                    # when there is none); spare capacity is not estimated there
                    priced[key], market_ids = outside_market(
                        ds,
                        commodity,
                        stage,
                        market_year,
                        restrictors,
                        shares,
                        avail,
                        hits,
                        np.zeros(horizon) if unpriced else spare_w,
                    )
                    markets.append(priced[key])
                    used.update(market_ids)
                market = priced[key]
                price_note = range_note(float(market["effective_loss_share"].max()))
                price_basis = str(market["price_basis"].iloc[0])
                supply = sum(
                    (
                        float(a) * avail.get(c, np.ones(horizon)) * allowed.get(c, np.ones(horizon))
                        for c, a in mix.items()
                    ),
                    np.zeros(horizon),
                )
                supply_own = sum(
                    (
                        float(a)
                        * own_avail.get(c, np.ones(horizon))
                        * allowed.get(c, np.ones(horizon))
                        for c, a in mix.items()
                    ),
                    np.zeros(horizon),
                )
                gross_direct = max(0.0, float((1.0 - supply_own).sum()))
                chain_indirect = max(0.0, float((supply_own - supply).sum()))
                indirect = np.zeros(horizon)
                if scenario.origin_tiers and restrictors and tracer is not None:
                    cut = {
                        a: np.maximum(
                            1.0 - generic.get(a, np.ones(horizon)),
                            reach * (1.0 - allowed.get(a, np.ones(horizon))),
                        )
                        for a in restrictors
                    }
                    indirect, carried = indirect_loss(
                        tracer, mix, restrictors, cut, scenario.origin_tiers
                    )
                    indirect = np.minimum(indirect, supply)
                    if carried:
                        consumer_notes.append("restricted content through " + " | ".join(carried))
                    supply = supply - indirect
                gross_indirect = float(indirect.sum()) + chain_indirect
                loss = 1.0 - supply
                with np.errstate(divide="ignore", invalid="ignore"):
                    if partners and set(mem) <= partners:
                        need = lost_world * pi
                        cover = np.where(need > 0, np.minimum(1.0, spare_p / need), 0.0)
                    elif partners:
                        left = np.maximum(0.0, spare_p - lost_world * pi)
                        need = lost_world * (1 - pi)
                        cover = np.where(
                            need > 0, np.minimum(1.0, (spare_w - spare_p + left) / need), 0.0
                        )
                    else:
                        cover = np.where(lost_world > 0, np.minimum(1.0, spare_w / lost_world), 0.0)
                supply = supply + cover * loss
                recovery = 0.0
                if use_recovery and any(
                    isinstance(s, Recovery) and _matches(s.consumer, name, mem) for s in shocks
                ):
                    recovery = _recovery_share(mem, commodity, quantity, notes)
                supply = supply + recovery
                price = market["price_change_inside" if inside else "price_change_outside"]
                frame = _consumer_months(shocks, name, mem, supply, horizon, price.to_numpy())
                frame.insert(0, "stage", stage)
                frame.insert(0, "commodity", commodity)
                frame.insert(0, "consumer", name)
                monthly.append(frame)
                total_short = float(frame["shortfall"].sum())
                known = basis != "none"
                if not known:
                    notes.append(
                        f"{name} {commodity} {stage}: no supply shares (trade, import sources or "
                        "production); shortfall and price left missing"
                    )
                    frame[["shortfall", "shortfall_share", "price_change_share"]] = np.nan
                nan = float("nan")
                path = frame["price_change_share"].to_numpy()
                gross = gross_direct + gross_indirect
                direct_part = gross_direct / gross if gross > 0 else 1.0
                peak = float(path[np.nanargmax(np.abs(path))]) if np.isfinite(path).any() else nan
                if price_note:
                    consumer_notes.append(price_note)
                    notes.append(f"{name} {commodity} {stage}: {price_note}")
                summary.append(
                    {
                        "consumer": name,
                        "commodity": commodity,
                        "stage": stage,
                        "year": year,
                        "lost_supply": total_short * quantity / 12.0 if known else nan,
                        "shortfall_share": (
                            total_short / float(frame["demand"].sum()) if known else nan
                        ),
                        "shortfall_direct_share": (
                            total_short / float(frame["demand"].sum()) * direct_part
                            if known
                            else nan
                        ),
                        "shortfall_indirect_share": (
                            total_short / float(frame["demand"].sum()) * (1 - direct_part)
                            if known
                            else nan
                        ),
                        "months_short": int((frame["shortfall"] > 1e-9).sum()) if known else None,
                        "price_change_share": peak,
                        "price_in_range": bool(np.isfinite(peak) and not price_note),
                        "price_basis": ("inside " if inside else "outside ") + price_basis,
                        "basis": basis,
                        "import_quantity": quantity,
                        "baseline_year": wanted,
                        "note": "; ".join(consumer_notes),
                    }
                )
    table = pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
    table[["year", "months_short", "baseline_year"]] = table[
        ["year", "months_short", "baseline_year"]
    ].astype("Int64")
    return ScenarioResult(
        scenario,
        table,
        pd.concat(monthly, ignore_index=True)[MONTHLY_COLUMNS],
        tuple(notes),
        pd.concat(markets, ignore_index=True),
        tuple(sorted(used)),
    )


def _production_sources(ds: SupplyDataset, commodity: str, stage: str, year: int) -> set[str]:
    """Sources of the world production shares of one commodity × stage × year."""
    return set(producer_shares(ds, commodity, stage, year).source_ids)


#: note for a stage measured on its traded forms while its world production is not published
NO_WORLD_STAGE = (
    "{commodity} {stage}: world production at this stage is not published; the consumer's mix "
    "comes from the {stage} forms it buys, so a restriction on those forms is counted, but spare "
    "capacity and the chain from the mine stage are not estimated; the market price uses the "
    "restricting country's published share of the outside market where there is one"
)


def _missing_rows(
    members: dict[str, tuple[str, ...]],
    commodity: str,
    stage: str,
    wanted: int | None,
    note: str,
) -> list[dict[str, object]]:
    """Summary rows whose figures are unknown (missing, never 0), with the reason."""
    return [
        {
            "consumer": name,
            "commodity": commodity,
            "stage": stage,
            "year": None,
            "months_short": None,
            "price_in_range": False,
            "basis": "none",
            "baseline_year": wanted,
            "note": note,
        }
        for name in members
    ]


def _matches(consumer: str, name: str, members: Sequence[str]) -> bool:
    return consumer.upper() == name or consumer.upper() in members


def _exempt(ds: SupplyDataset, shock: ExportRestriction, members: Sequence[str]) -> bool:
    """Whether a restriction leaves a consumer alone: every member spared, or (for a restriction
    on named targets) no member targeted."""
    if set(members) <= _spared(ds, shock):
        return True
    if shock.targets:
        targeted = set(resolve_consumer(ds, list(shock.targets), role="targeted countries").members)
        return not set(members) & targeted
    return False


def _spared(ds: SupplyDataset, shock: ExportRestriction) -> set[str]:
    if not shock.spare:
        return set()
    return set(resolve_consumer(ds, list(shock.spare), role="spared countries").members)


def _partner_import_share(
    ds: SupplyDataset, partners: set[str], commodity: str, stage: str
) -> float:
    trade = ds.trade
    t = trade[(trade["commodity"] == commodity) & (trade["stage"] == stage)]
    if t.empty or not t["quantity"].sum() > 0:
        return 0.0
    t = t[t["year"] == t["year"].max()]
    return float(t.loc[t["importer"].isin(partners), "quantity"].sum() / t["quantity"].sum())


def _consumer_months(
    shocks: Sequence[object],
    name: str,
    members: Sequence[str],
    supply: np.ndarray,
    horizon: int,
    price: np.ndarray,
) -> pd.DataFrame:
    demand = np.ones(horizon)
    stock = 0.0
    stock_from = horizon
    for s in shocks:
        if isinstance(s, DemandShock) and _matches(s.consumer, name, members):
            demand += np.array([s.change_share if s.active(t) else 0.0 for t in range(horizon)])
        if isinstance(s, StockpileRelease) and _matches(s.consumer, name, members):
            stock += s.months_of_supply
            stock_from = min(stock_from, s.start_month)
    delivered = np.minimum(demand, supply)
    draw = np.zeros(horizon)
    for t in range(stock_from, horizon):
        draw[t] = min(stock, demand[t] - delivered[t])
        stock -= draw[t]
    delivered = delivered + draw
    shortfall = demand - delivered
    if not np.allclose(delivered + shortfall, demand, rtol=0, atol=1e-9):  # pragma: no cover
        raise AssertionError(f"mass balance violated: supply={supply}, demand={demand}")
    return pd.DataFrame(
        {
            "month": np.arange(horizon),
            "demand": demand,
            "delivered": delivered,
            "shortfall": shortfall,
            "stock_draw": draw,
            "shortfall_share": shortfall / demand,
            "price_change_share": price,
        }
    )
