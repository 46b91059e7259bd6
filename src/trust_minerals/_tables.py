"""Small helpers shared by the data layer, the library and the adapters (below all of them).

* the names of the aggregate rows (:data:`WORLD_TOTAL`, :data:`OTHER_COUNTRIES`) and the keys of
  one production group (:data:`GROUP_KEYS`);
* :func:`as_year` -- read a ``year`` argument: ``None`` stays ``None`` (the caller takes the latest
  year with data), an integer or a text that is an integer (``"2025"``) gives that year;
* :func:`records` -- table rows as JSON-ready dictionaries (for the CLI, the API and the briefs).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from trust_minerals.errors import InputError

WORLD_TOTAL = "World total"
"""The aggregate row holding a published world total (``data/concordance/aggregates.csv``)."""
OTHER_COUNTRIES = "Other countries"
"""The aggregate row holding the rest of the world beyond the listed producers."""
AGGREGATES: tuple[str, ...] = (WORLD_TOTAL, OTHER_COUNTRIES)
GROUP_KEYS = ["commodity", "stage", "form", "year", "unit"]
"""One production group: shares and concentration are computed within it."""

YearLike = int | str | None
"""What every public function accepts for ``year``: ``None`` (latest with data), 2025 or "2025"."""


def as_year(year: YearLike, field: str = "year") -> int | None:
    """``year`` as an integer (``None`` stays ``None``); a text must be a whole number.

    Examples
    --------
    >>> as_year("2025"), as_year(2024), as_year(None)
    (2025, 2024, None)
    """
    if year is None:
        return None
    if isinstance(year, bool):
        raise InputError(f"{field}: expected a year, got {year!r}")
    if isinstance(year, int):
        return int(year)
    if isinstance(year, str) and year.strip().lstrip("-").isdigit():
        return int(year.strip())
    try:
        as_float = float(year)
    except (TypeError, ValueError):
        raise InputError(f"{field}: expected a year such as 2025, got {year!r}") from None
    if as_float.is_integer():
        return int(as_float)
    raise InputError(f"{field}: expected a whole year such as 2025, got {year!r}")


def jsonable(value: Any) -> Any:
    """``value`` as a JSON-ready Python value: NaN, infinities, NA and NaT become ``None``, numpy
    scalars Python numbers."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN or Infinity
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dictionaries (NaN and NA become ``None``).

    Examples
    --------
    >>> records(pd.DataFrame({"a": [1.0, float("nan")]}))
    [{'a': 1.0}, {'a': None}]
    """
    return [{str(k): jsonable(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


class TableResult:
    """Base of the frozen ``*Result`` objects: ``to_frame()`` and a notebook display.

    A result gives its main table with ``to_frame()`` (a copy); Jupyter shows that table with the
    result's ``notes`` under it.
    """

    __slots__ = ()

    def to_frame(self) -> pd.DataFrame:
        """The result's main table (a copy)."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        import html

        table = self.to_frame()._repr_html_() or ""  # type: ignore[operator]
        notes = "".join(f"<li>{html.escape(str(n))}</li>" for n in getattr(self, "notes", ()))
        head = f"<p><b>{html.escape(type(self).__name__)}</b></p>"
        return head + table + (f"<ul>{notes}</ul>" if notes else "")


__all__ = [
    "AGGREGATES",
    "TableResult",
    "GROUP_KEYS",
    "OTHER_COUNTRIES",
    "WORLD_TOTAL",
    "YearLike",
    "as_year",
    "jsonable",
    "records",
]
