"""The Monte Carlo kernel: country events, severities and the shortfall product for one chunk.

A country disrupted with probability ``p`` per draw is a Bernoulli(p) process over the draws of a
chunk: the gaps between its hits are geometric, so only about ``p·n`` random numbers are drawn
per country and chunk (not ``n``), each hit followed by a uniform ``v`` giving its severity
``F⁻¹(v)`` (``F`` the severity distribution; a Beta is inverted through a 65,537-point table of
``scipy.special.betaincinv``, linear in between). The losses of a chunk are scattered into a
``countries × draws`` float32 array and the shortfall of every consumer·commodity column is one
product ``exposure.T @ losses`` with the exposure as a sparse (CSR) matrix -- single-threaded and
in a fixed order, so the result does not depend on the machine's BLAS threads.

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
        grid, table = _beta_table(self.a, self.b)
        return np.interp(v, grid, table).astype(np.float32)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent severities (float32)."""
        return self.quantile(rng.random(size, dtype=np.float32))


@cache
def _beta_table(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy.special import betaincinv

    grid = np.linspace(0.0, 1.0, TABLE_POINTS + 1)
    return grid, np.asarray(betaincinv(a, b, grid), dtype=np.float64)


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
    """Draws (indices within the chunk) where ``country`` is hit, and the losses there.

    The gaps between hits are geometric with parameter ``p`` (a Bernoulli(p) process sampled in
    time proportional to the number of hits, not of draws), each followed by a uniform for its
    severity, in blocks whose size depends on ``p`` only -- so a shorter chunk gives a prefix of
    a longer one.
    """
    if p <= 0 or n <= 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
    ss = np.random.SeedSequence(seed, spawn_key=(chunk_index, country_key(country)))
    rng = np.random.Generator(np.random.PCG64(ss))
    block = 64 + int(_BLOCK_DRAWS * min(p, 1.0))
    positions: list[np.ndarray] = []
    uniforms: list[np.ndarray] = []
    last = -1
    while last < n - 1:
        gaps = rng.geometric(min(p, 1.0), block)
        # a gap beyond the chunk ends it (and tiny p cannot overflow the running position)
        np.clip(gaps, 1, n + 1, out=gaps)
        u = rng.random(block, dtype=np.float32)
        pos = np.cumsum(gaps) + last
        last = int(pos[-1])
        positions.append(pos)
        uniforms.append(u)
    hit = np.concatenate(positions) if len(positions) > 1 else positions[0]
    u = np.concatenate(uniforms) if len(uniforms) > 1 else uniforms[0]
    keep = int(np.searchsorted(hit, n))
    return hit[:keep], severity.quantile(u[:keep])


#: draws covered (on average) by one block of geometric gaps
_BLOCK_DRAWS = 65_536


def dense_losses(
    seed: int,
    chunk_index: int,
    n: int,
    countries: Sequence[str],
    probabilities: Sequence[float],
    severity: Severity,
) -> np.ndarray:
    """Losses of one chunk as a dense ``n × countries`` float32 array (0 where not hit)."""
    return loss_rows(seed, chunk_index, n, countries, probabilities, severity).T.copy()


def loss_rows(
    seed: int,
    chunk_index: int,
    n: int,
    countries: Sequence[str],
    probabilities: Sequence[float],
    severity: Severity,
) -> np.ndarray:
    """Losses of one chunk as a ``countries × n`` float32 array (0 where not hit)."""
    out = np.zeros((len(countries), n), dtype=np.float32)
    for j, (c, p) in enumerate(zip(countries, probabilities, strict=True)):
        hit, loss = country_events(seed, chunk_index, n, c, float(p), severity)
        out[j, hit] = loss
    return out


def shortfall_rows(matrix: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Shortfall shares ``columns × n`` (float32) = ``matrix.T @ losses`` as a sparse product.

    Examples
    --------
    >>> m = np.array([[0.5], [0.25]], dtype=np.float32)
    >>> shortfall_rows(m, np.array([[1.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    array([[0.75, 0.25]], dtype=float32)
    """
    from scipy.sparse import csr_matrix

    exposure = csr_matrix(np.ascontiguousarray(matrix.T, dtype=np.float32))
    return np.asarray(exposure @ losses, dtype=np.float32)
