"""What the server (the REST API and the dashboard) shares: the per-app state and its helpers.

:class:`AppState` holds one app's settings, dataset (loaded once, on first use), result cache, API
key, rate limiter, job queue and work gate; the app factory
(:func:`trust_minerals.api.create_app`) builds it and hangs it on ``app.state.trust``. The API routes and the dashboard pages reach it through the
:func:`state_of` dependency, so neither imports the other.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from starlette.responses import Response

from trust_minerals._tables import records
from trust_minerals.dataset import SupplyDataset
from trust_minerals.server.gate import WorkGate
from trust_minerals.server.jobs import JobManager
from trust_minerals.server.security import (
    ApiSettings,
    RateLimiter,
    check_key,
    check_not_path_like,
    presented_key,
    resolve_api_key,
)


class AppState:
    """What one app holds: settings, the dataset (loaded once), caches, key, limiter, jobs."""

    def __init__(self, db_path: Path, settings: ApiSettings) -> None:
        self.db_path = db_path
        self.settings = settings
        self.api_key, self.key_source = resolve_api_key(db_path, settings.api_key)
        self.limiter = RateLimiter(settings.rate_limit, settings.rate_window_s)
        self.jobs = JobManager(workers=settings.job_workers, max_jobs=settings.max_jobs)
        self.gate = WorkGate(settings.expensive_rate_limit)
        self._ds: SupplyDataset | None = None
        self._lock = threading.Lock()
        self._cache: dict[Hashable, Any] = {}

    @property
    def ds(self) -> SupplyDataset:
        if self._ds is None:
            with self._lock:
                if self._ds is None:
                    from trust_minerals.data.store import load_dataset

                    self._ds = load_dataset(self.db_path)
        return self._ds

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key (errors are not cached)."""
        try:
            return self._cache[key]
        except KeyError:
            pass
        value = compute()
        if len(self._cache) > 2048:
            self._cache.clear()
        self._cache[key] = value
        return value


#: response header naming the sources of a row-list answer (a result's ``source_ids``)
SOURCES_HEADER = "X-Source-Ids"


def json_response(
    payload: Any, status_code: int = 200, *, source_ids: tuple[str, ...] | None = None
) -> Response:
    """``payload`` as strict JSON; ``source_ids`` go in the :data:`SOURCES_HEADER` header."""
    headers = {SOURCES_HEADER: ",".join(source_ids)} if source_ids is not None else None
    return Response(
        json_bytes(payload), status_code=status_code, media_type="application/json", headers=headers
    )


def json_bytes(payload: Any) -> bytes:
    """Strict JSON (infinite or NaN numbers, which JSON lacks, become ``null``)."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, default=_default).encode()
    except ValueError:
        return json.dumps(
            _finite(payload), ensure_ascii=False, allow_nan=False, default=_default
        ).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, pd.Series):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def state_of(request: Request) -> AppState:
    """The :class:`AppState` of the app serving ``request`` (a FastAPI dependency)."""
    return request.app.state.trust  # type: ignore[no-any-return]


def no_path_like(request: Request) -> None:
    """Dependency of every API route: refuse path-like query or path values (400)."""
    for name, value in request.query_params.multi_items():
        check_not_path_like(name, value)
        check_not_path_like("query parameter name", name)
    for name, value in request.path_params.items():
        check_not_path_like(name, value)


def expensive(request: Request) -> None:
    """Dependency of expensive GETs (Monte Carlo, criticality draws): per-client rate limit (429)."""
    state_of(request).gate.admit(request)


#: the API key as an OpenAPI security scheme (``apiKey`` in the ``X-API-Key`` header); the check
#: itself is :func:`require_key` (401 missing, 403 wrong), so ``auto_error`` is off
API_KEY_SCHEME = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="The key printed by `trust serve` (or the TRUST_API_KEY environment variable)",
    auto_error=False,
)


def require_key(request: Request, _key: str | None = Security(API_KEY_SCHEME)) -> str:
    """Dependency of every route that starts work: API key (401/403) and rate limit (429)."""
    st = state_of(request)
    key = presented_key(request.headers)
    check_key(key, st.api_key)
    assert key is not None
    st.limiter.hit(key)
    return key


__all__ = [
    "AppState",
    "expensive",
    "json_bytes",
    "json_response",
    "no_path_like",
    "records",
    "require_key",
    "state_of",
]
