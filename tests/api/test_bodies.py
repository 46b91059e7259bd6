"""Typed request bodies: sizes coerced through the caps table, 'exactly one of' as alternatives,
and the OpenAPI schema of each body agreeing with the model that validates it."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from hypothesis import HealthCheck, given, settings

from trust_minerals.api.bodies import FrontierRequest, MonteCarloRequest, ScenarioRunRequest
from trust_minerals.caps import cap
from trust_minerals.server.problems import validation_problem

SPEC = {"consumer": "IND", "commodity": "lithium", "demand": 20000}


def _refusal(model: Any, body: Any) -> str:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(model).validate_python(body)
    return validation_problem(info.value.errors()).detail


def test_an_integral_json_number_is_an_integer() -> None:
    req = TypeAdapter(MonteCarloRequest).validate_python({"draws": 294.0, "seed": 7.0})
    assert (req.draws, req.seed) == (294, 7) and isinstance(req.draws, int)


@pytest.mark.parametrize(
    ("draws", "says"),
    [
        (300000.0, "caps.csv 'draws'"),
        ("300000", "caps.csv 'draws'"),
        ("5", "not text"),
        (2.5, "whole number"),
        (True, "valid integer"),
        (0, "below the minimum"),
    ],
)
def test_sizes_go_through_the_caps_table(draws: object, says: str) -> None:
    detail = _refusal(MonteCarloRequest, {"draws": draws})
    assert detail.startswith("draws: ") and says in detail


def test_the_schema_declares_the_caps() -> None:
    frontier = TypeAdapter(FrontierRequest).json_schema()
    spec = frontier["$defs"]["SourcingSpecBody"]["properties"]
    assert spec["draws"]["maximum"] == cap("draws").max and spec["draws"]["minimum"] == 1
    assert frontier["properties"]["points"]["maximum"] == cap("points").max
    assert spec["contracts"]["additionalProperties"] is False  # keys only by the name pattern
    scenario = TypeAdapter(ScenarioRunRequest).json_schema()
    assert scenario["$defs"]["ScenarioBody"]["properties"]["horizon_months"]["maximum"] == (
        cap("horizon_months").max
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"preset": "china-gallium-2023", "scenario": {"shocks": []}},
        {"consumers": ["IND"]},
    ],
)
def test_a_preset_or_a_scenario_exactly(body: dict[str, Any]) -> None:
    assert "give exactly one of preset or scenario" in _refusal(ScenarioRunRequest, body)
    schema = TypeAdapter(ScenarioRunRequest).json_schema()
    assert len(schema["oneOf"]) == 2


def test_refused_fields_are_named_without_union_labels() -> None:
    detail = _refusal(FrontierRequest, {"spec": {**SPEC, "max_supplier_share": 2.0}})
    assert detail.startswith("spec.max_supplier_share: ") and "constrained" not in detail
    assert "(got 2.0)" in detail
    detail = _refusal(
        ScenarioRunRequest, {"scenario": {"year": 1850, "shocks": [{"kind": "outage"}]}}
    )
    assert "scenario.year: " in detail and "1850" in detail and "InlineRun" not in detail


# --- the OpenAPI document and the models agree: every body the schema allows validates --------
def _schema() -> Any:
    from trust_minerals.api import ApiSettings, create_app

    # the OpenAPI document needs no store: the app opens its database on the first data request
    app = create_app(Path("never-opened.duckdb"), ApiSettings(api_key="k"))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


BODIES = {
    ("/api/v1/optimize", "POST"): "trust_minerals.api.bodies:SourcingRequest",
    ("/api/v1/optimize/frontier", "POST"): "trust_minerals.api.bodies:FrontierRequest",
    ("/api/v1/scenarios/run", "POST"): "trust_minerals.api.bodies:ScenarioRunRequest",
    ("/api/v1/scenarios/montecarlo", "POST"): "trust_minerals.api.bodies:MonteCarloRequest",
    (
        "/api/v1/sectors/impact",
        "POST",
    ): "trust_minerals.api.bodies_technologies:SectorImpactRequest",
    (
        "/api/v1/chains/evaluate",
        "POST",
    ): "trust_minerals.api.bodies_technologies:ChainEvaluateRequest",
    (
        "/api/v1/chains/simulate",
        "POST",
    ): "trust_minerals.api.bodies_technologies:ChainSimulateRequest",
    ("/api/v1/outlook/plan-demand", "POST"): "trust_minerals.api.bodies_plans:PlanBody",
}


@pytest.mark.parametrize(("path", "method"), list(BODIES))
def test_every_body_the_schema_allows_is_valid_for_the_model(path: str, method: str) -> None:
    import importlib

    module, name = BODIES[(path, method)].split(":")
    adapter = TypeAdapter(getattr(importlib.import_module(module), name))
    operation = _schema()[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        adapter.validate_python(case.body)

    check()
