"""A small hand-made dataset for hand calculations of the metrics (numbers chosen by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset
from trust_minerals.schema import empty_table

SRC = "usgs_mcs2026"


def measure_rows(
    commodity: str, stage: str, year: int, unit: str, values: dict[str, float | None]
) -> list[dict]:
    rows = []
    for country, q in values.items():
        aggregate = country in ("World total", "Other countries")
        rows.append(
            {
                "commodity": commodity,
                "stage": stage,
                "form": "",
                "country": country,
                "is_aggregate": aggregate,
                "year": year,
                "quantity": q,
                "unit": unit,
                "status": "published" if q is not None else "withheld",
                "qualifier": "=",
                "value_text": "W" if q is None else str(q),
                "basis": "not stated",
                "note": None,
                "source_id": SRC,
            }
        )
    return rows


def frame(name: str, rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows as a table of ``name``; spec columns the rows lack get a neutral filler."""
    from trust_minerals.schema import spec

    df = pd.DataFrame(rows)
    for col in spec(name).columns:
        if col.name not in df.columns:
            filler = {
                "str": "" if not col.nullable else None,
                "bool": False,
                "float": float("nan"),
                "int": 0,
            }
            df[col.name] = df["commodity"] if col.name == "commodity_name" else filler[col.dtype]
    return df[empty_table(name).columns]


COUNTRIES = [
    # country, pv, rl, msp
    ("COD", -2.0, -1.5, False),
    ("IDN", -0.5, 0.0, False),
    ("AUS", 1.0, 1.5, True),
    ("USA", 0.0, 1.3, True),
    ("CHN", -0.5, 0.0, False),
    ("JPN", 1.0, 1.5, True),
    ("CHL", 0.5, 1.0, False),
    ("IND", -0.6, 0.2, True),
]


def make_small_ds(scale: float = 1.0) -> SupplyDataset:
    """Cobalt (complete data), gallium (refinery only, export control) and lithium (mostly withheld)."""

    def s(values: dict[str, float | None]) -> dict[str, float | None]:
        return {k: (None if v is None else v * scale) for k, v in values.items()}

    production = (
        measure_rows(
            "cobalt",
            "mine",
            2025,
            "metric tons",
            s(
                {
                    "COD": 70,
                    "IDN": 10,
                    "AUS": 5,
                    "USA": 5,
                    "Other countries": 10,
                    "World total": 100,
                }
            ),
        )
        + measure_rows(
            "gallium",
            "refinery",
            2025,
            "kilograms",
            s({"CHN": 990, "JPN": 10, "World total": 1000}),
        )
        + measure_rows(
            "lithium",
            "mine",
            2025,
            "metric tons",
            s({"AUS": None, "CHL": None, "CHN": 10, "World total": 100}),
        )
    )
    reserves = measure_rows(
        "cobalt",
        "mine",
        2025,
        "metric tons",
        s({"COD": 60, "AUS": 20, "IDN": 20, "World total": 100}),
    )
    countries = pd.DataFrame(
        [
            {
                "country": c,
                "name": c,
                "region": None,
                "pv": pv,
                "rl": rl,
                "msp": msp,
                "quad": c in ("USA", "IND", "JPN", "AUS"),
                "g7": c in ("USA", "JPN"),
                "eu": False,
                "oecd": c in ("USA", "JPN", "AUS", "CHL"),
            }
            for c, pv, rl, msp in COUNTRIES
        ]
    )
    trade = pd.DataFrame(
        [
            {
                "exporter": "COD",
                "importer": "USA",
                "hs6": "282200",
                "commodity": "cobalt",
                "stage": "refinery",
                "year": 2025,
                "value_usd": 6e6 * scale,
                "quantity": 30.0 * scale,
                "source_id": "baci_hs92_v202401b",
            },
            {
                "exporter": "AUS",
                "importer": "USA",
                "hs6": "282200",
                "commodity": "cobalt",
                "stage": "refinery",
                "year": 2025,
                "value_usd": 4e6 * scale,
                "quantity": 20.0 * scale,
                "source_id": "baci_hs92_v202401b",
            },
            {
                "exporter": "CHN",
                "importer": "USA",
                "hs6": "811292",
                "commodity": "gallium",
                "stage": "refinery",
                "year": 2025,
                "value_usd": 3e6 * scale,
                "quantity": 2.0 * scale,
                "source_id": "baci_hs92_v202401b",
            },
        ]
    )
    us_salient = pd.DataFrame(
        [
            {
                "commodity": c,
                "commodity_name": c,
                "statistic": "Net import reliance",
                "detail": "Net import reliance as a percentage of apparent consumption",
                "year": 2025,
                "value": v,
                "unit": "percent",
                "status": st,
                "qualifier": "=",
                "value_text": txt,
                "basis": "not stated",
                "note": None,
                "source_id": SRC,
            }
            for c, v, st, txt in [
                ("cobalt", 76.0, "estimated", "76"),
                ("gallium", 100.0, "published", "100"),
                ("lithium", None, "withheld", "W"),
            ]
        ]
    )
    export_controls = pd.DataFrame(
        [
            {
                "country": "CHN",
                "commodity": "gallium",
                "control_type": "Export license",
                "since_year": 2023,
                "item_text": "gallium",
                "source_url": None,
                "source_id": "usgs_mcs2026_trends",
            },
            {
                "country": "IDN",
                "commodity": "cobalt",
                "control_type": "Export ban",
                "since_year": 2030,
                "item_text": "cobalt",
                "source_url": None,
                "source_id": "usgs_mcs2026_trends",
            },
        ]
    )
    eol = pd.DataFrame([{"commodity": "cobalt", "eol_rir": 0.22, "source_id": "world_mining_data"}])
    commodities = pd.DataFrame(
        [
            {
                "commodity": c,
                "name": n,
                "unit": u,
                "stages": st,
                "us_2022": a,
                "us_2025": b,
                "india_2023": i,
                "eu_strategic_2024": False,
                "usgs_critical_2025": b,
            }
            for c, n, u, st, a, b, i in [
                ("cobalt", "Cobalt", "metric tons", "mine", True, True, True),
                ("gallium", "Gallium", "kilograms", "refinery", True, True, True),
                ("lithium", "Lithium", "metric tons", "mine", True, True, False),
                ("copper", "Copper", "metric tons", "", False, True, True),
            ]
        ]
    )
    critical_lists = pd.DataFrame(
        [
            {"list_id": lid, "order": k, "name_as_published": c, "commodity": c, "source_id": src}
            for lid, src, items in [
                ("us_2025", "us_list_2025", ["cobalt", "gallium", "lithium", "copper"]),
                ("us_2022", "us_list_2022", ["cobalt", "gallium", "lithium"]),
                ("india_2023", "india_list_2023", ["cobalt", "gallium", "copper"]),
            ]
            for k, c in enumerate(items, start=1)
        ]
    )
    return SupplyDataset.from_tables(
        {
            "production": frame("production", production),
            "reserves": frame("reserves", reserves),
            "countries": frame("countries", countries),
            "trade": frame("trade", trade),
            "us_salient": frame("us_salient", us_salient),
            "export_controls": frame("export_controls", export_controls),
            "eol_rir": frame("eol_rir", eol),
            "commodities": frame("commodities", commodities),
            "critical_lists": frame("critical_lists", critical_lists),
        }
    )


@pytest.fixture(scope="module")
def small_ds() -> SupplyDataset:
    return make_small_ds()
