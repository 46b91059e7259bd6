"""Why a sourcing problem has no solution: the conflicting constraints and by how much.

The feasible set of the sourcing LP is a box ``contract_i ≤ flow_i ≤ u_i`` (``u_i`` = capacity,
capped by the max supplier share) cut by ``Σ flow = demand`` and ``Σ_{partners} flow ≥ s_P ×
demand``. It is non-empty exactly when

1. every contract fits its supplier's bound (``contract_i ≤ u_i``),
2. the contracts fit the demand (``Σ contract ≤ demand``),
3. the bounds reach the demand (``Σ u ≥ demand``),
4. the partners can deliver their share (``Σ_{P} u ≥ s_P × demand``), and
5. the non-partner contracts leave room for it (``demand − Σ_{not P} contract ≥ s_P × demand``).

So the checks below are complete for this structure: each conflict names the constraints and the
amount, computed from the data — never a solver trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trust_minerals.optimize.model import SourcingProblem


@dataclass(frozen=True)
class Conflict:
    """One reason the problem is infeasible."""

    constraints: tuple[str, ...]
    required: float
    available: float
    message: str
    suppliers: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        """How much is missing (``required − available``)."""
        return self.required - self.available


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


def explain_infeasibility(problem: SourcingProblem) -> tuple[Conflict, ...]:
    """Every conflict that makes ``problem`` infeasible (empty when it is feasible).

    Examples
    --------
    >>> import numpy as np
    >>> p = SourcingProblem(suppliers=("AUS", "CHN"), capacity=np.array([6000.0, 50000.0]),
    ...                     loss=np.zeros((1, 2)), demand=20000.0,
    ...                     is_partner=np.array([True, False]), min_partner_share=0.5)
    >>> print(explain_infeasibility(p)[0].message)  # doctest: +NORMALIZE_WHITESPACE
    partner capacity 6,000 (AUS) is below the required partner share 0.5 × 20,000 = 10,000:
    short by 4,000 (constraints: supply_limit, min_partner_share)
    """
    p = problem
    sup = np.array(p.suppliers, dtype=object)
    cap = np.asarray(p.capacity, dtype=float)
    upper = p.upper
    contract = np.asarray(p.contract, dtype=float)
    partner = np.asarray(p.is_partner, dtype=bool)
    share_cap = p.max_supplier_share
    out: list[Conflict] = []
    tol = 1e-9 * max(1.0, p.demand)

    def bound_names(idx: np.ndarray) -> tuple[str, ...]:
        if share_cap is not None and (share_cap * p.demand < cap[idx] - tol).any():
            return ("supply_limit", "max_supplier_share")
        return ("supply_limit",)

    def bound_text(idx: np.ndarray) -> str:
        if len(bound_names(idx)) == 1:
            return "capacity"
        n_capped = int((share_cap * p.demand < cap[idx] - tol).sum())  # type: ignore[operator]
        return f"capacity (with {n_capped} supplier(s) capped at {share_cap:g} × {_fmt(p.demand)})"

    # 1. contracts above a supplier's bound
    for i in np.flatnonzero(contract > upper + tol):
        names: tuple[str, ...] = ("contract", "supply_limit")
        detail = f"capacity {_fmt(cap[i])}"
        if share_cap is not None and share_cap * p.demand < cap[i] + tol:
            names = ("contract", "max_supplier_share")
            detail = f"the max supplier share {share_cap:g} × {_fmt(p.demand)} = {_fmt(upper[i])}"
        out.append(
            Conflict(
                names,
                float(contract[i]),
                float(upper[i]),
                f"contract with {sup[i]} for {_fmt(contract[i])} exceeds {detail}: "
                f"over by {_fmt(contract[i] - upper[i])} (constraints: {', '.join(names)})",
                (str(sup[i]),),
            )
        )
    # 2. contracts above demand
    if contract.sum() > p.demand + tol:
        held = tuple(str(x) for x in sup[contract > 0])
        out.append(
            Conflict(
                ("contract", "demand"),
                float(contract.sum()),
                p.demand,
                f"contracted volume {_fmt(contract.sum())} ({', '.join(held)}) exceeds the demand "
                f"{_fmt(p.demand)}: over by {_fmt(contract.sum() - p.demand)} "
                "(constraints: contract, demand)",
                held,
            )
        )
    # 3. bounds below demand
    if upper.sum() < p.demand - tol:
        every = np.arange(p.n)
        names = (*bound_names(every), "demand")
        text = f"total {bound_text(every)} {_fmt(upper.sum())} of {p.n} supplier(s)"
        if share_cap is not None and p.n * share_cap < 1:
            text += f" (no portfolio of {p.n} suppliers each at most {share_cap:g} reaches 100%)"
        out.append(
            Conflict(
                names,
                p.demand,
                float(upper.sum()),
                f"{text} is below the demand {_fmt(p.demand)}: short by "
                f"{_fmt(p.demand - upper.sum())} (constraints: {', '.join(names)})",
                tuple(str(x) for x in sup),
            )
        )
    # 4. partners cannot deliver their share
    need = p.min_partner_share * p.demand
    if need > 0:
        names_p = tuple(str(x) for x in sup[partner])
        avail = float(upper[partner].sum())
        if avail < need - tol:
            names = (*bound_names(np.flatnonzero(partner)), "min_partner_share")
            which = ", ".join(names_p) if names_p else "no partner among the suppliers"
            label = "partner " + (bound_text(np.flatnonzero(partner)) if names_p else "capacity")
            out.append(
                Conflict(
                    names,
                    need,
                    avail,
                    f"{label} {_fmt(avail)} ({which}) is below the required partner share "
                    f"{p.min_partner_share:g} × {_fmt(p.demand)} = {_fmt(need)}: short by "
                    f"{_fmt(need - avail)} (constraints: {', '.join(names)})",
                    names_p,
                )
            )
        # 5. non-partner contracts crowd out the partner share
        other = float(contract[~partner].sum())
        room = p.demand - other
        if other > 0 and room < need - tol:
            held = tuple(str(x) for x in sup[(~partner) & (contract > 0)])
            out.append(
                Conflict(
                    ("contract", "demand", "min_partner_share"),
                    need,
                    room,
                    f"non-partner contracts {_fmt(other)} ({', '.join(held)}) leave "
                    f"{_fmt(room)} of the demand {_fmt(p.demand)}, below the required partner "
                    f"share {p.min_partner_share:g} × {_fmt(p.demand)} = {_fmt(need)}: short by "
                    f"{_fmt(need - room)} (constraints: contract, demand, min_partner_share)",
                    held,
                )
            )
    if p.max_cost is not None:
        lo = min_cost(p)
        if lo is not None and lo > p.max_cost + tol:
            out.append(
                Conflict(
                    ("max_cost",),
                    lo,
                    p.max_cost,
                    f"the cheapest feasible portfolio costs {_fmt(lo)} (relative units), above "
                    f"the cost budget {_fmt(p.max_cost)} (constraints: max_cost)",
                )
            )
    return tuple(out)


def min_cost(p: SourcingProblem) -> float | None:
    """Least normalised cost of a feasible portfolio (ignoring the budget), or None."""
    from scipy.optimize import linprog

    a_ub, b_ub = [], []
    if p.min_partner_share > 0:
        a_ub.append(-np.asarray(p.is_partner, dtype=float))
        b_ub.append(-p.min_partner_share * p.demand)
    res = linprog(
        p.cost_coef,
        A_ub=np.array(a_ub) if a_ub else None,
        b_ub=np.array(b_ub) if b_ub else None,
        A_eq=np.ones((1, p.n)),
        b_eq=[p.demand],
        bounds=list(zip(np.asarray(p.contract, dtype=float), p.upper, strict=True)),
        method="highs",
    )
    return float(res.fun) if res.status == 0 else None


def explanation_text(conflicts: tuple[Conflict, ...]) -> str:
    """The conflicts as one paragraph (``''`` when there are none)."""
    if not conflicts:
        return ""
    return "infeasible: " + "; ".join(c.message for c in conflicts)
