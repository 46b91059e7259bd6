"""Scenario specs (pydantic): what a disruption scenario says, read from YAML or JSON.

A scenario is a list of shocks applied over a monthly horizon (month 0 is the first month):

* ``export_ban`` / ``export_quota`` / ``licensing`` -- a country restricts exports of a commodity
  at a stage; ``quota_share`` is the share of pre-shock exports still allowed (0 for a ban);
  licensing stops exports for ``delay_months`` and then lets ``after_share`` through; destinations
  in ``spare`` (ISO3 codes or groups such as ``MSP``) are exempt; a restriction with ``targets``
  applies to those destinations only (China's December 2024 ban on exports to the US);
* ``outage`` -- a mine or refinery outage: ``fraction`` of a country's output lost from
  ``start_month`` for ``duration_months``;
* ``demand_shock`` -- a consumer's demand changes by ``change_share`` (e.g. 0.2 = +20%);
* ``stockpile`` -- a consumer releases ``months_of_supply`` months of pre-shock supply;
* ``spare_capacity`` -- producers not hit by any shock raise output by up to ``headroom_share``
  of their output, ramping up linearly over ``ramp_months``;
* ``recovery`` -- secondary supply from Strategic Mineral Recovery (the outlook engine), used
  when the outlook package provides it.

Validation errors are raised as :class:`~trust_minerals.errors.InputError` naming the field
(``shocks.0.fraction``) and the value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trust_minerals.errors import InputError, ParseError

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Month = Annotated[int, Field(ge=0)]


class _Shock(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start_month: Month = 0
    duration_months: Month | None = Field(
        default=None, description="None = to the end of the horizon"
    )

    def active(self, month: int) -> bool:
        """Whether the shock is in force in ``month``."""
        end = None if self.duration_months is None else self.start_month + self.duration_months
        return month >= self.start_month and (end is None or month < end)


class ExportRestriction(_Shock):
    """Export ban, quota or licensing by ``country`` on ``commodity`` at ``stage``."""

    kind: Literal["export_ban", "export_quota", "licensing"]
    country: str
    commodity: str
    stage: str = "refinery"
    quota_share: Share = 0.0
    delay_months: Month = 0
    after_share: Share = 1.0
    spare: list[str] = Field(
        default_factory=list, description="destinations exempt (ISO3 or groups)"
    )
    targets: list[str] = Field(
        default_factory=list,
        description="destinations restricted (ISO3 or groups); empty = every destination "
        "not in spare",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ExportRestriction:
        if self.kind == "export_ban" and self.quota_share != 0:
            raise ValueError("an export_ban has quota_share 0; use kind export_quota")
        return self

    def allowed_share(self, month: int) -> float:
        """Share of pre-shock exports (to a non-exempt destination) let through in ``month``."""
        if not self.active(month):
            return 1.0
        if self.kind == "licensing":
            return 0.0 if month < self.start_month + self.delay_months else self.after_share
        return self.quota_share


class Outage(_Shock):
    """Loss of ``fraction`` of a country's output of a commodity at a stage."""

    kind: Literal["outage"]
    country: str
    commodity: str
    stage: str = "mine"
    fraction: Share


class DemandShock(_Shock):
    """A consumer's demand changes by ``change_share`` (a fraction; -1 < change)."""

    kind: Literal["demand_shock"]
    consumer: str
    commodity: str
    change_share: Annotated[float, Field(gt=-1.0, le=10.0)]


class StockpileRelease(_Shock):
    """A consumer draws down a stockpile of ``months_of_supply`` months of pre-shock supply."""

    kind: Literal["stockpile"]
    consumer: str
    commodity: str
    months_of_supply: Annotated[float, Field(ge=0.0)]


class SpareCapacity(_Shock):
    """Producers not hit by a shock raise output by up to ``headroom_share``, ramping linearly."""

    kind: Literal["spare_capacity"]
    commodity: str
    stage: str = "refinery"
    headroom_share: Annotated[float, Field(ge=0.0, le=5.0)]
    ramp_months: Month = 6

    def ramp(self, month: int) -> float:
        """Share of the headroom in use in ``month``."""
        if not self.active(month):
            return 0.0
        if self.ramp_months == 0:
            return 1.0
        return min(1.0, (month - self.start_month + 1) / self.ramp_months)


class Recovery(_Shock):
    """Secondary supply for a consumer from recovery (needs trust_minerals.outlook.recovery)."""

    kind: Literal["recovery"]
    consumer: str
    commodity: str


Shock = Annotated[
    ExportRestriction | Outage | DemandShock | StockpileRelease | SpareCapacity | Recovery,
    Field(discriminator="kind"),
]


class ScenarioSpec(BaseModel):
    """A disruption scenario: shocks over ``horizon_months`` months of ``year``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "scenario"
    description: str = ""
    source: str = ""
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None  # caps.csv 'year'
    effective: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="date the restriction took effect (YYYY, YYYY-MM or YYYY-MM-DD): month 0 of the "
        "horizon; the baseline data is from the year before",
    )
    horizon_months: Annotated[int, Field(ge=1, le=120)] = 12
    allocation: Literal["trade", "world", "partner-first"] = "trade"
    partners: str = "MSP"
    origin_tiers: Annotated[int, Field(ge=0, le=2)] = Field(
        default=0,
        description="trace third-country origin this many tiers deep (0: direct trade only)",
    )
    shocks: list[Shock] = Field(min_length=1)

    def commodities(self) -> list[str]:
        """Commodities named by the shocks, in order."""
        return list(dict.fromkeys(s.commodity for s in self.shocks))


def _field(loc: tuple[Any, ...]) -> str:
    # drop the discriminator tag pydantic inserts into the location (e.g. 'outage')
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in _KINDS)]
    return ".".join(parts)


_KINDS = {
    "export_ban",
    "export_quota",
    "licensing",
    "outage",
    "demand_shock",
    "stockpile",
    "spare_capacity",
    "recovery",
}


def scenario_from_dict(data: Any, *, where: str | None = None) -> ScenarioSpec:
    """Validate ``data`` as a :class:`ScenarioSpec`; errors name the offending field and value.

    Examples
    --------
    >>> s = scenario_from_dict({"shocks": [{"kind": "outage", "country": "COD",
    ...     "commodity": "cobalt", "fraction": 0.5, "duration_months": 3}]})
    >>> s.shocks[0].fraction
    0.5
    """
    try:
        return ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        msgs = []
        for err in exc.errors():
            value = err.get("input")
            shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
            msgs.append(f"{_field(err['loc'])}: {err['msg']}{shown}")
        prefix = f"{where}: " if where else ""
        raise InputError(prefix + "invalid scenario: " + "; ".join(msgs)) from None


def load_scenario(path: str | Path) -> ScenarioSpec:
    """Read a scenario from a YAML (``.yaml``/``.yml``) or JSON file.

    Examples
    --------
    >>> load_scenario("my-scenario.yaml")  # doctest: +SKIP
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read scenario file {str(path)!r}: {exc.strerror}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, path=str(path), line=exc.lineno) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(
            str(getattr(exc, "problem", exc)),
            path=str(path),
            line=None if mark is None else mark.line + 1,
        ) from None
    if not isinstance(data, dict):
        raise ParseError("a scenario file holds one mapping (name, shocks, ...)", path=str(path))
    return scenario_from_dict(data, where=str(path))
