"""Governance: per-country instability scores from the World Bank WGI, and HHI_WGI.

Scaling (documented in ``docs/criticality.md``): a WGI estimate ``x`` (about −2.5 … +2.5, higher =
better governance) maps to an **instability** score ``(2.5 − x) / 5`` clipped to [0, 1]
(0 = best governance, 1 = worst). With several indicators the score is the mean of the
per-indicator scores that are present. The EU's inverted 0–10 WGI scale is the same score × 10
(``scale="eu"``). The bundled indicators are Political Stability and Absence of Violence (``pv``)
and Rule of Law (``rl``), 2023 estimates, in ``ds.countries``. GeoPolRisk uses ``pv`` only.

A country without an estimate keeps a missing score; the functions that need a number fill it
with the ``missing_instability`` parameter (0.5, the midpoint) and say how many they filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics._params import parameter

INDICATORS = ("pv", "rl")
Scale = Literal["unit", "eu"]


def instability(
    countries: pd.DataFrame,
    *,
    indicators: Sequence[str] = INDICATORS,
    scale: Scale = "unit",
) -> pd.Series:
    """Instability score per country (ISO3 index) from WGI estimates; NaN where none is bundled.

    Parameters
    ----------
    countries : DataFrame
        ``ds.countries`` (columns ``country`` and the WGI estimate columns).
    indicators : sequence of {"pv", "rl"}
        Which estimates to average.
    scale : {"unit", "eu"}
        ``unit`` gives [0, 1]; ``eu`` gives the EU's inverted 0–10 scale.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"country": ["AAA", "BBB"], "pv": [2.5, -2.5], "rl": [0.0, None]})
    >>> instability(c).round(2).tolist()
    [0.25, 1.0]
    """
    bad = [i for i in indicators if i not in INDICATORS]
    if bad or not indicators:
        raise UnknownNameError("governance indicator", bad or ["(none)"], list(INDICATORS))
    if scale not in ("unit", "eu"):
        raise UnknownNameError("governance scale", [str(scale)], ["unit", "eu"])
    bound = parameter("wgi_bound")
    est = countries[list(indicators)].astype(float)
    per = ((bound - est) / (2 * bound)).clip(0.0, 1.0)
    score = per.mean(axis=1, skipna=True)
    if scale == "eu":
        score = score * parameter("eu_wgi_scale")
    return pd.Series(score.to_numpy(), index=countries["country"].to_numpy(), name="instability")


def filled_instability(
    scores: pd.Series, countries: Sequence[str], *, missing: float | None = None
) -> tuple[np.ndarray, int]:
    """Scores of ``countries`` in order, missing ones set to ``missing`` (default parameter).

    Returns the array and the number of countries that were filled.
    """
    fill = parameter("missing_instability") if missing is None else missing
    values = scores.reindex(list(countries)).to_numpy(dtype=float)
    n_missing = int(np.isnan(values).sum())
    return np.where(np.isnan(values), fill, values), n_missing


def hhi_wgi(shares: pd.Series, scores: pd.Series, *, missing: float | None = None) -> float:
    """Governance-weighted concentration Σ share² × instability over the countries in ``shares``.

    Examples
    --------
    >>> import pandas as pd
    >>> hhi_wgi(pd.Series({"AAA": 0.5, "BBB": 0.5}), pd.Series({"AAA": 1.0, "BBB": 0.0}))
    0.25
    """
    s = shares.dropna()
    g, _ = filled_instability(scores, s.index.tolist(), missing=missing)
    return float(np.sum(s.to_numpy(dtype=float) ** 2 * g))


def weighted_instability(
    shares: pd.Series, scores: pd.Series, *, missing: float | None = None
) -> float:
    """Share-weighted mean instability Σ share × instability / Σ share (NaN if no shares).

    Examples
    --------
    >>> import pandas as pd
    >>> round(weighted_instability(pd.Series({"AAA": 0.6, "BBB": 0.2}), pd.Series({"AAA": 1.0, "BBB": 0.0})), 6)
    0.75
    """
    s = shares.dropna()
    total = float(s.sum())
    if total <= 0:
        return float("nan")
    g, _ = filled_instability(scores, s.index.tolist(), missing=missing)
    return float(np.sum(s.to_numpy(dtype=float) * g) / total)
