"""Outlook benchmarks (issues 6, 12): full balance for all commodities x years x scenarios (IEA
projection, scope rules, conversions), consumer import need; recovery Monte Carlo."""

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


def _load() -> str:
    import os

    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def bench_balance_all() -> dict[str, Any]:
    from trust_minerals.outlook import balance

    ds, kind = _dataset()
    _ = ds.production  # load outside the timing
    balance(ds, year=2030)  # warm the file caches (scope rules, conversions, demand file)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        df = balance(ds, scenario=None, year=None)
        times.append(time.perf_counter() - t0)
    return {
        "seconds_median": round(sorted(times)[1], 3),
        "seconds_min": round(min(times), 3),
        "rows": len(df),
        "dataset": kind,
        "machine": _load(),
    }


def bench_balance_consumer() -> dict[str, Any]:
    from trust_minerals.outlook import balance

    ds, kind = _dataset()
    _ = ds.production
    balance(ds, consumer="IND", year=2030)  # warm
    t0 = time.perf_counter()
    rows = sum(
        len(balance(ds, consumer="IND", year=2030, scenario=s)) for s in ("STEPS", "APS", "NZE")
    )
    return {
        "seconds": round(time.perf_counter() - t0, 3),
        "rows": rows,
        "dataset": kind,
        "machine": _load(),
    }


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
    ("outlook: full balance, all commodities x years x scenarios", "<= 1 s", bench_balance_all),
    ("outlook: India import need, 2030, three scenarios", "informational", bench_balance_consumer),
    ("outlook: recovery Monte Carlo, 100,000 draws (IND+USA)", "<= 2 s", bench_recovery_mc),
]
