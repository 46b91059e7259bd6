"""Bodies read by hand: a plan sent as JSON or as its YAML file, described in the OpenAPI document.

``POST /outlook/plan-demand`` takes two media types for one structure, so the route reads the raw
body; :func:`plan_request_body` writes the ``requestBody`` of its OpenAPI operation (the JSON
schema of :class:`~trust_minerals.api.bodies_plans.PlanBody`, by reference, under
``application/json`` and ``application/yaml``) and :func:`parse_json_body` validates a JSON body against the model with the
same 422 problem as FastAPI's own bodies.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def is_yaml(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header names YAML."""
    return (content_type or "").split(";")[0].strip().lower() in YAML_TYPES


def _invalid(exc: ValidationError) -> RequestValidationError:
    errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
    return RequestValidationError(errors)


def parse_json_body(model: type[M], raw: bytes) -> M:
    """``raw`` (JSON) validated as ``model``; invalid JSON or fields raise FastAPI's 422."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _invalid(exc) from None


def validate_body(model: type[M], data: object) -> M:
    """``data`` (a body already parsed, e.g. from YAML) validated as ``model``, like a JSON body."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None


def hand_read_models() -> tuple[Any, ...]:
    """The models of the bodies read by hand, whose schemas the OpenAPI document refers to."""
    from trust_minerals.api.bodies_plans import PlanBody

    return (PlanBody,)


def plan_request_body() -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of ``POST /outlook/plan-demand`` (JSON or YAML, one schema:
    a ``$ref`` to ``PlanBody`` in ``components/schemas``, added by
    :func:`trust_minerals.api.openapi.install`)."""
    from trust_minerals.api.bodies_plans import PlanBody
    from trust_minerals.api.openapi import body_ref

    schema = body_ref(PlanBody)
    return {
        "required": True,
        "description": "A deployment plan (the structure of outlook/plans/india-2030.yaml), as "
        "JSON or as the YAML file itself",
        "content": {"application/json": {"schema": schema}, "application/yaml": {"schema": schema}},
    }
