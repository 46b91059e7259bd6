"""The compact OpenAPI document: every schema once, the same rules as FastAPI's own document."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.conftest import TestClient
from trust_minerals.api.openapi import _fold_nullable, compact_openapi

PROBLEM = "application/problem+json"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _raw(client: TestClient) -> dict[str, Any]:
    """FastAPI's own document of the same app (before :func:`compact_openapi`)."""
    app = client.app
    assert isinstance(app, FastAPI)
    compact = app.openapi()
    app.openapi_schema = None  # FastAPI's method (not the compact one installed) rebuilds it
    try:
        return FastAPI.openapi(app)
    finally:
        app.openapi_schema = compact


def test_every_reference_resolves(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    refs = set(_refs(doc))
    assert "#/components/schemas/PlanBody" in refs and "#/components/responses/NotFound" in refs
    for ref in refs:
        assert isinstance(_resolve(doc, ref), dict), ref
    assert "$defs" not in json.dumps(doc)


def test_errors_are_documented_once_under_their_media_type(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    shared = doc["components"]["responses"]
    for name, response in shared.items():
        assert set(response["content"]) == {PROBLEM}, name
        assert response["content"][PROBLEM]["schema"] == {
            "$ref": "#/components/schemas/ProblemDetail"
        }
    raw = _raw(client)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            raw_responses = raw["paths"][path][method]["responses"]
            assert set(operation["responses"]) == set(raw_responses), (method, path)
            for status, response in operation["responses"].items():
                if "$ref" in response:  # the same description as FastAPI's own response
                    ref = _resolve(doc, response["$ref"])
                    assert ref["description"] == raw_responses[status]["description"]
                else:
                    assert PROBLEM not in response.get("content", {}), (method, path, status)


def test_the_document_keeps_every_operation_parameter_and_schema(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    raw = _raw(client)
    assert set(doc["paths"]) == set(raw["paths"])
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            mine = doc["paths"][path][method]
            assert mine["description"] == operation["description"]
            assert [(p["name"], p.get("description")) for p in mine.get("parameters", [])] == [
                (p["name"], p.get("description")) for p in operation.get("parameters", [])
            ]
    assert set(raw["components"]["schemas"]) <= set(doc["components"]["schemas"])
    # each error response is written once: the problem schema appears once per shared response
    problem_refs = json.dumps(doc).count('"#/components/schemas/ProblemDetail"')
    assert problem_refs == len(doc["components"]["responses"]) < 10


def test_nullable_parameters_keep_their_limits(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/outlook/balance"]["get"]["parameters"]}
    consumer = params["consumer"]["schema"]
    assert consumer["type"] == ["string", "null"]
    assert consumer["maxLength"] == 64 and "pattern" in consumer
    assert "description" not in consumer and "title" not in consumer  # said once, on the parameter
    assert params["consumer"]["description"].startswith("Consumer")


def test_compact_does_not_change_its_argument(client: TestClient) -> None:
    raw = _raw(client)
    before = json.dumps(raw, sort_keys=True)
    compact_openapi(raw)
    assert json.dumps(raw, sort_keys=True) == before


# --- the nullable form allows exactly the values the anyOf form allows --------------------------
_BRANCHES = st.sampled_from(
    [
        {"type": "string", "maxLength": 3, "pattern": "^a"},
        {"type": "string", "minLength": 1},
        {"type": "integer", "minimum": 0, "maximum": 5},
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
        {"type": "object", "required": ["a"]},
        {"type": "string", "enum": ["a", "b"]},  # not folded (enum)
        {"$ref": "#/$defs/X"},  # not folded ($ref)
    ]
)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 8) | st.floats(-2, 6) | st.text("ab", max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner),
    max_leaves=4,
)


@settings(max_examples=300, deadline=None)
@given(
    branch=_BRANCHES,
    null_first=st.booleans(),
    outer=st.sampled_from(
        [{}, {"default": None}, {"title": "T", "description": "d"}, {"maxLength": 1}]
    ),
    value=_VALUES,
)
def test_folding_nullable_allows_the_same_values(
    branch: dict[str, Any], null_first: bool, outer: dict[str, Any], value: Any
) -> None:
    branches = [{"type": "null"}, branch] if null_first else [branch, {"type": "null"}]
    original = {"anyOf": branches, **outer}
    folded = _fold_nullable(original)
    defs = {"$defs": {"X": {"type": "integer"}}}
    assert jsonschema_rs.is_valid({**folded, **defs}, value) == jsonschema_rs.is_valid(
        {**original, **defs}, value
    )
    if "anyOf" not in folded:
        assert folded["type"] == [branch["type"], "null"]
