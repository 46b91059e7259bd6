"""Outlook benchmarks (issue 6): full balance for all minerals and years; recovery Monte Carlo."""

from __future__ import annotations

import time
from typing import Any


def _dataset() -> Any:
    """The real dataset if the store is built, else the small hand-made one used by the tests."""
    try:
        from trust_minerals.data.store import load_dataset

        return load_dataset(), "real"
    except Exception:  # the store may not be built on this machine
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "outlook"))
        from conftest import make_small_ds  # type: ignore[import-not-found]

        return make_small_ds(), "small"


def bench_balance_all() -> dict[str, Any]:
    from trust_minerals.outlook import balance

    ds, kind = _dataset()
    _ = ds.production  # load outside the timing
    t0 = time.perf_counter()
    df = balance(ds, scenario=None, year=None)
    return {"seconds": round(time.perf_counter() - t0, 3), "rows": len(df), "dataset": kind}


def bench_recovery_mc() -> dict[str, Any]:
    from trust_minerals.outlook.recovery import recovery_streams_table

    recovery_streams_table("IND", draws=10)  # warm the file caches
    t0 = time.perf_counter()
    ind = recovery_streams_table("IND", draws=100_000, seed=0)
    usa = recovery_streams_table("USA", draws=100_000, seed=0)
    return {
        "seconds": round(time.perf_counter() - t0, 3),
        "streams": len(ind) + len(usa),
        "draws": 100_000,
    }


BENCHMARKS = [
    ("outlook: full balance, all minerals x years x scenarios", "<= 1 s", bench_balance_all),
    ("outlook: recovery Monte Carlo, 100,000 draws (IND+USA)", "<= 2 s", bench_recovery_mc),
]
