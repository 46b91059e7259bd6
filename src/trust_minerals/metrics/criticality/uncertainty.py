"""Uncertainty of criticality scores: Monte Carlo rank intervals and Sobol indices.

Monte Carlo: every input of every commodity is multiplied by an independent log-normal factor
``exp(N(0, σ))`` (median-preserving; σ = ``mc_relative_sd``), fractions are clipped to [0, 1],
and composite weights are drawn from a Dirichlet centred on the user weights (concentration
``mc_weight_concentration``). All draws × commodities are scored at once (NumPy broadcasting);
each draw is ranked (1 = most critical) and the central ``mc_interval`` of each commodity's ranks
gives ``rank_low`` … ``rank_high``.

Sobol (SALib, Saltelli sampling, first-order ``S1`` and total ``ST`` indices): each input varies
uniformly within ± ``sobol_relative_range`` of its value (weights likewise), one shared sample is
mapped onto every commodity, and the indices say which input drives that commodity's score.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from trust_minerals.errors import InputError
from trust_minerals.metrics.criticality.base import ScoreFn


def ranks_desc(scores: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = highest score; NaN scores get NaN ranks.

    Examples
    --------
    >>> import numpy as np
    >>> ranks_desc(np.array([0.2, np.nan, 0.9])).tolist()
    [2.0, nan, 1.0]
    """
    s = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-s, axis=-1, kind="stable")
    ranks = np.empty_like(order, dtype=float)
    np.put_along_axis(
        ranks,
        order,
        np.broadcast_to(np.arange(1, s.shape[-1] + 1, dtype=float), s.shape).copy(),
        axis=-1,
    )
    return np.where(np.isnan(scores), np.nan, ranks)


def draw_inputs(
    x: Mapping[str, np.ndarray],
    n: int,
    rng: np.random.Generator,
    *,
    relative_sd: float,
    bounded: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """``n`` log-normal draws of every input: arrays of shape (n, commodities)."""
    out = {}
    for name, values in x.items():
        v = np.asarray(values, dtype=float)
        d = v[None, :] * np.exp(rng.normal(0.0, relative_sd, size=(n, v.shape[0])))
        out[name] = np.clip(d, 0.0, 1.0) if name in bounded else d
    return out


def draw_weights(
    weights: np.ndarray, n: int, rng: np.random.Generator, *, concentration: float
) -> np.ndarray:
    """``n`` Dirichlet draws centred on ``weights`` (zero weights stay zero), shape (n, k)."""
    w = np.asarray(weights, dtype=float)
    active = w > 0
    out = np.zeros((n, w.shape[0]))
    alpha = concentration * w[active] / w[active].sum()
    out[:, active] = rng.dirichlet(alpha, size=n)
    return out


def monte_carlo_ranks(
    score: ScoreFn,
    x: Mapping[str, np.ndarray],
    params: Mapping[str, float],
    *,
    n: int,
    seed: int = 0,
    weights: np.ndarray | None = None,
    bounded: Sequence[str] = (),
) -> pd.DataFrame:
    """Rank interval of every commodity over ``n`` Monte Carlo draws.

    Returns a frame (one row per commodity, in input order) with ``rank_low``, ``rank_high``,
    ``rank_median``, ``score_low`` and ``score_high``.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x, p, w: x["a"]
    >>> r = monte_carlo_ranks(f, {"a": np.array([0.9, 0.1])}, {"mc_relative_sd": 0.1,
    ...     "mc_interval": 0.9, "mc_weight_concentration": 50}, n=200)
    >>> r["rank_high"].tolist()
    [1.0, 2.0]
    """
    if n < 1:
        raise InputError(f"uncertainty draws must be at least 1; got {n}")
    rng = np.random.default_rng(seed)
    draws = draw_inputs(x, n, rng, relative_sd=params["mc_relative_sd"], bounded=bounded)
    w = None
    if weights is not None:
        w = draw_weights(weights, n, rng, concentration=params["mc_weight_concentration"])
    s = score(draws, params, w)
    r = ranks_desc(s)
    lo_q = (1.0 - params["mc_interval"]) / 2.0
    probs = [lo_q, 0.5, 1.0 - lo_q]
    # columns without a missing draw (the usual case) take the fast np.quantile; the others
    # np.nanquantile (all-NaN columns, commodities without a score, stay NaN)
    full = ~np.isnan(s).any(axis=0)
    q = np.full((3, s.shape[1]), np.nan)
    sq = np.full((3, s.shape[1]), np.nan)
    q[:, full] = np.quantile(r[:, full], probs, axis=0)
    sq[:, full] = np.quantile(s[:, full], probs, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if (~full).any():
            q[:, ~full] = np.nanquantile(r[:, ~full], probs, axis=0)
            sq[:, ~full] = np.nanquantile(s[:, ~full], probs, axis=0)
    sq = sq[[0, 2]]
    return pd.DataFrame(
        {
            "rank_low": np.floor(q[0]),
            "rank_high": np.ceil(q[2]),
            "rank_median": q[1],
            "score_low": sq[0],
            "score_high": sq[1],
        }
    )


def sobol_indices(
    score: ScoreFn,
    x: Mapping[str, np.ndarray],
    params: Mapping[str, float],
    commodities: Sequence[str],
    *,
    weights: np.ndarray | None = None,
    weight_names: Sequence[str] = (),
    bounded: Sequence[str] = (),
    n: int = 256,
    seed: int = 0,
) -> pd.DataFrame:
    """First-order and total Sobol indices of each input (and weight) for every commodity.

    Returns a long frame: commodity, variable, S1, ST (commodities whose score does not vary or is
    missing are left out).
    """
    from trust_minerals._extras import require

    sobol_analyze = require("SALib.analyze.sobol", "Sobol indices (sensitivity)")
    sobol_sample = require("SALib.sample.sobol", "Sobol indices (sensitivity)")

    names = list(x)
    variables = names + [f"weight:{k}" for k in weight_names] if weights is not None else names
    problem = {
        "num_vars": len(variables),
        "names": variables,
        "bounds": [[0.0, 1.0]] * len(variables),
    }
    u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    r = params["sobol_relative_range"]
    factor = 1.0 + r * (2.0 * u - 1.0)  # (samples, variables)
    draws = {}
    for j, name in enumerate(names):
        v = np.asarray(x[name], dtype=float)[None, :] * factor[:, j : j + 1]
        draws[name] = np.clip(v, 0.0, 1.0) if name in bounded else v
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)[None, :] * factor[:, len(names) :]
    y = score(draws, params, w)
    rows = []
    for c, commodity in enumerate(commodities):
        yc = y[:, c]
        if not np.all(np.isfinite(yc)) or np.ptp(yc) <= 1e-15:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sobol_analyze.analyze(
                problem,
                yc,
                calc_second_order=False,
                num_resamples=20,
                print_to_console=False,
                seed=seed,
            )
        for j, var in enumerate(variables):
            rows.append(
                {
                    "commodity": commodity,
                    "variable": var,
                    "S1": float(res["S1"][j]),
                    "ST": float(res["ST"][j]),
                }
            )
    return pd.DataFrame(rows, columns=["commodity", "variable", "S1", "ST"])
