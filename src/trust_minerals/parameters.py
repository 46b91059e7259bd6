"""The one reader of parameter files (``<subpackage>/data/parameters.csv``).

Every parameter file has the same layout, ``key, value, unit, status, source, note``:

* ``value`` is a number;
* ``status`` is ``published`` (a number taken from a named publication or package),
  ``method_default`` (a convention of the method, cited) or ``assumption``;
* ``source`` names the publication, or is the label ``assumption`` (allowed only with status
  ``assumption``), so an assumption is never mistaken for data.

Results report the parameters they used with their status.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pandas as pd

from trust_minerals.errors import ParseError, UnknownNameError

LAYOUT = ("key", "value", "unit", "status", "source", "note")
STATUSES = ("published", "method_default", "assumption")


def parameter_file(subpackage: str) -> str:
    """Path of ``<subpackage>/data/parameters.csv`` inside the installed package."""
    return str(resources.files("trust_minerals").joinpath(subpackage, "data", "parameters.csv"))


def read_layout_rows(path: str, layout: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """The rows of the packaged CSV ``path``, whose header must be exactly ``layout``.

    Raises
    ------
    ParseError
        Naming the file, line 1 and the header found, if it is not ``layout``.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != layout:
            raise ParseError(
                f"{what} columns must be {', '.join(layout)}",
                path=path,
                line=1,
                field="header",
                value=",".join(reader.fieldnames or ()),
            )
        return list(reader)


@cache
def _table(subpackage: str) -> pd.DataFrame:
    path = parameter_file(subpackage)
    rows = read_layout_rows(path, LAYOUT, "parameter file")
    keys: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not row["key"] or row["key"] in keys:
            raise ParseError("missing or duplicate key", path=path, line=line, field="key")
        keys.add(row["key"])
        try:
            float(row["value"])
        except (TypeError, ValueError):
            raise ParseError(
                "not a number", path=path, line=line, field="value", value=row["value"]
            ) from None
        if row["status"] not in STATUSES:
            raise ParseError(
                f"status must be one of {', '.join(STATUSES)}",
                path=path,
                line=line,
                field="status",
                value=row["status"],
            )
        source = row["source"].strip()
        if not source:
            raise ParseError(
                "every parameter needs a source or 'assumption'",
                path=path,
                line=line,
                field="source",
            )
        if source == "assumption" and row["status"] != "assumption":
            raise ParseError(
                f"source 'assumption' with status {row['status']!r}: cite the source",
                path=path,
                line=line,
                field="source",
            )
    df = pd.DataFrame(rows, columns=list(LAYOUT))
    df["value"] = df["value"].astype(float)
    return df


def parameter_table(subpackage: str) -> pd.DataFrame:
    """Every row of ``<subpackage>/data/parameters.csv`` (checked; see the module docstring).

    Raises :class:`ParseError` naming the file, line and field of a bad row.

    Examples
    --------
    >>> set(parameter_table("simulate")["status"]) <= set(STATUSES)
    True
    """
    return _table(subpackage).copy()


def read_parameters(subpackage: str) -> dict[str, float]:
    """The ``key -> value`` rows of ``<subpackage>/data/parameters.csv``.

    Examples
    --------
    >>> 0 < read_parameters("optimize")["eu_crma_max_supplier_share"] <= 1
    True
    """
    t = _table(subpackage)
    return dict(zip(t["key"], t["value"].astype(float), strict=True))


def read_parameter(subpackage: str, key: str) -> float:
    """One value of ``<subpackage>/data/parameters.csv``; an unknown key names the valid ones."""
    values = read_parameters(subpackage)
    if key not in values:
        raise UnknownNameError("parameter", [key], list(values))
    return values[key]


__all__ = [
    "LAYOUT",
    "STATUSES",
    "parameter_file",
    "parameter_table",
    "read_parameter",
    "read_parameters",
]
