"""Small hand-made datasets for hand calculations in the simulate tests (see conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset

#: (commodity, stage, country, quantity) -- 'World total' and 'Other countries' are aggregates
PRODUCTION = [
    ("gallium", "refinery", "CHN", 980.0),
    ("gallium", "refinery", "JPN", 10.0),
    ("gallium", "refinery", "RUS", 10.0),
    ("gallium", "refinery", "World total", 1000.0),
    ("cobalt", "mine", "COD", 700.0),
    ("cobalt", "mine", "IDN", 100.0),
    ("cobalt", "mine", "AUS", 50.0),
    ("cobalt", "mine", "Other countries", 150.0),
    ("cobalt", "mine", "World total", 1000.0),
    ("cobalt", "refinery", "CHN", 800.0),
    ("cobalt", "refinery", "FIN", 100.0),
    ("cobalt", "refinery", "BEL", 50.0),
    ("cobalt", "refinery", "Other countries", 50.0),
    ("cobalt", "refinery", "World total", 1000.0),
]

#: (country, pv, rl, msp)
COUNTRIES = [
    ("CHN", -0.5, -0.1, False),
    ("USA", 0.0, 1.4, True),
    ("IND", -0.6, 0.0, True),
    ("JPN", 1.0, 1.5, True),
    ("RUS", -1.0, -1.2, False),
    ("COD", -2.0, -1.6, False),
    ("IDN", -0.3, -0.3, False),
    ("AUS", 0.9, 1.5, True),
    ("FIN", 0.9, 2.0, True),
    ("BEL", 0.5, 1.3, True),
    ("DEU", 0.6, 1.5, True),
    ("XKX", np.nan, np.nan, False),
]

#: (exporter, importer, commodity, stage, quantity)
TRADE = [
    ("CHN", "USA", "gallium", "refinery", 15.0),
    ("JPN", "USA", "gallium", "refinery", 5.0),
    ("CHN", "DEU", "gallium", "refinery", 30.0),
    ("CHN", "IND", "cobalt", "refinery", 60.0),
    ("FIN", "IND", "cobalt", "refinery", 40.0),
    ("COD", "CHN", "cobalt", "mine", 500.0),
    ("BEL", "USA", "cobalt", "refinery", 10.0),
    ("FIN", "USA", "cobalt", "refinery", 10.0),
]


def production_table(rows: list[tuple[str, str, str, float]], year: int = 2025) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["commodity", "stage", "country", "quantity"])
    agg = df["country"].isin(["World total", "Other countries"])
    return df.assign(
        form="",
        is_aggregate=agg,
        year=year,
        unit="metric tons",
        status="published",
        qualifier="=",
        value_text=[str(q) for q in df["quantity"]],  # "nan" text under pandas 2 and 3
        note=None,
        basis="not stated",
        source_id="test",
    )


def countries_table(rows: list[tuple[str, float, float, bool]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["country", "pv", "rl", "msp"])
    return df.assign(name=df["country"], region=None, quad=False, g7=False, eu=False, oecd=False)


def trade_table(rows: list[tuple[str, str, str, str, float]], year: int = 2025) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["exporter", "importer", "commodity", "stage", "quantity"])
    return df.assign(hs6="000000", year=year, value_usd=df["quantity"] * 1000, source_id="test")


def make_ds(
    production: list[tuple[str, str, str, float]] | None = None,
    countries: list[tuple[str, float, float, bool]] | None = None,
    trade: list[tuple[str, str, str, str, float]] | None = None,
    export_controls: pd.DataFrame | None = None,
) -> SupplyDataset:
    tables: dict[str, pd.DataFrame] = {
        "production": production_table(PRODUCTION if production is None else production),
        "countries": countries_table(COUNTRIES if countries is None else countries),
        "trade": trade_table(TRADE if trade is None else trade),
    }
    if export_controls is not None:
        tables["export_controls"] = export_controls
    return SupplyDataset.from_tables(tables)
