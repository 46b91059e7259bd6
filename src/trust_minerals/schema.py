"""Table specs, written once as data (``data/spec/tables.csv``) and used to validate every table.

The spec file lists, for each table, its columns with dtype, nullability, allowed values
(``@commodity``, ``@stage``, ``@status``, ``@qualifier`` refer to controlled vocabularies,
``a|b|c`` lists literal values), unit and description. The same file documents the tables
(``trust data describe``) and feeds the API models.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from trust_minerals.errors import SchemaError

_DTYPES: dict[str, Any] = {"str": object, "float": "float64", "int": "int64", "bool": "bool"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    dtype: str
    nullable: bool
    allowed: str
    unit: str
    description: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise SchemaError(f"table {self.name!r} has no column {name!r}")


def _data_file(*parts: str) -> str:
    return str(resources.files("trust_minerals").joinpath("data", *parts))


@cache
def table_specs() -> Mapping[str, TableSpec]:
    """All table specs, keyed by table name, in the order of the spec file."""
    cols: dict[str, list[ColumnSpec]] = {}
    with open(_data_file("spec", "tables.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cols.setdefault(row["table"], []).append(
                ColumnSpec(
                    name=row["column"],
                    dtype=row["dtype"],
                    nullable=row["nullable"] == "yes",
                    allowed=row["allowed"],
                    unit=row["unit"],
                    description=row["description"],
                )
            )
    return {name: TableSpec(name, tuple(c)) for name, c in cols.items()}


@cache
def vocabulary(name: str) -> tuple[str, ...]:
    """Allowed values of a controlled vocabulary (``stage``, ``status``, ``qualifier``, ``commodity``)."""
    if name == "commodity":
        with open(_data_file("concordance", "commodities.csv"), encoding="utf-8", newline="") as fh:
            return tuple(r["commodity"] for r in csv.DictReader(fh))
    with open(_data_file("spec", "vocabulary.csv"), encoding="utf-8", newline="") as fh:
        values = tuple(r["value"] for r in csv.DictReader(fh) if r["vocabulary"] == name)
    if not values:
        raise SchemaError(f"no vocabulary named {name!r}")
    return values


@cache
def vocabulary_labels(name: str) -> dict[str, str]:
    """``value -> label`` of a controlled vocabulary (``data/spec/vocabulary.csv``), for display.

    Examples
    --------
    >>> vocabulary_labels("status")["withheld"]
    'withheld (W)'
    """
    with open(_data_file("spec", "vocabulary.csv"), encoding="utf-8", newline="") as fh:
        labels = {r["value"]: r["label"] for r in csv.DictReader(fh) if r["vocabulary"] == name}
    if not labels:
        raise SchemaError(f"no vocabulary named {name!r}")
    return labels


def spec(table: str) -> TableSpec:
    specs = table_specs()
    if table not in specs:
        raise SchemaError(f"no table spec named {table!r}; known tables: {', '.join(specs)}")
    return specs[table]


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    ts = spec(table)
    return pd.DataFrame({c.name: pd.Series([], dtype=_DTYPES[c.dtype]) for c in ts.columns})


def validate(
    table: str, df: pd.DataFrame, *, where: str | None = None, sources: set[str] | None = None
) -> pd.DataFrame:
    """Check ``df`` against the spec of ``table`` and return it with the spec's column order and dtypes.

    Raises :class:`SchemaError` naming the table, column and offending values (with row numbers)
    for a missing column, a null in a non-nullable column, a value that cannot be converted to the
    column's dtype, or a value outside the column's vocabulary. Extra columns are dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> t = validate("eol_rir", pd.DataFrame({"commodity": ["cobalt"], "eol_rir": [0.22], "source_id": ["x"]}))
    >>> list(t.columns)
    ['commodity', 'eol_rir', 'source_id']
    """
    ts = spec(table)
    label = f"table {table!r}" + (f" from {where}" if where else "")
    missing = [c for c in ts.column_names if c not in df.columns]
    if missing:
        raise SchemaError(f"{label}: missing column(s) {', '.join(missing)}")
    out = {}
    for col in ts.columns:
        s = df[col.name]
        isnull = s.isna()
        if not col.nullable and isnull.any():
            rows = list(np.flatnonzero(isnull.to_numpy())[:5])
            raise SchemaError(f"{label}: column {col.name!r} has missing values at row(s) {rows}")
        try:
            if col.dtype == "str":
                s = s.astype(object).where(~isnull, None)
                if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
                    bad = ~isnull & ~s.map(lambda v: isinstance(v, str))
                    raise ValueError(f"non-text values {s[bad].head(3).tolist()}")
            elif col.dtype == "float":
                s = pd.to_numeric(s, errors="raise").astype("float64")
            elif col.dtype == "int":
                if col.nullable:
                    s = pd.to_numeric(s, errors="raise").astype("Int64")
                else:
                    s = pd.to_numeric(s, errors="raise").astype("int64")
            elif col.dtype == "bool":
                if (
                    not pd.api.types.is_bool_dtype(s)
                    and pd.api.types.infer_dtype(s, skipna=False) != "boolean"
                ):
                    raise ValueError("non-boolean values")
                s = s.astype(bool)
        except (ValueError, TypeError) as exc:
            raise SchemaError(
                f"{label}: column {col.name!r} cannot be read as {col.dtype}: {exc}"
            ) from None
        if col.allowed:
            if col.allowed == "@source":
                allowed: set[str] | None = sources
            elif col.allowed.startswith("@"):
                allowed = set(vocabulary(col.allowed[1:]))
            else:
                allowed = set(col.allowed.split("|"))
            if allowed is not None:
                values = s.dropna()
                bad_values = sorted(set(values.unique()) - allowed)
                if bad_values:
                    rows = list(np.flatnonzero(s.isin(bad_values).to_numpy())[:5])
                    raise SchemaError(
                        f"{label}: column {col.name!r} has value(s) outside the vocabulary "
                        f"{col.allowed}: {bad_values[:10]} (row(s) {rows})"
                    )
        out[col.name] = s.reset_index(drop=True)
    return pd.DataFrame(out)
