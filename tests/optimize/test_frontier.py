"""Efficient frontiers on the hand-made lithium dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError
from trust_minerals.optimize.frontier import efficient_frontier
from trust_minerals.optimize.infeasibility import min_cost

BASE = {"consumer": "IND", "commodity": "lithium", "demand": 20000.0, "max_supplier_share": 0.65}
COSTS = {"AUS": 3.0, "CHL": 1.0, "CHN": 1.0, "ARG": 2.0}


def test_cost_frontier_trades_risk_for_cost(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    f = efficient_frontier(
        lithium_ds, loss=lithium_loss, against="cost", points=6, unit_costs=COSTS, **BASE
    )
    pts = f.points
    assert len(pts) == 6 and (pts["status"] == "optimal").all()
    assert (np.diff(pts["cvar_opt"]) <= 1e-6).all()  # a larger budget never raises the risk
    assert (pts["cost_opt"] <= pts["max_cost"] * (1 + 1e-9) + 1e-9).all()
    # the first budget is the cheapest feasible portfolio, computed independently with linprog
    from trust_minerals.optimize.solve import prepare
    from trust_minerals.optimize.spec import SourcingSpec

    prep = prepare(lithium_ds, SourcingSpec.create(unit_costs=COSTS, **BASE), loss=lithium_loss)
    assert pts["max_cost"].iloc[0] == pytest.approx(min_cost(prep.problem), rel=1e-9)
    assert f.flows.shape == (6, 4)


def test_partner_share_frontier_never_lowers_the_risk(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    f = efficient_frontier(lithium_ds, loss=lithium_loss, against="partner_share", points=5, **BASE)
    pts = f.points
    assert (np.diff(pts["cvar_opt"]) >= -1e-6).all()
    assert (pts["partner_share_opt"] >= pts["min_partner_share"] - 1e-9).all()
    assert pts["min_partner_share"].iloc[0] == 0.0


def test_uniform_costs_give_a_single_point_with_a_note(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    f = efficient_frontier(lithium_ds, loss=lithium_loss, against="cost", points=5, **BASE)
    assert len(f.points) == 1
    assert any("single point" in n for n in f.notes)


def test_bad_frontier_arguments(lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="points"):
        efficient_frontier(lithium_ds, loss=lithium_loss, points=1, **BASE)
    with pytest.raises(InputError, match="against"):
        efficient_frontier(lithium_ds, loss=lithium_loss, against="beauty", **BASE)  # type: ignore[arg-type]


def test_warm_started_frontier_points_match_fresh_solves(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    from trust_minerals.optimize.frontier import frontier_problems
    from trust_minerals.optimize.highs import HighsSession
    from trust_minerals.optimize.model import solve_problem
    from trust_minerals.optimize.solve import prepare
    from trust_minerals.optimize.spec import SourcingSpec

    prep = prepare(lithium_ds, SourcingSpec.create(unit_costs=COSTS, **BASE), loss=lithium_loss)
    for against in ("cost", "partner_share"):
        problems, _ = frontier_problems(prep.problem, against, 4)  # type: ignore[arg-type]
        session = HighsSession(problems[0])
        for q in problems:
            assert session.solve(q).objective == pytest.approx(solve_problem(q).objective, rel=1e-8)
