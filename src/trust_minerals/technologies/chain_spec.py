"""User-defined supply chains as YAML: tiers of inputs, each named by a platform form or by HS6
codes, with optional shares or intensities.

.. code-block:: yaml

    name: NdFeB permanent magnet
    product: Sintered NdFeB permanent magnet
    description: What the chain covers and what it leaves out.
    tiers:
      - name: refined rare earths
        inputs:
          - name: rare-earth metals
            commodity: rare_earths          # a platform commodity ...
            stage: refinery                 # ... and stage
            form: rare-earth metals         # optional: one form of the forms table
          - name: magnets
            hs6: ["850511"]                 # or HS 1992 six-digit codes
            commodity: rare_earths          # optional with hs6: export controls and criticality
            share: 0.5                      # optional: share of the tier (with source/assumption)
            assumption: half of the tier by value

Every number (``share``, ``intensity``) needs exactly one of ``source`` (where it was published)
or ``assumption`` (why it was chosen); an ``intensity`` needs its ``unit``. Shares of one tier add
up to at most 1. Unknown commodities, stages or forms raise
:class:`~trust_minerals.errors.UnknownNameError` naming the chain file and the input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, ParseError, UnknownNameError


class ChainInput(BaseModel):
    """One input of a tier: a form (commodity + stage [+ form]) or HS6 codes."""

    model_config = ConfigDict(extra="forbid")
    name: str
    commodity: str | None = None
    stage: str | None = None
    form: str | None = None
    hs6: list[str] | None = None
    share: float | None = None
    intensity: float | None = None
    unit: str | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ChainInput:
        if self.hs6 is not None:
            if not self.hs6:
                raise ValueError(f"input {self.name!r}: hs6 lists no code")
            bad = [c for c in self.hs6 if not re.fullmatch(r"\d{6}", str(c))]
            if bad:
                raise ValueError(f"input {self.name!r}: HS6 codes must be six digits, got {bad}")
            if self.form is not None:
                raise ValueError(f"input {self.name!r}: give hs6 or form, not both")
        elif self.commodity is None or self.stage is None:
            raise ValueError(f"input {self.name!r}: give hs6 codes, or commodity and stage")
        numbers = [v for v in (self.share, self.intensity) if v is not None]
        for v in numbers:
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"input {self.name!r}: numbers must be finite and >= 0, got {v}")
        if self.share is not None and self.share > 1:
            raise ValueError(f"input {self.name!r}: share must be in [0, 1], got {self.share}")
        if self.intensity is not None and not (self.unit or "").strip():
            raise ValueError(f"input {self.name!r}: an intensity needs its unit")
        labelled = bool((self.source or "").strip()) + bool((self.assumption or "").strip())
        if numbers and labelled != 1:
            raise ValueError(
                f"input {self.name!r}: a share or intensity needs exactly one of 'source' or "
                "'assumption'"
            )
        return self


class ChainTier(BaseModel):
    """A tier of the chain (e.g. cells, cathode materials, refined chemicals)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    inputs: list[ChainInput] = Field(min_length=1)


class ChainSpec(BaseModel):
    """A product's supply chain: tiers of inputs."""

    model_config = ConfigDict(extra="forbid")
    name: str
    product: str
    description: str = ""
    tiers: list[ChainTier] = Field(min_length=1)


def chains_path(*parts: str) -> Path:
    """Path under ``trust_minerals/technologies/chains`` (the shipped example chains)."""
    return Path(str(resources.files("trust_minerals").joinpath("technologies", "chains", *parts)))


def shipped_chains() -> list[str]:
    """Names of the shipped example chains."""
    return sorted(p.stem for p in chains_path().glob("*.yaml"))


def _format(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)


def parse_chain(data: Mapping[str, Any], *, path: str | None = None) -> ChainSpec:
    """Validate a chain given as a mapping (structure only; :func:`check_chain` checks names)."""
    try:
        return ChainSpec.model_validate(data)
    except ValidationError as exc:
        raise ParseError(_format(exc), path=path) from None


def load_chain(path: str | Path) -> tuple[ChainSpec, str]:
    """Read a chain YAML file (a bare name such as ``permanent-magnet`` loads a shipped one).

    Returns the chain and the path it was read from.

    Examples
    --------
    >>> spec, _ = load_chain("permanent-magnet")
    >>> spec.tiers[0].name
    'refined rare earths'
    """
    p = Path(path)
    if not p.exists():
        shipped = chains_path(f"{p.name}.yaml" if p.suffix == "" else p.name)
        if not shipped.exists():
            raise UnknownNameError("chain file", [str(path)], shipped_chains())
        p = shipped
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ParseError(
            f"not valid YAML: {exc}", path=str(p), line=None if line is None else line + 1
        ) from None
    if not isinstance(data, dict):
        raise ParseError("a chain must be a YAML mapping", path=str(p))
    return parse_chain(data, path=str(p)), str(p)


def check_chain(ds: SupplyDataset, spec: ChainSpec, *, path: str | None = None) -> None:
    """Check commodities, stages, forms and tier shares against the dataset; raise naming the
    chain file, tier and input."""
    from trust_minerals.schema import vocabulary

    commodities = list(vocabulary("commodity"))
    stages = list(vocabulary("stage"))
    forms = ds.forms
    label = f"chain {path}" if path else f"chain {spec.name!r}"
    for t, tier in enumerate(spec.tiers):
        total = 0.0
        for i, inp in enumerate(tier.inputs):
            where = f"{label}, tiers[{t}] {tier.name!r}, inputs[{i}] {inp.name!r}"
            if inp.commodity is not None and inp.commodity not in commodities:
                raise UnknownNameError("commodity", [inp.commodity], commodities, where)
            if inp.stage is not None and inp.stage not in stages:
                raise UnknownNameError("stage", [inp.stage], stages, where)
            if inp.hs6 is None:
                have = forms[(forms["commodity"] == inp.commodity) & (forms["stage"] == inp.stage)]
                prod = ds.production
                measured = set(forms.loc[forms["commodity"] == inp.commodity, "stage"]) | set(
                    prod.loc[prod["commodity"] == inp.commodity, "stage"]
                )
                if inp.stage not in measured:
                    raise UnknownNameError(
                        f"stage with forms or production of {inp.commodity}",
                        [str(inp.stage)],
                        sorted(measured),
                        where,
                    )
                if inp.form is not None and inp.form not in set(have["form"]):
                    raise UnknownNameError("form", [inp.form], sorted(set(have["form"])), where)
            total += inp.share or 0.0
        if total > 1 + 1e-9:
            raise InputError(f"{label}, tiers[{t}] {tier.name!r}: shares add up to {total:.4g} > 1")
