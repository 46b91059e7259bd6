"""Small helpers shared by the data layer and the library (below both; imports nothing of theirs).

* :func:`as_year` -- read a ``year`` argument: ``None`` stays ``None`` (the caller takes the latest
  year with data), an integer or a text that is an integer (``"2025"``) gives that year.
"""

from __future__ import annotations

from trust_minerals.errors import InputError

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


__all__ = ["YearLike", "as_year"]
