"""Typed request bodies of the technology routes: scenario impact by sector, and chains (a shipped
chain by name or a chain sent in the request) evaluated or simulated.

See :mod:`trust_minerals.api.bodies` for the conventions (patterns, enums from the bundled data,
caps, ``oneOf`` alternatives told apart by their keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, Tag

from trust_minerals.api.bodies import (
    NOT_BLANK,
    STRICT,
    Commodity,
    Consumers,
    InlineChoice,
    Label,
    LongText,
    Name,
    Names,
    NonNegative,
    PresetChoice,
    Share,
    StageName,
    Year,
    no_default,
    one_of,
)
from trust_minerals.api.params import NAME_PATTERN
from trust_minerals.caps import cap

if TYPE_CHECKING:
    ChainName = str
else:  # the shipped example chains, as an enum in the OpenAPI schema
    from trust_minerals.technologies.chain_spec import shipped_chains

    ChainName = Literal[tuple(shipped_chains())]


class PresetImpact(PresetChoice):
    consumers: Consumers = ["IND"]
    level: Literal["link", "sector"] = "link"


class InlineImpact(InlineChoice):
    consumers: Consumers = ["IND"]
    level: Literal["link", "sector"] = "link"


SectorImpactRequest = one_of(PresetImpact, InlineImpact, "preset", "scenario")


def _optional(annotation: Any, description: str = "") -> Any:
    """An optional field that is never null (absent: the library's default)."""
    return Annotated[
        annotation, Field(None, json_schema_extra=no_default, description=description or None)
    ]


FormName = Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]
HsCodes = Annotated[
    list[Annotated[str, Field(pattern=r"^\d{6}$")]], Field(min_length=1, max_length=50)
]
Unit = Annotated[str, Field(min_length=1, max_length=40, pattern=NOT_BLANK)]


class _InputName(BaseModel):
    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]


class _ByForm(BaseModel):
    commodity: Commodity
    stage: StageName
    form: _optional(FormName, "One form of the forms table")  # type: ignore[valid-type]


class _ByHs(BaseModel):
    hs6: HsCodes
    commodity: _optional(Commodity)  # type: ignore[valid-type]
    stage: _optional(StageName)  # type: ignore[valid-type]


class _Unlabelled(BaseModel):
    unit: _optional(Unit)  # type: ignore[valid-type]


class _Sourced(BaseModel):
    source: Label
    share: _optional(Share, "Share of the tier")  # type: ignore[valid-type]
    unit: _optional(Unit)  # type: ignore[valid-type]


class _SourcedIntensity(_Sourced):
    intensity: NonNegative
    unit: Unit


class _Assumed(BaseModel):
    assumption: Label
    share: _optional(Share, "Share of the tier")  # type: ignore[valid-type]
    unit: _optional(Unit)  # type: ignore[valid-type]


class _AssumedIntensity(_Assumed):
    intensity: NonNegative
    unit: Unit


_LOCATORS = {"Form": _ByForm, "Hs": _ByHs}
_LABELS = {
    "Unlabelled": _Unlabelled,
    "Sourced": _Sourced,
    "SourcedIntensity": _SourcedIntensity,
    "Assumed": _Assumed,
    "AssumedIntensity": _AssumedIntensity,
}


def _input_tag(value: Any) -> str:
    if isinstance(value, BaseModel):  # serialising: the model is its own tag
        return type(value).__name__
    keys = set(value) if isinstance(value, dict) else set()
    locator = "Hs" if "hs6" in keys else "Form"
    label = "Sourced" if "source" in keys else "Assumed" if "assumption" in keys else "Unlabelled"
    if label != "Unlabelled" and "intensity" in keys:
        label += "Intensity"
    return f"{locator}{label}Input"


def _chain_input_union() -> Any:
    """An input, told apart by its keys: HS6 codes or a form (commodity and stage), and no number,
    or a share and/or an intensity (with its unit) labelled by a ``source`` or an ``assumption``."""
    from pydantic import Discriminator, create_model

    tagged = []
    for loc_name, loc in _LOCATORS.items():
        for label_name, label in _LABELS.items():
            name = f"{loc_name}{label_name}Input"
            model = create_model(name, __base__=(_InputName, loc, label))  # type: ignore[arg-type]
            tagged.append(Annotated[model, Tag(name)])
    union = tagged[0]
    for t in tagged[1:]:
        union = union | t  # type: ignore[assignment]
    return Annotated[union, Discriminator(_input_tag)]


ChainInputBody = _chain_input_union()


class ChainTierBody(BaseModel):
    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    inputs: list[ChainInputBody] = Field(min_length=1, max_length=50)  # type: ignore[valid-type]


class ChainBody(BaseModel):
    """A chain (the YAML format of ``technologies/chains``) as JSON."""

    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    product: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    description: LongText = ""
    tiers: list[ChainTierBody] = Field(min_length=1, max_length=20)


class _NamedChain(BaseModel):
    model_config = STRICT
    name: ChainName = Field(description="A shipped chain (technologies/chains)")


class _InlineChain(BaseModel):
    model_config = STRICT
    chain: ChainBody


def chain_choice(body: Any) -> Any:
    """The library's ``ChainSpec`` of a named or inline choice (the library validates)."""
    from trust_minerals.technologies.chain_spec import load_chain, parse_chain

    if getattr(body, "chain", None) is None:
        return load_chain(body.name)[0]  # an enum of shipped names: never a path on the server
    return parse_chain(body.chain.model_dump(exclude_none=True), path="request body")


class _EvaluateFields(BaseModel):
    consumer: Name = "IND"
    partners: Names | None = None
    year: Year | None = None
    level: Literal["input", "tier"] = "input"


class NamedChainEvaluate(_NamedChain, _EvaluateFields):
    """Evaluate a shipped chain."""


class InlineChainEvaluate(_InlineChain, _EvaluateFields):
    """Evaluate a chain sent in the request."""


ChainEvaluateRequest = one_of(NamedChainEvaluate, InlineChainEvaluate, "name", "chain")


class _SimulateFields(BaseModel):
    consumers: Consumers = ["IND"]


class NamedChainPreset(_NamedChain, PresetChoice, _SimulateFields):
    """A shipped chain under a preset scenario."""


class NamedChainScenario(_NamedChain, InlineChoice, _SimulateFields):
    """A shipped chain under a scenario sent in the request."""


class InlineChainPreset(_InlineChain, PresetChoice, _SimulateFields):
    """A chain sent in the request under a preset scenario."""


class InlineChainScenario(_InlineChain, InlineChoice, _SimulateFields):
    """A chain and a scenario, both sent in the request."""


def _simulate_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):  # serialising: the model is its own tag
        return type(value).__name__
    if not isinstance(value, dict):
        return None
    if ("name" in value) == ("chain" in value) or ("preset" in value) == ("scenario" in value):
        return None
    chain = "InlineChain" if "chain" in value else "NamedChain"
    return chain + ("Preset" if "preset" in value else "Scenario")


def _simulate_union() -> Any:
    from pydantic import Discriminator

    models = (NamedChainPreset, NamedChainScenario, InlineChainPreset, InlineChainScenario)
    tagged = tuple(Annotated[m, Tag(m.__name__)] for m in models)
    return Annotated[
        tagged[0] | tagged[1] | tagged[2] | tagged[3],
        Discriminator(
            _simulate_tag,
            custom_error_type="one_of",
            custom_error_message="give exactly one of name or chain, and exactly one of preset "
            "or scenario",
        ),
    ]


ChainSimulateRequest = _simulate_union()
