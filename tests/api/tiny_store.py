"""A small hand-made DuckDB store for the API, web and report tests (shares easy to check by hand).

cobalt mine 2025: COD 60, IDN 20, AUS 10, Other countries 10, World total 100 (withheld: USA).
cobalt refinery 2025: CHN 70, FIN 10, IND 5, Other countries 15, World total 100.
lithium mine 2025: AUS 40, CHL 30, CHN 20, Other countries 10, World total 100.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.factories import all_tables, countries_table, production_rows

SOURCES = ("usgs_mcs2026", "usgs_mcs2026_trends", "natural_earth", "msp_2025")


def tiny_tables() -> dict[str, pd.DataFrame]:
    prod = pd.concat(
        [
            production_rows(
                [
                    ("COD", 60.0),
                    ("IDN", 20.0),
                    ("AUS", 10.0),
                    ("USA", None),
                    ("Other countries", 10.0),
                    ("World total", 100.0),
                ]
            ),
            production_rows(
                [
                    ("CHN", 70.0),
                    ("FIN", 10.0),
                    ("IND", 5.0),
                    ("Other countries", 15.0),
                    ("World total", 100.0),
                ],
                stage="refinery",
            ),
            production_rows(
                [
                    ("AUS", 40.0),
                    ("CHL", 30.0),
                    ("CHN", 20.0),
                    ("Other countries", 10.0),
                    ("World total", 100.0),
                ],
                commodity="lithium",
            ),
        ],
        ignore_index=True,
    )
    prod["source_id"] = "usgs_mcs2026"
    reserves = production_rows(
        [("AUS", 1000.0), ("COD", 6000.0), ("Other countries", 3000.0), ("World total", 10000.0)]
    )
    reserves["source_id"] = "usgs_mcs2026"
    codes = ["AUS", "CHL", "CHN", "COD", "FIN", "IDN", "IND", "USA"]
    countries = countries_table(codes, msp=["AUS", "FIN", "IND", "USA"])
    countries["name"] = [
        "Australia",
        "Chile",
        "China",
        "Congo (Kinshasa)",
        "Finland",
        "Indonesia",
        "India",
        "United States",
    ]
    commodities = pd.DataFrame(
        {
            "commodity": ["cobalt", "lithium", "gallium"],
            "name": ["Cobalt", "Lithium", "Gallium"],
            "unit": ["metric tons", "metric tons", "kilograms"],
            "stages": ["mine,refinery", "mine", ""],
            "us_2022": [True, True, True],
            "us_2025": [True, True, True],
            "india_2023": [True, True, False],
            "eu_strategic_2024": [True, True, True],
            "usgs_critical_2025": [True, True, True],
        }
    )
    controls = pd.DataFrame(
        {
            "country": ["CHN", "COD"],
            "commodity": ["cobalt", "cobalt"],
            "control_type": ["Export license", "Export ban"],
            "since_year": pd.array([2023, 2025], dtype="Int64"),
            "item_text": ["cobalt refined", "cobalt ore"],
            "source_url": [None, None],
            "source_id": "usgs_mcs2026_trends",
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": list(SOURCES),
            "title": [
                "Mineral Commodity Summaries 2026",
                "MCS 2026 trends",
                "Natural Earth",
                "MSP",
            ],
            "publisher": "test",
            "year": pd.array([2026, 2026, None, 2025], dtype="Int64"),
            "url": None,
            "licence": None,
            "citation": "test citation",
        }
    )
    tables = all_tables(
        production=prod,
        reserves=reserves,
        countries=countries,
        commodities=commodities,
        export_controls=controls,
        sources=sources,
    )
    return tables


def build_tiny_store(path: Path) -> Path:
    from trust_minerals.data.store import build_database

    if not path.exists():
        build_database(path, force=True, tables=tiny_tables)
    return path
