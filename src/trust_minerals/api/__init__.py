"""REST API (FastAPI, under ``/api/v1``): a thin adapter over the library.

Each endpoint parses its parameters, calls one public library function and returns its rows.
"""

from __future__ import annotations

from trust_minerals._extras import require

require("fastapi", "the REST API and dashboard (trust serve)")

from trust_minerals.api.app import create_app  # noqa: E402
from trust_minerals.server.security import ApiSettings  # noqa: E402

__all__ = ["ApiSettings", "create_app"]
