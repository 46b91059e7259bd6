"""The web application: the REST API under ``/api/v1`` and the dashboard, in one FastAPI app.

:func:`create_app` (the app factory) builds the shared :class:`~trust_minerals.server.state.AppState`
around one database and mounts the API routes and the dashboard pages; the dataset is loaded once,
on first use, and computed tables (overview, concentration) are cached per parameters, so repeated
requests cost only the JSON encoding.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI

from trust_minerals.server.problems import install_handlers, problem_responses
from trust_minerals.server.security import ApiSettings, BodySizeLimit
from trust_minerals.server.state import AppState, no_path_like

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    from trust_minerals.api import routes_data, routes_reports, routes_technologies, routes_work

    router = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(no_path_like)],
        responses=problem_responses(400, 503),
    )
    routes_data.register(router)
    routes_work.register(router)
    routes_technologies.register(router)
    routes_reports.register(router)
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
        from trust_minerals.report.browser import close_shared_browser

        close_shared_browser()  # the one PDF browser of this server process

    app = FastAPI(
        lifespan=lifespan,
        title="trust-minerals API",
        version="1",
        description=(
            "Critical-mineral supply-chain data and analysis (US-India TRUST, MSP). GET endpoints are "
            "read-only; POST endpoints that start work need the API key in the X-API-Key header. "
            "Errors are RFC 9457 problem documents naming the invalid field. This OpenAPI "
            f"document: [{API_PREFIX}/openapi.json]({API_PREFIX}/openapi.json)."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.trust = state
    install_handlers(app)
    from trust_minerals.api import docs, openapi
    from trust_minerals.api.uploads import hand_read_models

    openapi.install(app, hand_read_models)
    docs.register(app, f"{API_PREFIX}/openapi.json")
    app.include_router(api_router())
    from trust_minerals.web.pages import web_router

    app.include_router(web_router())
    from trust_minerals.web.errors import install as install_html_errors

    install_html_errors(app)
    from trust_minerals.web.downloads import TableDownload

    app.add_middleware(TableDownload)
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
