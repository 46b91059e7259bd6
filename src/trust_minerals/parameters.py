"""Reading a package's parameter file (``<subpackage>/data/parameters.csv``).

Each row is ``key, value, ..., source, ...``; every value must be a number and every row must
name a source (a publication) or say ``assumption``, so an assumption is never mistaken for data.
"""

from __future__ import annotations

import csv
from importlib import resources

from trust_minerals.errors import ParseError


def parameter_file(subpackage: str) -> str:
    """Path of ``<subpackage>/data/parameters.csv`` inside the installed package."""
    return str(resources.files("trust_minerals").joinpath(subpackage, "data", "parameters.csv"))


def read_parameters(subpackage: str) -> dict[str, float]:
    """The ``key -> value`` rows of ``<subpackage>/data/parameters.csv``.

    Raises :class:`ParseError` naming the file, line and field for a value that is not a number
    or a row without a source.

    Examples
    --------
    >>> 0 < read_parameters("optimize")["eu_crma_max_supplier_share"] <= 1
    True
    """
    path = parameter_file(subpackage)
    out: dict[str, float] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            if not row.get("source"):
                raise ParseError(
                    "every parameter needs a source or 'assumption'",
                    path=path,
                    line=line,
                    field="source",
                )
            try:
                out[row["key"]] = float(row["value"])
            except (TypeError, ValueError):
                raise ParseError(
                    "not a number", path=path, line=line, field="value", value=row["value"]
                ) from None
    return out
