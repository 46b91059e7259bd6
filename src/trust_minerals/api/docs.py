"""The API reference pages (Swagger UI and ReDoc), served offline from the installed package.

FastAPI's default reference pages load Swagger UI and ReDoc from a CDN, so they stay blank on a
machine without internet. The assets here come from the ``fastapi-offline`` distribution on PyPI
(MIT), which vendors ``swagger-ui-dist`` (Apache-2.0) and ``redoc`` (MIT) into site-packages; the
pages link only to this server.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import FileResponse, HTMLResponse

from trust_minerals.server.problems import Problem

DOCS_PATH = "/api/v1/docs"
REDOC_PATH = "/api/v1/redoc"
ASSETS_PATH = "/api/v1/docs-assets"
#: the reference pages may load nothing from another origin (ReDoc's branding logo, which it hides
#: when it fails to load, is refused by the browser instead of leaving the machine)
CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "worker-src 'self' blob:; connect-src 'self'"
)
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}


@cache
def assets_dir() -> Path:
    """The folder of the vendored Swagger UI and ReDoc files (``fastapi_offline/static``)."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


def register(app: FastAPI, openapi_url: str) -> None:
    """Add ``/api/v1/docs`` (Swagger UI), ``/api/v1/redoc`` (ReDoc) and their assets to ``app``."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _offline(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} · reference",
                swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _offline(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} · ReDoc",
                redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
                with_google_fonts=False,
            )
        )

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise Problem(404, "Not found", f"no reference asset {name!r}")
        return FileResponse(
            assets_dir() / name,
            media_type=ASSETS[name],
            headers={"Cache-Control": "max-age=86400"},
        )
