"""The typed body of ``POST /outlook/plan-demand``: a deployment plan (the structure of
``outlook/plans/india-2030.yaml``), one deployment model per technology of the catalogue.

See :mod:`trust_minerals.api.bodies` for the conventions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, Tag

from trust_minerals.api.bodies import (
    NOT_BLANK_CHAR,
    STRICT,
    Commodity,
    Label,
    LongText,
    Name,
    NonNegative,
    Year,
    one_of,
)
from trust_minerals.caps import cap

#: a figure's unit: one unit or a ratio of two (``kWh/vehicle``)
_PART = rf"[^/]*{NOT_BLANK_CHAR.replace('[^', '[^/')}[^/]*"  # a unit: not blank, no '/'
FigureUnit = Annotated[str, Field(min_length=1, max_length=40, pattern=rf"^{_PART}(/{_PART})?$")]


class _Figure(BaseModel):
    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    value: NonNegative
    unit: FigureUnit


class SourcedFigure(_Figure):
    """A published figure."""

    source: Label


class AssumedFigure(_Figure):
    """An assumed figure (with the reason)."""

    assumption: Label


Figure = one_of(SourcedFigure, AssumedFigure, "source", "assumption")


class _Intensity(BaseModel):
    model_config = STRICT
    commodity: Commodity
    value: NonNegative
    low: NonNegative | None = None
    high: NonNegative | None = None
    unit: FigureUnit


class SourcedIntensity(_Intensity):
    """A plan's own published intensity for one commodity."""

    source: Label


class AssumedIntensity(_Intensity):
    """A plan's own assumed intensity for one commodity (with the reason)."""

    assumption: Label


IntensityBody = one_of(SourcedIntensity, AssumedIntensity, "source", "assumption")


class _Deployment(BaseModel):
    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    factors: list[Figure] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=20, description="Their product is the quantity, in unit"
    )
    intensities: list[IntensityBody] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]


def _deployment_union() -> Any:
    """One deployment model per technology of the catalogue (``outlook/data/technologies.csv``):
    its variants, and the units of the same kind as its intensities' denominator."""
    from pydantic import Discriminator, create_model

    from trust_minerals.outlook.plans import technology_catalogue
    from trust_minerals.units import unit_table

    units = unit_table()
    cat = technology_catalogue()
    models = []
    tags: dict[str, str] = {}
    for tech in sorted(set(cat["technology"])):
        rows = cat[cat["technology"] == tech]
        kind = units[str(rows["denominator"].iloc[0])][0]
        name = "".join(p.capitalize() for p in tech.split("_")) + "Deployment"
        tags[tech] = name
        variants = tuple(sorted(set(rows["variant"])))
        own_units = tuple(sorted(u for u, (k, _, _) in units.items() if k == kind))
        fields: dict[str, Any] = {
            "technology": (Literal[tech], ...),
            "variant": (Literal[variants], ...),
            "unit": (Literal[own_units], ...),
        }
        models.append(create_model(name, __base__=_Deployment, **fields))

    def tag(value: Any) -> str | None:
        if isinstance(value, BaseModel):
            return type(value).__name__
        return tags.get(str(value.get("technology"))) if isinstance(value, dict) else None

    tagged = [Annotated[m, Tag(m.__name__)] for m in models]
    union = tagged[0]
    for t in tagged[1:]:
        union = union | t  # type: ignore[assignment]
    known = ", ".join(sorted(tags))
    return Annotated[
        union,
        Discriminator(
            tag,
            custom_error_type="technology",
            custom_error_message=f"technology must be one of {known} (outlook/data/technologies.csv)",
        ),
    ]


DeploymentBody = _deployment_union()


class PlanBody(BaseModel):
    """A deployment plan (the format of ``outlook/plans/india-2030.yaml``) as JSON."""

    model_config = STRICT
    name: Annotated[str, Field(min_length=1, max_length=cap("text").max)]
    country: Name
    year: Year
    description: LongText = ""
    context: list[Figure] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]
    deployments: list[DeploymentBody] = Field(min_length=1, max_length=100)  # type: ignore[valid-type]
    commodities: list[Commodity] | None = Field(None, max_length=cap("commodities").max)

    def as_mapping(self) -> dict[str, Any]:
        """The plan as the mapping the library parses (the YAML file's structure)."""
        return self.model_dump(exclude_none=True)
