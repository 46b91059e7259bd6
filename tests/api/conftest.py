from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.tiny_store import build_tiny_store

with warnings.catch_warnings():  # starlette's TestClient warns about httpx on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

KEY = "test-key-0123456789"


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_store(tmp_path_factory.mktemp("tiny") / "trust.duckdb")


def make_client(db: Path, **settings: object) -> TestClient:
    from trust_minerals.api import ApiSettings, create_app

    base: dict[str, object] = {
        "api_key": KEY,
        "max_draws": 1000,
        "max_horizon_months": 24,
        "rate_limit": 5,
        "max_body_bytes": 2048,
    }
    base.update(settings)
    return TestClient(create_app(db, ApiSettings(**base)))  # type: ignore[arg-type]


@pytest.fixture()
def client(tiny_db: Path) -> Iterator[TestClient]:
    with make_client(tiny_db) as c:
        yield c
