"""The plan upload's OpenAPI request body and hand-read JSON bodies."""

from __future__ import annotations

import json

import pytest
from fastapi.exceptions import RequestValidationError

from tests.api.conftest import TestClient
from trust_minerals.api.bodies_plans import PlanBody
from trust_minerals.api.uploads import is_yaml, parse_json_body, plan_request_body


@pytest.mark.parametrize(
    ("header", "yaml"),
    [
        ("application/yaml", True),
        ("application/x-yaml; charset=utf-8", True),
        ("text/yaml", True),
        ("application/json", False),
        (None, False),
    ],
)
def test_yaml_content_types(header: str | None, yaml: bool) -> None:
    assert is_yaml(header) is yaml


def test_the_plan_body_is_one_schema_under_two_media_types(client: TestClient) -> None:
    body = plan_request_body()
    content = body["content"]
    assert set(content) == {"application/json", "application/yaml"}
    assert content["application/json"]["schema"] == content["application/yaml"]["schema"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/PlanBody"}
    doc = client.get("/api/v1/openapi.json").json()
    documented = doc["paths"]["/api/v1/outlook/plan-demand"]["post"]["requestBody"]
    assert documented["content"] == content
    plan = doc["components"]["schemas"]["PlanBody"]
    assert plan["required"] == ["name", "country", "year", "deployments"]
    assert "$defs" not in json.dumps(doc)


def test_a_json_body_is_checked_like_fastapis_own() -> None:
    with pytest.raises(RequestValidationError) as info:
        parse_json_body(PlanBody, b'{"name": "x"}')
    locs = {tuple(e["loc"]) for e in info.value.errors()}
    assert ("body", "country") in locs and ("body", "deployments") in locs
    with pytest.raises(RequestValidationError):
        parse_json_body(PlanBody, b"{plan")
