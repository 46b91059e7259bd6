"""Documented model parameters (``simulate/data/*.csv``): every value has a source or is labelled
``assumption``; nothing here is typed into code."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from trust_minerals.errors import ParseError
from trust_minerals.parameters import read_parameters


def data_path(name: str) -> str:
    """Path of a bundled file under ``simulate/data``."""
    return str(resources.files("trust_minerals").joinpath("simulate", "data", name))


@cache
def parameters() -> dict[str, float]:
    """The ``key → value`` rows of ``simulate/data/parameters.csv``.

    Examples
    --------
    >>> parameters()["draw_cap"] >= 1
    True
    """
    return read_parameters("simulate")


@cache
def disruption_mapping() -> pd.DataFrame:
    """Breakpoints (``governance_score``, ``probability``) of the governance → probability map."""
    path = data_path("disruption_mapping.csv")
    df = pd.read_csv(path)
    if not df["governance_score"].is_monotonic_increasing:
        raise ParseError("breakpoints must increase", path=path, field="governance_score")
    bad = df[(df["probability"] < 0) | (df["probability"] > 1)]
    if len(bad):
        raise ParseError(
            "probability outside [0, 1]", path=path, line=int(bad.index[0]) + 2, field="probability"
        )
    return df
