"""trust-minerals: critical-mineral supply-chain resilience (US–India TRUST, Minerals Security Partnership).

The main functions are importable from the top level (imported on first use, so
``import trust_minerals`` stays fast):

>>> import trust_minerals as tm
>>> ds = tm.load_dataset(build_if_missing=True)                    # doctest: +SKIP
>>> tm.concentration(ds, "cobalt", "mine").top_country             # doctest: +SKIP
'COD'
>>> tm.risk_table(ds, "USA+IND", "msp").head()                     # doctest: +SKIP

Every function that takes a ``consumer`` accepts an ISO3 code, a group (``"MSP"``,
``"usa_ind"``), a pooled set (``"USA+IND"``), a list or a :class:`CountrySet`; ``year=None``
means the latest year with data. See ``docs/python.md`` and ``docs/glossary.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # data
    "SupplyDataset": "trust_minerals.dataset",
    "load_dataset": "trust_minerals.data.store",
    "build_database": "trust_minerals.data.store",
    # countries
    "CountrySet": "trust_minerals.countries",
    "resolve_consumer": "trust_minerals.countries",
    "resolve_consumers": "trust_minerals.countries",
    # metrics
    "overview": "trust_minerals.overview",
    "production_table": "trust_minerals.production",
    "concentration": "trust_minerals.metrics.concentration",
    "concentration_table": "trust_minerals.metrics.concentration",
    "import_reliance_table": "trust_minerals.metrics.reliance",
    "import_suppliers": "trust_minerals.metrics.trade",
    "risk_table": "trust_minerals.metrics.risk",
    "criticality": "trust_minerals.metrics.criticality",
    # scenarios
    "preset": "trust_minerals.simulate.presets",
    "load_scenario": "trust_minerals.simulate.spec",
    "propagate": "trust_minerals.simulate.propagate",
    "shortfall_risk": "trust_minerals.simulate.montecarlo",
    # sourcing
    "SourcingSpec": "trust_minerals.optimize.spec",
    "optimize_sourcing": "trust_minerals.optimize.solve",
    "efficient_frontier": "trust_minerals.optimize.frontier",
    "screen_assets": "trust_minerals.optimize.screen",
    "complementarity": "trust_minerals.optimize.complement",
    # outlook
    "recovery_supply": "trust_minerals.outlook.recovery",
    "demand_outlook": "trust_minerals.outlook.demand",
    "balance": "trust_minerals.outlook.balance",
    # reports
    "commodity_profile": "trust_minerals.report.profile",
    "country_profile": "trust_minerals.report.profile",
}

__all__ = [
    "CountrySet",
    "SourcingSpec",
    "SupplyDataset",
    "balance",
    "build_database",
    "commodity_profile",
    "complementarity",
    "concentration",
    "concentration_table",
    "country_profile",
    "criticality",
    "demand_outlook",
    "efficient_frontier",
    "import_reliance_table",
    "import_suppliers",
    "load_dataset",
    "load_scenario",
    "optimize_sourcing",
    "overview",
    "preset",
    "production_table",
    "propagate",
    "recovery_supply",
    "resolve_consumer",
    "resolve_consumers",
    "risk_table",
    "screen_assets",
    "shortfall_risk",
    "__version__",
]

if TYPE_CHECKING:
    from trust_minerals.countries import CountrySet, resolve_consumer, resolve_consumers
    from trust_minerals.data.store import build_database, load_dataset
    from trust_minerals.dataset import SupplyDataset
    from trust_minerals.metrics.concentration import concentration, concentration_table
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.reliance import import_reliance_table
    from trust_minerals.metrics.risk import risk_table
    from trust_minerals.metrics.trade import import_suppliers
    from trust_minerals.optimize.complement import complementarity
    from trust_minerals.optimize.frontier import efficient_frontier
    from trust_minerals.optimize.screen import screen_assets
    from trust_minerals.optimize.solve import optimize_sourcing
    from trust_minerals.optimize.spec import SourcingSpec
    from trust_minerals.outlook.balance import balance
    from trust_minerals.outlook.demand import demand_outlook
    from trust_minerals.outlook.recovery import recovery_supply
    from trust_minerals.overview import overview
    from trust_minerals.production import production_table
    from trust_minerals.report.profile import commodity_profile, country_profile
    from trust_minerals.simulate.montecarlo import shortfall_risk
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.propagate import propagate
    from trust_minerals.simulate.spec import load_scenario


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'trust_minerals' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
