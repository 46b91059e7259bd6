"""Safety of the API: settings, the API key, body-size limit, per-key rate limit, path-like input.

* Endpoints that start work (POST) need the API key in the ``X-API-Key`` header (or
  ``Authorization: Bearer <key>``): missing → 401, wrong → 403.
* The key comes from the environment variable ``TRUST_API_KEY`` or, failing that, from a key file
  ``api_key`` next to the database, generated on first use (mode 0600) and printed by
  ``trust serve``.
* Request bodies larger than :attr:`ApiSettings.max_body_bytes` are refused with 413 before they
  are read in full.
* Each key may start at most :attr:`ApiSettings.rate_limit` requests per
  :attr:`ApiSettings.rate_window_s` seconds (429 with ``Retry-After`` beyond).
* No endpoint takes a file path; any query, path or body value that looks like one is refused
  with 400 naming the field (:func:`check_not_path_like`).
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trust_minerals.server.problems import Problem

KEY_ENV = "TRUST_API_KEY"
KEY_FILE_NAME = "api_key"
KEY_HEADER = "X-API-Key"

#: values that look like file paths or URLs (separators, parent references, home, drive letters)
_PATH_LIKE = re.compile(
    r"[/\\\x00]|\.\.|^~|^[A-Za-z]:|^file:|\.(duckdb|csv|json|parquet|html|pdf|py|sh)$", re.I
)


@dataclass(frozen=True)
class ApiSettings:
    """Limits and switches of one app (:func:`trust_minerals.api.app.create_app`).

    Examples
    --------
    >>> ApiSettings(max_draws=1000).max_draws
    1000
    """

    api_key: str | None = None  # None: from TRUST_API_KEY or the key file
    max_body_bytes: int = field(default_factory=lambda: _cap("body_bytes"))
    max_draws: int = field(default_factory=lambda: _cap("draws"))
    max_horizon_months: int = field(default_factory=lambda: _cap("horizon_months"))
    max_year: int = field(default_factory=lambda: _cap("year"))
    rate_limit: int = field(default_factory=lambda: _cap("rate_limit"))
    rate_window_s: float = 60.0
    expensive_rate_limit: int = field(default_factory=lambda: _cap("rate_limit"))
    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are given
    max_jobs: int = 50
    job_workers: int = 1


def _cap(name: str) -> int:
    from trust_minerals.caps import cap

    return cap(name).max


def key_file_path(db_path: Path) -> Path:
    """The key file that sits next to the database ``db_path``."""
    return Path(db_path).expanduser().parent / KEY_FILE_NAME


def resolve_api_key(db_path: Path, explicit: str | None = None) -> tuple[str, str]:
    """The API key and where it came from (``settings``, ``env`` or the key file's path).

    A key file is created (random 32-byte key, mode 0600) when neither an explicit key nor
    ``TRUST_API_KEY`` is set and no key file exists yet.

    Examples
    --------
    >>> resolve_api_key(Path("/tmp/x/trust.duckdb"), "secret")
    ('secret', 'settings')
    """
    if explicit:
        return explicit, "settings"
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        return env, "env"
    path = key_file_path(db_path)
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key, str(path)
    key = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
    except OSError as exc:
        from trust_minerals.errors import StoreError

        raise StoreError(
            f"cannot write the API key file {path} ({exc.strerror or exc}); set {KEY_ENV} "
            "or make the database directory writable"
        ) from None
    return key, str(path)


def presented_key(headers: Any) -> str | None:
    """The key a request presents (``X-API-Key`` or ``Authorization: Bearer``), if any."""
    key = headers.get(KEY_HEADER)
    if key:
        return str(key)
    auth = headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return str(auth[7:].strip()) or None
    return None


def check_key(presented: str | None, expected: str) -> None:
    """Raise a 401 problem for a missing key and a 403 problem for a wrong one."""
    if not presented:
        raise Problem(
            401,
            "API key required",
            f"this endpoint starts work; send the key in the {KEY_HEADER} header",
            field=KEY_HEADER,
            headers={"WWW-Authenticate": f'ApiKey header="{KEY_HEADER}"'},
        )
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Problem(
            403,
            "Invalid API key",
            f"the key in {KEY_HEADER} is not valid for this server",
            field=KEY_HEADER,
        )


@dataclass
class RateLimiter:
    """Sliding-window limit: at most ``limit`` requests per ``window_s`` seconds per key."""

    limit: int
    window_s: float
    _hits: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, now: float | None = None) -> None:
        """Count one request for ``key``; raise a 429 problem when over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = max(1, int(hits[0] + self.window_s - now) + 1)
                raise Problem(
                    429,
                    "Too many requests",
                    f"at most {self.limit} requests per {self.window_s:g} s per API key (limit rate_limit)",
                    field="rate_limit",
                    headers={"Retry-After": str(retry)},
                )
            hits.append(now)


def check_not_path_like(name: str, value: object) -> None:
    """Refuse (400) a value that looks like a file path or URL; recurse into lists and dicts.

    Examples
    --------
    >>> check_not_path_like("commodity", "cobalt")
    >>> check_not_path_like("commodity", "../etc/passwd")
    Traceback (most recent call last):
    ...
    trust_minerals.server.problems.Problem: ...
    """
    if isinstance(value, str):
        if _PATH_LIKE.search(value):
            raise Problem(
                400,
                "Path-like input refused",
                f"{name}={value!r} looks like a file path; no endpoint reads or writes files",
                field=name,
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            check_not_path_like(f"{name}.{k}", v)
            check_not_path_like(f"{name} key", k)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            check_not_path_like(f"{name}[{i}]", v)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with a 413 problem."""

    def __init__(
        self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, send)
                return
        else:  # no length (chunked): read the body here, at most max_bytes, then replay it
            buffered: list[MutableMapping[str, Any]] = []
            size = 0
            while True:
                message = await receive()
                buffered.append(message)
                if message["type"] != "http.request":
                    break
                size += len(message.get("body", b""))
                if size > self.max_bytes:
                    await self._refuse(scope, send)
                    return
                if not message.get("more_body", False):
                    break
            replay = iter(buffered)
            upstream = receive  # the original channel (``receive`` is rebound below)

            async def replayed() -> MutableMapping[str, Any]:
                try:
                    return next(replay)
                except StopIteration:
                    return await upstream()

            receive = replayed
        received = 0
        started = False

        async def limited_receive() -> MutableMapping[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        problem = Problem(
            413,
            "Request body too large",
            f"request bodies are limited to {self.max_bytes} bytes (limit max_body_bytes)",
            field="max_body_bytes",
        )
        response = problem.response(instance=scope.get("path"))

        async def no_body() -> MutableMapping[str, Any]:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


class _TooLarge(Exception):
    pass
