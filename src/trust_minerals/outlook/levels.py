"""Recovery in three levels per residue stream: contained, technically recoverable, capacity.

* **contained** = annual tonnage x grade (what the stream holds);
* **technically recoverable** = contained x a published recovery rate (or one labelled
  ``assumption`` in ``outlook/data/recovery_streams.csv``): a technical potential that assumes
  the whole stream is processed;
* **capacity** = operating or announced recovery capacity where published
  (``outlook/data/recovery_capacity.csv``, one row per plant or programme with its source).

Only capacity is supply. :func:`recovery_counted` gives what a balance may add to primary supply:
capacity by default, the technically recoverable level only when asked (``include_potential``),
and it says which.

Ranges appear only where a source gives one: a stream whose figures are all point values has a
single value (``*_t``) and ``range`` = ``range not published``; a stream with a published range has
``*_low_t`` and ``*_high_t`` and no single value. Masses are of the basis in ``content_basis``
(``element`` for every bundled stream); conversion to an oxide basis is explicit in the balance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from trust_minerals.errors import ParseError
from trust_minerals.outlook._files import outlook_path, read_rows
from trust_minerals.outlook.recovery import (
    ResidueStream,
    UserValues,
    _check_country,
    _evidence,
    streams_for,
)

NOT_PUBLISHED = "range not published"
PUBLISHED = "published range"
NO_CAPACITY = "no operating or announced recovery capacity published"

LEVEL_COLUMNS = [
    "country",
    "stream",
    "commodity",
    "content_basis",
    "contained_t",
    "contained_low_t",
    "contained_high_t",
    "recoverable_t",
    "recoverable_low_t",
    "recoverable_high_t",
    "range",
    "capacity_t",
    "capacity_status",
    "basis",
    "evidence",
    "status",
]


@dataclass(frozen=True)
class RecoveryCounted:
    """Recovery that a balance adds to supply for one country and commodity (t a year)."""

    quantity: float
    high: float
    level: str
    note: str


@dataclass(frozen=True)
class Capacity:
    country: str
    stream: str
    commodity: str
    quantity: float
    status: str
    content_basis: str
    source: str


@cache
def recovery_capacities() -> tuple[Capacity, ...]:
    """Rows of ``outlook/data/recovery_capacity.csv`` (operating or announced capacity, t a year)."""
    path = outlook_path("data", "recovery_capacity.csv")
    out = []
    for line, row in enumerate(read_rows(path), start=2):
        if row["status"] not in ("operating", "announced"):
            raise ParseError(
                "status must be operating or announced",
                path=str(path),
                line=line,
                field="status",
                value=row["status"],
            )
        if not row["source"].strip():
            raise ParseError("capacity has no source", path=str(path), line=line, field="source")
        try:
            q = float(row["capacity_t"])
        except ValueError:
            raise ParseError(
                "capacity_t is not a number",
                path=str(path),
                line=line,
                field="capacity_t",
                value=row["capacity_t"],
            ) from None
        out.append(
            Capacity(
                row["country"],
                row["stream"],
                row["commodity"],
                q,
                row["status"],
                row["content_basis"] or "element",
                row["source"],
            )
        )
    return tuple(out)


def _product(*ranges: tuple[float, float]) -> tuple[float, float]:
    low = high = 1.0
    for lo, hi in ranges:
        low *= lo
        high *= hi
    return low, high


def _level(low: float, high: float) -> tuple[float, float, float]:
    """``(value, low, high)``: a single value for a point, low/high for a range, NaN elsewhere."""
    nan = math.nan
    if math.isnan(low) or math.isnan(high):
        return nan, nan, nan
    if low == high:
        return low, nan, nan
    return nan, low, high


def _stream_row(s: ResidueStream, capacities: tuple[Capacity, ...]) -> dict[str, object]:
    nan = math.nan
    t, g, r = s.tonnage, s.grade, s.recovery
    if t.is_missing or g.is_missing:
        contained = (nan, nan)
    else:
        contained = _product((t.low, t.high), (g.low, g.high))
    if r.is_missing or math.isnan(contained[0]):
        recoverable = (nan, nan)
    else:
        recoverable = _product(contained, (r.low, r.high))
    c_val, c_lo, c_hi = _level(*contained)
    r_val, r_lo, r_hi = _level(*recoverable)
    ranged = not (math.isnan(c_lo) and math.isnan(r_lo))
    caps = [c for c in capacities if c.stream == s.stream and c.commodity == s.commodity]
    cap = sum(c.quantity for c in caps) if caps else nan
    cap_status = "; ".join(f"{c.status}: {c.source}" for c in caps) if caps else NO_CAPACITY
    bases = {p.basis for p in s.parameters if not p.is_missing}
    missing = [f"{p.name} ({p.reason})" for p in s.missing]
    return {
        "country": s.country,
        "stream": s.stream,
        "commodity": s.commodity,
        "content_basis": s.content_basis,
        "contained_t": c_val,
        "contained_low_t": c_lo,
        "contained_high_t": c_hi,
        "recoverable_t": r_val,
        "recoverable_low_t": r_lo,
        "recoverable_high_t": r_hi,
        "range": PUBLISHED if ranged else NOT_PUBLISHED,
        "capacity_t": cap,
        "capacity_status": cap_status,
        "basis": "assumption"
        if "assumption" in bases
        else ("user" if "user" in bases else "source"),
        "evidence": _evidence(s),
        "status": "computed" if not missing else "missing " + "; ".join(missing),
    }


def recovery_levels(country: str, *, user_values: UserValues | None = None) -> pd.DataFrame:
    """The three recovery levels of every residue stream of ``country`` (t a year).

    A level whose inputs are missing is NaN (never 0) and ``status`` names the missing figure.

    Examples
    --------
    >>> t = recovery_levels("IND")
    >>> sc = t[t["commodity"] == "scandium"].iloc[0]
    >>> sc["range"], bool(sc["recoverable_t"] < sc["contained_t"])
    ('range not published', True)
    """
    _check_country(country)
    caps = tuple(c for c in recovery_capacities() if c.country == country)
    rows = [_stream_row(s, caps) for s in streams_for(country, user_values)]
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


def recovery_counted(
    country: str, commodity: str, *, include_potential: bool = False
) -> RecoveryCounted:
    """What a balance adds to primary supply from recovery of ``commodity`` in ``country``.

    By default the operating or announced capacity (0 with a note when none is published: no
    capacity, nothing counted). With ``include_potential`` the technically recoverable level:
    the point value, or the low end of a published range (the high end is in ``high``).
    Streams with a missing figure are left out and named in ``note``.

    Examples
    --------
    >>> recovery_counted("IND", "rare_earths").quantity
    0.0
    """
    streams = [s for s in streams_for(country) if s.commodity == commodity]
    if not streams:
        return RecoveryCounted(0.0, 0.0, "none", f"no residue stream modelled for {commodity}")
    caps = tuple(
        c for c in recovery_capacities() if c.country == country and c.commodity == commodity
    )
    if not include_potential:
        if not caps:
            names = ", ".join(s.stream for s in streams)
            return RecoveryCounted(
                0.0,
                0.0,
                "capacity",
                f"capacity only: {NO_CAPACITY} for {names}; technical potential not counted "
                "(include_potential to count it)",
            )
        total = sum(c.quantity for c in caps)
        return RecoveryCounted(
            total,
            total,
            "capacity",
            "capacity only: " + "; ".join(f"{c.stream} {c.status} ({c.source})" for c in caps),
        )
    low = high = 0.0
    used, missing = [], []
    for s in streams:
        row = _stream_row(s, caps)
        val, lo, hi = row["recoverable_t"], row["recoverable_low_t"], row["recoverable_high_t"]
        assert isinstance(val, float) and isinstance(lo, float) and isinstance(hi, float)
        if not math.isnan(val):
            low, high = low + val, high + val
            used.append(f"{s.stream} ({NOT_PUBLISHED})")
        elif not math.isnan(lo):
            low, high = low + lo, high + hi
            used.append(f"{s.stream} (low end of the {PUBLISHED})")
        else:
            missing.append(s.stream)
    if not used:
        nan = math.nan
        return RecoveryCounted(
            nan, nan, "technical potential", "every stream lacks a figure: " + ", ".join(missing)
        )
    note = "technical potential counted (not capacity): " + ", ".join(used)
    if missing:
        note += "; left out (figures missing): " + ", ".join(missing)
    return RecoveryCounted(low, high, "technical potential", note)


def recovery_table(
    ds: object, country: str, *, user_values: UserValues | None = None
) -> pd.DataFrame:
    """Recovery levels per stream beside the country's primary production and import need.

    Adds ``primary_production`` (t, as published, latest year), ``primary_stage``,
    ``primary_year``, ``primary_status``, ``primary_basis``, ``primary_on_content_basis_t``
    (primary production converted to the stream's content basis where a sourced conversion
    applies, e.g. rare-earth oxide -> element), ``import_need`` (share imported) and its basis.

    Examples
    --------
    >>> recovery_table(ds, "IND")  # doctest: +SKIP
    """
    from trust_minerals.outlook.scope import scopes_for_commodity, to_demand_basis
    from trust_minerals.outlook.supply import import_need, primary_production

    table = recovery_levels(country, user_values=user_values)
    extra = []
    for commodity in table["commodity"]:
        prod = primary_production(ds, country, commodity)  # type: ignore[arg-type]
        need = import_need(ds, country, commodity)  # type: ignore[arg-type]
        scope = next((s for s in scopes_for_commodity(commodity) if s.stage == prod.stage), None)
        basis = scope.supply_basis if scope is not None else "as published (USGS)"
        converted = to_demand_basis(prod.quantity, scope) if scope is not None else prod.quantity
        extra.append(
            {
                "primary_production": prod.quantity,
                "primary_stage": prod.stage,
                "primary_year": prod.year,
                "primary_status": prod.status,
                "primary_basis": basis,
                "primary_on_content_basis_t": converted,
                "import_need": need.share,
                "import_need_basis": need.basis,
            }
        )
    cols = [
        "primary_production",
        "primary_stage",
        "primary_year",
        "primary_status",
        "primary_basis",
        "primary_on_content_basis_t",
        "import_need",
        "import_need_basis",
    ]
    out = pd.concat([table.reset_index(drop=True), pd.DataFrame(extra, columns=cols)], axis=1)
    first = LEVEL_COLUMNS[:-2]
    return out[[*first, *cols, "evidence", "status"]]
