"""Pydantic models of the API, built from the same table specs as the library.

Rows of stored tables (:func:`row_model`) come straight from ``data/spec/tables.csv`` through
:func:`trust_minerals.schema.table_specs`; derived tables (production with shares, concentration,
overview) extend a spec table with their extra columns (:func:`derived_model`), so a change in the
spec file changes the API models and the OpenAPI document with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from trust_minerals.schema import table_specs

_PY_TYPES: dict[str, type] = {"str": str, "float": float, "int": int, "bool": bool}

#: extra columns of derived tables: name -> (dtype, nullable, description)
_SHARE = ("float", True, "Fraction of the denominator (world total or listed sum), in [0, 1]")
_CONC_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "measure": ("str", True, "production, capacity or reserves"),
    "world_total": ("float", True, "Published world total"),
    "world_total_status": ("str", True, "Status of the world total"),
    "listed_sum": ("float", True, "Sum of the listed rows"),
    "denominator": ("float", True, "Denominator of the shares"),
    "denominator_basis": ("str", True, "world_total or listed_sum"),
    "top_country": ("str", True, "Largest named producer (ISO3)"),
    "top_share": _SHARE,
    "top3_share": _SHARE,
    "hhi": ("float", True, "Sum of squared shares of named countries (lower bound)"),
    "hhi_upper": ("float", True, "HHI counting each aggregate row as one producer (upper bound)"),
    "coverage_share": _SHARE,
    "other_share": _SHARE,
    "n_countries": ("int", True, "Named countries with a quantity"),
    "withheld": ("str", True, "Countries whose values are withheld or unavailable"),
    "notes": ("str", True, "Notes on the calculation"),
}
_OVERVIEW_EXTRA: dict[str, tuple[str, bool, str]] = {
    "msp_share": ("float", True, "Share of named MSP partners, in [0, 1]"),
    "export_controlled": ("bool", True, "The top producer controls exports of this commodity"),
    "lists": ("str", True, "Critical-mineral lists the commodity is on"),
    "assessable": (
        "bool",
        True,
        "False when the world is not published (no world total, no 'Other countries'): "
        "concentration is missing and the commodity is listed as not assessable",
    ),
}


def _field(dtype: str, nullable: bool, description: str) -> tuple[Any, Any]:
    py = _PY_TYPES[dtype]
    if nullable:
        return (py | None, Field(default=None, description=description))
    return (py, Field(description=description))


@cache
def row_model(table: str) -> type[BaseModel]:
    """The pydantic model of one row of the spec table ``table``.

    Examples
    --------
    >>> sorted(row_model("sources").model_fields)[:3]
    ['citation', 'licence', 'publisher']
    """
    spec = table_specs()[table]
    fields = {
        c.name: _field(
            c.dtype, c.nullable, (c.description + (f" [{c.unit}]" if c.unit else "")).strip()
        )
        for c in spec.columns
    }
    name = "".join(p.capitalize() for p in table.split("_")) + "Row"
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload, no-any-return]


@cache
def derived_model(name: str, base: str, columns: tuple[str, ...]) -> type[BaseModel]:
    """A model for a derived table: the named columns, typed from ``base``'s spec or the extras.

    Columns that the spec of ``base`` does not know take their type from the derived columns
    documented in this module; the model is lenient on nulls for derived columns (a value can be
    missing where it is withheld).
    """
    spec = table_specs()[base]
    known = {c.name: c for c in spec.columns}
    extras = {**_CONC_COLUMNS, **_OVERVIEW_EXTRA, "share": _SHARE}
    fields: dict[str, Any] = {}
    for col in columns:
        if col in known:
            c = known[col]
            nullable = c.nullable or col in (
                "quantity",
                "unit",
                "stage",
                "form",
                "note",
                "source_id",
            )
            fields[col] = _field(c.dtype, nullable, c.description)
        else:
            dtype, nullable, desc = extras[col]
            fields[col] = _field(dtype, nullable, desc)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload, no-any-return]


def production_row_model() -> type[BaseModel]:
    from trust_minerals.production import PRODUCTION_COLUMNS

    return derived_model("ProductionShareRow", "production", tuple(PRODUCTION_COLUMNS))


def overview_row_model() -> type[BaseModel]:
    from trust_minerals.overview import OVERVIEW_COLUMNS

    return derived_model("OverviewRow", "production", tuple(OVERVIEW_COLUMNS))


def concentration_row_model() -> type[BaseModel]:
    cols = (
        "commodity", "stage", "form", "year", "measure", "hhi", "hhi_upper", "top_country", "top_share",
        "top3_share", "coverage_share", "denominator", "unit", "denominator_basis", "withheld",
        "assessable", "source_id", "notes",
    )  # fmt: skip
    return derived_model("ConcentrationRow", "production", cols)


def concentration_table_model() -> type[BaseModel]:
    from trust_minerals.metrics.concentration import TABLE_COLUMNS

    return derived_model("ConcentrationTableRow", "production", tuple(TABLE_COLUMNS))


class StatusReport(BaseModel):
    """What the store holds (``trust data status``)."""

    meta: list[dict[str, Any]]
    vintages: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    statuses: list[dict[str, Any]]


class JobInfo(BaseModel):
    """A background job (Monte Carlo)."""

    id: str
    kind: str
    status: str = Field(description="queued, running, done or failed")
    progress: float = Field(ge=0, le=1, description="Fraction of the work done")
    created: float
    error: dict[str, Any] | None = None
    result: Any = None
