"""Fixtures for the simulate tests: a small hand-made dataset (see ``tiny.py``)."""

from __future__ import annotations

import pytest

from .tiny import make_ds
from trust_minerals.dataset import SupplyDataset


@pytest.fixture()
def tiny() -> SupplyDataset:
    return make_ds()
