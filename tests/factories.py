"""Small hand-made tables for tests (hand calculations, store mechanics)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.schema import empty_table, table_specs


def production_rows(
    rows: Iterable[tuple[str, float | None]],
    *,
    commodity: str = "cobalt",
    stage: str = "mine",
    year: int = 2025,
    unit: str = "metric tons",
    form: str = "",
    table_status: str = "estimated",
) -> pd.DataFrame:
    """Production-like rows from ``(country, quantity)``; aggregates by name, ``None`` = withheld."""
    out = []
    for country, quantity in rows:
        aggregate = country in ("World total", "Other countries")
        out.append(
            {
                "commodity": commodity,
                "stage": stage,
                "form": form,
                "country": country,
                "is_aggregate": aggregate,
                "year": year,
                "quantity": quantity,
                "unit": unit,
                "status": "withheld" if quantity is None else table_status,
                "qualifier": "=",
                "value_text": "W" if quantity is None else f"{quantity:,.0f}",
                "note": None,
                "basis": "not stated",
                "source_id": "test",
            }
        )
    return pd.DataFrame(out)


def countries_table(codes: Iterable[str], *, msp: Iterable[str] = ()) -> pd.DataFrame:
    msp = set(msp)
    codes = list(codes)
    return pd.DataFrame(
        {
            "country": codes,
            "name": codes,
            "region": None,
            "pv": 0.0,
            "rl": 0.0,
            "msp": [c in msp for c in codes],
            "quad": False,
            "g7": False,
            "eu": False,
            "oecd": False,
        }
    )


def sources_table(ids: Iterable[str] = ("test",)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": list(ids),
            "title": "test",
            "publisher": "test",
            "year": 2025,
            "url": None,
            "licence": None,
            "citation": "test",
        }
    )


def all_tables(**tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every spec table: the given ones, empty frames for the rest, and a ``test`` source."""
    out = {name: empty_table(name) for name in table_specs()}
    out["sources"] = sources_table()
    out.update(tables)
    return out


def tiny_dataset(**tables: pd.DataFrame) -> SupplyDataset:
    return SupplyDataset.from_tables(all_tables(**tables))
