"""The web application: the REST API under ``/api/v1`` and the dashboard, in one FastAPI app.

:func:`create_app` builds an app around one database; the dataset is loaded once, on first use,
and computed tables (overview, concentration) are cached per parameters, so repeated requests cost
only the JSON encoding.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.responses import Response

from trust_minerals.api.jobs import JobManager
from trust_minerals.api.params import WorkGate
from trust_minerals.api.problems import install_handlers, problem_responses
from trust_minerals.api.security import (
    ApiSettings,
    BodySizeLimit,
    RateLimiter,
    check_key,
    check_not_path_like,
    presented_key,
    resolve_api_key,
)
from trust_minerals.dataset import SupplyDataset

API_PREFIX = "/api/v1"


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


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dictionaries (NaN/NA become ``None``)."""
    from trust_minerals.cli._output import records as _records

    return _records(df)


def json_response(payload: Any, status_code: int = 200) -> Response:
    return Response(json_bytes(payload), status_code=status_code, media_type="application/json")


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


def require_key(request: Request) -> str:
    """Dependency of every route that starts work: API key (401/403) and rate limit (429)."""
    st = state_of(request)
    key = presented_key(request.headers)
    check_key(key, st.api_key)
    assert key is not None
    st.limiter.hit(key)
    return key


def api_router() -> APIRouter:
    from trust_minerals.api import routes_data, routes_technologies, routes_work

    router = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(no_path_like)],
        responses=problem_responses(400, 503),
    )
    routes_data.register(router)
    routes_work.register(router)
    routes_technologies.register(router)
    return router


def create_app(db_path: Path | str | None = None, settings: ApiSettings | None = None) -> FastAPI:
    """Build the app (API + dashboard) around the database at ``db_path``.

    Parameters
    ----------
    db_path : path, optional
        The DuckDB store (default: ``$TRUST_DB`` or the per-user store). It is opened on the first
        request that needs data, once.
    settings : ApiSettings, optional
        Limits, API key, CORS origins.

    Examples
    --------
    >>> from fastapi.testclient import TestClient          # doctest: +SKIP
    >>> client = TestClient(create_app())                   # doctest: +SKIP
    >>> client.get("/api/v1/commodities").status_code       # doctest: +SKIP
    200
    """
    from trust_minerals.data.store import default_db_path

    settings = settings or ApiSettings()
    path = Path(db_path) if db_path is not None else default_db_path()
    state = AppState(path, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.jobs.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="trust-minerals API",
        version="1",
        description=(
            "Critical-mineral supply-chain data and analysis (US-India TRUST, MSP). GET endpoints are "
            "read-only; POST endpoints that start work need the API key in the X-API-Key header. "
            "Errors are RFC 9457 problem documents naming the invalid field."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.trust = state
    install_handlers(app)
    app.include_router(api_router())
    from trust_minerals.web.pages import web_router

    app.include_router(web_router())
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type"],
        )

    return app
