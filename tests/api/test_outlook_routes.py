"""Outlook endpoints on the real store: balance for any consumer, recovery levels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import make_client


@pytest.fixture(scope="module")
def real_client(built_db: Path) -> Iterator[object]:
    with make_client(built_db, max_draws=10_000) as c:
        yield c


@pytest.mark.slow
@pytest.mark.parametrize("query", ["consumer=ABW", "consumer=CHN&year=2030"])
def test_balance_for_a_country_without_data_answers(real_client, query: str) -> None:  # type: ignore[no-untyped-def]
    r = real_client.get(f"/api/v1/outlook/balance?{query}")
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows and all(row["demand_basis"].startswith("unknown") for row in rows)


@pytest.mark.slow
def test_india_import_need_and_its_exposure(real_client) -> None:  # type: ignore[no-untyped-def]
    r = real_client.get("/api/v1/outlook/balance?consumer=IND&year=2030&scenario=NZE")
    assert r.status_code == 200, r.text
    li = next(row for row in r.json() if row["commodity"] == "lithium")
    assert li["import_need_t"] > 0 and li["china_share"] is not None


@pytest.mark.slow
def test_the_old_country_spelling_is_refused_not_ignored(real_client) -> None:  # type: ignore[no-untyped-def]
    r = real_client.get("/api/v1/outlook/balance?country=IND")
    assert r.status_code == 422
    assert r.json()["invalid_params"][0]["name"] == "country"
    assert "consumer" in r.json()["detail"]


@pytest.mark.slow
def test_recovery_levels_endpoint(real_client) -> None:  # type: ignore[no-untyped-def]
    r = real_client.get("/api/v1/outlook/recovery?country=IND")
    assert r.status_code == 200, r.text
    sc = next(row for row in r.json() if row["commodity"] == "scandium")
    assert sc["range"] == "range not published" and sc["contained_low_t"] is None
