"""Inputs of the sourcing optimiser: :class:`SourcingSpec` and the documented parameters.

Every default that is a number lives in ``optimize/data/parameters.csv`` with its source (or the
label ``assumption``); nothing is typed into code.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trust_minerals.countries import CountrySet
from trust_minerals.errors import InputError
from trust_minerals.parameters import read_parameters


def data_path(name: str) -> str:
    """Path of a bundled file under ``optimize/data``."""
    return str(resources.files("trust_minerals").joinpath("optimize", "data", name))


@cache
def parameters() -> dict[str, float]:
    """The ``key → value`` rows of ``optimize/data/parameters.csv`` (each with a source).

    Examples
    --------
    >>> 0 < parameters()["eu_crma_max_supplier_share"] <= 1
    True
    """
    return read_parameters("optimize")


def resolve_share(value: float | str | None, field: str) -> float | None:
    """A share given as a number or by name (``'crma'`` = the EU CRMA 65% benchmark).

    Examples
    --------
    >>> resolve_share("crma", "max_supplier_share") == parameters()["eu_crma_max_supplier_share"]
    True
    """
    if value is None:
        return None
    if isinstance(value, str):
        key = value.strip().lower()
        if key in ("crma", "eu_crma"):
            return parameters()["eu_crma_max_supplier_share"]
        try:
            value = float(key)
        except ValueError:
            raise InputError(
                f"{field} must be a number in [0, 1] or 'crma', got {value!r}"
            ) from None
    return float(value)


class SpecFieldError(InputError):
    """A :class:`SourcingSpec` field was refused; ``fields`` names the refused fields."""

    def __init__(self, message: str, fields: tuple[str, ...]) -> None:
        super().__init__(message)
        self.fields = fields


class SourcingSpec(BaseModel):
    """What to optimise: a consumer's sourcing of one commodity at one stage.

    Build it with :meth:`SourcingSpec.create` to get :class:`~trust_minerals.errors.InputError`
    (naming the field and value) instead of a pydantic ``ValidationError``.

    Examples
    --------
    >>> spec = SourcingSpec.create(consumer="IND", commodity="lithium", demand=20000,
    ...                            max_supplier_share="crma", min_partner_share=0.5)
    >>> spec.max_supplier_share
    0.65
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    consumer: str = Field(
        description="The consumer: ISO3, a group (MSP, usa_ind) or a pooled set (USA+IND)"
    )
    commodity: str
    stage: str = "mine"
    form: str | None = Field(None, description="Production form when a stage has several")
    year: int | None = Field(None, description="Production year (default: latest with data)")
    demand: float = Field(description="Quantity to source, in the production unit")
    max_supplier_share: float | None = Field(None, description="Cap on any one supplier's share")
    min_partner_share: float = Field(0.0, description="Minimum share from the partner set")
    partners: str = Field(
        "msp", description="Partner set: msp, quad, g7, eu, oecd, usa_ind or ISO3 list"
    )
    alpha: float = Field(default_factory=lambda: parameters()["cvar_alpha"])
    cost_weight: float = Field(default_factory=lambda: parameters()["cost_weight"])
    draws: int = 10000
    seed: int = 0
    severity: str = "default"
    contracts: dict[str, float] = Field(
        default_factory=dict, description="Minimum flow per supplier"
    )
    capacities: dict[str, float] = Field(default_factory=dict, description="Capacity overrides")
    unit_costs: dict[str, float] = Field(default_factory=dict, description="Unit-cost overrides")
    exportable_fraction: float | None = None
    recovery: bool = False

    @field_validator("consumer", mode="before")
    @classmethod
    def _consumer_text(cls, v: Any) -> Any:
        if isinstance(v, CountrySet):
            v = list(v.members)
        if not isinstance(v, str):
            v = "+".join(str(p).strip() for p in v)
        if not v.strip(" +,"):
            raise ValueError("a consumer is needed (ISO3, a group or USA+IND)")
        return v.strip()

    @field_validator("demand")
    @classmethod
    def _demand(cls, v: float) -> float:
        if not (v > 0 and math.isfinite(v)):
            raise ValueError("demand must be a positive finite number")
        return v

    @field_validator("max_supplier_share", "min_partner_share", "exportable_fraction")
    @classmethod
    def _share(cls, v: float | None) -> float | None:
        if v is not None and not 0.0 <= v <= 1.0:
            raise ValueError("a share must lie in [0, 1]")
        return v

    @field_validator("alpha")
    @classmethod
    def _alpha(cls, v: float) -> float:
        if not 0.0 <= v < 1.0:
            raise ValueError("alpha must lie in [0, 1)")
        return v

    @field_validator("cost_weight")
    @classmethod
    def _cost_weight(cls, v: float) -> float:
        if not v >= 0:
            raise ValueError("cost_weight must be non-negative")
        return v

    @field_validator("draws")
    @classmethod
    def _draws(cls, v: int) -> int:
        if v < 1:
            raise ValueError("draws must be at least 1")
        return v

    @field_validator("contracts", "capacities", "unit_costs")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: x for k, x in v.items() if not x >= 0}
        if bad:
            raise ValueError(f"values must be non-negative numbers: {bad}")
        return v

    @classmethod
    def create(cls, **fields: Any) -> SourcingSpec:
        """Validate ``fields`` into a spec; impossible values raise :class:`InputError`.

        ``max_supplier_share`` and ``min_partner_share`` accept ``'crma'`` for the EU CRMA
        benchmark.
        """
        for key in ("max_supplier_share", "min_partner_share"):
            if key in fields and isinstance(fields[key], str):
                try:
                    fields[key] = resolve_share(fields[key], key)
                except InputError as exc:
                    raise SpecFieldError(str(exc), (key,)) from None
        try:
            return cls(**fields)
        except ValidationError as exc:
            raise _describe(exc) from None


def _describe(exc: ValidationError) -> SpecFieldError:
    parts = []
    fields = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "spec"
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}={err.get('input')!r}: {msg}")
        if err["loc"]:
            fields.append(str(err["loc"][0]))
    return SpecFieldError("invalid sourcing spec: " + "; ".join(parts), tuple(fields))


FrontierAgainst = Literal["cost", "partner_share"]
