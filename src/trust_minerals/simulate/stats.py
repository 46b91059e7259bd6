"""Streaming statistics of shortfall shares on [0, 1]: fixed-bin histograms merged across chunks.

Quantiles of millions of draws cannot be kept in memory for every consumer × commodity column,
so each chunk reduces its draws to (a) exact sums and sums of squares (mean, standard error) and
(b) a histogram with a point mass at exactly 0 and ``bins`` equal bins on (0, 1]. Histograms add
exactly (integer counts), so merging chunks in chunk order gives the same result whatever runs
them. Quantiles interpolate linearly inside a bin (resolution ``1 / bins``); CVaR takes the bin
midpoints (error at most ``0.5 / bins``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

STAT_COLUMNS = [
    "mean_shortfall_share",
    "p50",
    "p95",
    "p99",
    "var95",
    "cvar95",
    "var99",
    "cvar99",
    "stderr",
]


@dataclass(frozen=True)
class ChunkStats:
    """Sufficient statistics of ``n`` draws for each of ``counts.shape[0]`` columns."""

    n: int
    counts: np.ndarray  # int64 (n_columns, bins + 1); bin 0 holds exact zeros
    total: np.ndarray  # float64 (n_columns,)
    total_sq: np.ndarray  # float64 (n_columns,)

    @property
    def bins(self) -> int:
        return int(self.counts.shape[1] - 1)


def chunk_stats(values: np.ndarray, bins: int) -> ChunkStats:
    """Reduce ``values`` (draws × columns, in [0, 1]) to :class:`ChunkStats`.

    Examples
    --------
    >>> s = chunk_stats(np.array([[0.0], [0.5], [1.0]], dtype=np.float32), bins=10)
    >>> int(s.counts[0, 0]), int(s.counts[0, 5]), int(s.counts[0, 10])
    (1, 1, 1)
    """
    n, n_cols = values.shape
    total = values.sum(axis=0, dtype=np.float64)
    total_sq = np.einsum("ij,ij->j", values, values, dtype=np.float64)
    scaled = np.multiply(values, np.float32(bins), dtype=np.float32)
    np.ceil(scaled, out=scaled)
    np.clip(scaled, 0, bins, out=scaled)
    idx = scaled.astype(np.int32)
    idx += (np.arange(n_cols, dtype=np.int32) * (bins + 1))[None, :]
    counts = np.bincount(idx.ravel(), minlength=n_cols * (bins + 1)).reshape(n_cols, bins + 1)
    return ChunkStats(n, counts.astype(np.int64), total, total_sq)


def row_stats(values: np.ndarray, bins: int, total: np.ndarray | None = None) -> ChunkStats:
    """:class:`ChunkStats` of a ``columns × draws`` float32 array (one column's draws per row).

    The same counts as :func:`chunk_stats` on the transposed array, one row at a time (a row's
    histogram stays in cache). ``total`` (the row sums, float64) may be given when known.

    Examples
    --------
    >>> s = row_stats(np.array([[0.0, 0.5, 1.0]], dtype=np.float32), bins=10)
    >>> int(s.counts[0, 0]), int(s.counts[0, 5]), int(s.counts[0, 10])
    (1, 1, 1)
    """
    n_cols, n = values.shape
    counts = np.empty((n_cols, bins + 1), dtype=np.int64)
    sums = np.empty(n_cols) if total is None else np.asarray(total, dtype=np.float64)
    total_sq = np.empty(n_cols)
    scaled = np.empty(n, dtype=np.float32)
    for k in range(n_cols):
        row = values[k]
        np.multiply(row, np.float32(bins), out=scaled)
        np.ceil(scaled, out=scaled)
        np.clip(scaled, 0, bins, out=scaled)
        counts[k] = np.bincount(scaled.astype(np.intp), minlength=bins + 1)
        total_sq[k] = float(np.dot(row, row))
        if total is None:
            sums[k] = row.sum(dtype=np.float64)
    return ChunkStats(n, counts, sums, total_sq)


def merge_stats(parts: Iterable[ChunkStats]) -> ChunkStats:
    """Add chunk statistics in the order given (the order fixes the floating-point sums)."""
    it = iter(parts)
    first = next(it)
    n, counts, total, total_sq = (
        first.n,
        first.counts.copy(),
        first.total.copy(),
        first.total_sq.copy(),
    )
    for part in it:
        n += part.n
        counts += part.counts
        total += part.total
        total_sq += part.total_sq
    return ChunkStats(n, counts, total, total_sq)


def _quantile(counts: np.ndarray, n: int, q: float, bins: int) -> np.ndarray:
    cum = np.cumsum(counts, axis=1)
    rank = q * n
    k = (cum < rank).sum(axis=1)  # first bin whose cumulative count reaches the rank
    k = np.minimum(k, bins)
    rows = np.arange(counts.shape[0])
    before = np.where(k > 0, cum[rows, np.maximum(k - 1, 0)], 0)
    in_bin = counts[rows, k]
    frac = np.where(in_bin > 0, (rank - before) / np.maximum(in_bin, 1), 0.0)
    value = (k - 1 + np.clip(frac, 0, 1)) / bins
    return np.where(k == 0, 0.0, value)


def _cvar(counts: np.ndarray, n: int, q: float, bins: int) -> np.ndarray:
    tail = (1 - q) * n
    mid = np.concatenate([[0.0], (np.arange(1, bins + 1) - 0.5) / bins])
    rev_counts = counts[:, ::-1].astype(np.float64)
    rev_mid = mid[::-1]
    cum = np.cumsum(rev_counts, axis=1)
    take = np.clip(tail - (cum - rev_counts), 0, rev_counts)  # draws taken from each bin, top down
    return (take * rev_mid).sum(axis=1) / tail


def summarise(stats: ChunkStats) -> pd.DataFrame:
    """Mean, p50/p95/p99, VaR and CVaR at 95% and 99%, and the standard error of the mean.

    VaR at level q is the q-quantile of the shortfall share (so ``var95 == p95``); CVaR is the
    mean of the worst ``1 - q`` of draws.
    """
    n, bins = stats.n, stats.bins
    mean = stats.total / n
    var = np.maximum(stats.total_sq / n - mean**2, 0.0) * n / max(n - 1, 1)
    p50, p95, p99 = (_quantile(stats.counts, n, q, bins) for q in (0.5, 0.95, 0.99))
    return pd.DataFrame(
        {
            "mean_shortfall_share": mean,
            "p50": p50,
            "p95": p95,
            "p99": p99,
            "var95": p95,
            "cvar95": np.maximum(_cvar(stats.counts, n, 0.95, bins), p95),
            "var99": p99,
            "cvar99": np.maximum(_cvar(stats.counts, n, 0.99, bins), p99),
            "stderr": np.sqrt(var / n),
        }
    )
