"""RFC 9457 problem details (``application/problem+json``) for every error the API returns.

Every problem names the invalid field where there is one, in ``invalid_params`` (the extension
member used in RFC 9457's own example)::

    {"type": "about:blank", "title": "Unknown commodity", "status": 404,
     "detail": "unknown commodity: 'unobtainium'; valid choices: ...",
     "instance": "/api/v1/concentration",
     "invalid_params": [{"name": "commodity", "reason": "unknown commodity: 'unobtainium'"}]}

Library errors map as follows: :class:`~trust_minerals.errors.UnknownNameError` → 404,
:class:`~trust_minerals.errors.NoDataError` (known names, no data in the store) → 404,
:class:`~trust_minerals.errors.InputError` → 422, :class:`~trust_minerals.errors.SchemaError` and
:class:`~trust_minerals.errors.ParseError` → 400, :class:`~trust_minerals.errors.StoreError` → 503.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from trust_minerals.errors import (
    InputError,
    NoDataError,
    ParseError,
    SchemaError,
    StoreError,
    UnknownNameError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class InvalidParam(BaseModel):
    name: str
    reason: str


class ProblemDetail(BaseModel):
    """The body of every error response (RFC 9457)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    invalid_params: list[InvalidParam] = Field(default_factory=list)


class Problem(Exception):
    """An error to answer with a problem document.

    Examples
    --------
    >>> Problem(422, "Too many draws", "draws must be at most 1000", field="draws").status
    422
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        params: list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.params = list(params or [])
        if field is not None:
            self.params.insert(0, (field, detail))
        self.headers = dict(headers or {})

    def body(self, instance: str | None = None) -> dict[str, Any]:
        return {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "invalid_params": [{"name": n, "reason": r} for n, r in self.params],
        }

    def response(self, instance: str | None = None) -> Response:
        return Response(
            json.dumps(self.body(instance), ensure_ascii=False),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=self.headers,
        )


_FIELD_IN_TEXT = re.compile(r"^([a-z_][a-z0-9_.\[\]]*)\s*(?:=|:|must|is|exceeds|should)", re.I)


def from_library_error(exc: Exception) -> Problem:
    """The problem for one of the library's named errors."""
    if isinstance(exc, UnknownNameError):
        kind = exc.kind.split(" ")[0].split("/")[0]
        return Problem(404, f"Unknown {exc.kind}", str(exc), field=kind)
    if isinstance(exc, NoDataError):
        field = getattr(exc, "field", None)
        if field is None:
            match = _FIELD_IN_TEXT.match(str(exc))
            field = match.group(1) if match else "input"
        return Problem(404, "No data", str(exc), field=str(field))
    if isinstance(exc, InputError):
        field = getattr(exc, "field", None)
        if field is None:
            match = _FIELD_IN_TEXT.match(str(exc))
            field = match.group(1) if match else "input"
        return Problem(422, "Invalid input", str(exc), field=str(field))
    if isinstance(exc, ParseError):
        return Problem(400, "Malformed input", str(exc), field=exc.field or "input")
    if isinstance(exc, SchemaError):
        return Problem(400, "Input does not match the schema", str(exc), field="input")
    if isinstance(exc, StoreError):
        return Problem(503, "Database unavailable", str(exc))
    from trust_minerals.report.brief import ChromiumNotFoundError
    from trust_minerals.report.browser import BrowserError

    if isinstance(exc, ChromiumNotFoundError | BrowserError):  # not installed, busy, died
        return Problem(503, "PDF printing unavailable", str(exc))
    return Problem(500, "Internal error", "unexpected error; see the server log")


_log = logging.getLogger(__name__)

#: labels pydantic puts into an error's location for the member of a union it tried (a model's
#: class name such as ``InlineRun``, ``constrained-float``, ``literal['crma']``, ``int``): not fields
_UNION_MEMBER = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$|[-\[\]'(]|^(int|float|str|bool|none)$")


def _field_path(loc: Any) -> str:
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header")
        and not (isinstance(p, str) and _UNION_MEMBER.search(p))
    ]
    return ".".join(parts)


def validation_problem(errors: list[Any]) -> Problem:
    """A 422 problem from FastAPI/pydantic validation errors (one ``invalid_params`` entry per
    field; a scalar value that was refused is quoted, so the problem says what was sent)."""
    reasons: dict[str, list[str]] = {}
    for err in errors:
        reason = str(err.get("msg", "invalid"))
        value = err.get("input")
        if isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 40):
            reason += f" (got {value!r})"
        reasons.setdefault(_field_path(err.get("loc", ())) or "body", []).append(reason)
    params = [(name, "; or ".join(dict.fromkeys(r))) for name, r in reasons.items()]
    detail = "; ".join(f"{n}: {r}" for n, r in params) or "invalid request"
    return Problem(422, "Invalid request", detail, params=params)


def install_handlers(app: Any) -> None:
    """Register the problem handlers on a FastAPI app."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    from trust_minerals.errors import TrustMineralsError

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return exc.response(request.url.path)

    async def on_library(request: Request, exc: Exception) -> Response:
        return from_library_error(exc).response(request.url.path)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return validation_problem(list(exc.errors())).response(request.url.path)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        titles = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable"}
        problem = Problem(
            exc.status_code,
            titles.get(exc.status_code, "HTTP error"),
            str(exc.detail),
            headers=exc.headers,
        )
        return problem.response(request.url.path)

    async def on_builtin(request: Request, exc: Exception) -> Response:
        # the same mapping as the CLI's boundary (decode, I/O, permission, memory, database);
        # anything it cannot name is a bug: a 500 problem, details only in the server log
        from trust_minerals.errors import named_error

        named = named_error(exc)
        if named is None:  # a bug: the client gets a short problem, the log gets the traceback
            _log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
            problem = Problem(500, "Internal error", "unexpected error; see the server log")
        else:
            problem = from_library_error(named)
        return problem.response(request.url.path)

    import duckdb

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(TrustMineralsError, on_library)
    for builtin in (OSError, UnicodeError, MemoryError, duckdb.Error, Exception):
        app.add_exception_handler(builtin, on_builtin)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)


#: documented error responses, reused by the routes' ``responses=``
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "Malformed or path-like input (problem names the field)",
        401: "API key missing",
        403: "API key invalid",
        404: "Unknown name (the problem names the field and lists valid choices), or known names "
        "for which this store holds no data (title 'No data'; the problem says what is missing)",
        413: "Request body too large",
        422: "Invalid parameter or over a cap (problem names the field/limit)",
        429: "Rate limit exceeded",
        503: "Database unavailable",
    }
    return {
        s: {"model": ProblemDetail, "description": text[s], "content": {PROBLEM_MEDIA_TYPE: {}}}
        for s in statuses
    }
