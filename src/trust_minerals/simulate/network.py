"""Arrays for simulation, built from the dataset at the edge (never stored beside it).

* :func:`producer_shares` -- each named producer's share of a commodity at a stage (the shared
  denominator rule of :mod:`trust_minerals.metrics.concentration`);
* :func:`resolve_consumers` -- a consumer name (``USA``, ``IND``, ``MSP``, ``usa_ind``, any ISO3)
  → its member countries;
* :func:`supply_mix` -- a consumer's pre-shock supply shares by exporting country, from BACI
  import quantities at that stage, or the world production shares where it has no trade data;
* :func:`build_exposure` -- the (countries × consumer·commodity·stage) matrix of supply shares that
  the Monte Carlo multiplies by the sampled losses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.concentration import shares as _shares

GROUPS = ("msp", "quad", "g7", "eu", "oecd", "usa_ind")
ALLOCATIONS = ("trade", "world")
DEFAULT_STAGES = ("mine", "refinery")


@dataclass(frozen=True)
class ProducerShares:
    """Named producers' shares of one commodity × stage × year (``other_share`` is the rest)."""

    commodity: str
    stage: str
    year: int
    unit: str
    denominator: float
    shares: pd.Series  # ISO3 -> share (named countries with a published quantity)
    other_share: float
    withheld: tuple[str, ...]


def latest_year(ds: SupplyDataset, commodity: str, stage: str) -> int | None:
    """Latest year with production rows of ``commodity`` at ``stage`` (None when there are none)."""
    prod = ds.production
    years = prod.loc[(prod["commodity"] == commodity) & (prod["stage"] == stage), "year"]
    return None if years.empty else int(years.max())


def producer_shares(
    ds: SupplyDataset, commodity: str, stage: str, year: int | None = None
) -> ProducerShares:
    """Named producers' shares of world production.

    Where a stage is published in several forms, the form ``''`` is used if present, else the one
    with the most named countries. Withheld producers are listed in ``withheld`` (their share is
    unknown and stays in ``other_share``, never 0).

    Examples
    --------
    >>> producer_shares(ds, "cobalt", "mine", 2025).shares.head(1)  # doctest: +SKIP
    """
    ds.check_commodities([commodity], "producer_shares")
    year = latest_year(ds, commodity, stage) if year is None else year
    prod = ds.production
    rows = prod[
        (prod["commodity"] == commodity) & (prod["stage"] == stage) & (prod["year"] == year)
    ]
    if rows.empty:
        have = prod[prod["commodity"] == commodity][["stage", "year"]].drop_duplicates()
        raise UnknownNameError(
            f"stage/year for {commodity}",
            [f"{stage} {year}"],
            sorted(f"{s} {y}" for s, y in have.itertuples(index=False)),
        )
    forms = rows.assign(form=rows["form"].fillna(""))
    if (forms["form"] == "").any():
        form = ""
    else:
        form = str(forms[~forms["is_aggregate"]].groupby("form").size().idxmax())
    rows = shares(forms[forms["form"] == form])
    named = rows[~rows["is_aggregate"]]
    known = named.dropna(subset=["share"])
    share = known.groupby("country")["share"].sum().sort_values(ascending=False)
    denominator = (
        float(rows["denominator"].iloc[0]) if rows["denominator"].notna().any() else float("nan")
    )
    return ProducerShares(
        commodity=commodity,
        stage=stage,
        year=int(year),  # type: ignore[arg-type]
        unit=str(rows["unit"].iloc[0]),
        denominator=denominator,
        shares=share,
        other_share=float(max(0.0, 1.0 - share.sum())) if len(share) else 1.0,
        withheld=tuple(named.loc[named["share"].isna(), "country"]),
    )


def shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Production rows with ``share`` and ``denominator`` (the project-wide rule)."""
    return _shares(rows)


def group_members(ds: SupplyDataset, group: str) -> list[str]:
    """Member ISO3s of a partner group (``msp``, ``quad``, ``g7``, ``eu``, ``oecd``, ``usa_ind``)."""
    try:
        from trust_minerals.data.ingest import reference
    except ImportError:  # pragma: no cover - the reference module ships with the package
        reference = None  # type: ignore[assignment]
    if reference is not None and hasattr(reference, "group_members"):
        return list(reference.group_members(ds.countries, group))
    if group == "usa_ind":
        return ["USA", "IND"]
    countries = ds.countries
    return countries.loc[countries[group].astype(bool), "country"].tolist()


def resolve_consumers(ds: SupplyDataset, names: Sequence[str]) -> dict[str, list[str]]:
    """Consumer name → member ISO3s. A name is an ISO3 code or a group (MSP, QUAD, G7, EU, OECD,
    USA_IND, case-insensitive). Unknown names raise :class:`UnknownNameError` naming them all.

    Examples
    --------
    >>> resolve_consumers(ds, ["USA", "MSP"])["USA"]  # doctest: +SKIP
    ['USA']
    """
    known = set(ds.country_ids())
    out: dict[str, list[str]] = {}
    bad = []
    for raw in names:
        name = raw.strip()
        if name.upper() in known:
            out[name.upper()] = [name.upper()]
        elif name.lower() in GROUPS:
            members = group_members(ds, name.lower())
            if not members:
                raise InputError(f"consumer group {name!r} has no members in the countries table")
            out[name.upper()] = members
        else:
            bad.append(name)
    if bad:
        raise UnknownNameError("consumer", bad, sorted(known) + [g.upper() for g in GROUPS])
    if not out:
        raise InputError("at least one consumer is needed (e.g. USA,IND)")
    return out


def supply_mix(
    ds: SupplyDataset,
    members: Sequence[str],
    commodity: str,
    stage: str,
    year: int,
    allocation: str = "trade",
) -> tuple[pd.Series, str]:
    """Pre-shock supply shares of a consumer by exporting country, and the basis used.

    ``allocation='trade'`` uses the consumer's BACI import quantities (value where no quantity) at
    that stage in the latest trade year ≤ ``year`` (else the earliest after), excluding trade
    between members; with no trade data it falls back to ``'world'``: the world production shares
    (the consumer buys in proportion to the world market). Shares may sum to less than 1 (the
    rest is unassigned production: ``Other countries``, withheld producers).
    """
    if allocation not in ALLOCATIONS:
        raise UnknownNameError("allocation", [allocation], list(ALLOCATIONS))
    if allocation == "trade":
        trade = ds.trade
        t = trade[
            (trade["commodity"] == commodity)
            & (trade["stage"] == stage)
            & trade["importer"].isin(members)
            & ~trade["exporter"].isin(members)
        ]
        if not t.empty:
            years = t["year"].unique()
            before = [y for y in years if y <= year]
            use = max(before) if before else min(years)
            t = t[t["year"] == use]
            column = (
                "quantity"
                if t["quantity"].notna().any() and t["quantity"].sum() > 0
                else "value_usd"
            )
            by = t.groupby("exporter")[column].sum(min_count=1).dropna()
            if by.sum() > 0:
                return (by / by.sum()).sort_values(ascending=False), f"trade {use} ({column})"
    ps = producer_shares(ds, commodity, stage, year)
    return ps.shares.drop(labels=[m for m in members if m in ps.shares.index]), f"world {ps.year}"


@dataclass(frozen=True)
class Exposure:
    """Supply shares: ``matrix[i, k]`` = share of column ``k``'s supply from ``countries[i]``."""

    countries: tuple[str, ...]
    columns: pd.DataFrame  # consumer, commodity, stage, year, basis, coverage_share
    matrix: np.ndarray  # float32, (n_countries, n_columns)


def build_exposure(
    ds: SupplyDataset,
    consumers: Sequence[str],
    commodities: Sequence[str] | None = None,
    stages: Sequence[str] = DEFAULT_STAGES,
    year: int | None = None,
    allocation: str = "trade",
) -> Exposure:
    """The exposure matrix of every consumer × commodity × stage with production data.

    ``commodities`` defaults to every commodity with production at one of ``stages``; a given
    commodity with no production at any of the stages raises :class:`UnknownNameError`.
    Supplying countries missing from the ``countries`` table cannot be given a disruption
    probability; their share is left out of the matrix and shows as ``coverage_share`` < 1.

    Examples
    --------
    >>> e = build_exposure(ds, ["IND"], ["cobalt"])  # doctest: +SKIP
    >>> e.matrix.shape  # doctest: +SKIP
    (25, 2)
    """
    members = resolve_consumers(ds, consumers)
    prod = ds.production
    available = prod[prod["stage"].isin(stages) & ~prod["is_aggregate"]][
        ["commodity", "stage"]
    ].drop_duplicates()
    if commodities is not None:
        ds.check_commodities(commodities, "commodities")
        missing = [c for c in commodities if c not in set(available["commodity"])]
        if missing:
            raise UnknownNameError(
                f"commodity with production at {'/'.join(stages)}",
                missing,
                sorted(set(available["commodity"])),
            )
        available = available[available["commodity"].isin(commodities)]
    known = set(ds.country_ids())
    cols: list[dict[str, object]] = []
    mixes: list[pd.Series] = []
    for commodity, stage in sorted(available.itertuples(index=False)):
        y = (
            year
            if year is not None
            and not prod[
                (prod["commodity"] == commodity) & (prod["stage"] == stage) & (prod["year"] == year)
            ].empty
            else latest_year(ds, commodity, stage)
        )
        assert y is not None
        for consumer, mem in members.items():
            mix, basis = supply_mix(ds, mem, commodity, stage, y, allocation)
            mix = mix[mix.index.isin(known)]
            cols.append(
                {
                    "consumer": consumer,
                    "commodity": commodity,
                    "stage": stage,
                    "year": y,
                    "basis": basis,
                    "coverage_share": float(mix.sum()),
                }
            )
            mixes.append(mix)
    countries = tuple(sorted(set().union(*[set(m.index) for m in mixes]))) if mixes else ()
    index = {c: i for i, c in enumerate(countries)}
    matrix = np.zeros((len(countries), len(cols)), dtype=np.float32)
    for k, mix in enumerate(mixes):
        matrix[[index[c] for c in mix.index], k] = mix.to_numpy(dtype=np.float32)
    return Exposure(
        countries,
        pd.DataFrame(
            cols, columns=["consumer", "commodity", "stage", "year", "basis", "coverage_share"]
        ),
        matrix,
    )
