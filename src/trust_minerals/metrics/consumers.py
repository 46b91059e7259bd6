"""Consumers and partner sets (kept for existing imports; the reader is :mod:`trust_minerals.countries`)."""

from __future__ import annotations

from trust_minerals.countries import (
    GROUPS,
    ConsumerLike,
    CountrySet,
    group_members,
    resolve_consumer,
)
from trust_minerals.dataset import SupplyDataset


def resolve_countries(
    ds: SupplyDataset, text: ConsumerLike, *, kind: str = "consumer"
) -> CountrySet:
    """Same as :func:`trust_minerals.countries.resolve_consumer` (``kind`` names the role)."""
    return resolve_consumer(ds, text, role=kind)


__all__ = ["GROUPS", "CountrySet", "group_members", "resolve_countries"]
