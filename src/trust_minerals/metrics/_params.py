"""Method parameters, kept as data (``metrics/data/parameters.csv``) with their status and source.

Every constant a method needs lives in that file, labelled ``published`` (a number taken from a
named publication or package), ``method_default`` (a convention of the method) or ``assumption``
(a neutral default standing in for an input the platform does not bundle). Results report which
parameters they used, so an assumption is never mistaken for data.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pandas as pd

from trust_minerals.errors import UnknownNameError


@cache
def _rows() -> tuple[dict[str, str], ...]:
    path = resources.files("trust_minerals").joinpath("metrics", "data", "parameters.csv")
    with open(str(path), encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def parameter(name: str) -> float:
    """The value of the method parameter ``name``.

    Examples
    --------
    >>> parameter("missing_instability")
    0.5
    """
    for row in _rows():
        if row["name"] == name:
            return float(row["value"])
    raise UnknownNameError("parameter", [name], [r["name"] for r in _rows()])


def parameters_table() -> pd.DataFrame:
    """Every method parameter with its value, unit, status (published/method_default/assumption) and source."""
    df = pd.DataFrame(list(_rows()))
    df["value"] = df["value"].astype(float)
    return df
