"""The work gate of expensive GETs: a per-client rate limit and a bounded number computing at once.

Shared by the server (the REST API and the dashboard); :class:`trust_minerals.server.state.AppState`
holds one per app.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Request

from trust_minerals.caps import cap
from trust_minerals.server.problems import Problem
from trust_minerals.server.security import RateLimiter, presented_key


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


__all__ = ["WorkGate"]
