"""Outlook: Strategic Mineral Recovery (residues, recycling), demand (IEA outlook, plans), balance.

Public entry points:

* :func:`recovery_levels` / :func:`recovery_table` — per residue stream the three levels
  (contained, technically recoverable, operating or announced capacity), beside primary
  production and imports;
* :func:`recovery_supply` — technical potential of one commodity in one country as Monte Carlo
  draws (a supply option for the scenario engine and the optimiser);
* :func:`demand_outlook` — IEA Critical Minerals Data Explorer 2024 demand (kt, as published);
* :func:`plan_demand` / :func:`load_plan` — bottom-up demand from a deployment plan (YAML);
* :func:`balance` — demand against supply on the same scope and content basis; for a consumer,
  the import need and who would supply it.
"""

from trust_minerals.outlook.balance import balance
from trust_minerals.outlook.demand import demand_outlook, load_demand_outlook
from trust_minerals.outlook.levels import recovery_counted, recovery_levels, recovery_table
from trust_minerals.outlook.plans import PlanSpec, load_plan, plan_demand
from trust_minerals.outlook.recovery import (
    RecoverySupply,
    recovery_streams_table,
    recovery_supply,
)

__all__ = [
    "PlanSpec",
    "RecoverySupply",
    "balance",
    "demand_outlook",
    "load_demand_outlook",
    "load_plan",
    "plan_demand",
    "recovery_counted",
    "recovery_levels",
    "recovery_streams_table",
    "recovery_supply",
    "recovery_table",
]
