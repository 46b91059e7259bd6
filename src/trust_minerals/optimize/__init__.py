"""Sourcing optimisation (CVaR LP with linopy + HiGHS), overseas-asset screening and US–India
complementarity.

Heavy libraries (linopy, highspy, scipy) are imported inside the functions that need them.
"""

from __future__ import annotations

from trust_minerals.optimize.complement import ComplementResult, complementarity
from trust_minerals.optimize.frontier import FrontierResult, efficient_frontier
from trust_minerals.optimize.infeasibility import Conflict, explain_infeasibility
from trust_minerals.optimize.model import SourcingProblem, build_model, cvar, solve_problem
from trust_minerals.optimize.screen import ScreenResult, screen_assets
from trust_minerals.optimize.solve import SourcingResult, optimize_sourcing
from trust_minerals.optimize.spec import SourcingSpec

__all__ = [
    "ComplementResult",
    "Conflict",
    "FrontierResult",
    "ScreenResult",
    "SourcingProblem",
    "SourcingResult",
    "SourcingSpec",
    "build_model",
    "complementarity",
    "cvar",
    "efficient_frontier",
    "explain_infeasibility",
    "optimize_sourcing",
    "screen_assets",
    "solve_problem",
]
