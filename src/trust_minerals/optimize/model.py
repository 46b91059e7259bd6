"""The sourcing LP on arrays: minimise CVaR of shortfall + λ × cost.

Notation (one commodity, one stage, suppliers ``i``, loss draws ``s`` with weights ``w_s``)::

    minimise    eta + 1/(1-alpha) Σ_s w_s z_s  +  λ Σ_i (c_i / c̄) flow_i
    subject to  supply_limit        flow_i ≤ capacity_i
                max_supplier_share  flow_i ≤ s_max × demand
                demand              Σ_i flow_i = demand
                min_partner_share   Σ_{i ∈ P} flow_i ≥ s_P × demand
                contract            flow_i ≥ contract_i
                shortfall_balance   shortfall_s = Σ_i loss_si flow_i
                cvar_excess         z_s ≥ shortfall_s − eta,   z_s ≥ 0, flow ≥ 0, eta ≥ 0

``loss_si`` is the fraction of supplier ``i``'s supply lost in draw ``s`` (from the scenario
engine), so ``shortfall_s`` is the quantity that fails to arrive. At the optimum ``eta`` is the
value-at-risk and the objective's first part the CVaR (Rockafellar & Uryasev, 2000).

:func:`build_model` returns the readable linopy model; :func:`solve_problem` solves the same
structure by passing the arrays to HiGHS directly (linopy's build is too slow for 10,000 draws ×
100 suppliers, see ``docs/benchmarks.md``) — the two are cross-checked in the tests.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trust_minerals.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import linopy

#: tolerance under which a constraint counts as binding
BINDING_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class SourcingProblem:
    """The optimiser's input as arrays (what :func:`build_model` and :func:`solve_problem` take).

    Examples
    --------
    >>> import numpy as np
    >>> p = SourcingProblem(suppliers=("A", "B"), capacity=np.array([10.0, 6.0]),
    ...                     loss=np.array([[1.0, 0.0], [0.0, 0.0]]), demand=10.0)
    >>> round(solve_problem(p).objective, 6)   # B full; A's 4 t lost in the worst draw
    4.0
    """

    suppliers: tuple[str, ...]
    capacity: np.ndarray
    loss: np.ndarray
    demand: float
    is_partner: np.ndarray | None = None
    unit_cost: np.ndarray | None = None
    contract: np.ndarray | None = None
    weights: np.ndarray | None = None
    max_supplier_share: float | None = None
    min_partner_share: float = 0.0
    alpha: float = 0.95
    cost_weight: float = 0.0
    max_cost: float | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        n = len(self.suppliers)
        if n == 0:
            raise InputError("suppliers: the supplier set is empty (no supplier with capacity)")
        if len(set(self.suppliers)) != n:
            raise InputError(f"suppliers: duplicate names in {list(self.suppliers)}")
        cap = np.asarray(self.capacity, dtype=float)
        if cap.shape != (n,) or np.isnan(cap).any() or (cap < 0).any():
            raise InputError(f"capacity: need {n} non-negative numbers, got {cap.tolist()}")
        loss = np.asarray(self.loss, dtype=float)
        if loss.ndim != 2 or loss.shape[1] != n or loss.shape[0] == 0:
            raise InputError(f"loss: need a (draws, {n}) matrix, got shape {loss.shape}")
        if np.isnan(loss).any() or (loss < 0).any() or (loss > 1).any():
            raise InputError("loss: every loss share must lie in [0, 1]")
        if not self.demand > 0:
            raise InputError(f"demand: must be positive, got {self.demand}")
        for name in ("max_supplier_share", "min_partner_share"):
            v = getattr(self, name)
            if v is not None and not 0.0 <= v <= 1.0:
                raise InputError(f"{name}: must lie in [0, 1], got {v}")
        if not 0.0 <= self.alpha < 1.0:
            raise InputError(f"alpha: must lie in [0, 1), got {self.alpha}")
        if not self.cost_weight >= 0:
            raise InputError(f"cost_weight: must be non-negative, got {self.cost_weight}")
        object.__setattr__(self, "capacity", cap)
        object.__setattr__(self, "loss", loss)
        for name, default in (("is_partner", False), ("unit_cost", 1.0), ("contract", 0.0)):
            v = getattr(self, name)
            arr = np.full(n, default) if v is None else np.asarray(v)
            if arr.shape != (n,):
                raise InputError(f"{name}: need {n} values, got shape {arr.shape}")
            object.__setattr__(self, name, arr)
        if (np.asarray(self.unit_cost, dtype=float) <= 0).any():
            raise InputError("unit_cost: every unit cost must be positive")
        if (np.asarray(self.contract, dtype=float) < 0).any():
            raise InputError("contract: contracted flows must be non-negative")
        w = self.weights
        s = loss.shape[0]
        w = np.full(s, 1.0 / s) if w is None else np.asarray(w, dtype=float)
        if w.shape != (s,) or (w < 0).any() or not np.isclose(w.sum(), 1.0):
            raise InputError("weights: need one non-negative weight per draw, summing to 1")
        object.__setattr__(self, "weights", w)

    @property
    def n(self) -> int:
        return len(self.suppliers)

    @property
    def upper(self) -> np.ndarray:
        """Per-supplier upper bound: capacity, and the share cap where one is set."""
        cap = np.asarray(self.capacity, dtype=float)
        if self.max_supplier_share is None:
            return cap
        return np.minimum(cap, self.max_supplier_share * self.demand)

    @property
    def cost_coef(self) -> np.ndarray:
        """Unit costs divided by their mean (the cost term is in demand units)."""
        c = np.asarray(self.unit_cost, dtype=float)
        return c / c.mean()

    def replace(self, **changes: Any) -> SourcingProblem:
        """A copy with some fields changed (the compressed draws are reused when loss is kept)."""
        fields_ = {
            k: getattr(self, k)
            for k in [
                "suppliers",
                "capacity",
                "loss",
                "demand",
                "is_partner",
                "unit_cost",
                "contract",
                "weights",
                "max_supplier_share",
                "min_partner_share",
                "alpha",
                "cost_weight",
                "max_cost",
            ]
        }
        fields_.update(changes)
        new = SourcingProblem(**fields_)
        if "loss" not in changes and "weights" not in changes:
            for key in ("compressed",):
                if key in self._cache:
                    new._cache[key] = self._cache[key]
        return new


def compress_draws(loss: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge identical draws (rows) adding their weights: the CVaR LP is unchanged, only smaller.

    Examples
    --------
    >>> rows, w = compress_draws(np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 0.0]]), np.full(3, 1 / 3))
    >>> rows.tolist(), w.round(3).tolist()
    ([[0.0, 0.0], [0.0, 1.0]], [0.333, 0.667])
    """
    loss = np.ascontiguousarray(loss, dtype=float)
    probe = np.random.default_rng(0).random(loss.shape[1])
    keys, first, inverse = np.unique(loss @ probe, return_index=True, return_inverse=True)
    del keys
    uniq = loss[first]
    if not np.array_equal(uniq[inverse.ravel()], loss):  # a hash collision: exact fallback
        uniq, inverse = np.unique(loss, axis=0, return_inverse=True)
    w = np.bincount(inverse.ravel(), weights=weights, minlength=uniq.shape[0])
    return uniq, w


def cvar(shortfall: np.ndarray, alpha: float, weights: np.ndarray | None = None) -> float:
    """CVaR_α of a discrete distribution: the weighted mean of its worst (1 − α) tail.

    Examples
    --------
    >>> cvar(np.array([0.0, 0.0, 0.0, 10.0]), 0.75)
    10.0
    >>> cvar(np.array([0.0, 10.0]), 0.0)
    5.0
    """
    x = np.asarray(shortfall, dtype=float)
    w = np.full(x.size, 1.0 / x.size) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(-x, kind="stable")
    x, w = x[order], w[order]
    tail = 1.0 - alpha
    cum = np.cumsum(w)
    take = np.minimum(w, np.maximum(tail - (cum - w), 0.0))
    return float((take * x).sum() / tail)


# --- the readable linopy model --------------------------------------------------------------


def build_model(problem: SourcingProblem) -> linopy.Model:
    """The sourcing LP as a labelled linopy model (variables ``flow``, ``shortfall``, ``eta``, ``z``).

    Built with vectorised xarray expressions (no Python loop over draws or suppliers).

    Examples
    --------
    >>> import numpy as np
    >>> p = SourcingProblem(suppliers=("A", "B"), capacity=np.array([8.0, 8.0]),
    ...                     loss=np.array([[0.5, 0.0]]), demand=10.0)
    >>> m = build_model(p)
    >>> sorted(m.constraints)
    ['cvar_excess', 'demand', 'shortfall_balance', 'supply_limit']
    """
    from trust_minerals._extras import require

    linopy = require("linopy", "the linopy model of the sourcing LP")
    xr = require("xarray", "the linopy model of the sourcing LP")
    p = problem
    supplier = pd.Index(list(p.suppliers), name="supplier")
    draw = pd.RangeIndex(p.loss.shape[0], name="draw")
    loss = xr.DataArray(p.loss, coords=[draw, supplier])
    weights = xr.DataArray(p.weights, coords=[draw])
    cap = xr.DataArray(p.capacity, coords=[supplier])

    m = linopy.Model()
    flow = m.add_variables(lower=0, coords=[supplier], name="flow")
    shortfall = m.add_variables(lower=0, coords=[draw], name="shortfall")
    eta = m.add_variables(lower=0, name="eta")  # valid: shortfall is never negative
    z = m.add_variables(lower=0, coords=[draw], name="z")
    m.add_constraints(flow <= cap, name="supply_limit")
    if p.max_supplier_share is not None:
        m.add_constraints(flow <= p.max_supplier_share * p.demand, name="max_supplier_share")
    m.add_constraints(flow.sum() == p.demand, name="demand")
    partner = np.asarray(p.is_partner, dtype=bool)
    if p.min_partner_share > 0:
        m.add_constraints(
            flow.sel(supplier=supplier[partner]).sum() >= p.min_partner_share * p.demand,
            name="min_partner_share",
        )
    contract = np.asarray(p.contract, dtype=float)
    if (contract > 0).any():
        held = supplier[contract > 0]
        m.add_constraints(
            flow.sel(supplier=held) >= xr.DataArray(contract[contract > 0], coords=[held]),
            name="contract",
        )
    m.add_constraints(shortfall - (loss * flow).sum("supplier") == 0, name="shortfall_balance")
    m.add_constraints(z - shortfall + eta >= 0, name="cvar_excess")
    cost = xr.DataArray(p.cost_coef, coords=[supplier])
    if p.max_cost is not None:
        m.add_constraints((cost * flow).sum() <= p.max_cost, name="max_cost")
    objective = eta + (weights * z).sum() / (1.0 - p.alpha)
    if p.cost_weight > 0:
        objective = objective + p.cost_weight * (cost * flow).sum()
    m.add_objective(objective)
    return m


# --- the direct HiGHS solve -----------------------------------------------------------------


@dataclass(frozen=True)
class CoreSolution:
    """The optimum of a :class:`SourcingProblem` (or the solver status when there is none)."""

    status: str
    flow: np.ndarray
    objective: float
    cvar: float
    cost: float
    duals: pd.DataFrame
    n_draws_solved: int
    timings: dict[str, float] = field(default_factory=dict)


_STDOUT_LOCK = threading.Lock()


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence HiGHS' banner, which its constructor writes to file descriptor 1 from C++.

    The swap is process-wide, so it is held under a lock (two threads never interleave their
    swaps) and kept around the constructor only: with ``output_flag`` off, solves print nothing.
    """
    with _STDOUT_LOCK:
        try:
            fd = os.dup(1)
        except OSError:  # pragma: no cover - no real stdout
            yield
            return
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                yield
        finally:
            os.dup2(fd, 1)
            os.close(fd)


ROW_GROUPS = (
    "supply_limit",
    "max_supplier_share",
    "demand",
    "min_partner_share",
    "contract",
    "max_cost",
)


def row_blocks(
    p: SourcingProblem, *, all_rows: bool = False
) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray, list[str]]]:
    """Rows over the flow variables: (name, coefficient matrix, lower, upper, supplier labels).

    With ``all_rows`` the ``min_partner_share`` and ``max_cost`` rows are always present (with
    a bound of 0 or +inf when unused) so that a solver session can move them later.
    """
    n = p.n
    eye = np.eye(n)
    sup = list(p.suppliers)
    blocks = [("supply_limit", eye, np.full(n, -np.inf), np.asarray(p.capacity, float), sup)]
    if p.max_supplier_share is not None:
        rhs = np.full(n, p.max_supplier_share * p.demand)
        blocks.append(("max_supplier_share", eye, np.full(n, -np.inf), rhs, sup))
    blocks.append(("demand", np.ones((1, n)), np.array([p.demand]), np.array([p.demand]), [""]))
    if p.min_partner_share > 0 or all_rows:
        row = np.asarray(p.is_partner, dtype=float)[None, :]
        need = np.array([p.min_partner_share * p.demand])
        blocks.append(("min_partner_share", row, need, np.array([np.inf]), [""]))
    contract = np.asarray(p.contract, dtype=float)
    held = np.flatnonzero(contract > 0)
    if held.size:
        blocks.append(
            (
                "contract",
                eye[held],
                contract[held],
                np.full(held.size, np.inf),
                [sup[i] for i in held],
            )
        )
    if p.max_cost is not None or all_rows:
        budget = np.inf if p.max_cost is None else p.max_cost
        blocks.append(
            ("max_cost", p.cost_coef[None, :], np.array([-np.inf]), np.array([budget]), [""])
        )
    return blocks


def solve_problem(
    problem: SourcingProblem, *, backend: Literal["highs", "linopy"] = "highs"
) -> CoreSolution:
    """Solve the CVaR sourcing LP; ``backend="linopy"`` solves :func:`build_model` instead.

    The default passes the arrays to HiGHS directly (:class:`~trust_minerals.optimize.highs.
    HighsSession`): identical draws are merged, and the LP is solved over a working set of the
    worst draws, adding any left-out draw whose shortfall exceeds ``eta`` until none does — exact,
    with the full problem's shadow prices.

    Examples
    --------
    >>> import numpy as np
    >>> p = SourcingProblem(suppliers=("A", "B"), capacity=np.array([6.0, 6.0]),
    ...                     loss=np.array([[1.0, 0.0]]), demand=10.0)
    >>> solve_problem(p).flow.round(6).tolist()
    [4.0, 6.0]
    """
    if backend == "linopy":
        return _solve_linopy(problem)
    from trust_minerals.optimize.highs import HighsSession

    return HighsSession(problem).solve(problem)


DUAL_COLUMNS = ["constraint", "supplier", "activity", "lower", "upper", "slack", "shadow_price"]


def _empty_duals() -> pd.DataFrame:
    return pd.DataFrame(columns=DUAL_COLUMNS)


def finish(p: SourcingProblem, x: np.ndarray, duals: pd.DataFrame, s: int) -> CoreSolution:
    """The solution for flows ``x``: CVaR, cost and objective recomputed over every draw."""
    shortfall = np.asarray(p.loss) @ x
    risk = cvar(shortfall, p.alpha, np.asarray(p.weights))
    cost = float(p.cost_coef @ x)
    objective = risk + p.cost_weight * cost
    return CoreSolution("optimal", x, objective, risk, cost, duals, s)


def _solve_linopy(p: SourcingProblem) -> CoreSolution:
    m = build_model(p)
    with quiet_stdout():
        status, _ = m.solve(solver_name="highs", io_api="direct", output_flag=False)
    if status != "ok":
        n = p.n
        return CoreSolution(
            str(m.termination_condition),
            np.full(n, np.nan),
            np.nan,
            np.nan,
            np.nan,
            _empty_duals(),
            p.loss.shape[0],
        )
    x = np.clip(m.variables["flow"].solution.to_numpy(), 0.0, None)
    rows = []
    for name in ROW_GROUPS:
        if name not in m.constraints:
            continue
        con = m.constraints[name]
        dual = np.atleast_1d(con.dual.to_numpy())
        labels = (
            list(con.dual.coords["supplier"].to_numpy()) if "supplier" in con.dual.dims else [""]
        )
        for j, lab in enumerate(labels):
            rows.append((name, str(lab), np.nan, np.nan, np.nan, np.nan, float(dual[j])))
    return finish(p, x, pd.DataFrame(rows, columns=DUAL_COLUMNS), p.loss.shape[0])
