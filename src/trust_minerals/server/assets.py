"""Static assets (scripts, styles, vendored bundles, map GeoJSON) served fast and cacheably.

Every asset is read once, hashed and gzip-compressed once per process. Pages link to it with a
versioned URL (``?v=<hash>``, :meth:`Asset.url`); a request that names the current version gets a
year-long ``immutable`` cache header, any other request (no or an old version) must revalidate
(``no-cache`` with an ``ETag``). Clients that accept gzip get the compressed body.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

#: a year: the versioned URL changes whenever the content does
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Asset:
    """One static file's bytes, their gzip form and a content version.

    Attributes
    ----------
    path : str
        The URL path it is served at (``/static/app.js``).
    body : bytes
        The content.
    gzipped : bytes
        ``body`` compressed with gzip (level 9, no timestamp: the same bytes every time).
    media_type : str
        The ``Content-Type``.
    version : str
        The first 12 hex digits of the SHA-256 of ``body``.
    """

    path: str
    body: bytes
    gzipped: bytes
    media_type: str
    version: str

    @classmethod
    def from_bytes(cls, path: str, body: bytes, media_type: str) -> Asset:
        """The asset served at ``path`` with content ``body``."""
        return cls(
            path=path,
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            media_type=media_type,
            version=hashlib.sha256(body).hexdigest()[:12],
        )

    @property
    def url(self) -> str:
        """The versioned URL that pages link to (cached by browsers for a year)."""
        return f"{self.path}?v={self.version}"

    def response(self, request: Request) -> Response:
        """The response to ``request``: 304 when the client's copy is current, gzip when accepted.

        Parameters
        ----------
        request : Request
            The GET request; its ``v`` query parameter, ``If-None-Match`` and ``Accept-Encoding``
            headers are read.

        Returns
        -------
        Response
            With ``Cache-Control`` (immutable for the current version, otherwise revalidate),
            ``ETag`` and ``Vary: Accept-Encoding``.
        """
        etag = f'"{self.version}"'
        headers = {
            "Cache-Control": IMMUTABLE
            if request.query_params.get("v") == self.version
            else REVALIDATE,
            "ETag": etag,
            "Vary": "Accept-Encoding",
        }
        if etag in _tags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header value accepts gzip (``gzip`` or ``*``, q above 0).

    Examples
    --------
    >>> accepts_gzip("gzip, deflate, br")
    True
    >>> accepts_gzip("gzip;q=0, identity")
    False
    >>> accepts_gzip("")
    False
    """
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        return q > 0
    return False


@cache
def file_asset(path: str, file: Path, media_type: str) -> Asset:
    """The asset served at ``path`` from ``file`` (read and compressed once per process)."""
    return Asset.from_bytes(path, file.read_bytes(), media_type)
