"""The Monte Carlo kernel: country events, severities and the shortfall product for one chunk.

One uniform number per country and draw decides both whether the country is disrupted and how
badly: with ``u ~ U[0, 1)`` and probability ``p`` the country is hit when ``u < p``, and then
``u / p`` is itself uniform on ``[0, 1)``, so the severity is ``F⁻¹(u / p)`` (``F`` the
severity distribution; a Beta is inverted through a 65,537-point table of
``scipy.special.betaincinv``, linear in between). Events are sparse (a few percent of
country-draws), so the losses of a chunk are held as a CSR matrix ``countries × draws`` and the
shortfall of every consumer·commodity column is one sparse product
``exposure.T @ losses`` (float32); only the non-zero shortfalls are binned.

Each country's stream comes from ``SeedSequence(seed, spawn_key=(chunk, country_key))``, so a
country's events do not depend on which other countries are simulated (one country event hits
every commodity and stage it supplies) and a chunk does not depend on the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

#: points of the inverse-CDF table of a Beta severity (a power of two plus one)
TABLE_POINTS = 65_536


@dataclass(frozen=True)
class Severity:
    """A severity distribution on [0, 1]: ``kind`` in ``fixed|beta|uniform`` and its parameters.

    Examples
    --------
    >>> Severity("fixed", 0.5).mean
    0.5
    """

    kind: str
    a: float
    b: float = 0.0

    @property
    def mean(self) -> float:
        """Mean severity."""
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return (self.a + self.b) / 2
        return self.a / (self.a + self.b)

    def quantile(self, v: np.ndarray) -> np.ndarray:
        """Inverse CDF at ``v`` (float32 in [0, 1]) as float32.

        Examples
        --------
        >>> Severity("uniform", 0.2, 0.4).quantile(np.array([0.5], dtype=np.float32))
        array([0.3], dtype=float32)
        """
        v = np.asarray(v, dtype=np.float32)
        if self.kind == "fixed":
            return np.full(v.shape, self.a, dtype=np.float32)
        if self.kind == "uniform":
            return (np.float32(self.a) + np.float32(self.b - self.a) * v).astype(np.float32)
        table = _beta_table(self.a, self.b)
        pos = v * np.float32(TABLE_POINTS)
        i = np.minimum(pos.astype(np.int32), TABLE_POINTS - 1)
        frac = pos - i
        lo = table[i]
        return lo + frac * (table[i + 1] - lo)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent severities (float32)."""
        return self.quantile(rng.random(size, dtype=np.float32))


@cache
def _beta_table(a: float, b: float) -> np.ndarray:
    from scipy.special import betaincinv

    grid = np.linspace(0.0, 1.0, TABLE_POINTS + 1)
    return np.asarray(betaincinv(a, b, grid), dtype=np.float32)


def country_key(iso3: str) -> int:
    """A stable integer for an ISO3 code (the country's random-stream key).

    Examples
    --------
    >>> country_key("USA") != country_key("IND")
    True
    """
    key = 0
    for ch in iso3.upper():
        key = key * 37 + (ord(ch) - 47 if ch.isdigit() else ord(ch) - 54 if ch.isalpha() else 0)
    return key


def country_events(
    seed: int, chunk_index: int, n: int, country: str, p: float, severity: Severity
) -> tuple[np.ndarray, np.ndarray]:
    """Draws (indices within the chunk, int32) where ``country`` is hit, and the losses there."""
    if p <= 0:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    ss = np.random.SeedSequence(seed, spawn_key=(chunk_index, country_key(country)))
    u = np.random.Generator(np.random.PCG64(ss)).random(n, dtype=np.float32)
    p32 = np.float32(p)
    hit = np.flatnonzero(u < p32).astype(np.int32)
    v = u[hit] / p32
    np.minimum(v, np.float32(1.0), out=v)
    return hit, severity.quantile(v)


def loss_matrix(
    seed: int,
    chunk_index: int,
    n: int,
    countries: Sequence[str],
    probabilities: Sequence[float],
    severity: Severity,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses of one chunk as CSR arrays ``(data, indices, indptr)`` of shape countries × n."""
    parts = [
        country_events(seed, chunk_index, n, c, float(p), severity)
        for c, p in zip(countries, probabilities, strict=True)
    ]
    indptr = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([h.size for h, _ in parts], out=indptr[1:])
    if not parts:
        return np.empty(0, np.float32), np.empty(0, np.int32), indptr
    indices = np.concatenate([h for h, _ in parts])
    data = np.concatenate([x for _, x in parts]).astype(np.float32, copy=False)
    return data, indices, indptr


def dense_losses(
    seed: int,
    chunk_index: int,
    n: int,
    countries: Sequence[str],
    probabilities: Sequence[float],
    severity: Severity,
) -> np.ndarray:
    """Losses of one chunk as a dense ``n × countries`` float32 array (0 where not hit)."""
    out = np.zeros((n, len(countries)), dtype=np.float32)
    for j, (c, p) in enumerate(zip(countries, probabilities, strict=True)):
        hit, loss = country_events(seed, chunk_index, n, c, float(p), severity)
        out[hit, j] = loss
    return out


def shortfall_csr(
    matrix: np.ndarray, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Non-zero shortfalls of every column: ``(values, indptr)`` of ``matrix.T @ losses``.

    ``values[indptr[k]:indptr[k + 1]]`` are column ``k``'s non-zero shortfall shares in the chunk
    (in no particular order); the other ``n - (indptr[k + 1] - indptr[k])`` draws are exactly 0.
    """
    from scipy.sparse import csr_matrix

    n_countries = matrix.shape[0]
    losses = csr_matrix((data, indices, indptr), shape=(n_countries, n))
    exposure = csr_matrix(np.ascontiguousarray(matrix.T, dtype=np.float32))
    product = exposure @ losses
    return np.asarray(product.data, dtype=np.float32), np.asarray(product.indptr, dtype=np.int64)
