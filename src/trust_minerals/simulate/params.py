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


@cache
def elasticities() -> pd.DataFrame:
    """Price elasticities of demand per commodity (``commodity='*'`` is the default row)."""
    path = data_path("elasticities.csv")
    df = pd.read_csv(path, keep_default_na=False)
    for line, row in enumerate(df.itertuples(index=False), start=2):
        try:
            value = float(str(row.elasticity))
        except ValueError:
            raise ParseError(
                "not a number", path=path, line=line, field="elasticity", value=row.elasticity
            ) from None
        if value >= 0:
            raise ParseError(
                "a demand elasticity must be negative",
                path=path,
                line=line,
                field="elasticity",
                value=value,
            )
        if not row.source:
            raise ParseError(
                "every elasticity needs a source or 'assumption'",
                path=path,
                line=line,
                field="source",
            )
    df["elasticity"] = df["elasticity"].astype(float)
    return df


def elasticity(commodity: str) -> tuple[float, str]:
    """The short-run price elasticity of demand for ``commodity`` and its source."""
    df = elasticities()
    row = df[df["commodity"] == commodity]
    if row.empty:
        row = df[df["commodity"] == "*"]
    return float(row["elasticity"].iloc[0]), str(row["source"].iloc[0])
