"""A small hand-made lithium dataset and synthetic loss draws for the optimiser tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.factories import countries_table, production_rows, tiny_dataset
from trust_minerals.dataset import SupplyDataset

#: hand-made mine production (t): AUS and CHL are MSP partners, USA withheld
PRODUCTION = [
    ("AUS", 80000.0),
    ("CHL", 40000.0),
    ("CHN", 40000.0),
    ("ARG", 20000.0),
    ("USA", None),
    ("Other countries", 20000.0),
    ("World total", 200000.0),
]
COUNTRIES = ["AUS", "CHL", "CHN", "ARG", "USA", "IND", "BRA"]
MSP = ["AUS", "USA", "IND"]


@pytest.fixture(scope="session")
def lithium_ds() -> SupplyDataset:
    prod = production_rows(PRODUCTION, commodity="lithium")
    return tiny_dataset(production=prod, countries=countries_table(COUNTRIES, msp=MSP))


@pytest.fixture(scope="session")
def lithium_loss() -> pd.DataFrame:
    """Seeded synthetic disruptions: CHN often loses supply, others rarely."""
    rng = np.random.default_rng(7)
    n = 400
    p = {"AUS": 0.02, "CHL": 0.05, "CHN": 0.25, "ARG": 0.08}
    data = {c: (rng.random(n) < q) * rng.uniform(0.3, 1.0, n) for c, q in p.items()}
    return pd.DataFrame(data)
