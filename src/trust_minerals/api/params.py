"""Query parameters shared by the routes, with their caps and patterns declared in OpenAPI.

Sizes take their bounds from ``data/spec/caps.csv`` (:mod:`trust_minerals.caps`), so the schema
states exactly what the server enforces; text parameters carry a pattern that excludes path
separators and dots (no parameter is ever a file path), so a schema-valid value is never refused
as path-like.
"""

from __future__ import annotations

from typing import Any

from fastapi import Query

from trust_minerals.caps import cap

#: names, codes and lists of them: letters, digits, '_', '+', ',', '-', spaces (no '/', '.', '\')
NAME_PATTERN = r"^[A-Za-z0-9_+, -]*[A-Za-z0-9_]+[A-Za-z0-9_+, -]*$"
YEAR = cap("year")


def size_query(name: str, default: int, description: str) -> Any:
    """A Query for the size ``name`` bounded by its cap (OpenAPI minimum/maximum)."""
    c = cap(name)
    return Query(
        default,
        ge=c.min,
        le=c.max,
        description=f"{description} ({c.min}-{c.max} {c.unit}; caps.csv {name!r})",
    )


def year_query(default: Any, description: str = "Year") -> Any:
    """A Query for a year within the ``year`` cap."""
    return Query(default, ge=YEAR.min, le=YEAR.max, description=description)


def name_query(default: Any, description: str, max_length: int = 80) -> Any:
    """A Query for a name or list of names (pattern: no path characters)."""
    return Query(
        default,
        min_length=1,
        max_length=max_length,
        pattern=NAME_PATTERN,
        description=description,
    )
