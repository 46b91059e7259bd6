"""schemathesis against the OpenAPI document: no 5xx, documented statuses and schemas honoured."""

from __future__ import annotations

import os
import re
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
    return create_app(
        _DB, ApiSettings(api_key="fuzz-key", rate_limit=10_000, expensive_rate_limit=10_000)
    )


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app())


# a rejected over-size body (413, documented on every POST) is a rejection of schema-violating data
_negative = schema.config.checks.negative_data_rejection
_negative.expected_statuses = [*_negative.expected_statuses, "413"]

#: rules the library checks that JSON Schema cannot state, per operation: a schema-valid request
#: refused (400/422) by one of these, named in the problem's detail, is not a finding; a refusal
#: for any other reason still fails "valid data should have been accepted". Everything else the
#: server enforces (caps, patterns, enums, exactly-one-of) is in the OpenAPI document.
_CHAIN_RULES = (r"shares add up to \S+ > 1",)  # a sum over the inputs of a tier
#: a body's size in bytes (caps.csv 'body_bytes', 413; 'plan_bytes' for a YAML plan, 422)
_SIZE_RULES = (r"request bodies are limited to \d+ bytes", r"above the cap \d+ characters")
INEXPRESSIBLE: dict[str, tuple[str, ...]] = {
    "POST /api/v1/chains/evaluate": _CHAIN_RULES,
    "POST /api/v1/chains/simulate": _CHAIN_RULES,
    "POST /api/v1/outlook/plan-demand": (
        r"do not reduce to",  # the product of the factors' units (dimensional analysis)
        r"not a finite number \(overflow\)|demand overflows",  # a product of in-range numbers
    ),
}


def _inexpressible(label: str, response: object) -> bool:
    """Whether ``response`` refuses the request for one of the rules of ``INEXPRESSIBLE``."""
    status = getattr(response, "status_code", 0)
    rules = INEXPRESSIBLE.get(label, ()) + (_SIZE_RULES if label.startswith("POST") else ())
    if status not in (400, 413, 422) or not rules:
        return False
    detail = str(response.json().get("detail", ""))  # type: ignore[attr-defined]
    return any(re.search(rule, detail) for rule in rules)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_openapi_document(case: schemathesis.Case) -> None:
    # every check, "schema-valid data must be accepted" included: the schema declares the caps,
    # patterns and enums the server enforces, so a request it allows is never refused with 400 or
    # 422 (an unknown name, or a known one the store has no data for, is a documented 404) except
    # for the rules listed in INEXPRESSIBLE
    label = f"{case.operation.method.upper()} {case.operation.path}"
    headers = {"X-API-Key": "fuzz-key"}
    response = case.call(headers=headers)
    excluded = [schemathesis.checks.positive_data_acceptance]
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=excluded if _inexpressible(label, response) else [],
    )
