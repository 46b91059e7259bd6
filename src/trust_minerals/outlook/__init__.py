"""Outlook: Strategic Mineral Recovery (residues, recycling) and demand (IEA outlook, plans).

Public entry points:

* :func:`recovery_supply` — recoverable supply of one commodity in one country (a supply option
  for the scenario engine and the optimiser);
* :func:`recovery_table` — recoverable tonnage per stream beside primary production and imports;
* :func:`demand_outlook` — IEA Critical Minerals Data Explorer 2024 demand (kt, as published);
* :func:`plan_demand` / :func:`load_plan` — bottom-up demand from a deployment plan (YAML);
* :func:`balance` — demand against primary supply by stage plus recovery.
"""

from trust_minerals.outlook.balance import balance
from trust_minerals.outlook.demand import demand_outlook, load_demand_outlook
from trust_minerals.outlook.plans import PlanSpec, load_plan, plan_demand
from trust_minerals.outlook.recovery import (
    RecoverySupply,
    recovery_streams_table,
    recovery_supply,
    recovery_table,
)

__all__ = [
    "PlanSpec",
    "RecoverySupply",
    "balance",
    "demand_outlook",
    "load_demand_outlook",
    "load_plan",
    "plan_demand",
    "recovery_streams_table",
    "recovery_supply",
    "recovery_table",
]
