"""shortfall_risk: closed form, reproducibility, streaming statistics, dask equality."""

from __future__ import annotations

import numpy as np
import pytest

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.simulate.montecarlo import shortfall_risk
from trust_minerals.simulate.stats import chunk_stats, merge_stats, summarise

from .tiny import make_ds

ONE_SUPPLIER = [
    ("gallium", "refinery", "CHN", 100.0),
    ("gallium", "refinery", "World total", 100.0),
]


@pytest.mark.parametrize(("p", "s", "share"), [(0.1, 1.0, 1.0), (0.3, 0.5, 0.75), (0.05, 0.8, 0.4)])
def test_one_supplier_closed_form_expected_shortfall(p, s, share):
    """Expected shortfall = p · s · share, within 4 standard errors."""
    trade = [
        ("CHN", "USA", "gallium", "refinery", 100 * share),
        ("JPN", "USA", "gallium", "refinery", 100 * (1 - share)),
    ]
    ds = make_ds(production=ONE_SUPPLIER, trade=trade)
    n = 200_000
    r = shortfall_risk(
        ds, ["USA"], n_draws=n, seed=4, probabilities={"CHN": p, "JPN": 0.0}, severity=("fixed", s)
    )
    row = r.table.iloc[0]
    expected = p * s * share
    exact_se = s * share * np.sqrt(p * (1 - p) / n)
    assert abs(row["mean_shortfall_share"] - expected) < 4 * exact_se
    assert row["stderr"] == pytest.approx(exact_se, rel=0.05)
    # the tail: with probability p the shortfall is exactly s·share
    if p > 0.05:
        assert row["p95"] == pytest.approx(s * share, abs=2e-4)
        assert row["cvar95"] == pytest.approx(s * share, abs=2e-4)


def test_same_seed_same_table_and_different_seed_differs(tiny):
    a = shortfall_risk(tiny, ["USA", "IND"], n_draws=50_000, seed=9)
    b = shortfall_risk(tiny, ["USA", "IND"], n_draws=50_000, seed=9)
    c = shortfall_risk(tiny, ["USA", "IND"], n_draws=50_000, seed=10)
    assert a.table.equals(b.table)
    assert not a.table["mean_shortfall_share"].equals(c.table["mean_shortfall_share"])


def test_chunking_changes_nothing_but_memory_for_stats(tiny):
    """Statistics merged from many small chunks equal one chunk's statistics of the same draws."""
    rng = np.random.default_rng(0)
    values = (rng.random((10_000, 3)) * (rng.random((10_000, 3)) < 0.3)).astype(np.float32)
    whole = summarise(chunk_stats(values, 1000))
    parts = summarise(
        merge_stats([chunk_stats(values[i : i + 999], 1000) for i in range(0, 10_000, 999)])
    )
    np.testing.assert_allclose(whole.to_numpy(), parts.to_numpy(), rtol=1e-10, atol=1e-12)
    # cross-check against numpy's exact quantiles (histogram resolution 1e-3)
    exact = np.quantile(values, [0.5, 0.95, 0.99], axis=0)
    np.testing.assert_allclose(whole[["p50", "p95", "p99"]].to_numpy().T, exact, atol=1.5e-3)
    tail = np.sort(values, axis=0)[-500:].mean(axis=0)  # CVaR95: worst 5% of 10,000 draws
    np.testing.assert_allclose(whole["cvar95"].to_numpy(), tail, atol=1e-3)
    np.testing.assert_allclose(
        whole["mean_shortfall_share"], values.mean(axis=0, dtype=np.float64), rtol=1e-9
    )


def test_statistics_are_ordered_and_in_unit_interval(tiny):
    t = shortfall_risk(tiny, ["USA", "IND", "MSP"], n_draws=20_000, seed=1).table
    assert (t["p50"] <= t["p95"]).all() and (t["p95"] <= t["p99"]).all()
    assert (t["var95"] <= t["cvar95"] + 1e-12).all() and (t["var99"] <= t["cvar99"] + 1e-12).all()
    assert (t["cvar95"] <= t["cvar99"] + 1e-12).all()
    cols = ["mean_shortfall_share", "p50", "p95", "p99", "cvar95", "cvar99"]
    assert ((t[cols] >= 0) & (t[cols] <= 1)).all().all()


def test_zero_probability_everywhere_gives_zero_shortfall(tiny):
    probs = dict.fromkeys(tiny.country_ids(), 0.0)
    t = shortfall_risk(tiny, ["USA"], n_draws=1000, seed=1, probabilities=probs).table
    assert (t[["mean_shortfall_share", "p99", "cvar99"]] == 0).all().all()


def test_bad_inputs_are_refused_quickly(tiny):
    with pytest.raises(InputError, match="draw cap"):
        shortfall_risk(tiny, ["USA"], n_draws=10**12, seed=1)
    with pytest.raises(InputError, match="draw cap of 500"):
        shortfall_risk(tiny, ["USA"], n_draws=1000, seed=1, draw_cap=500)
    with pytest.raises(InputError, match="CHN"):
        shortfall_risk(tiny, ["USA"], n_draws=10, seed=1, probabilities={"CHN": 2.0})
    with pytest.raises(UnknownNameError, match="ATLANTIS"):
        shortfall_risk(tiny, ["USA", "ATLANTIS"], n_draws=10, seed=1)
    with pytest.raises(UnknownNameError, match="unobtainium"):
        shortfall_risk(tiny, ["USA"], n_draws=10, seed=1, commodities=["unobtainium"])
    with pytest.raises(InputError, match="workers"):
        shortfall_risk(tiny, ["USA"], n_draws=10, seed=1, workers=0)


def test_two_worker_dask_cluster_equals_single_process(tiny):
    kwargs = {"n_draws": 40_000, "seed": 3, "chunk_size": 10_000}
    local = shortfall_risk(tiny, ["USA", "IND"], **kwargs)
    from trust_minerals.simulate import distributed
    from trust_minerals.simulate.montecarlo import MonteCarloJob

    captured: list[MonteCarloJob] = []
    original = distributed.run_chunks

    def threaded(job, **kw):  # threads keep the test fast; processes are the CLI default
        captured.append(job)
        return original(job, **{**kw, "processes": False})

    distributed.run_chunks = threaded
    try:
        dask = shortfall_risk(tiny, ["USA", "IND"], workers=2, **kwargs)
    finally:
        distributed.run_chunks = original
    assert captured and len(captured[0].chunks) == 4
    assert dask.backend.startswith("dask LocalCluster(2)")
    assert local.table.equals(dask.table)
