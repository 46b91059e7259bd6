"""The API reference pages (Swagger UI and ReDoc), served offline from the installed package.

FastAPI's default reference pages load Swagger UI and ReDoc from a CDN, so they stay blank on a
machine without internet. The assets here come from the ``fastapi-offline`` distribution on PyPI
(MIT), which vendors ``swagger-ui-dist`` (Apache-2.0) and ``redoc`` (MIT) into site-packages; the
pages link only to this server, by versioned URLs served with year-long cache headers and gzip
(:mod:`trust_minerals.server.assets`). The Swagger UI page loads only the API preset (its
``BaseLayout`` has no use for the standalone preset's top bar), which draws the operations sooner.
The ReDoc page carries the OpenAPI document in the page itself (``Redoc.init`` with the document),
so ReDoc starts drawing as soon as its script has run instead of fetching the document after it;
its download button still links to the document's own URL.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from trust_minerals.server.assets import Asset, file_asset
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
#: the folder of Redoc 3, vendored from npm (``static/redoc/README.md``: version, SHA-256, licence)
REDOC_DIR = Path(__file__).parent / "static" / "redoc"
#: each reference asset: its media type and whether it is vendored here (else from fastapi-offline)
ASSETS = {
    "swagger-ui-bundle.js": ("text/javascript", False),
    "swagger-ui.css": ("text/css", False),
    "favicon.png": ("image/png", False),
    "redoc.standalone.js": ("text/javascript", True),
}


#: the Swagger UI page: the same options as FastAPI's page, without the standalone preset. On load,
#: Swagger UI 5 asks swagger-client to resolve ``components.securitySchemes``; for an OpenAPI 3.1
#: document that turns the whole document into ApiDOM first, which took most of the page's first
#: render (seconds on the 2-core machine; swagger-ui issues #10250, #10748). Our schemes hold no
#: ``$ref``, so resolving them changes nothing: the plugin skips that one request when the schemes
#: have no ``$ref`` (operations are still resolved when the reader expands them).
SWAGGER_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{favicon}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{js}"></script>
<script>
const SchemesAsWritten = () => ({{statePlugins: {{spec: {{wrapActions: {{
  requestResolvedSubtree: (original, system) => (path) => {{
    const schemes = system.specSelectors.specJson().getIn(["components", "securitySchemes"]);
    const skip = Array.isArray(path) && path.join("/") === "components/securitySchemes"
      && !(schemes && JSON.stringify(schemes.toJS()).includes('"$ref"'));
    return skip ? {{type: "trust/schemes-as-written"}} : original(path);
  }},
}}}}}}}});
window.ui = SwaggerUIBundle({{
  url: {openapi_url},
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [SchemesAsWritten],
}});
</script>
</body>
</html>
"""


#: the ReDoc page (Redoc 3, an ES module): the OpenAPI document travels in the page as inert JSON
#: (``type=application/json``, every ``<`` escaped so that no text in it can close the element) and
#: is handed to ``init``. Redoc 3 draws one section at a time (the others on demand), links by hash
#: (``#tag/...``), and would report usage to Redocly's collector: ``disableTelemetry`` turns that off,
#: and the page's Content-Security-Policy refuses any request to another origin regardless.
REDOC_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{favicon}">
<link rel="modulepreload" href="{js_href}">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<noscript>ReDoc needs JavaScript. The OpenAPI document is at <a href="{openapi_href}">{openapi_href}</a>.</noscript>
<div id="redoc"></div>
<script type="application/json" id="openapi-document">{document}</script>
<script type="module">
import {{ init }} from {js};
init(
  JSON.parse(document.getElementById("openapi-document").textContent),
  {{disableTelemetry: true}},
  document.getElementById("redoc"),
);
</script>
</body>
</html>
"""


@cache
def assets_dir() -> Path:
    """The folder of the vendored Swagger UI and ReDoc files (``fastapi_offline/static``)."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def asset(name: str) -> Asset:
    """The reference asset ``name`` (read, hashed and compressed once per process)."""
    if name not in ASSETS:
        raise Problem(404, "Not found", f"no reference asset {name!r}")
    media_type, vendored_here = ASSETS[name]
    folder = REDOC_DIR if vendored_here else assets_dir()
    return file_asset(f"{ASSETS_PATH}/{name}", folder / name, media_type)


def swagger_html(title: str, openapi_url: str) -> str:
    """The Swagger UI page for the OpenAPI document at ``openapi_url``."""
    return SWAGGER_HTML.format(
        title=html.escape(title),
        css=asset("swagger-ui.css").url,
        favicon=asset("favicon.png").url,
        js=asset("swagger-ui-bundle.js").url,
        openapi_url=json.dumps(openapi_url),
    )


def redoc_html(title: str, openapi_url: str, document: dict[str, Any]) -> str:
    """The ReDoc page for ``document``, the OpenAPI document served at ``openapi_url``."""
    return REDOC_HTML.format(
        title=html.escape(title),
        favicon=asset("favicon.png").url,
        openapi_href=html.escape(openapi_url),
        document=json.dumps(document, separators=(",", ":")).replace("<", "\\u003c"),
        js=json.dumps(asset("redoc.standalone.js").url),
        js_href=html.escape(asset("redoc.standalone.js").url),
    )


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


def register(app: FastAPI, openapi_url: str) -> None:
    """Add ``/api/v1/docs`` (Swagger UI), ``/api/v1/redoc`` (ReDoc) and their assets to ``app``."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _offline(HTMLResponse(swagger_html(f"{app.title} · reference", openapi_url)))

    redoc_pages: list[str] = []  # written once, on the first request (the document is fixed)

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc() -> HTMLResponse:
        if not redoc_pages:
            redoc_pages.append(redoc_html(f"{app.title} · ReDoc", openapi_url, app.openapi()))
        return _offline(HTMLResponse(redoc_pages[0]))

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    def reference_asset(name: str, request: Request) -> Response:
        return asset(name).response(request)
