"""schemathesis against the OpenAPI document: no 5xx, documented statuses and schemas honoured."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from hypothesis import HealthCheck, settings

from tests.api.tiny_store import build_tiny_store

_DB = (
    Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz" / f"trust-{os.getpid()}.duckdb"
)


def _app():  # type: ignore[no-untyped-def]
    from trust_minerals.api import ApiSettings, create_app

    if _DB.exists():
        _DB.unlink()
    build_tiny_store(_DB)
    return create_app(_DB, ApiSettings(api_key="fuzz-key", max_draws=2000, rate_limit=10_000))


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app())


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_openapi_document(case: schemathesis.Case) -> None:
    # every check except "schema-valid data must be accepted": a well-formed request can still be
    # impossible (an empty country set, a year without data) and is then a documented 404/422
    case.call_and_validate(
        headers={"X-API-Key": "fuzz-key"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
