"""Fixtures for the simulate tests: a small hand-made dataset (see ``tiny.py``)."""

from __future__ import annotations

import pytest

from trust_minerals.dataset import SupplyDataset

from .tiny import make_ds


@pytest.fixture()
def tiny() -> SupplyDataset:
    return make_ds()
