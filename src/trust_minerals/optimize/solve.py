"""``optimize_sourcing``: the consumer's CVaR-optimal sourcing portfolio from the dataset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult
from trust_minerals.countries import resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, NoDataError, UnknownNameError
from trust_minerals.optimize.capacity import (
    RECOVERY,
    capacity_source_ids,
    exportable_capacity,
    stage_rows,
)
from trust_minerals.optimize.infeasibility import Conflict, explain_infeasibility, explanation_text
from trust_minerals.optimize.inputs import (
    DRAW_SOURCE_COLUMNS,
    loss_matrix,
    partner_countries,
    recovery_capacity,
    status_quo,
    unit_costs,
)
from trust_minerals.optimize.model import BINDING_TOL, SourcingProblem, cvar, solve_problem
from trust_minerals.optimize.position import feed_text
from trust_minerals.optimize.spec import SourcingSpec
from trust_minerals.schema import vocabulary
from trust_minerals.sources import column_sources, group_source_ids

PORTFOLIO_COLUMNS = [
    "supplier",
    "flow_opt",
    "share",
    "capacity",
    "capacity_basis",
    "partner",
    "status_quo_share",
    "contract",
    "unit_cost",
    "cost_basis",
    "world_share",
]


class LossLike(Protocol):
    """Anything shaped like the scenario engine's ``LossDraws``."""

    countries: tuple[str, ...]
    loss_share: np.ndarray


@dataclass(frozen=True, eq=False)
class Prepared:
    """Everything :func:`optimize_sourcing` derives from the dataset before solving."""

    spec: SourcingSpec
    problem: SourcingProblem
    capacity: pd.DataFrame
    status_quo: pd.Series
    status_quo_basis: str
    status_quo_loss: np.ndarray
    cost_basis: pd.Series
    unit: str
    year: int
    notes: tuple[str, ...]
    source_ids: tuple[str, ...] = ()
    supply_basis: str = ""


@dataclass(frozen=True, eq=False)
class SourcingResult(TableResult):
    """The optimal portfolio, its risk against the status quo, and the binding constraints.

    ``cvar_before`` is the CVaR of the status-quo mix scaled to the demand; that mix need not
    meet the constraints (``status_quo_feasible``), so the optimum can be riskier than it when,
    e.g., a partner share is required that the status quo does not reach.

    ``status`` is ``'optimal'`` or ``'infeasible'``; an infeasible result carries ``conflicts``
    and ``explanation`` (which constraints conflict and by how much) and no flows.

    ``supply_basis`` says where the suppliers and their capacity at the stage come from (USGS
    world production, or the IEA 2023 estimate where USGS publishes no table for the stage), with
    source id, year, unit and content basis; ``source_ids`` are those of every row read.
    """

    spec: SourcingSpec
    status: str
    portfolio: pd.DataFrame
    objective: float
    cvar_before: float
    cvar_after: float
    expected_shortfall_before: float
    expected_shortfall_after: float
    partner_share_opt: float
    cost_opt: float
    binding: pd.DataFrame
    conflicts: tuple[Conflict, ...]
    explanation: str
    status_quo_basis: str
    status_quo_feasible: bool
    unit: str
    year: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    source_ids: tuple[str, ...] = ()
    supply_basis: str = ""

    @property
    def flow_opt(self) -> pd.Series:
        """Optimal flow by supplier (in ``unit``)."""
        return self.portfolio.set_index("supplier")["flow_opt"]

    def summary(self) -> pd.DataFrame:
        """One row: objective, CVaR before and after, expected shortfall, partner share, cost."""
        return pd.DataFrame(
            [
                {
                    "status": self.status,
                    "objective": self.objective,
                    "cvar_before": self.cvar_before,
                    "cvar_after": self.cvar_after,
                    "expected_shortfall_before": self.expected_shortfall_before,
                    "expected_shortfall_after": self.expected_shortfall_after,
                    "partner_share_opt": self.partner_share_opt,
                    "cost_opt": self.cost_opt,
                    "alpha": self.spec.alpha,
                    "demand": self.spec.demand,
                    "unit": self.unit,
                    "year": self.year,
                    "supply_basis": self.supply_basis,
                    "status_quo_basis": self.status_quo_basis,
                    "status_quo_feasible": self.status_quo_feasible,
                    "explanation": self.explanation,
                }
            ]
        )

    def conflicts_frame(self) -> pd.DataFrame:
        """The conflicts of an infeasible result, one row each (empty when feasible)."""
        return pd.DataFrame(
            [
                {
                    "constraints": ", ".join(c.constraints),
                    "required": c.required,
                    "available": c.available,
                    "gap": c.gap,
                    "message": c.message,
                }
                for c in self.conflicts
            ],
            columns=["constraints", "required", "available", "gap", "message"],
        )

    def to_frame(self) -> pd.DataFrame:
        """Portfolio rows plus a final ``summary`` row carrying objective and CVaR before/after."""
        rows = self.portfolio[PORTFOLIO_COLUMNS[:7]].copy()
        rows["objective"] = np.nan
        rows["cvar_before"] = np.nan
        rows["cvar_after"] = np.nan
        total = {
            "supplier": "summary",
            "flow_opt": float(self.portfolio["flow_opt"].sum(min_count=1)),
            "share": float(self.portfolio["share"].sum(min_count=1)),
            "partner": None,
            "objective": self.objective,
            "cvar_before": self.cvar_before,
            "cvar_after": self.cvar_after,
        }
        return pd.DataFrame([*rows.to_dict("records"), total], columns=list(rows.columns))


def _loss_from(loss: LossLike | pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[str]]:
    if isinstance(loss, pd.DataFrame):
        names, arr = [str(c) for c in loss.columns], loss.to_numpy(dtype=float)
    else:
        names, arr = list(loss.countries), np.asarray(loss.loss_share, dtype=float)
    index = {c: j for j, c in enumerate(names)}
    out = np.zeros((arr.shape[0], len(columns)))
    missing = []
    for i, c in enumerate(columns):
        if c in index:
            out[:, i] = arr[:, index[c]]
        else:
            missing.append(c)
    notes = (
        [f"no disruption draws for {', '.join(missing)}: treated as undisrupted"] if missing else []
    )
    return out, notes


def prepare(
    ds: SupplyDataset, spec: SourcingSpec, *, loss: LossLike | pd.DataFrame | None = None
) -> Prepared:
    """Derive the :class:`SourcingProblem` (and the status quo) for ``spec`` from ``ds``."""
    ds.check_commodities([spec.commodity], "commodity=")
    if spec.stage not in vocabulary("stage"):
        raise UnknownNameError("stage", [spec.stage], list(vocabulary("stage")), "stage=")
    members = resolve_consumer(ds, spec.consumer).members
    notes: list[str] = []
    cap = exportable_capacity(
        ds,
        spec.commodity,
        spec.stage,
        members,
        year=spec.year,
        form=spec.form,
        exportable_fraction=spec.exportable_fraction,
        capacities=spec.capacities,
    )
    unit = str(cap["unit"].iloc[0]) if not cap.empty else ""
    year = int(cap["year"].iloc[0]) if not cap.empty else int(spec.year or 0)
    if spec.recovery and RECOVERY not in set(cap["supplier"]):
        qty, basis, recovery_ids = recovery_capacity(members, spec.commodity, unit, seed=spec.seed)
        extra = pd.DataFrame(
            [
                {
                    "supplier": RECOVERY,
                    "production_status": "recovery",
                    "capacity": qty,
                    "capacity_basis": basis,
                    "unit": unit,
                    "year": year,
                    # the sources of the residue figures it was computed from
                    "source_id": ", ".join(recovery_ids) or None,
                    "note": "",
                }
            ],
            columns=cap.columns,
        )
        cap = pd.concat([cap, extra], ignore_index=True) if not cap.empty else extra
    unknown = cap[cap["capacity"].isna()]
    for r in unknown.itertuples(index=False):
        notes.append(
            f"{r.supplier}: production {r.production_status}, capacity unknown; not offered "
            "(give capacities= to include it)"
        )
    offered = cap[cap["capacity"].notna()].reset_index(drop=True)
    suppliers = [str(s) for s in offered["supplier"]]
    if not suppliers:
        if unknown.empty:
            why = f"no country has a {spec.commodity} {spec.stage} production row"
        else:
            listed = ", ".join(f"{r.supplier} {r.production_status}" for r in unknown.itertuples())
            why = (
                f"no {spec.commodity} {spec.stage} producer has a published figure for {year} "
                f"({listed})"
            )
        raise NoDataError(
            f"suppliers: the supplier set is empty: {why}; give capacities= (--capacity) to add "
            "suppliers"
        )
    bad = sorted(set(spec.contracts) - set(suppliers))
    if bad:
        raise UnknownNameError("supplier", bad, suppliers, "contracts=")
    partners = set(partner_countries(ds, spec.partners)) | set(members) | {RECOVERY}
    rows = stage_rows(ds, spec.commodity, spec.stage, year=year or None, form=spec.form)
    supply_basis = stage_source_text(ds, rows, spec.commodity, spec.stage)
    sq = status_quo(ds, members, spec.commodity, spec.stage, year)
    sq_only = [c for c in sq.shares.index if c not in set(suppliers)]
    columns = suppliers + sq_only
    if loss is None:
        matrix, more = loss_matrix(
            ds,
            spec.commodity,
            spec.stage,
            year,
            columns,
            draws=spec.draws,
            seed=spec.seed,
            severity=spec.severity,
        )
    else:
        matrix, more = _loss_from(loss, columns)
    notes += more
    costs = unit_costs(ds, spec.commodity, spec.stage, suppliers)
    for name, value in spec.unit_costs.items():
        if name not in costs.cost.index:
            raise UnknownNameError("supplier", [name], suppliers, "unit_costs=")
        costs.cost[name] = value
        costs.basis[name] = "override"
    used = set(capacity_source_ids(ds, cap, spec.commodity, spec.stage))
    used |= {*sq.source_ids, *costs.source_ids, *group_source_ids(spec.partners, spec.consumer)}
    if loss is None:  # the scenario engine's disruption probabilities (WGI)
        used |= set(column_sources("countries", list(DRAW_SOURCE_COLUMNS)))
    notes += _trade_check_notes(ds, spec.commodity, spec.stage)
    contract = np.array([spec.contracts.get(s, 0.0) for s in suppliers])
    problem = SourcingProblem(
        suppliers=tuple(suppliers),
        capacity=offered["capacity"].to_numpy(dtype=float),
        loss=matrix[:, : len(suppliers)],
        demand=spec.demand,
        is_partner=np.array([s in partners for s in suppliers]),
        unit_cost=costs.cost.to_numpy(dtype=float),
        contract=contract,
        max_supplier_share=spec.max_supplier_share,
        min_partner_share=spec.min_partner_share,
        alpha=spec.alpha,
        cost_weight=spec.cost_weight,
    )
    sq_shares = sq.shares.reindex(columns).fillna(0.0)
    return Prepared(
        spec=spec,
        problem=problem,
        capacity=offered,
        status_quo=sq.shares.astype(float),
        status_quo_basis=sq.basis,
        status_quo_loss=matrix @ (spec.demand * sq_shares.to_numpy()),
        cost_basis=costs.basis,
        unit=unit,
        year=year,
        notes=tuple(notes),
        source_ids=tuple(sorted(used)),
        supply_basis=supply_basis,
    )


def stage_source_text(ds: SupplyDataset, rows: pd.DataFrame, commodity: str, stage: str) -> str:
    """Where the suppliers and capacities at the stage come from, for the result's
    ``supply_basis``: the source id, year, unit and form of the stage rows, and why the IEA table
    is used where it is."""
    if rows.empty:
        return f"no {commodity} {stage} production rows (capacities given by the caller only)"
    ids = ", ".join(sorted({str(s) for s in rows["source_id"].dropna()}))
    year, unit = int(rows["year"].iloc[0]), str(rows["unit"].iloc[0])
    form = str(rows["form"].iloc[0] or "")
    prod = ds._frame("production")
    feed = feed_text(ds, commodity, stage, year)
    feed = f"; {feed}" if feed else ""
    if ((prod["commodity"] == commodity) & (prod["stage"] == stage)).any():
        what = f" ({form})" if form else ""
        return f"USGS world {stage} production {year}{what}, {unit} [{ids}]{feed}"
    notes = sorted({str(n) for n in rows["note"].dropna() if "not of world" in str(n)})
    return (
        f"IEA {year} estimate of {stage} supply, {unit} of {form} [{ids}]: USGS publishes no "
        f"{commodity} {stage} table; capacities, demand and flows are in {unit} of that content"
        + (f" ({notes[0].split('; ', 1)[-1]})" if notes else "")
        + feed
    )


def _trade_check_notes(ds: SupplyDataset, commodity: str, stage: str) -> list[str]:
    """A note when the net-trade check of exportable capacity had no trade to read."""
    from trust_minerals.forms import stage_hs6

    codes = stage_hs6(ds, commodity, stage)
    if not codes:
        return []  # a mine stage without coded forms is checked on the IEA feed balance
    t = ds._frame("trade")
    if t["hs6"].isin(codes).any():
        return []
    return [
        f"net trade positions in the {stage} forms (HS {', '.join(codes)}) not checked: the "
        "trade table holds none of them; capacity rests on export bans and the "
        "exportable_fraction assumption"
    ]


def optimize_sourcing(
    ds: SupplyDataset,
    spec: SourcingSpec | None = None,
    *,
    loss: LossLike | pd.DataFrame | None = None,
    **fields: Any,
) -> SourcingResult:
    """The CVaR-optimal sourcing portfolio of a consumer for one commodity at one stage.

    Give a :class:`SourcingSpec` or its fields as keywords. ``loss`` (a ``LossDraws`` or a
    draws × supplier DataFrame of loss shares) replaces the scenario engine's draws.

    Examples
    --------
    >>> r = optimize_sourcing(ds, consumer="IND", commodity="lithium", demand=20000,
    ...                       max_supplier_share=0.65, min_partner_share=0.5)  # doctest: +SKIP
    >>> r.cvar_after <= r.cvar_before                                           # doctest: +SKIP
    True
    """
    spec = spec if spec is not None else SourcingSpec.create(**fields)
    prep = prepare(ds, spec, loss=loss)
    return result_from(prep, solve_prepared(prep))


def solve_prepared(prep: Prepared, problem: SourcingProblem | None = None) -> Any:
    """Solve (or explain) a prepared problem: a ``CoreSolution`` or a tuple of conflicts."""
    p = problem if problem is not None else prep.problem
    conflicts = explain_infeasibility(p)
    if conflicts:
        return conflicts
    core = solve_problem(p)
    if core.status != "optimal":
        return (
            Conflict(
                ("solver",),
                np.nan,
                np.nan,
                f"HiGHS reported '{core.status}' although no conflict between capacity, share "
                "and contract constraints was found",
            ),
        )
    return core


def status_quo_feasible(prep: Prepared) -> bool:
    """Whether the status-quo mix, scaled to the demand, meets every constraint of the problem
    (only then is ``cvar_after ≤ cvar_before`` guaranteed)."""
    p = prep.problem
    sq = prep.status_quo
    if sq.empty or not set(sq.index) <= set(p.suppliers):
        return False
    x = prep.spec.demand * sq.reindex(list(p.suppliers)).fillna(0.0).to_numpy()
    tol = 1e-9 * max(1.0, p.demand)
    partner = np.asarray(p.is_partner, dtype=bool)
    return bool(
        (x <= p.upper + tol).all()
        and (x >= np.asarray(p.contract) - tol).all()
        and x[partner].sum() >= p.min_partner_share * p.demand - tol
    )


def result_from(prep: Prepared, core: Any) -> SourcingResult:
    """Assemble a :class:`SourcingResult` from :func:`solve_prepared`'s answer."""
    p, spec = prep.problem, prep.spec
    weights = np.asarray(p.weights)
    cvar_before = cvar(prep.status_quo_loss, p.alpha, weights)
    es_before = float(weights @ prep.status_quo_loss)
    sq_ok = status_quo_feasible(prep)
    cap = prep.capacity
    base = pd.DataFrame(
        {
            "supplier": list(p.suppliers),
            "capacity": np.asarray(p.capacity),
            "capacity_basis": cap["capacity_basis"].to_numpy(),
            "partner": np.asarray(p.is_partner, dtype=bool),
            "status_quo_share": prep.status_quo.reindex(list(p.suppliers)).fillna(0.0).to_numpy(),
            "contract": np.asarray(p.contract, dtype=float),
            "unit_cost": np.asarray(p.unit_cost, dtype=float),
            "cost_basis": prep.cost_basis.reindex(list(p.suppliers)).to_numpy(),
            "world_share": cap["world_share"].to_numpy(dtype=float),
        }
    )
    if isinstance(core, tuple):
        base["flow_opt"] = np.nan
        base["share"] = np.nan
        return SourcingResult(
            spec, "infeasible", base[PORTFOLIO_COLUMNS], np.nan, cvar_before, np.nan, es_before,
            np.nan, np.nan, np.nan, pd.DataFrame(), core, explanation_text(core),
            prep.status_quo_basis, sq_ok, prep.unit, prep.year, prep.notes, prep.source_ids,
            prep.supply_basis,
        )  # fmt: skip
    x = core.flow
    base["flow_opt"] = x
    base["share"] = x / p.demand
    portfolio = base[PORTFOLIO_COLUMNS].sort_values("flow_opt", ascending=False, kind="stable")
    scale = BINDING_TOL * max(1.0, p.demand)
    duals = core.duals
    binding = duals[(duals["slack"].abs() <= scale) | (duals["shadow_price"].abs() > 1e-9)]
    binding = binding[["constraint", "supplier", "activity", "lower", "upper", "shadow_price"]]
    shortfall = np.asarray(p.loss) @ x
    return SourcingResult(
        spec=spec,
        status="optimal",
        portfolio=portfolio.reset_index(drop=True),
        objective=core.objective,
        cvar_before=cvar_before,
        cvar_after=core.cvar,
        expected_shortfall_before=es_before,
        expected_shortfall_after=float(weights @ shortfall),
        partner_share_opt=float(x[np.asarray(p.is_partner, dtype=bool)].sum() / p.demand),
        cost_opt=core.cost,
        binding=binding.reset_index(drop=True),
        conflicts=(),
        explanation="",
        status_quo_basis=prep.status_quo_basis,
        status_quo_feasible=sq_ok,
        unit=prep.unit,
        year=prep.year,
        notes=prep.notes,
        source_ids=prep.source_ids,
        supply_basis=prep.supply_basis,
    )


def optimize_many(
    ds: SupplyDataset, demands: dict[str, float], **fields: Any
) -> dict[str, SourcingResult]:
    """One portfolio per commodity (``demands``: commodity → demand), sharing every other field.

    The commodities are solved separately — no constraint couples them — but with the same seed,
    so the scenario engine's country-level events are the same draws for every commodity.

    Examples
    --------
    >>> rs = optimize_many(ds, {"lithium": 20000, "graphite": 30000}, consumer="IND")  # doctest: +SKIP
    >>> sorted(rs)                                                                  # doctest: +SKIP
    ['graphite', 'lithium']
    """
    if not demands:
        raise InputError("demands: give at least one commodity and its demand")
    return {
        commodity: optimize_sourcing(ds, commodity=commodity, demand=demand, **fields)
        for commodity, demand in demands.items()
    }


def results_table(
    results: dict[str, SourcingResult], view: str = "portfolio"
) -> tuple[pd.DataFrame, bool]:
    """One table for several results and whether all are optimal.

    ``view`` is ``portfolio`` (:meth:`SourcingResult.to_frame`), ``summary`` or ``binding``; if any
    result is infeasible the table holds the conflicts of the infeasible ones instead. With more
    than one commodity a leading ``commodity`` column says which rows belong to which.
    """
    views = {"portfolio": "to_frame", "summary": "summary", "binding": "binding"}
    if view not in views:
        raise UnknownNameError("view", [view], list(views), "results_table")
    ok = all(r.status == "optimal" for r in results.values())
    frames = []
    for name, r in results.items():
        if not ok:
            if r.status == "optimal":
                continue
            frame = r.conflicts_frame()
        else:
            got = getattr(r, views[view])
            frame = got() if callable(got) else got
        frames.append(frame.assign(commodity=name)[["commodity", *frame.columns]])
    table = pd.concat(frames, ignore_index=True)
    if len(results) == 1:
        table = table.drop(columns="commodity")
    return table, ok
