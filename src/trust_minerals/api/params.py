"""Query parameters shared by the routes, with their caps and patterns declared in OpenAPI.

Sizes take their bounds from ``data/spec/caps.csv`` (:mod:`trust_minerals.caps`), so the schema
states exactly what the server enforces; text parameters carry a pattern that excludes path
separators and dots (no parameter is ever a file path), so a schema-valid value is never refused
as path-like.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Query, Request

from trust_minerals.api.problems import Problem
from trust_minerals.api.security import RateLimiter
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


class WorkGate:
    """Expensive GETs: a per-client rate limit and a bounded number computing at once.

    A client over ``caps.csv rate_limit`` requests per minute gets 429 with ``Retry-After``;
    when ``caps.csv work_queue`` computations are already running, another gets 503 with
    ``Retry-After`` instead of queueing without bound.
    """

    def __init__(self, limit: int | None = None, slots: int | None = None) -> None:
        self.limiter = RateLimiter(limit or cap("rate_limit").max, 60.0)
        self._slots = threading.BoundedSemaphore(slots or cap("work_queue").max)

    def admit(self, request: Request) -> None:
        """Count one expensive request of the client (API key if given, else its address)."""
        from trust_minerals.api.security import presented_key

        key = presented_key(request.headers) or (request.client.host if request.client else "-")
        self.limiter.hit(f"client:{key}")

    def run(self, compute: Any) -> Any:
        """``compute()`` if a slot is free, else a 503 problem."""
        if not self._slots.acquire(blocking=False):
            raise Problem(
                503,
                "Server busy",
                "the server is computing as many expensive requests as it allows "
                "(caps.csv work_queue); retry shortly",
                field="work_queue",
                headers={"Retry-After": "5"},
            )
        try:
            return compute()
        finally:
            self._slots.release()
