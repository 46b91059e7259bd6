"""Data foundation benchmarks (issue 2): build, load, overview end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUST = str(Path(sys.executable).with_name("trust"))


def _db() -> Path:
    path = Path(tempfile.gettempdir()) / "trust-bench.duckdb"
    if not path.exists():
        from trust_minerals.data.store import build_database

        build_database(path, force=True)
    return path


def bench_build() -> dict[str, float]:
    """`trust data build --force` from the raw files (BACI subset included), as a user runs it."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "t.duckdb"
        t0 = time.perf_counter()
        subprocess.run(
            [TRUST, "data", "build", "--force", "--db", str(db)], check=True, capture_output=True
        )
        return {
            "seconds": round(time.perf_counter() - t0, 2),
            "mb": round(db.stat().st_size / 1e6, 1),
        }


def bench_load() -> dict[str, float]:
    """`load_dataset()` from DuckDB (every table but the lazily read trade table), best of 5."""
    from trust_minerals.data.store import load_dataset

    db = _db()
    load_dataset(db)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        load_dataset(db)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    n = len(load_dataset(db).trade)
    trade = time.perf_counter() - t0
    return {
        "seconds_best": round(min(times), 3),
        "seconds_median": round(sorted(times)[2], 3),
        "trade_first_use_s": round(trade, 2),
        "trade_rows": n,
    }


def bench_overview_cli() -> dict[str, float]:
    """`trust overview` end to end in a fresh interpreter (start-up included), best and median of 5."""
    env = {**os.environ, "TRUST_DB": str(_db())}
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [TRUST, "overview", "--format", "csv"], check=True, capture_output=True, env=env
        )
        times.append(time.perf_counter() - t0)
    return {"seconds_best": round(min(times), 3), "seconds_median": round(sorted(times)[2], 3)}


BENCHMARKS = [
    ("data.build (trust data build --force)", "<= 20 s", bench_build),
    ("data.load_dataset", "<= 0.3 s", bench_load),
    ("data.overview_cli (trust overview, incl. start-up)", "<= 1.5 s", bench_overview_cli),
]
