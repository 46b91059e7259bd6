from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.tiny_store import build_tiny_store


@pytest.fixture(scope="session")
def tiny_ds(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from trust_minerals.data.store import load_dataset

    return load_dataset(build_tiny_store(tmp_path_factory.mktemp("report") / "trust.duckdb"))


@pytest.fixture(scope="session")
def tiny_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_store(tmp_path_factory.mktemp("report-cli") / "trust.duckdb")
