"""trust-minerals: critical-mineral supply-chain resilience (US–India TRUST, Minerals Security Partnership).

>>> from trust_minerals import load_dataset
>>> ds = load_dataset()          # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["SupplyDataset", "load_dataset", "build_database", "__version__"]

if TYPE_CHECKING:
    from trust_minerals.data.store import build_database, load_dataset
    from trust_minerals.dataset import SupplyDataset


def __getattr__(name: str) -> Any:
    if name in ("load_dataset", "build_database"):
        from trust_minerals.data import store

        return getattr(store, name)
    if name == "SupplyDataset":
        from trust_minerals.dataset import SupplyDataset

        return SupplyDataset
    raise AttributeError(name)
