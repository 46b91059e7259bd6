"""A corpus of malformed API requests: each gets a problem+json naming what was wrong (never a
5xx, never a traceback, never a server file's content) and the store is byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import KEY, TestClient, make_client

PLAN = (Path(__file__).parents[2] / "src/trust_minerals/outlook/plans/india-2030.yaml").read_text()
GARBAGE = bytes(range(256)).decode("latin-1")
AUTH = {"X-API-Key": KEY}
YAML = {**AUTH, "Content-Type": "application/yaml"}
MC = "/api/v1/scenarios/montecarlo"


def _chunks(total: int) -> Iterator[bytes]:
    for _ in range(total // 65536):
        yield b" " * 65536


# (id, method, path, request kwargs, status, text in the problem's detail)
CASES: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    ("plan-dotenv", "GET", "/api/v1/outlook/demand", {"params": {"plan": ".env"}}, 422, "plan"),
    ("plan-log", "GET", "/api/v1/outlook/demand", {"params": {"plan": "serve.log"}}, 422, "plan"),
    (
        "plan-traversal",
        "GET",
        "/api/v1/outlook/demand",
        {"params": {"plan": "../../etc/passwd"}},
        400,
        "file path",
    ),
    (
        "plan-absolute",
        "GET",
        "/api/v1/outlook/balance",
        {"params": {"plan": "/etc/passwd"}},
        400,
        "file path",
    ),
    (
        "plan-unknown-id",
        "GET",
        "/api/v1/outlook/demand",
        {"params": {"plan": "api_key"}},
        404,
        "india-2030",
    ),
    (
        "plan-balance-dotenv",
        "GET",
        "/api/v1/outlook/balance",
        {"params": {"plan": ".env"}},
        422,
        "plan",
    ),
    (
        "upload-no-key",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": PLAN, "headers": {"Content-Type": "application/yaml"}},
        401,
        "X-API-Key",
    ),
    (
        "upload-binary",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": GARBAGE.encode(), "headers": YAML},
        400,
        "binary",
    ),
    (
        "upload-bad-yaml",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": "name: [x\nAPI_TOKEN: s3cr3t", "headers": YAML},
        400,
        "not valid YAML",
    ),
    (
        "upload-list",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": "- 1\n- 2", "headers": YAML},
        400,
        "mapping",
    ),
    (
        "upload-factor-1e200",
        "POST",
        "/api/v1/outlook/plan-demand",
        {
            "content": PLAN.replace("value: 5000000", "value: 1.0e+200").replace(
                "value: 0.30", "value: 1.0e+200"
            ),
            "headers": YAML,
        },
        422,
        "finite",
    ),
    (
        # YAML 1.1 reads 1e200 (no dot) as text: the plan schema wants a number
        "upload-number-as-yaml-text",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": PLAN.replace("value: 5000000", "value: 1e200"), "headers": YAML},
        422,
        "valid number (got '1e200')",
    ),
    (
        "upload-too-large",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": "#" * 70000, "headers": YAML},
        413,
        "bytes",
    ),
    (
        "chunked-too-large",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": _chunks(13 * 2**20), "headers": {**AUTH, "Content-Type": "application/json"}},
        413,
        "bytes",
    ),
    (
        "body-not-json",
        "POST",
        "/api/v1/outlook/plan-demand",
        {"content": b"{plan", "headers": {**AUTH, "Content-Type": "application/json"}},
        422,
        "JSON",
    ),
    (
        "optimize-draws-float",
        "POST",
        "/api/v1/optimize",
        {
            "json": {
                "spec": {"consumer": "IND", "commodity": "lithium", "demand": 1, "draws": 300000.0}
            },
            "headers": AUTH,
        },
        422,
        "caps.csv 'draws'",
    ),
    (
        "optimize-draws-string",
        "POST",
        "/api/v1/optimize",
        {
            "json": {
                "spec": {"consumer": "IND", "commodity": "lithium", "demand": 1, "draws": "300000"}
            },
            "headers": AUTH,
        },
        422,
        "caps.csv 'draws'",
    ),
    (
        "optimize-draws-fraction",
        "POST",
        "/api/v1/optimize",
        {
            "json": {
                "spec": {"consumer": "IND", "commodity": "lithium", "demand": 1, "draws": 2.5}
            },
            "headers": AUTH,
        },
        422,
        "whole number",
    ),
    (
        "optimize-demand-inf",
        "POST",
        "/api/v1/optimize",
        {
            "content": b'{"spec": {"consumer": "IND", "commodity": "lithium", "demand": 1e999}}',
            "headers": {**AUTH, "Content-Type": "application/json"},
        },
        422,
        "finite",
    ),
    (
        "frontier-points",
        "POST",
        "/api/v1/optimize/frontier",
        {
            "json": {
                "spec": {"consumer": "IND", "commodity": "lithium", "demand": 1},
                "points": 1000000,
            },
            "headers": AUTH,
        },
        422,
        "points",
    ),
    (
        "criticality-uncertainty",
        "GET",
        "/api/v1/criticality",
        {"params": {"method": "eu", "uncertainty": 200001}},
        422,
        "uncertainty",
    ),
    (
        "criticality-uncertainty-text",
        "GET",
        "/api/v1/criticality",
        {"params": {"method": "eu", "uncertainty": "1e12"}},
        422,
        "uncertainty",
    ),
    (
        "criticality-over-server-cap",
        "GET",
        "/api/v1/criticality",
        {"params": {"method": "eu", "uncertainty": 5000}},
        422,
        "lowered by this server",
    ),
    (
        "montecarlo-draws-float",
        "POST",
        MC,
        {"json": {"draws": 300000.5}, "headers": AUTH},
        422,
        "draws",
    ),
    (
        "montecarlo-year-1800",
        "POST",
        MC,
        {"json": {"draws": 10, "year": 1800}, "headers": AUTH},
        422,
        "year",
    ),
    (
        "scenario-year-1850",
        "POST",
        "/api/v1/scenarios/run",
        {
            "json": {
                "scenario": {
                    "name": "x",
                    "year": 1850,
                    "shocks": [
                        {
                            "kind": "export_ban",
                            "country": "CHN",
                            "commodity": "cobalt",
                            "stage": "refinery",
                        }
                    ],
                }
            },
            "headers": AUTH,
        },
        422,
        "1850",
    ),
    (
        "scenario-horizon",
        "POST",
        "/api/v1/scenarios/run",
        {
            "json": {
                "scenario": {
                    "name": "x",
                    "horizon_months": 100,
                    "shocks": [
                        {
                            "kind": "export_ban",
                            "country": "CHN",
                            "commodity": "cobalt",
                            "stage": "refinery",
                        }
                    ],
                }
            },
            "headers": AUTH,
        },
        422,
        "horizon",
    ),
    ("risk-unknown-consumer", "GET", "/api/v1/risk", {"params": {"consumer": "XXX"}}, 404, "XXX"),
    (
        "screen-unknown-consumer",
        "GET",
        "/api/v1/screen",
        {"params": {"commodity": "cobalt", "consumer": "XXX"}},
        404,
        "XXX",
    ),
    (
        "concentration-year-1950",
        "GET",
        "/api/v1/concentration",
        {"params": {"commodity": "cobalt", "stage": "mine", "year": 1950}},
        404,
        "1950",
    ),
    ("year-out-of-range", "GET", "/api/v1/risk", {"params": {"year": 99999}}, 422, "year"),
    (
        "name-with-slash",
        "GET",
        "/api/v1/risk",
        {"params": {"consumer": "USA/IND"}},
        400,
        "file path",
    ),
    ("unknown-job", "GET", "/api/v1/jobs/nosuchjob", {}, 404, "nosuchjob"),
    (
        "known-commodity-no-data",
        "GET",
        "/api/v1/concentration",
        {"params": {"commodity": "gallium", "stage": "refinery", "year": 2025}},
        404,
        "no production data for commodity 'gallium'",
    ),
    (
        "scenario-preset-and-inline",
        "POST",
        "/api/v1/scenarios/run",
        {
            "json": {"preset": "china-gallium-2023", "scenario": {"shocks": []}},
            "headers": AUTH,
        },
        422,
        "exactly one of preset or scenario",
    ),
    (
        "outlook-year-not-iea",
        "GET",
        "/api/v1/outlook/demand",
        {"params": {"year": 2031}},
        422,
        "2030",
    ),
]


@pytest.fixture(scope="module")
def api(tiny_db: Path) -> Iterator[TestClient]:
    with make_client(
        tiny_db, rate_limit=1000, expensive_rate_limit=1000, max_body_bytes=65536
    ) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "text"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_malformed_request_gets_a_named_problem(
    api: TestClient,
    tiny_db: Path,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    text: str,
) -> None:
    before = hashlib.sha256(tiny_db.read_bytes()).hexdigest()
    r = api.request(method, path, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == status and problem["title"]
    assert text in problem["detail"] or any(text in p["name"] for p in problem["invalid_params"])
    assert "Traceback" not in r.text and "s3cr3t" not in r.text
    assert hashlib.sha256(tiny_db.read_bytes()).hexdigest() == before


def test_the_corpus_has_both_kinds_of_request() -> None:
    assert len(CASES) >= 30 and {c[1] for c in CASES} == {"GET", "POST"}
