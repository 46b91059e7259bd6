"""Plan bodies: a plan as JSON gives the demand of the same plan as YAML; deployments are typed
per technology (its variants, units of its kind)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from trust_minerals.api.bodies_plans import PlanBody
from trust_minerals.outlook._files import outlook_path
from trust_minerals.outlook.plans import parse_plan, plan_demand, shipped_plan
from trust_minerals.server.problems import validation_problem

PLAN: dict[str, Any] = yaml.safe_load(
    outlook_path("plans", "india-2030.yaml").read_text(encoding="utf-8")
)


def _refused(plan: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        PlanBody.model_validate(plan)
    return validation_problem(info.value.errors()).detail


def test_a_shipped_plan_as_json_has_the_shipped_demand() -> None:
    body = PlanBody.model_validate(PLAN)
    got = plan_demand(parse_plan(body.as_mapping()))
    assert got.equals(plan_demand(shipped_plan("india-2030")))


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("unit",), "MW", "deployments.0.unit: Input should be 'GWh', 'MWh' or 'kWh'"),
        (("technology",), "fusion", "deployments.0: technology must be one of battery"),
        (("variant",), "average", "deployments.0.variant: "),
        (("factors", 0, "source"), "both", "exactly one of source or assumption"),
    ],
)
def test_a_deployment_is_typed_by_its_technology(
    path: tuple[Any, ...], value: Any, says: str
) -> None:
    plan = copy.deepcopy(PLAN)
    node = plan["deployments"][0]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert says in _refused(plan)
