"""Sourcing optimisation (CVaR LP with linopy + HiGHS), overseas-asset screening and US–India
complementarity.

Heavy libraries (linopy, highspy, scipy) are imported inside the functions that need them.
"""

from __future__ import annotations

from trust_minerals.optimize.model import SourcingProblem, build_model, cvar, solve_problem
from trust_minerals.optimize.spec import SourcingSpec

__all__ = ["SourcingProblem", "SourcingSpec", "build_model", "cvar", "solve_problem"]
