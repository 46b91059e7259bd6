"""Supply-demand balance that compares like with like, and a consumer's import need.

**World.** Demand is the IEA outlook (Critical Minerals Data Explorer 2024, kt -> t): total demand
where the IEA gives it, else clean-technology demand. Each demand series is set against supply at
the stages listed in ``outlook/data/balance_scope.csv``, on the demand's content basis (supply
converted with the sourced factors of :mod:`trust_minerals.outlook.scope`). The ``comparison``
column says what the row may be read as:

* ``gap`` -- total demand against total supply on the same basis: ``gap_t = demand_t - supply_t``,
  ``gap_share = gap_t / supply_t`` (positive: a shortfall);
* ``share`` -- clean-technology (or plan) demand, or supply of another scope (natural graphite
  only, all rare earths against magnet rare earths): only ``demand_share_of_supply``;
* ``none`` -- no supply on a comparable basis; the reason is in ``comparison_note``.

**Consumer** (``consumer=`` any text :func:`trust_minerals.countries.resolve_consumer` reads).
Demand comes from a deployment plan (the shipped plan for the consumer and year, or the one
given); domestic primary supply is the consumer's own output at each stage (0 where USGS lists
no output for it: a full import need, not "no data"). The import need is bounded:
``import_need_low_t`` if all domestic output went to the plan's uses, ``import_need_high_t`` if
none did (a plan covers clean-energy deployments only); where the two agree (no domestic output)
it is ``import_need_t``. Each row links to the exposure of that need: the consumer's supply mix
today at that stage by the rule risk and criticality use
(:func:`trust_minerals.simulate.network.build_supply_mix`: trade in the stage's own forms; for the
US, USGS import sources or USITC DataWeb; else world shares at the stage), never trade summed over
all forms of the commodity: the top supplier, China's share and the suppliers' HHI, with the basis
and any fallback stated in ``exposure_basis``. China's share is missing where the mix is partial
(world shares with unnamed producers) and China is not named.

**Recovery** counts only operating or announced capacity unless ``include_potential`` (see
:mod:`trust_minerals.outlook.levels`); ``recovery_note`` says which level was counted.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.countries import ConsumerLike, CountrySet, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.outlook._files import outlook_path, unit_factor
from trust_minerals.outlook.demand import BASE_YEAR_SCENARIO, SCENARIOS, demand_outlook_all
from trust_minerals.outlook.levels import recovery_counted
from trust_minerals.outlook.plans import PlanSpec, load_plan, plan_demand
from trust_minerals.outlook.projection import iea_supply
from trust_minerals.outlook.recovery import load_streams
from trust_minerals.outlook.scope import (
    SupplyScope,
    comparison,
    conversion,
    scopes_for_commodity,
    scopes_for_demand,
    to_demand_basis,
)
from trust_minerals.outlook.supply import stage_production

WORLD = "World"
_DEMAND_SCOPE = {"total_demand": "total", "clean_tech_total": "clean technologies"}

COLUMNS = [
    "consumer",
    "commodity",
    "demand_name",
    "year",
    "scenario",
    "stage",
    "unit",
    "demand_t",
    "demand_low_t",
    "demand_high_t",
    "demand_scope",
    "demand_basis",
    "supply_scope",
    "supply_basis",
    "conversion",
    "primary_published_t",
    "primary_t",
    "primary_year",
    "primary_status",
    "recovery_counted_t",
    "recovery_note",
    "supply_t",
    "comparison",
    "comparison_note",
    "demand_share_of_supply",
    "gap_t",
    "gap_share",
    "import_need_t",
    "import_need_low_t",
    "import_need_high_t",
    "import_need_note",
    "top_supplier",
    "top_supplier_share",
    "china_share",
    "supplier_hhi",
    "exposure_basis",
]


def _usgs(
    ds: SupplyDataset, scope: SupplyScope, country: str | None
) -> tuple[float, int | None, str]:
    assert scope.stage is not None
    p = stage_production(ds, scope.commodity, scope.stage, country, forms=scope.forms)
    if country is not None and (p.status == "no data" or p.status.startswith("no data for")):
        return 0.0, None, f"{country}: no output listed (USGS), counted as 0"
    held = f"USGS {p.year}, held constant" if p.year is not None else "USGS"
    who = "world" if country is None else country
    return p.quantity, p.year, f"{who}: {p.status} ({held})"


def _one(
    ds: SupplyDataset, scope: SupplyScope, country: str | None, year: int | None
) -> tuple[float, int | None, str]:
    """Primary output (t, as published) of the world (``None``) or one country in ``year``."""
    assert scope.stage is not None
    if scope.source == "iea":
        got = iea_supply(ds, scope.commodity, scope.stage, country, year)
        if got is not None:
            q, used, label = got
            return q, used, f"{'world' if country is None else country}: {label}"
        why = (
            "not listed by the IEA (inside its 'Rest of world')"
            if country is not None
            else "no IEA base case for this stage in the store"
        )
        if not scope.usgs_fallback:
            who = "world" if country is None else country
            return math.nan, None, f"{who}: {why}; USGS output is on another basis"
        q, used, status = _usgs(ds, scope, country)
        return q, used, f"{status} ({why})"
    return _usgs(ds, scope, country)


def _primary(
    ds: SupplyDataset, scope: SupplyScope, members: tuple[str, ...] | None, year: int | None
) -> tuple[float, int | None, str]:
    """Primary output (t, as published) of the world (``None``) or the members, summed."""
    if members is None:
        return _one(ds, scope, None, year)
    total, years, statuses = 0.0, [], []
    for country in members:
        q, y, status = _one(ds, scope, country, year)
        total += q  # NaN (withheld) propagates
        years.append(y)
        statuses.append(status)
    return total, max((y for y in years if y is not None), default=None), "; ".join(statuses)


def _supply_rows(
    ds: SupplyDataset,
    scopes: tuple[SupplyScope, ...],
    members: tuple[str, ...] | None,
    recovery_countries: tuple[str, ...],
    include_potential: bool,
    years: list[int | None],
) -> list[dict[str, object]]:
    """One row per scope (stage) and year: supply on the demand basis, with its labels."""
    rows: list[dict[str, object]] = []
    nan = math.nan
    for scope in scopes:
        rec, notes = 0.0, []
        for country in recovery_countries:
            r = recovery_counted(country, scope.commodity, include_potential=include_potential)
            if r.level == "none":
                continue
            rec += r.quantity
            notes.append(f"{country}: {r.note}")
        fixed = None
        for year in years:
            if scope.stage is None or not scope.comparable:
                published, used, status = nan, None, "not compared"
            elif scope.source == "usgs":
                fixed = fixed or _primary(ds, scope, members, year)
                published, used, status = fixed
            else:
                published, used, status = _primary(ds, scope, members, year)
            primary = to_demand_basis(published, scope)
            rows.append(
                {
                    "commodity": scope.commodity,
                    "demand_name": scope.demand_name,
                    "year": year,
                    "stage": scope.stage,
                    "supply_scope": scope.supply_scope,
                    "supply_basis": scope.supply_basis,
                    "conversion": scope.conversion.describe() if scope.conversion else "",
                    "primary_published_t": published,
                    "primary_t": primary,
                    "primary_year": used,
                    "primary_status": status,
                    "recovery_counted_t": rec,
                    "recovery_note": "; ".join(notes) or "no residue stream modelled",
                    "supply_t": primary + (0.0 if math.isnan(rec) else rec),
                    "_scope": scope,
                }
            )
    return rows


def _compare(df: pd.DataFrame) -> pd.DataFrame:
    """Add comparison, shares and gaps (vectorised over rows)."""
    pairs = [
        comparison(str(ds_), sc) for ds_, sc in zip(df["demand_scope"], df["_scope"], strict=True)
    ]
    df["comparison"] = [p[0] for p in pairs]
    df["comparison_note"] = [p[1] for p in pairs]
    demand = df["demand_t"].to_numpy(dtype=float)
    supply = df["supply_t"].to_numpy(dtype=float)
    compared = df["comparison"].to_numpy() != "none"
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(compared & (supply > 0), demand / supply, np.nan)
        gap = np.where(df["comparison"].to_numpy() == "gap", demand - supply, np.nan)
        gap_share = np.where(supply > 0, gap / supply, np.nan)
    df["demand_share_of_supply"] = share
    df["gap_t"] = gap
    df["gap_share"] = gap_share
    return df


def _world(
    ds: SupplyDataset, year: int | None, scenario: str | None, include_potential: bool
) -> pd.DataFrame:
    demand = demand_outlook_all()
    if scenario is not None:
        demand = demand[demand["scenario"].isin([scenario, BASE_YEAR_SCENARIO])]
    if year is not None:
        valid = sorted(set(demand["year"]))
        if year not in valid:
            raise InputError(f"year must be one of {valid} (IEA outlook years), got {year!r}")
        demand = demand[demand["year"] == year]
    names = sorted(set(demand["demand_name"]))
    recovery_countries = tuple(sorted({s.country for s in load_streams()}))
    supply: list[dict[str, object]] = []
    known = set(ds.commodity_ids())
    wanted = {s.commodity for n in names for s in scopes_for_demand(n)} & known
    small = ds.select(commodity=sorted(wanted))  # small frames for the per-commodity look-ups
    years: list[int | None] = sorted(set(demand["year"]))
    for name in names:
        supply += _supply_rows(
            small, scopes_for_demand(name), None, recovery_countries, include_potential, years
        )
    kt = unit_factor("kt", "mass")
    dem = pd.DataFrame(
        {
            "demand_name": demand["demand_name"],
            "year": demand["year"],
            "scenario": demand["scenario"],
            "demand_t": demand["demand_kt"] * kt,
            "demand_scope": demand["scope"].map(_DEMAND_SCOPE),
            "demand_basis": "IEA CMDE 2024 "
            + demand["scope"].map(_DEMAND_SCOPE)
            + " demand (kt x 1000; "
            + demand["source_location"].str.extract(r"sheet '([^']+)'", expand=False).fillna("")
            + ")",
        }
    )
    dem["demand_low_t"] = dem["demand_t"]
    dem["demand_high_t"] = dem["demand_t"]
    sup = pd.DataFrame(supply)
    if sup.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = dem.merge(sup, on=["demand_name", "year"], how="inner")
    out["consumer"] = WORLD
    out["unit"] = "t"
    out = _compare(out)
    for col in ("import_need_t", "import_need_low_t", "import_need_high_t", "top_supplier_share"):
        out[col] = math.nan
    for col in ("china_share", "supplier_hhi"):
        out[col] = math.nan
    out["import_need_note"] = "world balance: no import need"
    out["top_supplier"] = None
    out["exposure_basis"] = ""
    return out[COLUMNS].sort_values(["commodity", "demand_name", "year", "scenario", "stage"])


@cache
def _shipped_plans() -> tuple[PlanSpec, ...]:
    """The plans shipped in ``outlook/plans`` (read once: package files do not change)."""
    return tuple(load_plan(p) for p in sorted(outlook_path("plans").glob("*.yaml")))


def _shipped_plan(country: str, year: int | None) -> PlanSpec | None:
    for plan in _shipped_plans():
        if plan.country == country and (year is None or plan.year == year):
            return plan
    return None


def _plan_for(consumer: CountrySet, year: int | None, plan: PlanSpec | str | Path | None):  # type: ignore[no-untyped-def]
    if plan is None:
        if len(consumer.members) != 1:
            return None
        return _shipped_plan(consumer.members[0], year)
    spec = plan if isinstance(plan, PlanSpec) else load_plan(plan)
    if consumer.members != (spec.country,):
        raise InputError(f"plan {spec.name!r} is for {spec.country}, not {consumer.name}")
    if year is not None and spec.year != year:
        raise InputError(f"plan {spec.name!r} is for {spec.year}, not {year}")
    return spec


def _exposures(
    ds: SupplyDataset,
    pairs: list[tuple[str, str | None]],
    members: tuple[str, ...],
    year: int | None,
) -> tuple[dict[tuple[str, str | None], dict[str, object]], tuple[str, ...]]:
    """Who supplies the consumer at each ``(commodity, stage)``: the supply-mix rule of risk and
    criticality (:func:`~trust_minerals.simulate.network.build_supply_mixes`: trade in the
    stage's own forms; for the US, USGS import sources or USITC DataWeb; else world shares at the
    stage), with its basis and any fallback stated in ``exposure_basis``; and the sources of the
    rows read."""
    from trust_minerals.metrics.governance import hhi_wgi
    from trust_minerals.simulate.network import build_supply_mixes

    none: dict[str, object] = {
        "top_supplier": None,
        "top_supplier_share": math.nan,
        "china_share": math.nan,
        "supplier_hhi": math.nan,
    }
    out: dict[tuple[str, str | None], dict[str, object]] = {}
    staged = [(c, s) for c, s in pairs if s is not None]
    for c, s in pairs:
        if s is None:
            out[(c, s)] = none | {
                "exposure_basis": "no stage to measure supply at (no supply rule)"
            }
        elif year is None:
            out[(c, s)] = none | {"exposure_basis": "no trade year in the data"}
    if year is None or not staged:
        return out, ()
    frame = pd.DataFrame(staged, columns=["commodity", "stage"]).assign(year=year)
    mixes = build_supply_mixes(ds, members, frame)
    by_pair = {
        k: g.set_index("country")["share"] for k, g in mixes.shares.groupby(["commodity", "stage"])
    }
    for c, s, b, n in mixes.basis[["commodity", "stage", "basis", "note"]].itertuples(index=False):
        key = (str(c), str(s))
        basis = f"{s} supply mix: {b}" + (f" ({n})" if n else "")
        shares = by_pair.get(key, pd.Series(dtype=float)).dropna()
        if shares.empty or not shares.sum() > 0:
            out[key] = none | {"exposure_basis": basis}
            continue
        # a complete mix adds up to 1; a partial one (world shares with "Other countries" or
        # withheld producers) leaves China's share unknown where China is not named
        complete = abs(float(shares.sum()) - 1.0) < 1e-6
        china = float(shares["CHN"]) if "CHN" in shares.index else (0.0 if complete else math.nan)
        top = shares.sort_values(ascending=False, kind="mergesort")
        out[key] = {
            "top_supplier": str(top.index[0]),
            "top_supplier_share": float(top.iloc[0]),
            "china_share": china,
            # plain HHI of the shares (the governance-weighted HHI with every weight 1); a lower
            # bound where the mix is partial
            "supplier_hhi": hhi_wgi(shares, pd.Series(1.0, index=shares.index)),
            "exposure_basis": basis,
        }
    return out, mixes.source_ids


def _import_need(df: pd.DataFrame) -> pd.DataFrame:
    demand = df["demand_t"].to_numpy(dtype=float)
    primary = df["primary_t"].to_numpy(dtype=float)
    rec = df["recovery_counted_t"].to_numpy(dtype=float)
    compared = df["comparison"].to_numpy() != "none"
    high = np.where(compared, np.maximum(demand - rec, 0.0), np.nan)
    low = np.where(compared, np.maximum(demand - primary - rec, 0.0), np.nan)
    exact = compared & (primary == 0)
    df["import_need_high_t"] = high
    df["import_need_low_t"] = low
    df["import_need_t"] = np.where(exact, high, np.nan)
    notes = []
    for d, p, ok, note, ex in zip(
        demand, primary, compared, df["comparison_note"], exact, strict=True
    ):
        if math.isnan(d):
            notes.append("no demand figure (see demand_basis)")
        elif not ok:
            notes.append(f"blank: {note}")
        elif math.isnan(p):
            notes.append("blank: domestic output not published (withheld or not available)")
        elif ex:
            notes.append("no domestic primary output: the whole demand is an import need")
        else:
            notes.append(
                "a range: the low figure if all domestic output serves the plan, the high one "
                "if none does; the plan covers clean-energy deployments only"
            )
    df["import_need_note"] = notes
    return df


def _consumer(
    ds: SupplyDataset,
    consumer: CountrySet,
    year: int | None,
    scenario: str | None,
    plan: PlanSpec | str | Path | None,
    include_potential: bool,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    spec = _plan_for(consumer, year, plan)
    if spec is not None:
        pdem = plan_demand(spec)
        dem = pd.DataFrame(
            {
                "commodity": pdem["commodity"],
                "demand_t": pdem["central"],
                "demand_low_t": pdem["low"],
                "demand_high_t": pdem["high"],
            }
        )
        dem["demand_scope"] = "plan deployments"
        dem["demand_basis"] = (
            f"plan {spec.name} (clean-energy deployments in {spec.year}; "
            "the same for every IEA scenario)"
        )
        the_year: int | None = spec.year
        years: list[int | None] = [spec.year]
        label = spec.name if scenario is None else f"{spec.name} ({scenario})"
        scopes = {c: scopes_for_commodity(c) for c in dem["commodity"]}
    else:
        the_year = year
        label = scenario
        all_years = sorted(set(demand_outlook_all()["year"]))
        if year is not None and year not in all_years:
            raise InputError(f"year must be one of {all_years} (IEA outlook years), got {year!r}")
        years = [year] if year is not None else list(all_years)
        names = sorted(set(demand_outlook_all()["demand_name"]))
        scopes = {}
        for n in names:
            for s in scopes_for_demand(n):
                scopes.setdefault(s.commodity, scopes_for_demand(n))
        dem = pd.DataFrame({"commodity": sorted(scopes)})
        for col in ("demand_t", "demand_low_t", "demand_high_t"):
            dem[col] = math.nan
        dem["demand_scope"] = "unknown"
        dem["demand_basis"] = (
            f"unknown: no demand plan for {consumer.name}"
            + (f" {year}" if year else "")
            + " (the IEA outlook is world demand only; give plan=)"
        )
    recovery_countries = tuple(
        c for c in consumer.members if any(s.country == c for s in load_streams())
    )
    supply: list[dict[str, object]] = []
    for commodity in dem["commodity"]:
        sc = scopes.get(commodity) or ()
        if not sc:
            sc = (
                SupplyScope(
                    "",
                    commodity,
                    None,
                    (),
                    "usgs",
                    False,
                    "none",
                    "no supply rule",
                    None,
                    False,
                    "no supply rule in balance_scope.csv",
                ),
            )
        supply += _supply_rows(
            ds, sc, consumer.members, recovery_countries, include_potential, years
        )
    out = dem.merge(pd.DataFrame(supply), on="commodity", how="left")
    out["consumer"] = consumer.name
    out["scenario"] = label
    out["unit"] = "t"
    out = _import_need(_compare(out))
    ref_year = the_year if the_year is not None else int(ds.trade["year"].max())
    from trust_minerals.metrics.reliance import trade_year

    ty = trade_year(ds, ref_year)
    needs = out["import_need_high_t"].to_numpy(dtype=float)
    keys = [
        (str(c), None if pd.isna(s) else str(s))
        for c, s in zip(out["commodity"], out["stage"], strict=True)
    ]
    wanted = list(dict.fromkeys(k for k, n in zip(keys, needs, strict=True) if n > 0))
    found, ids = _exposures(ds, wanted, consumer.members, ty)
    exposures: list[dict[str, object]] = [
        found[k] if n > 0 else {"exposure_basis": "no import need" if n == 0 else ""}
        for k, n in zip(keys, needs, strict=True)
    ]
    exp = pd.DataFrame(exposures, index=out.index)
    for col in (
        "top_supplier",
        "top_supplier_share",
        "china_share",
        "supplier_hhi",
        "exposure_basis",
    ):
        out[col] = exp.get(col, math.nan)
    out = out[COLUMNS].sort_values(["commodity", "year", "stage"], na_position="last")
    return out, ids


def balance(
    ds: SupplyDataset,
    *,
    consumer: ConsumerLike | None = None,
    year: int | None = None,
    scenario: str | None = "STEPS",
    plan: PlanSpec | str | Path | None = None,
    include_potential: bool = False,
) -> pd.DataFrame:
    """Demand against supply on the same scope and basis, per commodity, year, scenario and stage.

    Parameters
    ----------
    ds : the dataset (primary production, trade).
    consumer : ``None`` for the world (IEA demand); else any consumer text or set (``"IND"``,
        ``"USA+IND"``, ``"usa_ind"``, ``"MSP"``, a :class:`CountrySet`) for its import need.
    year, scenario : IEA year and scenario (``None``: every year / every scenario).
    plan : a deployment plan (object, path or shipped name) for a consumer balance; default the
        shipped plan for the consumer and year.
    include_potential : count technically recoverable recovery (not only capacity) in supply.

    Returns
    -------
    DataFrame with :data:`COLUMNS`, one row per commodity x demand series x year x scenario x
    stage. See the module docstring for what ``comparison``, the gap and the import need mean.

    Examples
    --------
    >>> b = balance(ds, consumer="IND", year=2030)  # doctest: +SKIP
    >>> b.loc[b["commodity"] == "lithium", ["import_need_t", "china_share"]]  # doctest: +SKIP
    """
    return balance_with_exposure_sources(
        ds,
        consumer=consumer,
        year=year,
        scenario=scenario,
        plan=plan,
        include_potential=include_potential,
    )[0]


def balance_with_exposure_sources(
    ds: SupplyDataset,
    *,
    consumer: ConsumerLike | None = None,
    year: int | None = None,
    scenario: str | None = "STEPS",
    plan: PlanSpec | str | Path | None = None,
    include_potential: bool = False,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """:func:`balance` and the sources of the rows its supplier columns read (the consumer's
    supply mixes; empty for the world balance).

    Examples
    --------
    >>> table, ids = balance_with_exposure_sources(ds, consumer="IND", year=2030)  # doctest: +SKIP
    """
    if scenario is not None and scenario not in SCENARIOS:
        raise UnknownNameError("scenario", [scenario], list(SCENARIOS), where="balance")
    if consumer is None:
        if plan is not None:
            raise InputError("a plan is for a consumer balance: give consumer= as well")
        return _world(ds, year, scenario, include_potential).reset_index(drop=True), ()
    members = resolve_consumer(ds, consumer)
    table, ids = _consumer(ds, members, year, scenario, plan, include_potential)
    return table.reset_index(drop=True), ids


def lce(quantity_li_t: float) -> float:
    """Lithium content (t) as lithium carbonate equivalent (t), with the stoichiometric factor.

    Examples
    --------
    >>> round(lce(1.0), 3)
    5.323
    """
    return quantity_li_t / conversion("lce_to_li").factor


#: columns of :func:`commodity_outlook`
OUTLOOK_COLUMNS = [
    "consumer",
    "demand_name",
    "year",
    "stage",
    "demand_t",
    "demand_scope",
    "supply_t",
    "supply_basis",
    "primary_status",
    "comparison",
    "demand_share_of_supply",
    "gap_share",
    "import_need_t",
    "import_need_low_t",
    "import_need_high_t",
    "china_share",
    "top_supplier",
    "top_supplier_share",
    "comparison_note",
]


def commodity_outlook(
    ds: SupplyDataset,
    commodity: str,
    *,
    consumer: ConsumerLike | None = None,
    scenario: str = "STEPS",
    years: tuple[int, ...] = (2030, 2035, 2040),
) -> pd.DataFrame:
    """The balance rows of one commodity for a brief: world by year, then the consumer's need.

    World rows for ``years`` (one scenario); consumer rows where the consumer has a shipped plan
    (its year), otherwise none. Columns :data:`OUTLOOK_COLUMNS`.

    Examples
    --------
    >>> commodity_outlook(ds, "lithium", consumer="IND")  # doctest: +SKIP
    """
    ds.check_commodities([commodity], "commodity_outlook")
    world = balance(ds, scenario=scenario)
    world = world[(world["commodity"] == commodity) & world["year"].isin(years)]
    parts = [world]
    if consumer is not None:
        members = resolve_consumer(ds, consumer)
        spec = _plan_for(members, None, None)
        if spec is not None:
            own = balance(ds, consumer=members, year=spec.year, scenario=scenario)
            parts.append(own[own["commodity"] == commodity])
    rows = [r for part in parts for r in part[OUTLOOK_COLUMNS].to_dict("records")]
    return pd.DataFrame(rows, columns=OUTLOOK_COLUMNS)
