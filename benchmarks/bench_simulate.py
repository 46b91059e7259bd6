"""Monte Carlo benchmarks (issue 4): 10^6 draws × all commodities × all producing countries, two
stages, against a plain numpy matrix product of the same shapes; peak memory for 10^7 draws."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

_SETUP = """
import numpy as np
from trust_minerals.data.store import load_dataset
from trust_minerals.simulate.montecarlo import MonteCarloJob, build_severity, disruption_probabilities, run_chunk
from trust_minerals.simulate.network import build_exposure
from trust_minerals.simulate.params import parameters
from trust_minerals.simulate.stats import merge_stats, summarise
ds = load_dataset()
exp = build_exposure(ds, ["IND"], stages=("mine", "refinery"), allocation="world")
probs = disruption_probabilities(ds, list(exp.countries))
def job(n):
    p = parameters()
    return MonteCarloJob(exp.countries, tuple(probs), build_severity("default"), exp.matrix, 1, n,
                         int(p["chunk_size"]), int(p["histogram_bins"]))
"""


def _run(code: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _SETUP + code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_million_draws() -> dict[str, Any]:
    return _run(
        """
import json, os, time
j = job(1_000_000)
run_chunk(j, 0)  # warm-up: imports scipy, builds the Beta inverse-CDF table
t, c = time.perf_counter(), time.process_time()
stats = summarise(merge_stats(run_chunk(j, i) for i in range(len(j.chunks))))
mc, mc_cpu = time.perf_counter() - t, time.process_time() - c
a = np.random.default_rng(0).random((1_000_000, len(exp.countries)), dtype=np.float32)
t, c = time.perf_counter(), time.process_time(); a @ exp.matrix
mm, mm_cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": round(mc, 3), "cpu_seconds": round(mc_cpu, 3),
                  "matmul_seconds": round(mm, 3), "matmul_cpu_seconds": round(mm_cpu, 3),
                  "ratio_to_matmul": round(mc / mm, 2), "load_average_1min": os.getloadavg()[0],
                  "countries": len(exp.countries), "columns": exp.matrix.shape[1],
                  "commodities": int(exp.columns["commodity"].nunique())}))
"""
    )


def bench_peak_memory_10m() -> dict[str, Any]:
    return _run(
        """
import json, time, tracemalloc, psutil, os
j = job(10_000_000)
rss0 = psutil.Process().memory_info().rss
tracemalloc.start()
t = time.perf_counter()
stats = summarise(merge_stats(run_chunk(j, i) for i in range(len(j.chunks))))
secs = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": round(secs, 2), "peak_traced_mb": round(peak / 2**20, 1),
                  "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1), "rss_before_mb": round(rss0 / 2**20, 1)}))
"""
    )


def bench_backtest() -> dict[str, Any]:
    return _run(
        """
import json, os, time
from trust_minerals.simulate.backtest import backtest
t = time.perf_counter()
r = backtest(ds)
secs = time.perf_counter() - t
print(json.dumps({"seconds": round(secs, 2), "observations": int(len(r.table)),
                  "load_average_1min": os.getloadavg()[0]}))
"""
    )


BENCHMARKS = [
    ("simulate: montecarlo 1e6 draws, all commodities, 2 stages", "<= 3 s", bench_million_draws),
    ("simulate: montecarlo 1e7 draws peak memory", "<= 1.5 GB", bench_peak_memory_10m),
    ("simulate: trust backtest with leave-one-out (real store)", "informational", bench_backtest),
]

if __name__ == "__main__":
    for name, goal, fn in BENCHMARKS:
        t0 = time.perf_counter()
        print(name, goal, fn(), f"({time.perf_counter() - t0:.1f} s wall)")
