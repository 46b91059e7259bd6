"""Efficient frontiers: minimum CVaR against a cost budget, or against a required partner share.

Each point solves the CVaR LP with one constraint moved (ε-constraint method), reusing the loss
draws and the working set of the previous point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError
from trust_minerals.optimize.highs import HighsSession
from trust_minerals.optimize.infeasibility import explain_infeasibility, min_cost
from trust_minerals.optimize.model import SourcingProblem, solve_problem
from trust_minerals.optimize.solve import LossLike, prepare
from trust_minerals.optimize.spec import SourcingSpec

FRONTIER_COLUMNS = [
    "point",
    "against",
    "max_cost",
    "min_partner_share",
    "cvar_opt",
    "cost_opt",
    "partner_share_opt",
    "expected_shortfall_opt",
    "status",
]


@dataclass(frozen=True, eq=False)
class FrontierResult(TableResult):
    """Points of the frontier (one row each) and the flows behind every point."""

    spec: SourcingSpec
    against: str
    points: pd.DataFrame
    flows: pd.DataFrame
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The frontier points."""
        return self.points.copy()


def _point(
    p: SourcingProblem, k: int, against: str, session: HighsSession
) -> tuple[dict[str, Any], np.ndarray]:
    row: dict[str, Any] = {
        "point": k,
        "against": against,
        "max_cost": p.max_cost,
        "min_partner_share": p.min_partner_share,
    }
    if explain_infeasibility(p):
        return {**row, "status": "infeasible"}, np.full(p.n, np.nan)
    sol = session.solve(p)
    x = sol.flow
    partner = np.asarray(p.is_partner, dtype=bool)
    row.update(
        cvar_opt=sol.cvar,
        cost_opt=sol.cost,
        partner_share_opt=float(x[partner].sum() / p.demand),
        expected_shortfall_opt=float(np.asarray(p.weights) @ (np.asarray(p.loss) @ x)),
        status=sol.status,
    )
    return row, x


def frontier_problems(
    p: SourcingProblem, against: Literal["cost", "partner_share"], points: int
) -> tuple[list[SourcingProblem], list[str]]:
    """The problems along the frontier (risk only: the cost weight is set to 0)."""
    if points < 2:
        raise InputError(f"points: need at least 2 frontier points, got {points}")
    base = p.replace(cost_weight=0.0, max_cost=None)
    notes: list[str] = []
    if against == "partner_share":
        partner = np.asarray(p.is_partner, dtype=bool)
        reach = min(p.upper[partner].sum(), p.demand - np.asarray(p.contract)[~partner].sum())
        top = float(np.clip(reach / p.demand, 0.0, 1.0))
        if top < p.min_partner_share:
            notes.append(f"partners can cover at most {top:.4g} of the demand")
        grid = np.linspace(0.0, top, points)
        return [base.replace(min_partner_share=float(s)) for s in grid], notes
    if against != "cost":
        raise InputError(f"against: must be 'cost' or 'partner_share', got {against!r}")
    cheapest = min_cost(base)
    if cheapest is None:
        return [base], ["infeasible without any cost budget"]
    at_min_risk = solve_problem(base).cost
    if at_min_risk - cheapest <= 1e-9 * max(1.0, p.demand):
        notes.append(
            "the least-risk portfolio is also the cheapest (unit costs do not differ where it "
            "matters): the frontier is a single point"
        )
        return [base.replace(max_cost=float(at_min_risk))], notes
    grid = np.linspace(cheapest, at_min_risk, points)
    return [base.replace(max_cost=float(c) * (1 + 1e-12)) for c in grid], notes


def efficient_frontier(
    ds: SupplyDataset,
    spec: SourcingSpec | None = None,
    *,
    against: Literal["cost", "partner_share"] = "cost",
    points: int = 20,
    loss: LossLike | pd.DataFrame | None = None,
    **fields: Any,
) -> FrontierResult:
    """Minimum CVaR along a cost budget (from the cheapest portfolio to the least-risk one) or
    along a required partner share (0 to what the partners can cover).

    Costs are in relative units (unit cost / mean unit cost × flow).

    Examples
    --------
    >>> f = efficient_frontier(ds, consumer="IND", commodity="lithium", demand=20000,
    ...                        against="partner_share", points=5)    # doctest: +SKIP
    >>> f.points["cvar_opt"].is_monotonic_increasing                    # doctest: +SKIP
    True
    """
    from trust_minerals.caps import check_size

    points = check_size("points", points)
    spec = spec if spec is not None else SourcingSpec.create(**fields)
    prep = prepare(ds, spec, loss=loss)
    problems, notes = frontier_problems(prep.problem, against, points)
    rows, flows = [], []
    session = HighsSession(problems[0])
    for k, p in enumerate(problems):
        row, x = _point(p, k, against, session)
        rows.append(row)
        flows.append(pd.Series(x, index=list(p.suppliers), name=k))
    table = pd.DataFrame(rows).reindex(columns=FRONTIER_COLUMNS)
    flow_table = pd.DataFrame(flows)
    flow_table.index.name = "point"
    return FrontierResult(spec, against, table, flow_table, (*prep.notes, *notes))
