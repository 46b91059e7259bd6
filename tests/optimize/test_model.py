"""The CVaR sourcing LP against hand solutions, scipy's linprog and its own invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from trust_minerals.errors import InputError
from trust_minerals.optimize.model import (
    SourcingProblem,
    build_model,
    compress_draws,
    cvar,
    solve_problem,
)


def linprog_cvar(p: SourcingProblem) -> tuple[float, np.ndarray]:
    """The same LP written independently for scipy: variables (flow, eta, z)."""
    n, s = p.n, p.loss.shape[0]
    w = np.asarray(p.weights)
    c = np.concatenate([p.cost_weight * p.cost_coef, [1.0], w / (1 - p.alpha)])
    a_ub = [np.hstack([p.loss, -np.ones((s, 1)), -np.eye(s)])]  # L x − eta − z ≤ 0
    b_ub = [np.zeros(s)]
    if p.min_partner_share > 0:
        a_ub.append(np.concatenate([-np.asarray(p.is_partner, float), np.zeros(1 + s)])[None, :])
        b_ub.append(np.array([-p.min_partner_share * p.demand]))
    upper = np.asarray(p.capacity, float)
    if p.max_supplier_share is not None:
        upper = np.minimum(upper, p.max_supplier_share * p.demand)
    bounds = [(lo, up) for lo, up in zip(np.asarray(p.contract, float), upper, strict=True)]
    bounds += [(None, None)] + [(0, None)] * s
    a_eq = np.concatenate([np.ones(n), np.zeros(1 + s)])[None, :]
    res = linprog(
        c,
        A_ub=np.vstack(a_ub),
        b_ub=np.concatenate(b_ub),
        A_eq=a_eq,
        b_eq=[p.demand],
        bounds=bounds,
        method="highs",
    )
    assert res.status == 0, res.message
    return float(res.fun), res.x[:n]


def random_problem(seed: int, n: int = 4, s: int = 60, **kw: object) -> SourcingProblem:
    rng = np.random.default_rng(seed)
    loss = (rng.random((s, n)) < 0.2) * rng.random((s, n))
    args: dict = {
        "suppliers": tuple(f"S{i}" for i in range(n)),
        "capacity": rng.uniform(3.0, 8.0, n),
        "loss": loss,
        "demand": 10.0,
        "is_partner": np.arange(n) % 2 == 0,
    }
    args.update(kw)
    return SourcingProblem(**args)  # type: ignore[arg-type]


def test_hand_solution_moves_volume_off_the_disrupted_supplier() -> None:
    # A loses everything in 1 draw of 10; B never. B can give 6, so A must give 4; the worst
    # 10% of draws is that one draw, whose shortfall is A's whole flow.
    loss = np.zeros((10, 2))
    loss[0, 0] = 1.0
    p = SourcingProblem(("A", "B"), np.array([10.0, 6.0]), loss, 10.0, alpha=0.9)
    sol = solve_problem(p)
    assert sol.flow == pytest.approx([4.0, 6.0])
    assert sol.objective == pytest.approx(4.0)


@pytest.mark.parametrize("seed", range(6))
def test_objective_matches_scipy_linprog(seed: int) -> None:
    p = random_problem(
        seed, max_supplier_share=0.45, min_partner_share=0.3, cost_weight=0.05 * seed,
        unit_cost=np.linspace(1.0, 2.0, 4), contract=np.array([0.0, 1.0, 0.0, 0.0]),
    )  # fmt: skip
    ours = solve_problem(p)
    theirs, _ = linprog_cvar(p)
    assert ours.objective == pytest.approx(theirs, rel=1e-7, abs=1e-7)


def test_working_set_solve_is_exact_on_many_draws() -> None:
    # 3000 draws: the working set starts well below the full set, so the loop has to add draws.
    p = random_problem(11, n=6, s=3000, max_supplier_share=0.3, alpha=0.9)
    ours = solve_problem(p)
    theirs, _ = linprog_cvar(p)
    assert ours.n_draws_solved < 3000
    assert ours.objective == pytest.approx(theirs, rel=1e-7)


def test_linopy_model_gives_the_same_optimum_and_duals() -> None:
    p = random_problem(3, max_supplier_share=0.4, min_partner_share=0.5)
    direct = solve_problem(p)
    via_linopy = solve_problem(p, backend="linopy")
    assert via_linopy.objective == pytest.approx(direct.objective, rel=1e-7)
    a = direct.duals.set_index(["constraint", "supplier"])["shadow_price"]
    b = via_linopy.duals.set_index(["constraint", "supplier"])["shadow_price"]
    assert b.reindex(a.index).to_numpy() == pytest.approx(a.to_numpy(), abs=1e-6)


def test_linopy_model_reads_like_the_maths() -> None:
    p = random_problem(0, max_supplier_share=0.4, min_partner_share=0.5, contract=np.ones(4))
    m = build_model(p)
    assert set(m.variables) == {"flow", "shortfall", "eta", "z"}
    assert set(m.constraints) == {
        "supply_limit", "max_supplier_share", "demand", "min_partner_share", "contract",
        "shortfall_balance", "cvar_excess",
    }  # fmt: skip
    assert list(m.variables["flow"].coords["supplier"].to_numpy()) == list(p.suppliers)


def test_shadow_prices_match_finite_differences() -> None:
    # small capacities so that some supply limits bind
    p = random_problem(5, capacity=np.array([2.0, 5.0, 2.5, 4.0]), alpha=0.8)
    base = solve_problem(p)
    duals = base.duals.set_index(["constraint", "supplier"])["shadow_price"]
    h = 1e-4
    bumped = solve_problem(p.replace(demand=p.demand + h))
    assert (bumped.objective - base.objective) / h == pytest.approx(
        duals[("demand", "")], rel=1e-3, abs=1e-6
    )
    binding = base.duals[
        (base.duals["constraint"] == "supply_limit") & (base.duals["slack"] < 1e-7)
    ]
    assert not binding.empty
    for supplier in binding["supplier"]:
        i = p.suppliers.index(supplier)
        cap = p.capacity.copy()
        cap[i] += h
        moved = (solve_problem(p.replace(capacity=cap)).objective - base.objective) / h
        assert moved == pytest.approx(duals[("supply_limit", supplier)], rel=1e-3, abs=1e-6)


def test_cvar_is_the_mean_of_the_worst_tail() -> None:
    rng = np.random.default_rng(0)
    x = rng.random(1000)
    worst = np.sort(x)[::-1][:50]
    assert cvar(x, 0.95) == pytest.approx(worst.mean())
    assert cvar(x, 0.0) == pytest.approx(x.mean())


def test_compressing_identical_draws_keeps_the_optimum() -> None:
    rng = np.random.default_rng(2)
    rows = (rng.random((20, 3)) < 0.3) * 1.0
    loss = rows[rng.integers(0, 20, 500)]
    uniq, w = compress_draws(loss, np.full(500, 1 / 500))
    assert uniq.shape[0] <= 20 and w.sum() == pytest.approx(1.0)
    full = SourcingProblem(("A", "B", "C"), np.full(3, 6.0), loss, 10.0)
    merged = SourcingProblem(("A", "B", "C"), np.full(3, 6.0), uniq, 10.0, weights=w)
    assert linprog_cvar(full)[0] == pytest.approx(solve_problem(merged).objective, rel=1e-8)


# --- properties --------------------------------------------------------------------------------

problems = st.builds(
    lambda seed, n, share, partner: random_problem(
        seed, n=n, s=40, max_supplier_share=share, min_partner_share=partner
    ),
    st.integers(0, 10_000),
    st.integers(3, 6),
    st.sampled_from([None, 0.5, 0.7]),
    st.sampled_from([0.0, 0.2]),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _feasible(p: SourcingProblem) -> bool:
    from trust_minerals.optimize.infeasibility import explain_infeasibility

    return not explain_infeasibility(p)


@SETTINGS
@given(problems)
def test_every_constraint_holds_at_the_optimum(p: SourcingProblem) -> None:
    assume(_feasible(p))
    sol = solve_problem(p)
    x, tol = sol.flow, 1e-6
    assert abs(x.sum() - p.demand) <= tol
    assert (x <= p.capacity + tol).all() and (x >= -tol).all()
    if p.max_supplier_share is not None:
        assert (x <= p.max_supplier_share * p.demand + tol).all()
    assert x[np.asarray(p.is_partner)].sum() >= p.min_partner_share * p.demand - tol
    assert sol.cvar == pytest.approx(cvar(p.loss @ x, p.alpha), abs=1e-6)


@SETTINGS
@given(problems, st.floats(0.5, 5.0))
def test_adding_a_supplier_never_worsens_the_optimum(p: SourcingProblem, cap: float) -> None:
    assume(_feasible(p))
    rng = np.random.default_rng(int(cap * 1000))
    extra = (rng.random((p.loss.shape[0], 1)) < 0.3) * 1.0
    bigger = p.replace(
        suppliers=(*p.suppliers, "NEW"),
        capacity=np.append(p.capacity, cap),
        loss=np.hstack([p.loss, extra]),
        is_partner=np.append(p.is_partner, False),
        unit_cost=np.append(p.unit_cost, 1.0),
        contract=np.append(p.contract, 0.0),
    )
    assert solve_problem(bigger).objective <= solve_problem(p).objective + 1e-7


@SETTINGS
@given(problems, st.floats(1.0, 3.0))
def test_loosening_a_cap_never_worsens_the_optimum(p: SourcingProblem, factor: float) -> None:
    assume(_feasible(p))
    base = solve_problem(p).objective
    looser_cap = p.replace(capacity=p.capacity * factor)
    assert solve_problem(looser_cap).objective <= base + 1e-7
    if p.max_supplier_share is not None:
        looser_share = p.replace(max_supplier_share=min(1.0, p.max_supplier_share * factor))
        assert solve_problem(looser_share).objective <= base + 1e-7
    if p.min_partner_share > 0:
        assert solve_problem(p.replace(min_partner_share=0.0)).objective <= base + 1e-7


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"demand": -5.0}, "demand"),
        ({"max_supplier_share": 1.5}, "max_supplier_share"),
        ({"min_partner_share": -0.1}, "min_partner_share"),
        (
            {"suppliers": (), "capacity": np.zeros(0), "loss": np.zeros((3, 0))},
            "supplier set is empty",
        ),
        ({"loss": np.full((3, 4), 1.2)}, "loss"),
        ({"capacity": np.array([1.0, np.nan, 1.0, 1.0])}, "capacity"),
    ],
)
def test_impossible_input_raises_input_error_naming_the_field(change: dict, field: str) -> None:
    with pytest.raises(InputError, match=field):
        random_problem(0, **change)
