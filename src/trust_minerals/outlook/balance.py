"""Supply-demand balance: demand against primary supply by stage plus recovery.

Globally, demand is the IEA outlook (kt converted to metric tons) for the minerals that the
concordance ``outlook/data/minerals.csv`` marks ``in_balance``; supply is the world production of
the latest published year at each stage with data (held flat: the dataset has no projection) plus
the recovery modelled for India and the United States. For a country, demand comes from a
deployment plan (the shipped plan for that country and year, or the one given) and supply is the
country's own production plus its recovery. ``gap_t = demand_t - supply_t`` and
``gap_share = gap_t / supply_t`` (positive: a shortfall).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError
from trust_minerals.outlook._files import mineral_concordance, outlook_path, unit_factor
from trust_minerals.outlook.demand import SCENARIOS, demand_outlook_all
from trust_minerals.outlook.plans import PlanSpec, load_plan, plan_demand
from trust_minerals.outlook.recovery import load_streams, percentiles, recovery_supply
from trust_minerals.outlook.supply import production_stages, stage_production

COLUMNS = [
    "scope",
    "commodity",
    "mineral",
    "year",
    "scenario",
    "demand_t",
    "demand_low_t",
    "demand_high_t",
    "demand_basis",
    "stage",
    "primary_t",
    "primary_year",
    "primary_status",
    "recovery_p5_t",
    "recovery_p50_t",
    "recovery_p95_t",
    "recovery_status",
    "supply_t",
    "gap_t",
    "gap_share",
]


def _recovery(
    countries: list[str], commodity: str, draws: int, seed: int
) -> tuple[float, float, float, str]:
    """Recovery summed over ``countries`` (draws added, then percentiles)."""
    total = np.zeros(draws)
    notes: list[str] = []
    any_stream = computed = False
    for c in countries:
        r = recovery_supply(c, commodity, draws=draws, seed=seed)
        if not r.streams and not r.missing:
            continue
        any_stream = True
        if r.streams:
            computed = True
            total += r.draws
            notes.append(
                f"{c}: {', '.join(r.streams)}"
                + (" (lower bound: some streams lack figures)" if r.missing else "")
            )
        else:
            notes.append(f"{c}: figures missing")
    if not any_stream:
        return 0.0, 0.0, 0.0, "no stream modelled"
    if not computed:
        return math.nan, math.nan, math.nan, "; ".join(notes)
    p5, p50, p95 = percentiles(total)
    return p5, p50, p95, "; ".join(notes)


def _supply_rows(
    ds: SupplyDataset,
    commodity: str,
    country: str | None,
    recovery: tuple[float, float, float, str],
) -> list[dict[str, object]]:
    stages = production_stages(ds, commodity)
    rows: list[dict[str, object]] = []
    stage_list: list[str | None] = list(stages) or [None]
    for stage in stage_list:
        if stage is None:
            prod_q, prod_year, prod_status = math.nan, None, "no production data"
        else:
            p = stage_production(ds, commodity, stage, country)
            prod_q, prod_year, prod_status = p.quantity, p.year, p.status
        rec5, rec50, rec95, rec_status = recovery
        if math.isnan(prod_q):
            supply = math.nan
        else:
            supply = prod_q + (0.0 if math.isnan(rec50) else rec50)
            if math.isnan(rec50):
                rec_status += " (recovery not counted in supply_t)"
        rows.append(
            {
                "commodity": commodity,
                "stage": stage,
                "primary_t": prod_q,
                "primary_year": prod_year,
                "primary_status": prod_status,
                "recovery_p5_t": rec5,
                "recovery_p50_t": rec50,
                "recovery_p95_t": rec95,
                "recovery_status": rec_status,
                "supply_t": supply,
            }
        )
    return rows


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    df = df.assign(gap_t=df["demand_t"] - df["supply_t"])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = df["gap_t"].to_numpy(dtype=float) / df["supply_t"].to_numpy(dtype=float)
    share[~np.isfinite(share)] = np.nan
    df["gap_share"] = share
    return df[COLUMNS].reset_index(drop=True)


def _shipped_plan(country: str, year: int | None) -> Path | None:
    for p in sorted(outlook_path("plans").glob("*.yaml")):
        plan = load_plan(p)
        if plan.country == country and (year is None or plan.year == year):
            return p
    return None


def balance(
    ds: SupplyDataset,
    *,
    country: str | None = None,
    year: int | None = None,
    scenario: str | None = "STEPS",
    plan: PlanSpec | str | Path | None = None,
    draws: int = 10000,
    seed: int = 0,
) -> pd.DataFrame:
    """Demand against primary supply by stage plus recovery, per mineral and year.

    Parameters
    ----------
    ds : the dataset (primary production, latest year per stage).
    country : ISO3 for a country balance (demand from ``plan`` or the shipped plan for the country
        and year); ``None`` for the world (demand from the IEA outlook).
    year, scenario : IEA year and scenario (``None``: every year / every scenario) for the world.
    plan : a plan (object, path or shipped name) for a country balance.
    draws, seed : Monte Carlo settings for recovery.

    Returns
    -------
    DataFrame with one row per mineral x year x scenario x stage; see :data:`COLUMNS`. Demand with
    no source (no plan for the country) is NaN with ``demand_basis`` saying so.

    Examples
    --------
    >>> balance(ds, year=2030)  # doctest: +SKIP
    """
    if scenario is not None and scenario not in SCENARIOS:
        from trust_minerals.errors import UnknownNameError

        raise UnknownNameError("scenario", [scenario], list(SCENARIOS), where="balance")
    kt = unit_factor("kt", "mass")
    if country is None:
        demand = demand_outlook_all()
        in_balance = {
            r["name"]
            for r in mineral_concordance()
            if r["file"] == "demand_outlook" and r["in_balance"] == "yes"
        }
        demand = demand[demand["mineral"].isin(in_balance)]
        if scenario is not None:
            demand = demand[demand["scenario"].isin([scenario, "Base year (2023 estimate)"])]
        if year is not None:
            if year not in set(demand["year"]):
                raise InputError(
                    f"year must be one of {sorted(set(demand['year']))} (IEA outlook years), got {year!r}"
                )
            demand = demand[demand["year"] == year]
        demand = demand.drop_duplicates(["mineral", "year", "scenario"])
        countries = sorted({s.country for s in load_streams()})
        supply = []
        commodities = sorted(set(demand["commodity"]))
        ds = ds.select(commodity=commodities)  # small frames for the per-commodity lookups
        for commodity in commodities:
            supply += _supply_rows(
                ds, commodity, None, _recovery(countries, commodity, draws, seed)
            )
        dem = pd.DataFrame(
            {
                "scope": "World",
                "commodity": demand["commodity"],
                "mineral": demand["mineral"],
                "year": demand["year"],
                "scenario": demand["scenario"],
                "demand_t": demand["demand_kt"] * kt,
                "demand_low_t": demand["demand_kt"] * kt,
                "demand_high_t": demand["demand_kt"] * kt,
                "demand_basis": "IEA CMDE 2024 " + demand["scope"] + " (kt x 1000)",
            }
        )
        return _finish(dem.merge(pd.DataFrame(supply), on="commodity", how="left"))

    from trust_minerals.outlook.recovery import _check_country

    _check_country(country)
    if plan is None:
        path = _shipped_plan(country, year)
        plan_spec = load_plan(path) if path is not None else None
    else:
        plan_spec = plan if isinstance(plan, PlanSpec) else load_plan(plan)
    if plan_spec is not None:
        if plan_spec.country != country:
            raise InputError(f"plan {plan_spec.name!r} is for {plan_spec.country}, not {country}")
        if year is not None and plan_spec.year != year:
            raise InputError(f"plan {plan_spec.name!r} is for {plan_spec.year}, not {year}")
        pdem = plan_demand(plan_spec)
        dem = pd.DataFrame(
            {
                "commodity": pdem["commodity"],
                "demand_t": pdem["central"],
                "demand_low_t": pdem["low"],
                "demand_high_t": pdem["high"],
                "demand_basis": f"plan {plan_spec.name}",
            }
        )
        plan_year: int | None = plan_spec.year
    else:
        minerals = sorted({s.mineral for s in load_streams() if s.country == country})
        nan = math.nan
        dem = pd.DataFrame(
            {
                "commodity": minerals,
                "demand_t": nan,
                "demand_low_t": nan,
                "demand_high_t": nan,
                "demand_basis": f"unknown: no demand plan for {country}"
                + (f" {year}" if year else ""),
            }
        )
        plan_year = year
    supply = []
    for commodity in dem["commodity"]:
        supply += _supply_rows(ds, commodity, country, _recovery([country], commodity, draws, seed))
    out = dem.merge(
        pd.DataFrame(
            supply,
            columns=[
                "commodity",
                "stage",
                "primary_t",
                "primary_year",
                "primary_status",
                "recovery_p5_t",
                "recovery_p50_t",
                "recovery_p95_t",
                "recovery_status",
                "supply_t",
            ],
        ),
        on="commodity",
        how="left",
    )
    out = out.assign(
        scope=country,
        mineral=out["commodity"],
        year=plan_year,
        scenario=plan_spec.name if plan_spec is not None else None,
    )
    return _finish(out)
