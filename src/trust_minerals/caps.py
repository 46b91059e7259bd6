"""One table of size caps (``data/spec/caps.csv``) and the one coercion every size goes through.

Every size a caller can choose (draws, uncertainty draws, frontier points, horizon, names per
request, body bytes, ...) has one row in ``caps.csv`` with its bounds, unit and reason. The CLI,
the API (including its OpenAPI schema) and the library read the bound from here, and
:func:`check_size` turns whatever the caller gave (an ``int``, a float such as ``300000.0``, a
string such as ``"300000"``) into an ``int`` inside the bounds, or raises :class:`InputError`
naming the field, the value and the cap.

Examples
--------
>>> check_size("points", "12")
12
>>> cap("points").max
50
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from trust_minerals.errors import InputError, SchemaError


@dataclass(frozen=True)
class Cap:
    """One row of ``caps.csv``: ``min <= value <= max`` in ``unit``, and why."""

    name: str
    min: int
    max: int
    unit: str
    reason: str


@cache
def caps() -> dict[str, Cap]:
    """Every cap of ``data/spec/caps.csv``, by name."""
    path = str(resources.files("trust_minerals").joinpath("data", "spec", "caps.csv"))
    out: dict[str, Cap] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out[row["name"]] = Cap(
                    row["name"], int(row["min"]), int(row["max"]), row["unit"], row["reason"]
                )
            except (KeyError, ValueError):
                raise SchemaError(f"caps.csv line {line}: min and max must be integers") from None
    return out


def cap(name: str) -> Cap:
    """The cap called ``name`` (a :class:`SchemaError` names the known caps otherwise)."""
    table = caps()
    if name not in table:
        raise SchemaError(f"no cap named {name!r} in caps.csv; known: {', '.join(table)}")
    return table[name]


def as_integer(value: object, field: str) -> int:
    """``value`` as an ``int``: ints, integral finite floats and strings holding either.

    Booleans, fractions, NaN, infinity and other text raise :class:`InputError` naming ``field``.
    """
    number: float | int
    if isinstance(value, bool):
        number = math.nan
    elif isinstance(value, int):
        return value
    elif isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
    else:
        number = math.nan
    if isinstance(number, int):
        return number
    if not math.isfinite(number) or number != int(number):
        err = InputError(f"{field} must be a whole number, got {value!r}")
        err.field = field  # type: ignore[attr-defined]
        raise err
    return int(number)


def check_size(
    name: str, value: object, *, field: str | None = None, maximum: int | None = None
) -> int:
    """``value`` coerced to ``int`` and checked against the cap ``name`` (``maximum`` may lower it).

    Raises
    ------
    InputError
        Not a whole number, or outside ``[min, max]`` of the cap; the message names the field,
        the value, the bound and ``caps.csv``; ``err.field`` holds the field name.

    Examples
    --------
    >>> check_size("draws", 300000.0)
    Traceback (most recent call last):
    ...
    trust_minerals.errors.InputError: draws=300000 is above the cap 200000 draws (caps.csv 'draws')
    """
    field = field or name
    c = cap(name)
    n = as_integer(value, field)
    top = c.max if maximum is None else min(c.max, int(maximum))
    if n < c.min or n > top:
        side = f"below the minimum {c.min}" if n < c.min else f"above the cap {top}"
        lowered = ", lowered by this server's settings" if top < c.max else ""
        err = InputError(f"{field}={n} is {side} {c.unit} (caps.csv {name!r}{lowered})")
        err.field = field  # type: ignore[attr-defined]
        raise err
    return n
