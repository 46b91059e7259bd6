"""What every criticality method provides: prepared inputs, a vectorised score, weights."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ScoreFn = Callable[[Mapping[str, np.ndarray], Mapping[str, float], "np.ndarray | None"], np.ndarray]


@dataclass(frozen=True)
class Method:
    """A criticality method.

    ``prepare(indicators, params)`` returns one row per commodity with the method's components
    (including every name in ``inputs``, NaN where unknown) and a ``missing`` text column;
    ``score(x, params, weights)`` maps arrays of the inputs — shape (commodities,) or
    (draws, commodities) — to scores of the same shape (NumPy broadcasting, so Monte Carlo
    draws are evaluated at once). ``bounded`` inputs are fractions kept in [0, 1].
    """

    name: str
    description: str
    inputs: tuple[str, ...]
    prepare: Callable[[pd.DataFrame, Mapping[str, float]], pd.DataFrame]
    score: ScoreFn
    bounded: tuple[str, ...] = ()
    weight_names: tuple[str, ...] = ()
    parameters: tuple[str, ...] = field(default_factory=tuple)


def join_notes(*parts: pd.Series) -> pd.Series:
    """Join non-empty note columns with '; '."""
    df = pd.concat([p.fillna("").astype(str) for p in parts], axis=1)
    return df.apply(lambda r: "; ".join(x for x in r if x), axis=1).astype(str)
