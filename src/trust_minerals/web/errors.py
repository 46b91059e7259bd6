"""HTML error pages for the dashboard's browser routes.

The API answers every error with an RFC 9457 problem document (:mod:`trust_minerals.server.problems`).
A person who opens ``/commodity/unobtanium`` in a browser should instead see a page in the
dashboard's layout that says what was wrong and links the closest valid names ("did you mean").
:func:`install` wraps the app's exception handlers: API paths keep their problem documents, browser
routes get the same status, title and detail rendered as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from trust_minerals.errors import UnknownNameError

Handler = Callable[[Request, Exception], Awaitable[Response]]

#: path prefixes that are machine routes: they keep ``application/problem+json``
MACHINE_PREFIXES = ("/api/", "/static/")


def is_browser_route(request: Request) -> bool:
    """True for dashboard pages (everything outside ``/api/`` and ``/static/``)."""
    path = request.url.path
    return not any(path.startswith(p) for p in MACHINE_PREFIXES)


def suggestion_links(request: Request, exc: Exception) -> list[tuple[str, str]]:
    """``(name, url)`` for each closest valid name: the request's URL with the unknown name replaced.

    The unknown name is replaced where it stands, in a path segment or a query value; names that do
    not appear in the URL (an unknown name inside a form field) get no link target beyond the page.
    """
    if not isinstance(exc, UnknownNameError):
        return []
    unknown = {str(n) for n in exc.names}
    links = []
    for name in closest_names(exc):
        segments = request.url.path.split("/")
        path = "/".join(quote(name) if s in unknown else s for s in segments)
        query = "&".join(
            f"{quote(k)}={quote(name if v in unknown else v)}"
            for k, v in request.query_params.multi_items()
        )
        links.append((name, path + (f"?{query}" if query else "")))
    return links


def closest_names(exc: UnknownNameError, n: int = 5) -> list[str]:
    """The error's own suggestions, else the valid names most alike (looser than the message's)."""
    if exc.suggestions or not exc.valid:
        return list(exc.suggestions)
    import difflib

    folded = {v.casefold(): v for v in exc.valid}
    found: list[str] = []
    for name in exc.names:
        hits = difflib.get_close_matches(str(name).casefold(), list(folded), n=n, cutoff=0.3)
        found += [folded[h] for h in hits if folded[h] not in found]
    return found[:n]


def error_page(request: Request, exc: Exception, problem: dict[str, Any]) -> HTMLResponse:
    """The dashboard page for ``problem`` (a problem document), with "did you mean" links."""
    from trust_minerals.web.pages import render

    response = render(
        "error.html",
        charts=False,
        title=str(problem.get("title") or "Error"),
        problem=problem,
        suggestions=suggestion_links(request, exc),
        path=request.url.path,
    )
    response.status_code = int(problem.get("status") or 500)
    return response


def _html_or(handler: Handler) -> Handler:
    async def wrapped(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        if not is_browser_route(request) or not response.media_type:
            return response
        if "problem+json" not in response.media_type:
            return response
        problem = json.loads(bytes(response.body))
        html = error_page(request, exc, problem)
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                html.headers[name] = value
        return html

    return wrapped


def install(app: Any) -> None:
    """Wrap every exception handler registered so far: browser routes answer with an HTML page."""
    for key, handler in list(app.exception_handlers.items()):
        app.add_exception_handler(key, _html_or(handler))
