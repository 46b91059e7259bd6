"""Strategic Mineral Recovery: recoverable tonnage from industrial residues, with uncertainty.

Each residue stream (country x stream x commodity) has three parameters given as ranges in
``outlook/data/recovery_streams.csv``: annual residue ``tonnage``, ``grade`` (mass fraction of the
commodity in the residue) and ``recovery`` (fraction recovered). Every number there is either copied
from a row of the bundled ``data/raw/outlook/residue_streams.csv`` (``basis = source``) or is an
explicit, reasoned ``assumption`` (a published figure transferred from another country, or a
physical bound); a figure that is not published is ``missing`` with the reason, and the stream
then gives no number unless the user supplies the value (``user_values``).

Recoverable tonnage = tonnage x grade x recovery, drawn by Monte Carlo with each parameter uniform
on its range (seeded, vectorised); a zero-width range is a point value.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd

from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.outlook._files import outlook_path, raw_outlook_path, read_rows, unit_factor
from trust_minerals.schema import vocabulary

PARAMETERS = ("tonnage", "grade", "recovery")
_KINDS = {"tonnage": "mass", "grade": "mass_fraction", "recovery": "fraction"}
_BASES = ("source", "assumption", "missing")
UserValue = float | tuple[float, float]
UserValues = Mapping[tuple[str, str, str] | str, UserValue]


@dataclass(frozen=True)
class StreamParameter:
    """One parameter of a stream, converted to canonical units (t/yr, mass fraction, fraction).

    ``low``/``high`` are NaN when ``basis == "missing"``.
    """

    name: str
    low: float
    high: float
    basis: str
    residue_rows: tuple[int, ...]
    reason: str

    @property
    def is_missing(self) -> bool:
        return self.basis == "missing"


@dataclass(frozen=True)
class ResidueStream:
    """A residue stream of one country that could yield one commodity (``content_basis``: grade basis)."""

    country: str
    stream: str
    commodity: str
    tonnage: StreamParameter
    grade: StreamParameter
    recovery: StreamParameter
    content_basis: str = "element"

    @property
    def parameters(self) -> tuple[StreamParameter, StreamParameter, StreamParameter]:
        return (self.tonnage, self.grade, self.recovery)

    @property
    def missing(self) -> tuple[StreamParameter, ...]:
        return tuple(p for p in self.parameters if p.is_missing)

    @property
    def key(self) -> str:
        return f"{self.country}/{self.stream}/{self.commodity}"


@dataclass(frozen=True, eq=False)
class RecoverySupply:
    """Recoverable supply of one commodity in one country (metric tons of contained element a year).

    ``p5``/``p50``/``p95`` are NaN when every stream lacks a figure (see ``missing``) and 0.0 when
    the country has no stream for the commodity (``streams`` is empty and ``note`` says so).
    Streams with a missing figure are left out of the sum and listed in ``missing``.
    ``source_ids`` are those of the residue rows behind the figures of the streams summed
    (:func:`stream_source_ids`; a user value cites none).
    """

    country: str
    commodity: str
    p5: float
    p50: float
    p95: float
    draws: np.ndarray = field(repr=False)
    streams: tuple[str, ...]
    missing: tuple[str, ...]
    evidence: tuple[str, ...]
    unit: str = "t"
    note: str = ""
    source_ids: tuple[str, ...] = ()


def stream_source_ids(streams: tuple[ResidueStream, ...] | list[ResidueStream]) -> tuple[str, ...]:
    """Sources of the figures of ``streams``: each parameter that cites rows of
    ``residue_streams.csv`` (``residue_rows``) brings the source of its column of
    ``recovery_streams`` (``data/spec/column_sources.csv``); user values and figures without
    cited rows bring none.

    Examples
    --------
    >>> stream_source_ids([s for s in load_streams() if s.key == "IND/bauxite_residue/scandium"])
    ('smr_residue_streams',)
    """
    from trust_minerals.sources import column_sources

    cited = sorted({p.name for s in streams for p in s.parameters if p.residue_rows})
    return column_sources("recovery_streams", cited) if cited else ()


@cache
def _residue_evidence() -> dict[int, str]:
    """Line number in residue_streams.csv (header is line 1) -> evidence level."""
    rows = read_rows(raw_outlook_path("residue_streams.csv"))
    return {i: r["evidence"] for i, r in enumerate(rows, start=2)}


def _parse_parameter(row: dict[str, str], line: int, path: str) -> StreamParameter:
    basis = row["basis"]
    if basis not in _BASES:
        raise ParseError(
            f"basis must be one of {', '.join(_BASES)}",
            path=path,
            line=line,
            field="basis",
            value=basis,
        )
    rows = tuple(int(x) for x in row["residue_rows"].split(";") if x.strip())
    if not row["reason"].strip():
        raise ParseError(
            "every stream parameter needs a reason", path=path, line=line, field="reason"
        )
    if basis == "missing":
        if row["low"] or row["high"]:
            raise ParseError(
                "a missing figure must not carry a number",
                path=path,
                line=line,
                field="low",
                value=row["low"],
            )
        return StreamParameter(
            row["parameter"], float("nan"), float("nan"), basis, rows, row["reason"]
        )
    try:
        low, high = float(row["low"]), float(row["high"])
    except ValueError:
        raise ParseError(
            "low/high are not numbers", path=path, line=line, field="low", value=row["low"]
        ) from None
    factor = unit_factor(row["unit"], _KINDS[row["parameter"]], where=f"{path} line {line}")
    low, high = low * factor, high * factor
    if row["transform"] == "one_minus":
        low, high = 1.0 - high, 1.0 - low
    elif row["transform"]:
        raise ParseError(
            "unknown transform", path=path, line=line, field="transform", value=row["transform"]
        )
    if not (0 <= low <= high):
        raise ParseError(
            "need 0 <= low <= high", path=path, line=line, field="low", value=(low, high)
        )
    return StreamParameter(row["parameter"], low, high, basis, rows, row["reason"])


@cache
def load_streams() -> tuple[ResidueStream, ...]:
    """All residue streams of ``outlook/data/recovery_streams.csv``, in canonical units.

    Examples
    --------
    >>> streams = load_streams()
    >>> sorted({s.country for s in streams})
    ['IND', 'USA']
    """
    path = outlook_path("data", "recovery_streams.csv")
    grouped: dict[tuple[str, str, str], dict[str, StreamParameter]] = {}
    bases: dict[tuple[str, str, str], str] = {}
    streams = vocabulary("recovery_stream")
    for line, row in enumerate(read_rows(path), start=2):
        if row["parameter"] not in PARAMETERS:
            raise ParseError(
                "unknown parameter",
                path=str(path),
                line=line,
                field="parameter",
                value=row["parameter"],
            )
        if row["stream"] not in streams:  # each stream is named in the vocabulary
            raise ParseError(
                "unknown stream (add it to the recovery_stream vocabulary in "
                "data/spec/vocabulary.csv)",
                path=str(path),
                line=line,
                field="stream",
                value=row["stream"],
            )
        key = (row["country"], row["stream"], row["commodity"])
        grouped.setdefault(key, {})[row["parameter"]] = _parse_parameter(row, line, str(path))
        if row["parameter"] == "grade":
            bases[key] = row["content_basis"] or "element"
    out = []
    for (country, stream, commodity), params in grouped.items():
        absent = [p for p in PARAMETERS if p not in params]
        if absent:
            raise ParseError(
                f"stream {country}/{stream}/{commodity} lacks {', '.join(absent)}", path=str(path)
            )
        out.append(
            ResidueStream(
                country,
                stream,
                commodity,
                params["tonnage"],
                params["grade"],
                params["recovery"],
                bases[(country, stream, commodity)],
            )
        )
    return tuple(out)


def _user_parameter(name: str, value: UserValue, key: str) -> StreamParameter:
    low, high = (
        (value, value) if isinstance(value, int | float) else (float(value[0]), float(value[1]))
    )
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or low > high:
        raise InputError(f"user value for {key} must satisfy 0 <= low <= high, got {value!r}")
    if name != "tonnage" and high > 1:
        raise InputError(f"user value for {key} is a fraction and must be <= 1, got {value!r}")
    return StreamParameter(name, float(low), float(high), "user", (), "user value")


def streams_for(country: str, user_values: UserValues | None = None) -> tuple[ResidueStream, ...]:
    """The country's streams with user values applied.

    ``user_values`` maps ``(stream, commodity, parameter)`` (or ``"stream/commodity/parameter"``) to a
    value or a ``(low, high)`` range in canonical units: tonnage in metric tons a year, grade as a
    mass fraction (45 ppm = 45e-6), recovery as a fraction. Unknown keys raise
    :class:`UnknownNameError`; impossible values raise :class:`InputError`.

    Examples
    --------
    >>> s = streams_for("IND", {"spent_li_ion_batteries/lithium/tonnage": 1000.0})
    >>> [x.tonnage.low for x in s if x.stream == "spent_li_ion_batteries" and x.commodity == "lithium"]
    [1000.0]
    """
    streams = [s for s in load_streams() if s.country == country]
    if not user_values:
        return tuple(streams)
    valid = {f"{s.stream}/{s.commodity}/{p}" for s in streams for p in PARAMETERS}
    parsed: dict[str, UserValue] = {}
    for k, v in user_values.items():
        parsed[k if isinstance(k, str) else "/".join(k)] = v
    unknown = sorted(set(parsed) - valid)
    if unknown:
        raise UnknownNameError(
            "recovery parameter", unknown, sorted(valid), where=f"user_values for {country}"
        )
    out = []
    for s in streams:
        changes = {
            p: _user_parameter(
                p, parsed[f"{s.stream}/{s.commodity}/{p}"], f"{s.stream}/{s.commodity}/{p}"
            )
            for p in PARAMETERS
            if f"{s.stream}/{s.commodity}/{p}" in parsed
        }
        out.append(replace(s, **changes) if changes else s)  # type: ignore[arg-type]
    return tuple(out)


def draw_recoverable(
    tonnage: tuple[float, float],
    grade: tuple[float, float],
    recovery: tuple[float, float],
    *,
    draws: int = 10000,
    seed: int | list[int] = 0,
) -> np.ndarray:
    """Monte Carlo draws of tonnage x grade x recovery, each uniform on its ``(low, high)`` range.

    A zero-width range contributes its point value exactly.

    Examples
    --------
    >>> d = draw_recoverable((100.0, 100.0), (0.5, 0.5), (0.2, 0.2), draws=4)
    >>> d.tolist()
    [10.0, 10.0, 10.0, 10.0]
    """
    if draws < 1:
        raise InputError(f"draws must be at least 1, got {draws}")
    lows = np.array([tonnage[0], grade[0], recovery[0]], dtype=float)[:, None]
    highs = np.array([tonnage[1], grade[1], recovery[1]], dtype=float)[:, None]
    if np.any(~np.isfinite(lows)) or np.any(~np.isfinite(highs)) or np.any(lows > highs):
        raise InputError(f"ranges must be finite with low <= high: {tonnage}, {grade}, {recovery}")
    rng = np.random.default_rng(seed)
    u = rng.random((3, draws))
    values = lows + u * (highs - lows)
    return np.asarray(values.prod(axis=0))


def percentiles(values: np.ndarray) -> tuple[float, float, float]:
    """``(p5, p50, p95)`` of Monte Carlo draws (NaN for an empty array)."""
    if values.size == 0:
        return (float("nan"),) * 3  # type: ignore[return-value]
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return float(p5), float(p50), float(p95)


def _stream_draws(stream: ResidueStream, draws: int, seed: int) -> np.ndarray | None:
    if stream.missing:
        return None
    sub_seed = [seed, zlib.crc32(stream.key.encode())]
    t, g, r = stream.parameters
    return draw_recoverable(
        (t.low, t.high), (g.low, g.high), (r.low, r.high), draws=draws, seed=sub_seed
    )


def _evidence(stream: ResidueStream) -> str:
    levels = _residue_evidence()
    parts = []
    for p in stream.parameters:
        lines = ",".join(str(n) for n in p.residue_rows)
        ev = "/".join(sorted({levels.get(n, "?") for n in p.residue_rows}))
        where = f" residue_streams.csv line {lines} ({ev})" if lines and not p.is_missing else ""
        parts.append(f"{p.name}: {p.basis}{where}")
    return "; ".join(parts)


def _status(stream: ResidueStream) -> str:
    if not stream.missing:
        return "computed"
    return "missing " + "; ".join(f"{p.name} ({p.reason})" for p in stream.missing)


@cache
def _iso3_codes() -> frozenset[str]:
    from trust_minerals.data.concordance import country_converter

    return frozenset(str(c) for c in country_converter().data["ISO3"])


def _check_country(country: str) -> str:
    codes = _iso3_codes()
    if country not in codes:
        raise UnknownNameError(
            "country", [country], sorted(codes), where="recovery (ISO3 code expected)"
        )
    return country


def _check_commodity(commodity: str) -> None:
    from trust_minerals.schema import vocabulary

    valid = vocabulary("commodity")
    if commodity not in valid:
        raise UnknownNameError("commodity", [commodity], list(valid), where="recovery")


def recovery_streams_table(
    country: str,
    *,
    draws: int = 10000,
    seed: int = 0,
    user_values: UserValues | None = None,
) -> pd.DataFrame:
    """Monte Carlo draws of the technical potential per stream (p5/p50/p95, t a year).

    Rows whose stream lacks a figure keep NaN percentiles and say which figure is missing and
    why in ``status``. Ranges only where sources give them, and the three levels (contained,
    recoverable, capacity), are in :func:`trust_minerals.outlook.levels.recovery_levels`.

    Examples
    --------
    >>> t = recovery_streams_table("IND", draws=1000)
    >>> bool((t["p5"] <= t["p95"]).all() or t["p5"].isna().any())
    True
    """
    _check_country(country)
    rows = []
    for s in streams_for(country, user_values):
        d = _stream_draws(s, draws, seed)
        p5, p50, p95 = percentiles(d) if d is not None else (float("nan"),) * 3
        rows.append(
            {
                "country": country,
                "stream": s.stream,
                "commodity": s.commodity,
                "p5": p5,
                "p50": p50,
                "p95": p95,
                "unit": "t",
                "evidence": _evidence(s),
                "status": _status(s),
            }
        )
    cols = ["country", "stream", "commodity", "p5", "p50", "p95", "unit", "evidence", "status"]
    return pd.DataFrame(rows, columns=cols)


def recovery_supply(
    country: str,
    commodity: str,
    *,
    draws: int = 10000,
    seed: int = 0,
    user_values: UserValues | None = None,
) -> RecoverySupply:
    """Recovery as a supply option: recoverable tonnage of ``commodity`` in ``country``.

    Sums the draws of every complete stream of the country for the commodity (streams are drawn
    independently, each with its own sub-seed, so the per-stream figures of
    :func:`recovery_streams_table` use the same draws). Streams lacking a figure are left out and
    listed in ``missing``; if every stream lacks one the percentiles are NaN. A country without a
    stream for the commodity gives 0.0 with ``streams == ()`` and a ``note`` saying so.

    Parameters
    ----------
    country : ISO3 code (unknown codes raise :class:`UnknownNameError`).
    commodity : commodity id from ``commodities.csv`` (unknown ids raise :class:`UnknownNameError`).
    draws, seed : Monte Carlo size and seed.
    user_values : values for missing (or replaced) figures, see :func:`streams_for`.

    Examples
    --------
    >>> r = recovery_supply("IND", "scandium", draws=1000)
    >>> r.streams, r.unit
    (('bauxite_residue',), 't')
    """
    from trust_minerals.caps import check_size

    draws = check_size("draws", draws)
    country = _check_country(country)
    _check_commodity(commodity)
    streams = [s for s in streams_for(country, user_values) if s.commodity == commodity]
    if not streams:
        return RecoverySupply(
            country,
            commodity,
            0.0,
            0.0,
            0.0,
            np.zeros(draws),
            (),
            (),
            (),
            note=f"no residue stream modelled for {commodity} in {country}",
        )
    total = np.zeros(draws)
    used, missing, evidence = [], [], []
    for s in streams:
        d = _stream_draws(s, draws, seed)
        evidence.append(f"{s.stream}: {_evidence(s)}")
        if d is None:
            missing.append(f"{s.stream}: {_status(s)}")
            continue
        total += d
        used.append(s.stream)
    if not used:
        nan = float("nan")
        return RecoverySupply(
            country,
            commodity,
            nan,
            nan,
            nan,
            np.full(draws, np.nan),
            (),
            tuple(missing),
            tuple(evidence),
            note="every stream lacks a published figure; supply user_values",
        )
    p5, p50, p95 = percentiles(total)
    note = "complete" if not missing else "lower bound: streams with missing figures are left out"
    return RecoverySupply(
        country,
        commodity,
        p5,
        p50,
        p95,
        total,
        tuple(used),
        tuple(missing),
        tuple(evidence),
        note=note,
        source_ids=stream_source_ids([s for s in streams if s.stream in used]),
    )
