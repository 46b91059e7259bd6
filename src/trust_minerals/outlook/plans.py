"""Bottom-up demand from a deployment plan (YAML) times the bundled material intensities.

A plan lists deployments (EV batteries by chemistry, GW of solar and wind by technology, GWh of
storage, MW of data centres ...). Each deployment's quantity is the product of labelled figures
(``factors``), each with its unit and either a ``source`` or an ``assumption``; the product's unit
must reduce to the deployment's ``unit``, whose kind must match the technology's intensity
denominator (kWh, MW or vehicle). Intensities come from ``material_intensity.csv`` through the
catalogue ``outlook/data/technologies.csv``; where several published rows give the same commodity
for one technology, the central value is their median and the range spans every row's low/high.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.outlook._files import (
    commodity_for,
    outlook_path,
    raw_outlook_path,
    read_rows,
    unit_factor,
    unit_table,
)

_DIMENSIONED = ("energy", "power", "count")
_INTENSITY_KIND = {"kWh": "intensity_energy", "MW": "intensity_power", "vehicle": "intensity_count"}


class Figure(BaseModel):
    """A labelled number: ``source`` (where it was published) or ``assumption`` (why it was chosen)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    value: float
    unit: str
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _labelled(self) -> Figure:
        if bool((self.source or "").strip()) == bool((self.assumption or "").strip()):
            raise ValueError(f"figure {self.name!r} needs exactly one of 'source' or 'assumption'")
        return self


class IntensityOverride(BaseModel):
    """A plan's own intensity for one commodity of one deployment (replaces the catalogue's)."""

    model_config = ConfigDict(extra="forbid")
    commodity: str
    value: float
    low: float | None = None
    high: float | None = None
    unit: str
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _labelled(self) -> IntensityOverride:
        if bool((self.source or "").strip()) == bool((self.assumption or "").strip()):
            raise ValueError(
                f"intensity for {self.commodity!r} needs exactly one of 'source' or 'assumption'"
            )
        return self


class Deployment(BaseModel):
    """One deployment: quantity (product of ``factors``) of a technology variant, in ``unit``."""

    model_config = ConfigDict(extra="forbid")
    name: str
    technology: str
    variant: str
    unit: str
    factors: list[Figure] = Field(min_length=1)
    intensities: list[IntensityOverride] = Field(default_factory=list)


class PlanSpec(BaseModel):
    """A deployment plan (see ``outlook/plans/india-2030.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    country: str
    year: int
    description: str = ""
    context: list[Figure] = Field(default_factory=list)
    deployments: list[Deployment] = Field(min_length=1)
    commodities: list[str] | None = None


def _units(unit: str, where: str) -> tuple[dict[str, int], float]:
    """Dimensions (kind -> exponent) and scale to canonical units of 'a' or 'a/b'."""
    parts = [p.strip() for p in unit.split("/")]
    if len(parts) > 2 or not all(parts):
        raise ParseError(f"unit must be 'a' or 'a/b' ({where})", field="unit", value=unit)
    dims: dict[str, int] = {}
    scale = 1.0
    table = unit_table()
    for sign, part in zip((1, -1), parts, strict=False):
        if part not in table or table[part][0] not in (*_DIMENSIONED, "fraction"):
            valid = sorted(u for u, (k, _, _) in table.items() if k in (*_DIMENSIONED, "fraction"))
            raise UnknownNameError("unit", [part], valid, where=where)
        kind, factor, _ = table[part]
        scale *= factor**sign
        if kind != "fraction":
            dims[kind] = dims.get(kind, 0) + sign
    return {k: v for k, v in dims.items() if v}, scale


@cache
def technology_catalogue() -> pd.DataFrame:
    """Rows of ``outlook/data/technologies.csv``."""
    return pd.DataFrame(read_rows(outlook_path("data", "technologies.csv")))


@cache
def technology_intensities() -> pd.DataFrame:
    """Intensity per technology x variant x commodity in metric tons per denominator unit.

    Columns: technology, variant, denominator, commodity, low, central, high, rows (how many
    published rows were combined).
    """
    cat = technology_catalogue()
    mi = pd.DataFrame(read_rows(raw_outlook_path("material_intensity.csv")))
    recs = []
    for _, c in cat.iterrows():
        sel = mi[mi["technology"] == c["mi_technology"]]
        if c["mi_variant"] != "*":
            sel = sel[sel["scenario_or_variant"] == c["mi_variant"]]
        if sel.empty:
            raise ParseError(
                "catalogue row matches no material-intensity row",
                path=str(outlook_path("data", "technologies.csv")),
                field="mi_variant",
                value=(c["mi_technology"], c["mi_variant"]),
            )
        for _, r in sel.iterrows():
            commodity = commodity_for("material_intensity", r["mineral"])
            if commodity is None:
                continue
            f = unit_factor(
                r["unit"],
                _INTENSITY_KIND[c["denominator"]],
                where=f"material_intensity.csv {r['technology']}/{r['mineral']}",
            )
            central = float(r["intensity"]) * f if r["intensity"] else math.nan
            low = float(r["low"]) * f if r["low"] else central
            high = float(r["high"]) * f if r["high"] else central
            recs.append(
                (c["technology"], c["variant"], c["denominator"], commodity, low, central, high)
            )
    df = pd.DataFrame(
        recs,
        columns=["technology", "variant", "denominator", "commodity", "low", "central", "high"],
    )
    out = df.groupby(["technology", "variant", "denominator", "commodity"], as_index=False).agg(
        low=("low", "min"),
        central=("central", "median"),
        high=("high", "max"),
        rows=("central", "size"),
    )
    # a range published without a central value: the midpoint stands in (documented in docs/outlook.md)
    mid = out["central"].isna()
    out.loc[mid, "central"] = (out.loc[mid, "low"] + out.loc[mid, "high"]) / 2
    return out


def _entry(i: int, d: Deployment) -> str:
    return f"deployments[{i}] {d.name!r}"


def check_plan(plan: PlanSpec, *, path: str | None = None) -> PlanSpec:
    """Check technologies, variants, commodities, signs and units; raise naming the entry.

    Unknown technology, variant or commodity -> :class:`UnknownNameError`; a negative figure ->
    :class:`InputError`; units that do not reduce to the deployment unit or that do not match the
    technology -> :class:`ParseError`.
    """
    from trust_minerals.schema import vocabulary

    where_file = f"plan {path}" if path else f"plan {plan.name!r}"
    cat = technology_catalogue()
    techs = sorted(set(cat["technology"]))
    commodities = set(vocabulary("commodity"))
    if plan.commodities is not None:
        bad = [m for m in plan.commodities if m not in commodities]
        if bad:
            raise UnknownNameError(
                "commodity", bad, sorted(commodities), where=f"{where_file}, commodities"
            )
    for i, d in enumerate(plan.deployments):
        entry = f"{where_file}, {_entry(i, d)}"
        if d.technology not in techs:
            raise UnknownNameError("technology", [d.technology], techs, where=entry)
        tech_rows = cat[cat["technology"] == d.technology]
        variants = sorted(set(tech_rows["variant"]))
        if d.variant not in variants:
            raise UnknownNameError("variant", [d.variant], variants, where=entry)
        for f in d.factors:
            if not math.isfinite(f.value) or f.value < 0:
                raise InputError(
                    f"{entry}: factor {f.name!r} must be a finite non-negative number, got {f.value!r}"
                )
        denominator = str(tech_rows["denominator"].iloc[0])
        want_dims, _ = _units(d.unit, entry)
        tech_dims, _ = _units(denominator, entry)
        if want_dims != tech_dims:
            raise ParseError(
                f"{entry}: unit {d.unit!r} does not match technology {d.technology!r}, whose intensities are per {denominator}",
                path=path,
                field="unit",
                value=d.unit,
            )
        dims: dict[str, int] = {}
        for f in d.factors:
            fd, _ = _units(f.unit, f"{entry}, factor {f.name!r}")
            for k, v in fd.items():
                dims[k] = dims.get(k, 0) + v
        dims = {k: v for k, v in dims.items() if v}
        if dims != want_dims:
            units = " x ".join(f.unit for f in d.factors)
            raise ParseError(
                f"{entry}: factor units ({units}) do not reduce to {d.unit!r}",
                path=path,
                field="unit",
                value=units,
            )
        if not math.isfinite(deployment_quantity(d)):
            raise InputError(
                f"{entry}: the product of the factors is not a finite number (overflow)"
            )
        for o in d.intensities:
            if not all(math.isfinite(v) for v in (o.value, o.low or 0.0, o.high or 0.0)):
                raise InputError(f"{entry}: intensity for {o.commodity!r} must be finite")
            if o.commodity not in commodities:
                raise UnknownNameError(
                    "commodity", [o.commodity], sorted(commodities), where=f"{entry}, intensities"
                )
            if (
                min(
                    o.value,
                    o.low if o.low is not None else o.value,
                    o.high if o.high is not None else o.value,
                )
                < 0
            ):
                raise InputError(f"{entry}: intensity for {o.commodity!r} must be non-negative")
            unit_factor(
                o.unit,
                _INTENSITY_KIND[denominator],
                where=f"{entry}, intensity for {o.commodity!r}",
            )
    return plan


def _format_validation(exc: ValidationError, data: Any) -> str:
    err = exc.errors()[0]
    loc = err["loc"]
    label = ".".join(str(x) for x in loc)
    if len(loc) >= 2 and loc[0] == "deployments" and isinstance(loc[1], int):
        with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
            label = (
                f"deployments[{loc[1]}] {data['deployments'][loc[1]].get('name')!r}: "
                + ".".join(str(x) for x in loc[2:])
            )
    return f"{label}: {err['msg']}"


def parse_plan(data: Mapping[str, Any], *, path: str | None = None) -> PlanSpec:
    """Validate a plan given as a mapping (e.g. from YAML) and check it with :func:`check_plan`."""
    try:
        plan = PlanSpec.model_validate(data)
    except ValidationError as exc:
        raise ParseError(_format_validation(exc, data), path=path) from None
    return check_plan(plan, path=path)


def load_plan(path: str | Path) -> PlanSpec:
    """Read a plan YAML file (a bare name such as ``india-2030`` loads a shipped plan).

    Examples
    --------
    >>> load_plan("india-2030").country
    'IND'
    """
    p = Path(path)
    if not p.exists():
        shipped = outlook_path("plans", f"{p.name}.yaml" if p.suffix == "" else p.name)
        if shipped.exists():
            p = shipped
        else:
            names = sorted(x.stem for x in outlook_path("plans").glob("*.yaml"))
            raise UnknownNameError("plan", [str(path)], names)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ParseError(
            f"not valid YAML: {exc}", path=str(p), line=None if line is None else line + 1
        ) from None
    if not isinstance(data, dict):
        raise ParseError("a plan must be a YAML mapping", path=str(p))
    return parse_plan(data, path=str(p))


#: a shipped plan's id: the file stem in ``outlook/plans`` (no separators, no dots)
PLAN_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def shipped_plan_ids() -> list[str]:
    """Ids of the plans shipped in the package (``outlook/plans/<id>.yaml``)."""
    return sorted(x.stem for x in outlook_path("plans").glob("*.yaml"))


def shipped_plan(plan_id: str) -> PlanSpec:
    """A shipped plan by id only: never a path, so no file outside the package is ever read.

    Raises :class:`UnknownNameError` (listing the shipped ids) for any other text.

    Examples
    --------
    >>> shipped_plan("india-2030").country
    'IND'
    """
    ids = shipped_plan_ids()
    if plan_id not in ids:
        raise UnknownNameError("plan", [str(plan_id)[:64]], ids)
    return load_plan(outlook_path("plans", f"{plan_id}.yaml"))


def plan_mapping_from_text(text: str | bytes, *, label: str = "uploaded plan") -> dict[str, Any]:
    """The mapping of a plan's YAML text, not yet validated; errors give line and column, never
    the text itself."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8 text (byte {exc.start})", path=label) from None
    if "\x00" in text:
        raise ParseError("binary content: expected YAML text", path=label)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ParseError(
            f"not valid YAML ({problem})",
            path=label,
            line=None if mark is None else mark.line + 1,
        ) from None
    if not isinstance(data, dict):
        raise ParseError("a plan must be a YAML mapping", path=label)
    return data


def plan_from_text(text: str | bytes, *, label: str = "uploaded plan") -> PlanSpec:
    """A plan from YAML text (an upload); errors give line and column, never the text itself.

    Examples
    --------
    >>> plan_from_text("name: x").name  # doctest: +SKIP
    """
    return parse_plan(plan_mapping_from_text(text, label=label), path=label)


def deployment_quantity(d: Deployment) -> float:
    """Quantity of a deployment in its ``unit`` (product of the factors, converted)."""
    value = math.prod(f.value for f in d.factors)  # overflows to inf (checked), no warning
    scale = math.prod(_units(f.unit, d.name)[1] for f in d.factors)
    return value * scale / _units(d.unit, d.name)[1]


def plan_demand(plan: PlanSpec | str | Path, *, by_entry: bool = False) -> pd.DataFrame:
    """Commodity demand of a plan: low/central/high in metric tons of contained element.

    Demand = quantity x intensity for every deployment and commodity; ``low``/``high`` use the low
    and high intensities (the plan's quantities are taken as given). With ``by_entry`` one row per
    deployment x commodity, else summed per commodity (``entries`` counts the deployments).

    Examples
    --------
    >>> d = plan_demand("india-2030")
    >>> bool((d["low"] <= d["central"]).all() and (d["central"] <= d["high"]).all())
    True
    """
    if not isinstance(plan, PlanSpec):
        plan = load_plan(plan)
    else:
        check_plan(plan)
    intens = technology_intensities()
    rows = []
    for d in plan.deployments:
        q = deployment_quantity(d)
        sel = intens[(intens["technology"] == d.technology) & (intens["variant"] == d.variant)]
        per: dict[str, tuple[float, float, float, str]] = {
            str(c): (float(lo), float(ce), float(hi), "catalogue")
            for c, lo, ce, hi in zip(
                sel["commodity"], sel["low"], sel["central"], sel["high"], strict=True
            )
        }
        denominator = str(sel["denominator"].iloc[0]) if not sel.empty else "MW"
        q_canon = q * _units(d.unit, d.name)[1] / _units(denominator, d.name)[1]
        for o in d.intensities:
            f = unit_factor(o.unit, _INTENSITY_KIND[denominator])
            lo = o.low if o.low is not None else o.value
            hi = o.high if o.high is not None else o.value
            per[o.commodity] = (lo * f, o.value * f, hi * f, "plan")
        for commodity, (lo, c, hi, basis) in per.items():
            rows.append(
                (
                    plan.name,
                    d.name,
                    d.technology,
                    d.variant,
                    q,
                    d.unit,
                    commodity,
                    q_canon * lo,
                    q_canon * c,
                    q_canon * hi,
                    basis,
                )
            )
    cols = [
        "plan",
        "entry",
        "technology",
        "variant",
        "quantity",
        "quantity_unit",
        "commodity",
        "low",
        "central",
        "high",
        "intensity_basis",
    ]
    df = pd.DataFrame(rows, columns=cols)
    # a rare-earth total below its elements' sum (intensities from different studies) is raised
    from trust_minerals.outlook.scope import total_at_least_members

    df = total_at_least_members(df)
    if plan.commodities is not None:
        df = df[df["commodity"].isin(plan.commodities)]
    if not np.isfinite(df[["low", "central", "high"]].to_numpy(dtype=float)).all():
        raise InputError(
            f"plan {plan.name!r}: demand overflows (quantity x intensity is not a finite number)"
        )
    if by_entry:
        return df.assign(unit="t").reset_index(drop=True)
    out = df.groupby("commodity", as_index=False).agg(
        low=("low", "sum"),
        central=("central", "sum"),
        high=("high", "sum"),
        entries=("entry", "nunique"),
    )
    out.insert(0, "plan", plan.name)
    out.insert(1, "country", plan.country)
    out.insert(2, "year", plan.year)
    out["unit"] = "t"
    return out.sort_values("commodity").reset_index(drop=True)
