"""Chain bodies: an input is HS6 codes or a form, unlabelled or with a share/intensity labelled
by a source or an assumption (an intensity with its unit); the library reads the same chain."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from trust_minerals.api.bodies_technologies import (
    ChainEvaluateRequest,
    ChainSimulateRequest,
    chain_choice,
)
from trust_minerals.server.problems import validation_problem
from trust_minerals.technologies.chain_spec import load_chain, parse_chain, shipped_chains

INPUTS: list[dict[str, Any]] = [
    {"name": "metal", "commodity": "gallium", "stage": "refinery"},
    {"name": "wafers", "hs6": ["381800"], "share": 0.5, "source": "a report"},
    {"name": "magnets", "hs6": ["850511"], "intensity": 2.0, "unit": "kg", "assumption": "why"},
]
CHAIN = {"name": "x", "product": "y", "tiers": [{"name": "t", "inputs": INPUTS}]}


def _refused(body: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(ChainEvaluateRequest).validate_python(body)
    return validation_problem(info.value.errors()).detail


def test_an_inline_chain_is_the_chain_the_library_parses() -> None:
    req = TypeAdapter(ChainEvaluateRequest).validate_python({"chain": CHAIN, "consumer": "USA"})
    assert chain_choice(req) == parse_chain(CHAIN, path="request body")


def test_a_shipped_chain_is_named_from_the_package() -> None:
    schema = TypeAdapter(ChainEvaluateRequest).json_schema()
    named = schema["$defs"]["NamedChainEvaluate"]["properties"]["name"]
    assert named["enum"] == shipped_chains()
    req = TypeAdapter(ChainEvaluateRequest).validate_python({"name": "permanent-magnet"})
    assert chain_choice(req) == load_chain("permanent-magnet")[0]
    assert "name" in _refused({"name": "../../etc/passwd"})


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"name": "a", "hs6": ["850511"], "intensity": 2.0, "assumption": "w"}, "unit"),
        ({"name": "a", "commodity": "gallium", "stage": "mine", "share": 0.5}, "share"),
        (
            {"name": "a", "hs6": ["850511"], "share": 0.5, "source": "s", "assumption": "w"},
            "assumption",
        ),
        ({"name": "a", "hs6": ["850511"], "form": "metal"}, "form"),
        ({"name": "a", "commodity": "gallium"}, "stage"),
        ({"name": "a", "hs6": ["85051"]}, "hs6.0"),
    ],
)
def test_rules_of_an_input_are_in_the_schema(entry: dict[str, Any], field: str) -> None:
    chain = {**CHAIN, "tiers": [{"name": "t", "inputs": [entry]}]}
    detail = _refused({"chain": chain})
    assert f"chain.tiers.0.inputs.0.{field}: " in detail, detail


def test_simulate_takes_one_chain_and_one_scenario() -> None:
    adapter = TypeAdapter(ChainSimulateRequest)
    ok = adapter.validate_python({"name": "permanent-magnet", "preset": "china-gallium-2023"})
    assert type(ok).__name__ == "NamedChainPreset"
    with pytest.raises(ValidationError, match="exactly one of name or chain"):
        adapter.validate_python({"name": "permanent-magnet", "chain": CHAIN, "preset": "x"})
    with pytest.raises(ValidationError, match="exactly one of preset or scenario"):
        adapter.validate_python({"chain": CHAIN})
