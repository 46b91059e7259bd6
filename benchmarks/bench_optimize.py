"""Sourcing-optimisation benchmarks (issue 5): the CVaR LP at 10,000 draws × 100 suppliers and a
20-point efficient frontier. Run with ``python benchmarks/run.py optimize``."""

from __future__ import annotations

import time

import numpy as np

from trust_minerals.optimize.frontier import frontier_problems
from trust_minerals.optimize.highs import HighsSession
from trust_minerals.optimize.model import SourcingProblem, build_model, solve_problem

N_DRAWS, N_SUPPLIERS = 10_000, 100


def synthetic_problem(seed: int = 0, **kw: object) -> SourcingProblem:
    """Country-level disruption events (annual probability 1–15%) with uniform(0.2, 1) severity,
    capacities 500–5,000 t, a third of suppliers partners, demand 40,000 t."""
    rng = np.random.default_rng(seed)
    prob = rng.uniform(0.01, 0.15, N_SUPPLIERS)
    hit = rng.random((N_DRAWS, N_SUPPLIERS)) < prob
    loss = hit * rng.uniform(0.2, 1.0, (N_DRAWS, N_SUPPLIERS))
    args: dict = {
        "suppliers": tuple(f"S{i:03d}" for i in range(N_SUPPLIERS)),
        "capacity": rng.uniform(500, 5000, N_SUPPLIERS),
        "loss": loss,
        "demand": 40_000.0,
        "is_partner": rng.random(N_SUPPLIERS) < 1 / 3,
        "unit_cost": rng.uniform(0.8, 1.5, N_SUPPLIERS),
        "max_supplier_share": 0.65,
        "min_partner_share": 0.3,
    }
    args.update(kw)
    return SourcingProblem(**args)


def bench_cvar_solve() -> dict[str, float]:
    p = synthetic_problem()
    t0 = time.perf_counter()
    sol = solve_problem(p)
    total = time.perf_counter() - t0
    t = sol.timings
    building = t["build_s"]
    return {
        "total_s": round(total, 3),
        "build_s": round(building, 3),
        "highs_run_s": round(t["solve_s"], 3),
        "build_share": round(building / total, 3),
        "rounds": t["rounds"],
        "draws_in_lp": sol.n_draws_solved,
        "cvar": round(sol.cvar, 3),
    }


def bench_linopy_build() -> dict[str, float]:
    """The readable linopy model of the same instance: build time alone, and build + solve."""
    p = synthetic_problem()
    t0 = time.perf_counter()
    m = build_model(p)
    built = time.perf_counter() - t0
    from trust_minerals.optimize.model import quiet_stdout

    with quiet_stdout():
        m.solve(solver_name="highs", io_api="direct", output_flag=False)
    total = time.perf_counter() - t0
    return {
        "build_s": round(built, 3),
        "total_s": round(total, 3),
        "build_share": round(built / total, 3),
    }


def _frontier(against: str) -> dict[str, float]:
    p = synthetic_problem(cost_weight=0.0)
    t0 = time.perf_counter()
    problems, _ = frontier_problems(p, against, 20)  # type: ignore[arg-type]
    session = HighsSession(problems[0])
    cvars = [session.solve(q).cvar for q in problems]
    return {"total_s": round(time.perf_counter() - t0, 3), "points": len(cvars)}


def bench_real_end_to_end() -> dict[str, float | str]:
    """optimize_sourcing on the real store (IND, lithium mine, 10,000 draws): data preparation,
    scenario-engine draws and solve; the store is loaded (and its tables read) before timing."""
    from trust_minerals.data.store import load_dataset
    from trust_minerals.errors import StoreError
    from trust_minerals.optimize.solve import optimize_sourcing

    try:
        ds = load_dataset()
    except StoreError as exc:
        return {"skipped": str(exc)}
    for name in ("production", "trade", "countries", "us_salient"):
        ds.table(name)
    t0 = time.perf_counter()
    r = optimize_sourcing(
        ds, consumer="IND", commodity="lithium", stage="mine", demand=20000,
        max_supplier_share=0.65, min_partner_share=0.5, draws=10000, seed=1,
    )  # fmt: skip
    return {"total_s": round(time.perf_counter() - t0, 3), "cvar_after": round(r.cvar_after, 1)}


BENCHMARKS = [
    ("optimize: CVaR 10k draws x 100 suppliers", "<= 2 s, build <= 30%", bench_cvar_solve),
    ("optimize: linopy build of the same model", "(comparison)", bench_linopy_build),
    ("optimize: 20-point frontier vs cost", "<= 20 s", lambda: _frontier("cost")),
    ("optimize: 20-point frontier vs partner share", "<= 20 s", lambda: _frontier("partner_share")),
    ("optimize: IND lithium end-to-end (real data)", "(context)", bench_real_end_to_end),
]
