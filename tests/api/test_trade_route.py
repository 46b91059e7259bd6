"""``/trade/suppliers`` on the real store: rows per stage, never a sum across stages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import make_client


@pytest.fixture(scope="module")
def real_client(built_db: Path) -> Iterator[object]:
    with make_client(built_db) as c:
        yield c


def test_without_a_stage_the_rows_come_per_stage(real_client) -> None:  # type: ignore[no-untyped-def]
    body = real_client.get(
        "/api/v1/trade/suppliers",
        params={"commodity": "tungsten", "consumer": "USA", "year": 2024},
    ).json()
    rows = body["rows"]
    assert {r["stage"] for r in rows} == {"mine", "refinery"} and body["stage"] is None
    for stage in ("mine", "refinery"):
        shares = [r["share"] for r in rows if r["stage"] == stage]
        assert sum(shares) == pytest.approx(1.0)  # of that stage's imports only
    refined = real_client.get(
        "/api/v1/trade/suppliers",
        params={"commodity": "tungsten", "consumer": "USA", "year": 2024, "stage": "refinery"},
    ).json()["rows"]
    assert refined == [r for r in rows if r["stage"] == "refinery"]
    assert all("W content" in r["quantity_basis"] for r in refined)


def test_empty_stage_says_why(real_client) -> None:  # type: ignore[no-untyped-def]
    body = real_client.get(
        "/api/v1/trade/suppliers",
        params={"commodity": "antimony", "consumer": "USA", "year": 2024, "stage": "refinery"},
    ).json()
    assert body["rows"] == [] and "refinery" in body["note"]
