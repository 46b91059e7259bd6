"""The CVaR sourcing LP passed to HiGHS directly, with a working set of draws and warm starts.

Same structure and row names as :func:`trust_minerals.optimize.model.build_model` (columns
``flow[supplier]``, ``eta``, ``z[draw]``; rows ``supply_limit``, ``max_supplier_share``,
``demand``, ``min_partner_share``, ``contract``, ``max_cost``, ``cvar_excess``; ``shortfall`` is
substituted into ``cvar_excess``). Building the linopy model costs more than solving at 10,000
draws × 100 suppliers (``docs/benchmarks.md``), so solves go through this module.

Exactness of the working set: the LP over a subset ``W`` of draws (every other ``z_s`` left at 0)
is a relaxation of the full LP. If its solution has ``shortfall_s ≤ eta`` for every draw outside
``W``, it is feasible — hence optimal — for the full LP, and its duals (zero for the left-out rows)
are optimal duals. Otherwise the violated draws join ``W`` (rows and columns added to the live
HiGHS model) and the LP is re-solved from the previous basis. A :class:`HighsSession` keeps the
model between solves so that a frontier (only the partner-share or cost-budget bound moving) is
a sequence of warm-started dual-simplex runs.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from trust_minerals.optimize.model import (
    DUAL_COLUMNS,
    CoreSolution,
    SourcingProblem,
    compress_draws,
    finish,
    quiet_stdout,
    row_blocks,
)

#: rows above which the first solve uses interior point (with crossover, for a basis and duals)
IPM_ROWS = 500


class HighsSession:
    """A live HiGHS model of one problem family (all fields fixed except ``min_partner_share``
    and ``max_cost``), solved again and again with warm starts.

    Examples
    --------
    >>> import numpy as np
    >>> p = SourcingProblem(suppliers=("A", "B"), capacity=np.array([10.0, 6.0]),
    ...                     loss=np.array([[1.0, 0.0], [0.0, 0.0]]), demand=10.0)
    >>> round(HighsSession(p).solve(p).objective, 6)
    4.0
    """

    def __init__(self, p: SourcingProblem) -> None:
        import highspy
        import scipy.sparse as sp

        start = time.perf_counter()
        self.template = p
        if "compressed" not in p._cache:
            p._cache["compressed"] = compress_draws(p.loss, np.asarray(p.weights))
        self.loss, self.w = p._cache["compressed"]
        s_all = self.loss.shape[0]
        upper = p.upper
        guess = p.demand * upper / upper.sum() if upper.sum() > 0 else np.zeros(p.n)
        order = np.argsort(-(self.loss @ guess), kind="stable")
        cum = np.cumsum(self.w[order])
        first = int(np.searchsorted(cum, min(1.0, 2.0 * (1.0 - p.alpha)) - 1e-12)) + 1
        work = order[: max(min(s_all, 100), first)]
        self.batch = min(s_all, int(2 * (1.0 - p.alpha) * s_all) + 100)
        self.in_work = np.zeros(s_all, dtype=bool)
        self.in_work[work] = True
        self.work = list(work)
        self.blocks = row_blocks(p, all_rows=True)
        self.row_start: dict[str, int] = {}
        k = 0
        for name, _, lo, _, _ in self.blocks:
            self.row_start[name] = k
            k += len(lo)
        self.n_top = k
        n, s = p.n, len(work)
        cost = np.zeros(n + 1 + s)
        cost[:n] = p.cost_weight * p.cost_coef
        cost[n] = 1.0
        cost[n + 1 :] = self.w[work] / (1.0 - p.alpha)
        top = sp.hstack(
            [sp.csr_matrix(np.vstack([b[1] for b in self.blocks])), sp.csr_matrix((k, 1 + s))]
        )
        cvar_rows = sp.hstack(
            [
                sp.csr_matrix(-self.loss[work]),
                sp.csr_matrix(np.ones((s, 1))),
                sp.identity(s, format="csr"),
            ]
        )
        a = sp.vstack([top, cvar_rows]).tocsc()
        lp = highspy.HighsLp()
        lp.num_col_ = a.shape[1]
        lp.num_row_ = a.shape[0]
        lp.col_cost_ = cost
        lp.col_lower_ = np.zeros(n + 1 + s)  # eta ≥ 0 is valid: shortfall is never negative
        lp.col_upper_ = np.full(n + 1 + s, np.inf)
        lp.row_lower_ = np.concatenate([b[2] for b in self.blocks] + [np.zeros(s)])
        lp.row_upper_ = np.concatenate([b[3] for b in self.blocks] + [np.full(s, np.inf)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        with quiet_stdout():
            self.h = highspy.Highs()
            self.h.setOptionValue("output_flag", False)
        self.solver = "ipm" if a.shape[0] > IPM_ROWS else "simplex"
        self.h.setOptionValue("solver", self.solver)
        self.h.passModel(lp)
        self.timings: dict[str, float] = {
            "build_s": time.perf_counter() - start,
            "solve_s": 0.0,
            "check_s": 0.0,
            "rounds": 0,
        }

    def _set_bounds(self, p: SourcingProblem) -> None:
        t = self.template
        for field in ("suppliers", "demand", "alpha", "cost_weight", "max_supplier_share"):
            if getattr(p, field) != getattr(t, field):
                raise ValueError(f"HighsSession: {field} differs from the session's problem")
        i = self.row_start["min_partner_share"]
        self.h.changeRowBounds(i, p.min_partner_share * p.demand, np.inf)
        i = self.row_start["max_cost"]
        self.h.changeRowBounds(i, -np.inf, np.inf if p.max_cost is None else p.max_cost)

    def _add_draws(self, draws: np.ndarray) -> None:
        p = self.template
        n, m = p.n, len(draws)
        first_col = self.h.getNumCol()
        costs = self.w[draws] / (1.0 - p.alpha)
        empty_i = np.zeros(0, dtype=np.int32)
        self.h.addCols(m, costs, np.zeros(m), np.full(m, np.inf), 0, empty_i, empty_i, np.zeros(0))
        sub = -self.loss[draws]
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for j in range(m):  # one row per added draw: −loss·flow + eta + z_s ≥ 0
            nz = np.flatnonzero(sub[j])
            starts.append(len(indices))
            indices.extend([*nz.tolist(), n, first_col + j])
            values.extend([*sub[j, nz].tolist(), 1.0, 1.0])
        self.h.addRows(
            m,
            np.zeros(m),
            np.full(m, np.inf),
            len(indices),
            np.asarray(starts, dtype=np.int32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(values, dtype=float),
        )
        self.in_work[draws] = True
        self.work.extend(draws.tolist())

    def solve(self, p: SourcingProblem) -> CoreSolution:
        """Solve ``p`` (same family as the session's problem) exactly over all draws."""
        self._set_bounds(p)
        n = p.n
        tol = 1e-9 * max(1.0, p.demand)
        while True:
            t0 = time.perf_counter()
            self.h.run()  # output_flag is off: a solve prints nothing
            status = self.h.modelStatusToString(self.h.getModelStatus()).lower()
            if status != "optimal" and self.solver != "simplex":
                # interior point without a clean crossover: solve again with simplex
                self.h.setOptionValue("solver", "simplex")
                self.h.run()
                status = self.h.modelStatusToString(self.h.getModelStatus()).lower()
            self.h.setOptionValue("solver", "simplex")  # later runs start from this basis
            self.solver = "simplex"
            self.timings["solve_s"] += time.perf_counter() - t0
            self.timings["rounds"] += 1
            if status != "optimal":
                nan = np.full(n, np.nan)
                empty = pd.DataFrame(columns=DUAL_COLUMNS)
                return CoreSolution(
                    status,
                    nan,
                    np.nan,
                    np.nan,
                    np.nan,
                    empty,
                    len(self.work),
                    dict(self.timings),
                )
            t1 = time.perf_counter()
            sol = self.h.getSolution()
            col = np.asarray(sol.col_value)
            x, eta = np.clip(col[:n], 0.0, None), float(col[n])
            excess = self.loss @ x - eta
            excess[self.in_work] = -np.inf
            violated = np.flatnonzero(excess > tol)
            self.timings["check_s"] += time.perf_counter() - t1
            if violated.size == 0:
                duals = self._duals(p, np.asarray(sol.row_value), np.asarray(sol.row_dual))
                out = finish(p, x, duals, len(self.work))
                return CoreSolution(**{**out.__dict__, "timings": dict(self.timings)})
            add = violated[np.argsort(-excess[violated], kind="stable")[: self.batch]]
            t2 = time.perf_counter()
            self._add_draws(add)
            self.timings["build_s"] += time.perf_counter() - t2

    def _duals(
        self, p: SourcingProblem, activity: np.ndarray, row_dual: np.ndarray
    ) -> pd.DataFrame:
        rows: list[tuple[Any, ...]] = []
        for name, _, lo, up, labels in self.blocks:
            if name == "min_partner_share" and p.min_partner_share <= 0:
                continue
            if name == "max_cost" and p.max_cost is None:
                continue
            start = self.row_start[name]
            for j in range(len(lo)):
                act = activity[start + j]
                lower = p.min_partner_share * p.demand if name == "min_partner_share" else lo[j]
                upper = p.max_cost if name == "max_cost" else up[j]
                slack = min(act - lower, upper - act)  # type: ignore[operator]
                rows.append((name, labels[j], act, lower, upper, slack, row_dual[start + j]))
        return pd.DataFrame(rows, columns=DUAL_COLUMNS)
