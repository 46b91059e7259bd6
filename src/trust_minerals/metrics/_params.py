"""Method parameters, kept as data (``metrics/data/parameters.csv``) with their status and source.

Read by the project's one parameter reader (:mod:`trust_minerals.parameters`): every constant a
method needs lives in that file, labelled ``published``, ``method_default`` or ``assumption``.
Results report which parameters they used, so an assumption is never mistaken for data.
"""

from __future__ import annotations

import pandas as pd

from trust_minerals.parameters import parameter_table, read_parameter


def parameter(name: str) -> float:
    """The value of the method parameter ``name``.

    Examples
    --------
    >>> parameter("missing_instability")
    0.5
    """
    return read_parameter("metrics", name)


def parameters_table() -> pd.DataFrame:
    """Every method parameter: key, value, unit, status, source, note."""
    return parameter_table("metrics")
