"""Monte Carlo of country-level supply disruptions: a vectorised numpy core over chunks of draws.

Model (documented in ``docs/scenarios.md``):

* each producing country ``c`` is disrupted in a draw with an annual probability ``p_c``
  (:func:`disruption_probabilities`, from WGI governance, or user-given);
* a disruption removes a fraction ``s`` of that country's supply, drawn from a severity
  distribution (default Beta(a, b) from ``simulate/data/parameters.csv``);
* events are **country-level**: a country's event stream depends only on the seed, the chunk
  and the country code, so the same seed gives the same events for every commodity and stage
  (one country event hits all of that country's exports);
* a consumer's shortfall share of a commodity at a stage is ``Σ_c loss_c × import_share_c``.

Draws are processed in chunks of a fixed size (``chunk_size`` in parameters.csv); chunk ``i``
draws country ``c``'s events from ``SeedSequence(seed, spawn_key=(i, country_key(c)))``, so the
result depends on ``(seed, n_draws, chunk_size)`` only and not on the backend that runs the
chunks (single process or dask.distributed, see ``distributed.py``). The per-chunk kernel
(geometric gaps between a country's hits, a sparse product with the exposure, per-column
histograms) is in :mod:`trust_minerals.simulate.kernel` and :mod:`trust_minerals.simulate.stats`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult, YearLike, as_year
from trust_minerals.countries import ConsumerLike
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.simulate.kernel import (
    Severity,
    country_key,
    dense_losses,
    loss_rows,
    shortfall_rows,
)
from trust_minerals.simulate.network import DEFAULT_STAGES, build_exposure
from trust_minerals.simulate.params import disruption_mapping, parameters
from trust_minerals.simulate.stats import ChunkStats, merge_stats, row_stats, summarise
from trust_minerals.sources import column_sources

__all__ = [
    "LossDraws",
    "MonteCarloJob",
    "MonteCarloResult",
    "Severity",
    "build_severity",
    "check_draws",
    "country_key",
    "disruption_probabilities",
    "loss_chunk",
    "run_chunk",
    "shortfall_risk",
    "supply_loss_draws",
]

#: severity kinds accepted as the first item of a ``severity`` tuple
SEVERITY_KINDS = ("fixed", "beta", "uniform")
#: largest loss array :func:`supply_loss_draws` will materialise (elements)
MAX_LOSS_ELEMENTS = 400_000_000


@dataclass(frozen=True)
class LossDraws:
    """Sampled supply losses: ``loss_share[draw, i]`` is the fraction of ``countries[i]``'s supply
    lost in that draw (0 when the country is not disrupted)."""

    countries: tuple[str, ...]
    loss_share: np.ndarray
    probabilities: dict[str, float]


def check_draws(n_draws: int, draw_cap: int | None = None) -> int:
    """Return ``n_draws`` if it is a positive integer no larger than the cap; raise otherwise.

    The cap defaults to ``draw_cap`` in ``simulate/data/parameters.csv`` (10^8); a request above it
    is refused at once, before any memory is allocated.

    Examples
    --------
    >>> check_draws(1000)
    1000
    """
    cap = int(parameters()["draw_cap"]) if draw_cap is None else int(draw_cap)
    if isinstance(n_draws, bool) or int(n_draws) != n_draws or n_draws < 1:
        raise InputError(f"n_draws must be a positive integer, got {n_draws!r}")
    if n_draws > cap:
        raise InputError(
            f"n_draws={n_draws:,} exceeds the draw cap of {cap:,}; raise the cap explicitly "
            "(draw_cap= / --draw-cap) if you really mean it"
        )
    return int(n_draws)


def build_severity(severity: str | tuple | float = "default") -> Severity:
    """Parse a severity argument.

    ``"default"`` (Beta(a, b) from parameters.csv), ``"full"`` (every disruption is total), a
    number in [0, 1] or ``("fixed", s)``, ``("beta", a, b)``, ``("uniform", low, high)``.

    Examples
    --------
    >>> build_severity(("fixed", 0.5)).mean
    0.5
    """
    if isinstance(severity, str):
        if severity == "default":
            p = parameters()
            return Severity("beta", p["severity_beta_a"], p["severity_beta_b"])
        if severity == "full":
            return Severity("fixed", 1.0)
        raise UnknownNameError("severity", [severity], ["default", "full", *SEVERITY_KINDS])
    if isinstance(severity, int | float) and not isinstance(severity, bool):
        severity = ("fixed", float(severity))
    if not isinstance(severity, tuple | list) or not severity:
        raise InputError(f"severity must be a name or a tuple, got {severity!r}")
    kind, *args = severity
    if kind not in SEVERITY_KINDS:
        raise UnknownNameError("severity", [str(kind)], ["default", "full", *SEVERITY_KINDS])
    need = 1 if kind == "fixed" else 2
    if len(args) != need:
        raise InputError(
            f"severity {kind!r} takes {need} parameter(s), got {len(args)}: {severity!r}"
        )
    values = [float(v) for v in args]
    if kind == "fixed" and not 0 <= values[0] <= 1:
        raise InputError(f"severity fixed share must be in [0, 1], got {values[0]}")
    if kind == "uniform" and not 0 <= values[0] <= values[1] <= 1:
        raise InputError(
            f"severity uniform bounds must satisfy 0 <= low <= high <= 1, got {values}"
        )
    if kind == "beta" and min(values) <= 0:
        raise InputError(f"severity beta parameters must be positive, got {values}")
    return Severity(str(kind), *values)


def disruption_probabilities(
    ds: SupplyDataset, countries: Sequence[str] | None = None
) -> pd.Series:
    """Annual disruption probability per country from governance (WGI pv and rl, 2023).

    The governance score is the mean of the WGI Political Stability (``pv``) and Rule of Law
    (``rl``) estimates (the one available if only one is); it is mapped to a probability by
    piecewise-linear interpolation between the breakpoints of ``simulate/data/disruption_mapping.csv``
    (labelled assumptions, documented in docs/scenarios.md). Countries with no WGI estimate get
    ``missing_governance_probability`` from parameters.csv, never 0.

    Parameters
    ----------
    ds
        Dataset whose ``countries`` table holds ``pv`` and ``rl``.
    countries
        ISO3 codes (default: every country in the table). Unknown codes raise
        :class:`UnknownNameError`.

    Returns
    -------
    pandas.Series
        ``country → probability`` (name ``probability``).

    Examples
    --------
    >>> disruption_probabilities(ds, ["USA", "COD"])  # doctest: +SKIP
    """
    table = ds.countries.set_index("country")
    names = list(table.index) if countries is None else list(countries)
    bad = [c for c in names if c not in table.index]
    if bad:
        raise UnknownNameError("country", bad, sorted(table.index), "disruption_probabilities")
    score = table.loc[names, ["pv", "rl"]].astype(float).mean(axis=1, skipna=True)
    mapping = disruption_mapping()
    prob = np.interp(score.to_numpy(), mapping["governance_score"], mapping["probability"])
    prob = np.where(
        np.isnan(score.to_numpy()), parameters()["missing_governance_probability"], prob
    )
    return pd.Series(prob, index=pd.Index(names, name="country"), name="probability")


def check_probabilities(probabilities: Mapping[str, float]) -> dict[str, float]:
    """Return the probabilities as floats, raising :class:`InputError` for one outside [0, 1]."""
    out: dict[str, float] = {}
    for country, p in probabilities.items():
        value = float(p)
        if not 0.0 <= value <= 1.0:  # also rejects NaN
            raise InputError(f"probabilities[{country!r}] must be in [0, 1], got {p!r}")
        out[str(country)] = value
    return out


def chunk_bounds(n_draws: int, chunk_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each chunk of draws."""
    if chunk_size < 1:
        raise InputError(f"chunk_size must be positive, got {chunk_size}")
    return [(s, min(s + chunk_size, n_draws)) for s in range(0, n_draws, chunk_size)]


def loss_chunk(
    seed: int,
    chunk_index: int,
    n: int,
    countries: Sequence[str],
    probabilities: Sequence[float],
    severity: Severity,
) -> np.ndarray:
    """Loss shares (``n × len(countries)``, float32) of chunk ``chunk_index`` for ``seed``.

    Each country's column comes from its own generator seeded with
    ``SeedSequence(seed, spawn_key=(chunk_index, country_key(country)))``; one uniform ``u`` per
    draw gives the event (``u < p``) and the severity (``F⁻¹(u / p)``), see
    :mod:`trust_minerals.simulate.kernel`. A column does not depend on which other countries or
    commodities are simulated, so the same seed gives the same country events everywhere.
    """
    return dense_losses(seed, chunk_index, n, countries, probabilities, severity)


def producer_countries(ds: SupplyDataset, commodity: str, stage: str, year: int) -> list[str]:
    """Named producing countries (ISO3) of ``commodity`` at ``stage`` in ``year``, largest first."""
    ds.check_commodities([commodity], "supply_loss_draws")
    rows = ds.production
    rows = rows[
        (rows["commodity"] == commodity) & (rows["stage"] == stage) & (rows["year"] == year)
    ]
    rows = rows[~rows["is_aggregate"]].sort_values("quantity", ascending=False, na_position="last")
    if rows.empty:
        have = ds.production
        have = have[have["commodity"] == commodity][["stage", "year"]].drop_duplicates()
        choices = [f"{s} {y}" for s, y in have.itertuples(index=False)]
        raise UnknownNameError("stage/year for " + commodity, [f"{stage} {year}"], sorted(choices))
    return list(dict.fromkeys(rows["country"]))


def supply_loss_draws(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    year: int,
    *,
    n_draws: int,
    seed: int,
    probabilities: Mapping[str, float] | None = None,
    severity: str | tuple = "default",
    countries: Sequence[str] | None = None,
) -> LossDraws:
    """Sample the fraction of each producer's supply lost, draw by draw.

    Parameters
    ----------
    ds
        The dataset.
    commodity, stage, year
        Which production rows define the producers (named countries; aggregates excluded).
    n_draws
        Number of draws (capped by ``draw_cap`` in parameters.csv).
    seed
        Seed; the same seed gives the same country events for every commodity (events are
        country-level and correlated across commodities).
    probabilities
        ``country → annual disruption probability``; countries not given use
        :func:`disruption_probabilities`. Values outside [0, 1] raise :class:`InputError`.
    severity
        ``"default"``, ``"full"``, ``("fixed", s)``, ``("beta", a, b)`` or ``("uniform", lo, hi)``.
    countries
        Producer ISO3 codes to sample (default: every named producer of the commodity/stage/year).

    Returns
    -------
    LossDraws
        ``loss_share`` of shape ``(n_draws, len(countries))``, float32, in [0, 1].

    Examples
    --------
    >>> d = supply_loss_draws(ds, "cobalt", "mine", 2025, n_draws=1000, seed=1)  # doctest: +SKIP
    >>> d.loss_share.shape  # doctest: +SKIP
    (1000, 17)
    """
    n_draws = check_draws(n_draws)
    given = check_probabilities(probabilities or {})
    sev = build_severity(severity)
    if countries is None:
        names = producer_countries(ds, commodity, stage, year)
    else:
        ds.check_commodities([commodity], "supply_loss_draws")
        names = list(dict.fromkeys(countries))
        ds.check_countries(names, "supply_loss_draws(countries=...)")
    if n_draws * max(len(names), 1) > MAX_LOSS_ELEMENTS:
        raise InputError(
            f"n_draws × countries = {n_draws * len(names):,} exceeds {MAX_LOSS_ELEMENTS:,} elements; "
            "use fewer draws (the chunked montecarlo() keeps memory bounded)"
        )
    missing = [c for c in names if c not in given]
    if missing:
        given.update({str(k): float(v) for k, v in disruption_probabilities(ds, missing).items()})
    probs = [given[c] for c in names]
    chunk = int(parameters()["chunk_size"])
    parts = [
        loss_chunk(seed, i, stop - start, names, probs, sev)
        for i, (start, stop) in enumerate(chunk_bounds(n_draws, chunk))
    ]
    loss = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)
    return LossDraws(tuple(names), loss, {c: given[c] for c in names})


# --- the chunked shortfall job ---------------------------------------------------------------


@dataclass(frozen=True)
class MonteCarloJob:
    """Everything a worker needs to run one chunk (picklable; shipped to dask workers)."""

    countries: tuple[str, ...]
    probabilities: tuple[float, ...]
    severity: Severity
    matrix: np.ndarray  # float32 (n_countries, n_columns)
    seed: int
    n_draws: int
    chunk_size: int
    bins: int

    @property
    def chunks(self) -> list[tuple[int, int]]:
        return chunk_bounds(self.n_draws, self.chunk_size)


def run_chunk(job: MonteCarloJob, chunk_index: int) -> ChunkStats:
    """Sample chunk ``chunk_index`` of ``job`` and reduce it to statistics (pure, deterministic)."""
    start, stop = job.chunks[chunk_index]
    n = stop - start
    losses = loss_rows(job.seed, chunk_index, n, job.countries, job.probabilities, job.severity)
    shortfall = shortfall_rows(job.matrix, losses)
    del losses
    np.clip(shortfall, 0.0, 1.0, out=shortfall)
    return row_stats(shortfall, job.bins)


@dataclass(frozen=True)
class MonteCarloResult(TableResult):
    """Shortfall-share statistics per consumer × commodity × stage (``table``); ``source_ids``
    name the sources of the supply mixes and of the governance estimates behind the disruption
    probabilities that were not given."""

    table: pd.DataFrame
    n_draws: int
    seed: int
    probabilities: dict[str, float]
    backend: str
    source_ids: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The shortfall-share statistics (one row per consumer × commodity × stage)."""
        return self.table.copy()


def _run_local(
    job: MonteCarloJob, progress: bool, on_chunk: Callable[[float], None] | None = None
) -> list[ChunkStats]:
    indices = range(len(job.chunks))
    if on_chunk is not None:
        out_chunks = []
        for i in indices:
            out_chunks.append(run_chunk(job, i))
            on_chunk((i + 1) / len(job.chunks))
        return out_chunks
    if not progress or len(job.chunks) < 2:
        return [run_chunk(job, i) for i in indices]
    from rich.progress import Progress

    out = []
    with Progress(transient=True) as bar:
        task = bar.add_task(f"{job.n_draws:,} draws", total=len(job.chunks))
        for i in indices:
            out.append(run_chunk(job, i))
            bar.advance(task)
    return out


def shortfall_risk(
    ds: SupplyDataset,
    consumers: ConsumerLike | Sequence[ConsumerLike],
    *,
    n_draws: int,
    seed: int,
    commodities: Sequence[str] | None = None,
    stages: Sequence[str] = DEFAULT_STAGES,
    year: YearLike = None,
    probabilities: Mapping[str, float] | None = None,
    severity: str | tuple = "default",
    allocation: str = "trade",
    draw_cap: int | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    on_chunk: Callable[[float], None] | None = None,
) -> MonteCarloResult:
    """Monte Carlo distribution of each consumer's shortfall share, per commodity and stage.

    ``on_chunk(fraction)`` (single-process runs) is called after each chunk with the fraction of
    chunks done, e.g. to report a background job's progress.

    In each draw every supplying country is disrupted with its probability and loses a severity
    share of its supply (country-level events, shared across commodities); a consumer's shortfall
    share is the loss-weighted sum of its pre-shock supply shares (:func:`build_exposure`).
    Draws are processed in fixed chunks (bounded memory); ``workers`` (a dask LocalCluster) or
    ``scheduler`` (address of a running dask scheduler) run the chunks on dask.distributed with
    results identical to the single-process run for the same seed.

    Returns
    -------
    MonteCarloResult
        ``table`` rows: consumer, commodity, stage, year, basis, coverage_share, draws,
        mean_shortfall_share, p50, p95, p99, var95, cvar95, var99, cvar99, stderr.

    Examples
    --------
    >>> r = shortfall_risk(ds, ["IND"], n_draws=100_000, seed=1)  # doctest: +SKIP
    >>> r.table[["commodity", "mean_shortfall_share"]].head()  # doctest: +SKIP
    """
    year = as_year(year)
    n_draws = check_draws(n_draws, draw_cap)
    given = check_probabilities(probabilities or {})
    sev = build_severity(severity)
    params = parameters()
    chunk = int(params["chunk_size"]) if chunk_size is None else int(chunk_size)
    if workers is not None and workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    exposure = build_exposure(ds, consumers, commodities, stages, year, allocation)
    missing = [c for c in exposure.countries if c not in given]
    used = set(exposure.source_ids)
    if missing:
        used.update(column_sources("countries", ["pv", "rl"]))
        given.update({str(k): float(v) for k, v in disruption_probabilities(ds, missing).items()})
    job = MonteCarloJob(
        countries=exposure.countries,
        probabilities=tuple(given[c] for c in exposure.countries),
        severity=sev,
        matrix=exposure.matrix,
        seed=int(seed),
        n_draws=n_draws,
        chunk_size=chunk,
        bins=int(params["histogram_bins"]),
    )
    chunk_bounds(n_draws, chunk)  # validates chunk_size
    if workers is None and scheduler is None:
        parts, backend = _run_local(job, progress, on_chunk), "numpy"
    else:
        from trust_minerals.simulate.distributed import run_chunks

        parts, backend = run_chunks(job, workers=workers, scheduler=scheduler, progress=progress)
    stats = summarise(merge_stats(parts))
    # a column with no supply shares at all (basis 'none') has an unknown shortfall, not 0
    stats.loc[(exposure.columns["basis"] == "none").to_numpy(), :] = np.nan
    table = pd.concat([exposure.columns.reset_index(drop=True), stats], axis=1)
    table.insert(list(table.columns).index("mean_shortfall_share"), "draws", n_draws)
    return MonteCarloResult(
        table,
        n_draws,
        int(seed),
        {c: given[c] for c in exposure.countries},
        backend,
        tuple(sorted(used)),
    )
