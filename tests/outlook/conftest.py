"""Small hand-made datasets for the outlook tests."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset


def prod_row(
    commodity: str,
    stage: str,
    country: str,
    year: int,
    quantity: float,
    unit: str = "metric tons",
    status: str = "published",
) -> dict[str, object]:
    agg = country in ("World total", "Other countries")
    return {
        "commodity": commodity,
        "stage": stage,
        "form": "",
        "country": country,
        "is_aggregate": agg,
        "year": year,
        "quantity": quantity,
        "unit": unit,
        "status": status,
        "qualifier": "=",
        "value_text": "W" if math.isnan(quantity) else str(quantity),
        "basis": "not stated",
        "note": None,
        "source_id": "usgs_mcs2026",
    }


def make_small_ds() -> SupplyDataset:
    nan = float("nan")
    production = pd.DataFrame(
        [
            prod_row("lithium", "mine", "World total", 2025, 240000.0),
            prod_row("lithium", "mine", "AUS", 2025, 90000.0),
            prod_row("lithium", "mine", "Other countries", 2025, 160000.0),
            prod_row("lithium", "mine", "World total", 2024, 200000.0),
            prod_row("rare_earths", "mine", "World total", 2025, 390000.0),
            prod_row("rare_earths", "mine", "IND", 2025, 2900.0),
            prod_row("rare_earths", "mine", "USA", 2025, 45000.0),
            prod_row("scandium", "refinery", "IND", 2025, nan, status="withheld"),
            prod_row("copper", "mine", "World total", 2025, 23000.0, unit="thousand metric tons"),
            prod_row(
                "copper", "refinery", "World total", 2025, 27000.0, unit="thousand metric tons"
            ),
            prod_row("copper", "mine", "IND", 2025, 30.0, unit="thousand metric tons"),
            prod_row("gallium", "refinery", "World total", 2025, 760000.0, unit="kilograms"),
        ]
    )
    salient = pd.DataFrame(
        [
            {
                "commodity": "rare_earths",
                "commodity_name": "Rare Earths",
                "statistic": "Net import reliance",
                "detail": "",
                "year": 2025,
                "value": 67.0,
                "unit": "percent",
                "status": "estimated",
                "qualifier": "=",
                "value_text": "67",
                "basis": "not stated",
                "note": None,
                "source_id": "usgs_mcs2026",
            },
            {
                "commodity": "rare_earths",
                "commodity_name": "Rare Earths",
                "statistic": "Net import reliance",
                "detail": "",
                "year": 2024,
                "value": 80.0,
                "unit": "percent",
                "status": "published",
                "qualifier": "=",
                "value_text": "80",
                "basis": "not stated",
                "note": None,
                "source_id": "usgs_mcs2026",
            },
        ]
    )
    return SupplyDataset.from_tables({"production": production, "us_salient": salient})


@pytest.fixture(scope="module")
def small_ds() -> SupplyDataset:
    return make_small_ds()
