"""Typed request bodies of the POST routes: what the OpenAPI document declares for each body.

These models only describe and coerce: every string that names something (a consumer, a country,
a commodity, a partner set) carries :data:`~trust_minerals.api.params.NAME_PATTERN` (no path
characters), stages and other closed sets are enums read from the bundled vocabulary, sizes and
years take their bounds from the one caps table (``data/spec/caps.csv``), and "exactly one of"
rules (a preset *or* a scenario, a shipped chain *or* an inline one, a figure's ``source`` *or*
``assumption``) are ``oneOf`` alternatives with ``additionalProperties: false``. The library still
validates what it receives (:class:`~trust_minerals.optimize.spec.SourcingSpec`,
:func:`~trust_minerals.simulate.spec.scenario_from_dict`, ...); a request the schema allows can
still name something the store holds no data for, which is a documented 404.

Sizes go through :func:`trust_minerals.caps.check_size` before pydantic sees them, so an integral
float (``300000.0``, a JSON integer) is coerced and a value over the cap is refused with the cap's
message whatever its JSON type; text is never taken for a number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Tag

from trust_minerals.api.params import NAME_PATTERN
from trust_minerals.caps import cap, check_size
from trust_minerals.schema import vocabulary

if TYPE_CHECKING:
    StageName = str
    PresetName = str
else:  # closed sets from the bundled data, as enums in the OpenAPI schema
    from trust_minerals.simulate.presets import load_presets

    StageName = Literal[tuple(vocabulary("stage"))]
    PresetName = Literal[tuple(sorted(load_presets()))]

STRICT = ConfigDict(extra="forbid", strict=True)
SEED_MAX = 2**32 - 1
#: a mapping keyed by names: keys outside the name pattern are refused (patternProperties only)
ONLY_NAMED_KEYS: dict[str, Any] = {"additionalProperties": False}


def _sized(name: str) -> Any:
    """A ``BeforeValidator`` that runs ``check_size(name, ...)`` on JSON numbers only."""

    def coerce(value: Any) -> Any:
        if isinstance(value, str):
            check_size(name, value)  # over the cap: the cap's message, whatever the JSON type
            raise ValueError(f"must be a JSON number, not text ({value[:20]!r})")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return check_size(name, value)
        return value

    return BeforeValidator(coerce)


def _whole(value: Any) -> Any:
    """An integral JSON number (``294.0``) as ``int``; anything else is left for pydantic."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Size(name: str, default: Any, description: str) -> Any:  # noqa: N802 (a type factory)
    """An ``int`` field bounded by the cap ``name`` (OpenAPI minimum/maximum)."""
    c = cap(name)
    return Annotated[
        int,
        Field(
            default,
            ge=c.min,
            le=c.max,
            description=f"{description} ({c.min}-{c.max} {c.unit}; caps.csv {name!r})",
        ),
        _sized(name),
    ]


_WHOLE = BeforeValidator(_whole)  # an integral JSON number (294.0) counts as an integer
_YEAR, _HORIZON = cap("year"), cap("horizon_months")
Seed = Annotated[int, Field(ge=0, le=SEED_MAX, description="Random seed"), _WHOLE]
Year = Annotated[int, Field(ge=_YEAR.min, le=_YEAR.max), _WHOLE]
Month = Annotated[int, Field(ge=0, le=_HORIZON.max), _WHOLE]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]
Names = Annotated[str, Field(min_length=1, max_length=200, pattern=NAME_PATTERN)]
Commodity = Annotated[str, Field(min_length=1, max_length=64, pattern=NAME_PATTERN)]
Country = Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=cap("text").max)]
LongText = Annotated[str, Field(max_length=2000)]
#: one character ``str.strip()`` keeps (the library checks labels and units with ``.strip()``):
#: not whitespace, nor the separators U+001C-U+001F that Python strips but Unicode does not call
#: whitespace, nor U+0085 (NEL), which some generators do not count in ``\s``
NOT_BLANK_CHAR = r"[^\s\x1c-\x1f\x85]"
NOT_BLANK = NOT_BLANK_CHAR
#: a source or an assumption: text that is not blank
Label = Annotated[str, Field(min_length=1, max_length=2000, pattern=NOT_BLANK)]
Consumers = Annotated[
    list[Name],
    Field(min_length=1, max_length=cap("consumers").max, description="ISO3 codes or groups"),
]


def no_default(schema: dict[str, Any]) -> None:
    """Drop ``default: null`` from a field that is not nullable (absent = the library's default)."""
    schema.pop("default", None)


# --- sourcing optimiser -----------------------------------------------------------------------
class SourcingSpecBody(BaseModel):
    """The fields of the library's ``SourcingSpec``, typed (``trust optimize`` options)."""

    model_config = STRICT

    consumer: Name = Field(description="ISO3, a group (MSP, usa_ind) or a pooled set (USA+IND)")
    commodity: Commodity
    stage: StageName = "mine"
    form: Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)] | None = Field(
        None, description="Production form when a stage has several"
    )
    year: Year | None = Field(None, description="Production year (default: latest with data)")
    demand: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        description="Quantity to source, in the production unit"
    )
    max_supplier_share: Share | Literal["crma"] | None = Field(
        None, description="Cap on any one supplier's share; 'crma' = the EU CRMA 65% benchmark"
    )
    min_partner_share: Share | Literal["crma"] = Field(
        0.0, description="Minimum share from the partner set"
    )
    partners: Names = Field("msp", description="msp, quad, g7, eu, oecd, usa_ind or an ISO3 list")
    # not nullable: when absent, the library's default from optimize/data/parameters.csv
    alpha: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        None,  # type: ignore[assignment]
        json_schema_extra=no_default,
        description="CVaR level (default: optimize/data/parameters.csv)",
    )
    cost_weight: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = Field(
        None,  # type: ignore[assignment]
        json_schema_extra=no_default,
        description="Weight of cost against CVaR (default: parameters.csv)",
    )
    draws: Size("draws", 10_000, "Disruption draws")  # type: ignore[valid-type]
    seed: Seed = 0
    severity: Literal["default", "full"] = "default"
    contracts: dict[Country, NonNegative] = Field(
        default_factory=dict,
        description="Minimum flow per supplier",
        json_schema_extra=ONLY_NAMED_KEYS,
    )
    capacities: dict[Country, NonNegative] = Field(
        default_factory=dict, description="Capacity overrides", json_schema_extra=ONLY_NAMED_KEYS
    )
    unit_costs: dict[Country, Annotated[float, Field(gt=0.0, allow_inf_nan=False)]] = Field(
        default_factory=dict, description="Unit-cost overrides", json_schema_extra=ONLY_NAMED_KEYS
    )
    exportable_fraction: Share | None = None
    recovery: bool = False

    def fields(self) -> dict[str, Any]:
        """The fields given (unset ones keep the library's defaults)."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items()}


class SourcingRequest(BaseModel):
    """A sourcing problem (``POST /optimize``)."""

    model_config = STRICT
    spec: SourcingSpecBody


class FrontierRequest(SourcingRequest):
    """A sourcing problem and the frontier to trace (``POST /optimize/frontier``)."""

    against: Literal["cost", "partner_share"] = Field(
        "cost", description="Trace CVaR against a cost budget or a required partner share"
    )
    points: Size("points", 10, "Frontier points")  # type: ignore[valid-type]


# --- scenarios --------------------------------------------------------------------------------
class _ShockBody(BaseModel):
    model_config = STRICT
    start_month: Month = 0
    duration_months: Month | None = Field(None, description="None = to the end of the horizon")


class ExportRestrictionBody(_ShockBody):
    kind: Literal["export_ban", "export_quota", "licensing"]
    country: Country
    commodity: Commodity
    stage: StageName = "refinery"
    quota_share: Share = Field(0.0, description="0 for an export_ban")
    delay_months: Month = 0
    after_share: Share = 1.0
    spare: list[Name] = Field(default_factory=list, max_length=cap("consumers").max)
    targets: list[Name] = Field(default_factory=list, max_length=cap("consumers").max)


class OutageBody(_ShockBody):
    kind: Literal["outage"]
    country: Country
    commodity: Commodity
    stage: StageName = "mine"
    fraction: Share


class DemandShockBody(_ShockBody):
    kind: Literal["demand_shock"]
    consumer: Name
    commodity: Commodity
    change_share: Annotated[float, Field(gt=-1.0, le=10.0)]


class StockpileBody(_ShockBody):
    kind: Literal["stockpile"]
    consumer: Name
    commodity: Commodity
    months_of_supply: NonNegative


class SpareCapacityBody(_ShockBody):
    kind: Literal["spare_capacity"]
    commodity: Commodity
    stage: StageName = "refinery"
    headroom_share: Annotated[float, Field(ge=0.0, le=5.0)]
    ramp_months: Month = 6


class RecoveryBody(_ShockBody):
    kind: Literal["recovery"]
    consumer: Name
    commodity: Commodity


ShockBody = Annotated[
    ExportRestrictionBody
    | OutageBody
    | DemandShockBody
    | StockpileBody
    | SpareCapacityBody
    | RecoveryBody,
    Field(discriminator="kind"),
]


class ScenarioBody(BaseModel):
    """A scenario composed in the request (the fields of the library's ``ScenarioSpec``)."""

    model_config = STRICT
    name: Text = "scenario"
    description: LongText = ""
    source: LongText = ""
    year: Year | None = None
    effective: str | None = Field(
        None,
        pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|1\d|2[0-8]))?)?$",
        description="Date the restriction took effect (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    horizon_months: Size("horizon_months", 12, "Months simulated")  # type: ignore[valid-type]
    allocation: Literal["trade", "world", "partner-first"] = "trade"
    partners: Names = "MSP"
    origin_tiers: Annotated[int, Field(ge=0, le=2), _WHOLE] = 0
    shocks: list[ShockBody] = Field(min_length=1, max_length=50)


class PresetChoice(BaseModel):
    model_config = STRICT
    preset: PresetName = Field(description="A preset (GET /scenarios/presets)")


class InlineChoice(BaseModel):
    model_config = STRICT
    scenario: ScenarioBody


def scenario_choice(body: Any) -> Any:
    """The spec of a preset or inline choice (library objects; the library validates)."""
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.spec import scenario_from_dict

    if getattr(body, "preset", None) is not None:
        return preset(body.preset)
    return scenario_from_dict(body.scenario.model_dump(exclude_unset=True), where="scenario")


class PresetRun(PresetChoice):
    """Run a preset scenario."""

    consumers: Consumers = ["USA", "IND"]
    recovery: bool = Field(False, description="Count secondary supply from recovery shocks")


class InlineRun(InlineChoice):
    """Run a scenario composed in the request."""

    consumers: Consumers = ["USA", "IND"]
    recovery: bool = Field(False, description="Count secondary supply from recovery shocks")


def one_of(a: type[BaseModel], b: type[BaseModel], field_a: str, field_b: str) -> Any:
    """``a`` (which has ``field_a``) or ``b`` (which has ``field_b``): a ``oneOf`` in the schema.

    A body with both keys or neither is refused with "give exactly one of ...".
    """
    from pydantic import Discriminator

    def pick(value: Any) -> str | None:
        if isinstance(value, BaseModel):  # serialising: the model is its own tag
            return type(value).__name__
        if not isinstance(value, dict) or (field_a in value) == (field_b in value):
            return None
        return a.__name__ if field_a in value else b.__name__

    return Annotated[
        Annotated[a, Tag(a.__name__)] | Annotated[b, Tag(b.__name__)],
        Discriminator(
            pick,
            custom_error_type="one_of",
            custom_error_message=f"give exactly one of {field_a} or {field_b}",
        ),
    ]


ScenarioRunRequest = one_of(PresetRun, InlineRun, "preset", "scenario")


class MonteCarloRequest(BaseModel):
    """A Monte Carlo of country-level disruptions (runs as a background job)."""

    model_config = STRICT

    consumers: Consumers = ["USA", "IND"]
    draws: Size("draws", 10_000, "Number of draws (the server's max_draws may be lower)")  # type: ignore[valid-type]
    seed: Seed = 1
    commodities: list[Commodity] | None = Field(
        None, min_length=1, max_length=cap("commodities").max, description="Default: every one"
    )
    stages: list[StageName] = Field(
        default_factory=lambda: ["mine", "refinery"], min_length=1, max_length=6
    )
    year: Year | None = None
    severity: Literal["default", "full"] | Share = Field(
        "default", description="default, full, or a fixed share in [0, 1]"
    )
