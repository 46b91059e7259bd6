"""Arrays for simulation, built from the dataset at the edge (never stored beside it).

* :func:`producer_shares` -- each named producer's share of a commodity at a stage (the shared
  denominator rule of :mod:`trust_minerals.metrics.concentration`);
* consumers (``USA``, ``IND``, ``MSP``, ``usa_ind``, ``USA+IND``, any ISO3) are read by
  :func:`trust_minerals.countries.resolve_consumers`
  → its member countries;
* :func:`supply_mix` -- a consumer's pre-shock supply shares by exporting country, from BACI
  import quantities in the stage's forms, the US import sources, or the world production shares
  where it has no trade data; :func:`build_supply_mixes` does it for many commodity × stage pairs
  (the one rule behind ``risk``, ``criticality`` and ``optimize`` too);
* :func:`build_exposure` -- the (countries × consumer·commodity·stage) matrix of supply shares that
  the Monte Carlo multiplies by the sampled losses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals._tables import YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumers
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError
from trust_minerals.forms import form_stages, stage_hs6
from trust_minerals.metrics.concentration import shares as _shares
from trust_minerals.metrics.stages import stage_production
from trust_minerals.metrics.trade import quantity_basis
from trust_minerals.simulate.materiality import trade_immaterial
from trust_minerals.simulate.us_imports import (
    _us_import_quantity,
    _us_import_sources,
    _usitc_mix,
    usitc_cross_check,
)
from trust_minerals.sources import used_source_ids

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
    source_ids: tuple[str, ...] = ()


def latest_year(ds: SupplyDataset, commodity: str, stage: str) -> int | None:
    """Latest year with production rows of ``commodity`` at ``stage`` (None when there are none);
    stages USGS does not publish come from the IEA table
    (:func:`trust_minerals.metrics.stages.stage_production`)."""
    prod = stage_production(ds)
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
    prod = stage_production(ds)
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
        named_forms = forms[~forms["is_aggregate"]]  # a year may list only aggregate rows
        form = str((named_forms if len(named_forms) else forms).groupby("form").size().idxmax())
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
        source_ids=used_source_ids(rows),
    )


def shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Production rows with ``share`` and ``denominator`` (the project-wide rule)."""
    return _shares(rows)


@dataclass(frozen=True)
class SupplyMix:
    """A consumer's pre-shock supply shares by supplying country and where they come from.

    ``shares`` may sum to less than 1 (the rest is unassigned: ``Other countries``, withheld
    producers). ``basis`` names the data used (``trade 2023 (quantity)``, ``usgs import sources
    2021-24 (Combined total)``, ``world 2023``, ``world mining data 2023``, or ``none``);
    ``import_quantity`` is the consumer's BACI import quantity (t/yr) in the years used, NaN when
    the shares do not come from trade with known quantities; ``note`` explains a fallback;
    ``source_ids`` name the sources of the rows read (shares and import quantity).
    """

    shares: pd.Series
    basis: str
    import_quantity: float
    note: str = ""
    source_ids: tuple[str, ...] = ()


def _trade_mix(
    flows: pd.DataFrame,
    members: Sequence[str],
    year: int,
    max_age: int,
    factors: dict[str, float] | None = None,
) -> tuple[pd.Series, str, float, list[str], tuple[str, ...], pd.DataFrame] | None:
    """Shares from BACI flows (already one commodity × stage), each member at its own year.

    ``factors`` (HS6 -> content factor, :func:`~trust_minerals.metrics.trade.quantity_basis`)
    weighs the quantities of a stage's forms onto one content basis before they are added; an
    empty dict means the forms share no basis, so the shares are of value (quantities are not
    added). ``None``: the flows are not forms of the forms table (gross tonnes, as traded). The
    last item is the flows used, in gross tonnes (for :func:`trade_immaterial`)."""
    t = flows[flows["importer"].isin(members) & ~flows["exporter"].isin(members)]
    if t.empty:
        return None
    picked, stale = [], []
    for member, rows in t.groupby("importer", sort=True):
        years = rows["year"].unique()
        before = years[years <= year]
        use = int(before.max()) if len(before) else int(years.min())
        if abs(use - year) > max_age:
            stale.append(f"{member} {use}")
            continue
        picked.append(rows[rows["year"] == use])
    if not picked:
        return None
    used = gross = pd.concat(picked)
    if factors:  # quantities on the stage's common content basis
        used = used.assign(quantity=used["quantity"] * used["hs6"].astype(str).map(factors))
    quantity_known = factors != {} and bool(
        used["quantity"].notna().all() and used["quantity"].sum() > 0
    )
    column = "quantity" if quantity_known else "value_usd"
    by = used.groupby("exporter")[column].sum(min_count=1).dropna()
    if not by.sum() > 0:
        return None
    lo, hi = int(used["year"].min()), int(used["year"].max())
    span = str(lo) if lo == hi else f"{lo}-{hi}"
    qty = float(used["quantity"].sum()) if quantity_known else float("nan")
    shares = (by / by.sum()).sort_values(ascending=False)
    return shares, f"trade {span} ({column})", qty, stale, used_source_ids(used), gross


def _world_mix(
    ds: SupplyDataset, members: Sequence[str], commodity: str, stage: str, year: int
) -> tuple[pd.Series, str, tuple[str, ...]] | None:
    """World production shares in the latest year <= ``year`` with published named shares (USGS),
    else World Mining Data (all stages); None when neither has a known share."""
    prod = stage_production(ds)
    years = sorted(
        set(prod.loc[(prod["commodity"] == commodity) & (prod["stage"] == stage), "year"]),
        key=lambda y: (y > year, -y if y <= year else y),
    )
    for y in years:
        ps = producer_shares(ds, commodity, stage, int(y))
        if len(ps.shares) and ps.shares.sum() > 0:
            drop = [m for m in members if m in ps.shares.index]
            return ps.shares.drop(labels=drop), f"world {ps.year}", ps.source_ids
    if stage not in ("mine", *prod.loc[prod["commodity"] == commodity, "stage"]):
        return None  # World Mining Data counts mine output: never a stand-in for another stage
    wmd = ds.production_wmd
    rows = wmd[(wmd["commodity"] == commodity) & wmd["quantity"].notna()]
    if rows.empty:
        return None
    wy = rows["year"].unique()
    before = wy[wy <= year]
    use = int(before.max()) if len(before) else int(wy.min())
    rows = rows[rows["year"] == use]
    by = rows.groupby("country")["quantity"].sum()
    if not by.sum() > 0:
        return None
    shares = (by / by.sum()).drop(labels=[m for m in members if m in by.index])
    return shares.sort_values(ascending=False), f"world mining data {use}", used_source_ids(rows)


def build_supply_mix(
    ds: SupplyDataset,
    members: Sequence[str],
    commodity: str,
    stage: str,
    year: int,
    allocation: str = "trade",
    *,
    flows: pd.DataFrame | None = None,
) -> SupplyMix:
    """Pre-shock supply shares of a consumer (``members``) by supplying country, with the basis.

    ``allocation='trade'`` tries, in order, and says in ``basis`` (and ``note``) which it used:

    1. the consumer's BACI imports at that stage, each member in its latest trade year <=
       ``year`` (else its earliest after), flows between members excluded, quantities where every
       flow has one and the stage's forms share a content basis (forms table; each form weighed
       by its content factor, else values, and the note says which); a member whose trade year is more than ``max_trade_age_years``
       (parameters.csv, assumption) from ``year`` is left out as stale; imports below
       ``min_import_share`` of the consumer's imports of the commodity in all traded forms (by
       value, :func:`~trust_minerals.simulate.materiality.trade_immaterial`) are too small to
       stand for the mix: the note says so with both figures and the next step is taken;
    2. for the USA alone: the published shares of US imports (USGS MCS import sources), with a
       USITC DataWeb cross-check in the note where the stage's forms have a heading;
       else US imports by partner in the USITC DataWeb heading of the stage's forms where that
       heading holds those forms only (shares of the 18 listed partners, stated as such), unless
       they are below ``min_import_share`` (parameters.csv, assumption) of all US imports of the
       commodity: then the note says so and the next step is taken;
    3. the world market: world production shares at the stage (latest year <= ``year`` with
       published named shares; World Mining Data where USGS withholds them), i.e. the consumer
       buys in proportion to world supply;
    4. none: empty shares, ``basis='none'`` (callers report the result as missing, never 0).

    ``allocation='world'`` starts at step 3. ``flows`` may pass the trade rows of this commodity
    and stage (a speed-up for callers looping over consumers).

    Examples
    --------
    >>> build_supply_mix(ds, ["USA"], "germanium", "refinery", 2023).basis  # doctest: +SKIP
    'usgs import sources 2021-24 (Combined total)'
    """
    from trust_minerals.simulate.params import parameters

    if allocation not in ALLOCATIONS:
        raise UnknownNameError("allocation", [allocation], list(ALLOCATIONS))
    notes: list[str] = []
    read: tuple[str, ...] = ()  # sources of rows read by a step that was not used
    if allocation == "trade":
        if flows is None:
            trade = ds.trade
            flows = trade[(trade["commodity"] == commodity) & (trade["stage"] == stage)]
        factors: dict[str, float] | None = None
        q_note = ""
        if stage in form_stages(ds, commodity):  # the stage's own forms only (forms table)
            codes = stage_hs6(ds, commodity, stage)
            flows = flows[flows["hs6"].isin(codes)]
            if flows.empty:
                notes.append(_no_forms_note(ds, commodity, stage, codes))
            else:  # forms are added on a common content basis, else compared by value
                traded = sorted(set(flows["hs6"].astype(str)))
                found_factors, q_basis = quantity_basis(ds, commodity, stage, traded)
                factors = found_factors or {}
                q_note = f"quantities: {q_basis}" if len(traded) > 1 else ""
        max_age = int(parameters()["max_trade_age_years"])
        found = _trade_mix(flows, members, year, max_age, factors)
        small = ""
        if found is not None:
            shares, basis, qty, stale, ids, used = found
            small, ref_ids = trade_immaterial(ds, members, commodity, stage, used)
            if not small:
                stale_note = f"left out stale trade of {', '.join(stale)}" if stale else ""
                note = "; ".join(n for n in (stale_note, q_note) if n)
                return SupplyMix(shares, basis, qty, note, ids)
            notes.append(small)  # too small to stand for the mix: the next step is taken
            read = tuple(sorted({*ids, *ref_ids}))
        elif not flows.empty:
            last = flows.loc[flows["importer"].isin(members), "year"]
            notes.append(
                f"no BACI {commodity} {stage} imports within {max_age} years of {year}"
                + (f" (latest {int(last.max())})" if len(last) else "")
            )
        elif not notes:
            notes.append(f"no BACI {commodity} {stage} imports in the trade table")
        if list(members) == ["USA"]:
            us = _us_import_sources(ds, commodity, stage)
            if us is not None:
                qty, qty_note, qty_ids = _us_import_quantity(ds, commodity, us[1], year)
                notes.extend([us[2], qty_note, usitc_cross_check(ds, commodity, stage, year)])
                ids = tuple(sorted({*us[3], *qty_ids, *read}))
                return SupplyMix(us[0], us[1], qty, "; ".join(n for n in notes if n), ids)
            usitc = _usitc_mix(ds, commodity, stage, year, max_age)
            if usitc is not None:
                notes.append(usitc[2])
                ids = tuple(sorted({*usitc[3], *read}))
                if usitc[1]:  # an empty basis: flows too small to stand for the mix (note)
                    return SupplyMix(usitc[0], usitc[1], float("nan"), "; ".join(notes), ids)
                read = ids
    world = _world_mix(ds, members, commodity, stage, year)
    if world is not None:
        if notes:
            notes.append("allocated in proportion to the world market")
        ids = tuple(sorted({*world[2], *read}))
        return SupplyMix(world[0], world[1], float("nan"), "; ".join(notes), ids)
    notes.append("no world production shares at this stage either (not published or withheld)")
    return SupplyMix(pd.Series(dtype=float), "none", float("nan"), "; ".join(notes))


#: the bases that describe the consumer's own purchases (``world ...`` and ``none`` do not)
CONSUMER_BASES = ("trade", "usgs import sources", "usitc dataweb")


def is_consumer_basis(basis: str) -> bool:
    """True when a :class:`SupplyMix` basis describes the consumer's own imports (trade in the
    stage's forms, USGS import sources, USITC DataWeb), False for world shares or none.

    Examples
    --------
    >>> is_consumer_basis("trade 2024 (quantity)"), is_consumer_basis("world 2023")
    (True, False)
    """
    return basis.startswith(CONSUMER_BASES)


@dataclass(frozen=True)
class SupplyMixes:
    """:class:`SupplyMix` of one consumer for many commodity × stage pairs, as two tables.

    ``shares``: commodity, stage, country, share (long; one row per supplying country);
    ``basis``: commodity, stage, year, basis, note, import_quantity, consumer_basis (one row per
    pair; ``consumer_basis`` is :func:`is_consumer_basis` of ``basis``); ``source_ids``: the
    sources of the rows read for all pairs.
    """

    shares: pd.DataFrame
    basis: pd.DataFrame
    source_ids: tuple[str, ...] = ()


_HS6_FIRST_KEY = "_trade_hs6_first_rows"


def _hs6_first_rows(ds: SupplyDataset) -> pd.Index:
    """Index of the first trade row of every HS6 code (derived once per dataset)."""
    cached = ds._cache.get(_HS6_FIRST_KEY)
    if cached is None:
        trade = ds._frame("trade")
        cached = trade[~trade["hs6"].duplicated().to_numpy()]
        ds._cache[_HS6_FIRST_KEY] = cached
    return cached.index


def build_supply_mixes(
    ds: SupplyDataset,
    members: Sequence[str],
    pairs: pd.DataFrame,
    allocation: str = "trade",
) -> SupplyMixes:
    """:func:`build_supply_mix` for every row of ``pairs`` (columns commodity, stage, year).

    The one rule used by ``simulate``, ``risk``, ``criticality`` and ``optimize``: each stage is
    measured on its own forms, with the fallbacks of :func:`build_supply_mix` named in ``basis``
    and ``note``. The trade table is split by commodity × stage once.

    Examples
    --------
    >>> pairs = pd.DataFrame({"commodity": ["nickel"], "stage": ["refinery"], "year": [2024]})
    >>> build_supply_mixes(ds, ["USA"], pairs).basis["basis"].iloc[0]  # doctest: +SKIP
    'usgs import sources 2021-24 (Primary nickel)'
    """
    pairs = pairs[["commodity", "stage", "year"]].drop_duplicates(["commodity", "stage"])
    trade = ds._frame("trade")
    # the consumer's own imports, plus one row of every HS6 code the table holds (so that "the
    # extract holds no such forms" is told apart from "the consumer imports none"): the rest of
    # the table changes nothing in the mix, and splitting 1.1 M rows is the slow part
    mine = trade.index[trade["importer"].isin(list(members)).to_numpy()]
    trade = trade.loc[mine.union(_hs6_first_rows(ds))]
    trade = trade[trade["commodity"].isin(set(pairs["commodity"]))]
    flows_by = {key: g for key, g in trade.groupby(["commodity", "stage"], sort=False)}
    empty = trade.iloc[:0]
    share_parts: list[pd.DataFrame] = []
    rows: list[dict[str, object]] = []
    ids: set[str] = set()
    for commodity, stage, year in pairs.itertuples(index=False):
        sm = build_supply_mix(
            ds,
            members,
            str(commodity),
            str(stage),
            int(year),
            allocation,
            flows=flows_by.get((commodity, stage), empty),
        )
        ids.update(sm.source_ids)
        share_parts.append(
            pd.DataFrame(
                {
                    "commodity": commodity,
                    "stage": stage,
                    "country": sm.shares.index.astype(str),
                    "share": sm.shares.to_numpy(dtype=float),
                }
            )
        )
        rows.append(
            {
                "commodity": commodity,
                "stage": stage,
                "year": int(year),
                "basis": sm.basis,
                "note": sm.note,
                "import_quantity": sm.import_quantity,
                "consumer_basis": is_consumer_basis(sm.basis),
            }
        )
    share_cols = ["commodity", "stage", "country", "share"]
    shares = (
        pd.concat(share_parts, ignore_index=True)
        if share_parts
        else pd.DataFrame(columns=share_cols)
    )
    basis = pd.DataFrame(
        rows,
        columns=[
            "commodity",
            "stage",
            "year",
            "basis",
            "note",
            "import_quantity",
            "consumer_basis",
        ],
    )
    return SupplyMixes(shares[share_cols], basis, tuple(sorted(ids)))


def _no_forms_note(ds: SupplyDataset, commodity: str, stage: str, codes: tuple[str, ...]) -> str:
    """Why there is no trade at ``stage``: no coded form, or the bundled extract lacks the codes."""
    if not codes:
        return f"no {stage} form of {commodity} has an HS6 code of its own (forms table)"
    return (
        f"the bundled BACI extract holds no {commodity} {stage} forms "
        f"(HS {', '.join(codes)}; import a full BACI file with 'trust data import-baci')"
    )


def supply_mix(
    ds: SupplyDataset,
    members: Sequence[str],
    commodity: str,
    stage: str,
    year: int,
    allocation: str = "trade",
) -> tuple[pd.Series, str]:
    """``(shares, basis)`` of :func:`build_supply_mix`.

    Examples
    --------
    >>> supply_mix(ds, ["IND"], "cobalt", "refinery", 2024)[1]  # doctest: +SKIP
    'trade 2024 (quantity)'
    """
    mix = build_supply_mix(ds, members, commodity, stage, year, allocation)
    return mix.shares, mix.basis


@dataclass(frozen=True)
class Exposure:
    """Supply shares: ``matrix[i, k]`` = share of column ``k``'s supply from ``countries[i]``."""

    countries: tuple[str, ...]
    columns: pd.DataFrame  # consumer, commodity, stage, year, basis, coverage_share
    matrix: np.ndarray  # float32, (n_countries, n_columns)
    source_ids: tuple[str, ...] = ()  # the sources of every column's supply mix


def build_exposure(
    ds: SupplyDataset,
    consumers: ConsumerLike | Sequence[ConsumerLike],
    commodities: Sequence[str] | None = None,
    stages: Sequence[str] = DEFAULT_STAGES,
    year: YearLike = None,
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
    from trust_minerals.schema import vocabulary

    stages = list(stages)
    bad_stages = [s for s in stages if s not in vocabulary("stage")]
    if bad_stages or not stages:
        raise UnknownNameError("stage", bad_stages or ["(none)"], list(vocabulary("stage")))
    year = as_year(year)
    members = {c.name.upper(): c.members for c in resolve_consumers(ds, consumers)}
    prod = stage_production(ds)
    if year is not None:
        years = prod.loc[prod["stage"].isin(stages) & ~prod["is_aggregate"], "year"]
        if not (years == year).any():  # never run another year in its place
            raise UnknownNameError(
                f"year with production at {'/'.join(stages)}",
                [str(year)],
                [str(y) for y in sorted(set(years.dropna().astype(int)))],
            )
    available = prod[prod["stage"].isin(stages) & ~prod["is_aggregate"]][
        ["commodity", "stage"]
    ].drop_duplicates()
    # a stage with traded forms but no published production (refined antimony) is measured too:
    # its supply mix comes from the forms' trade or the US import sources, never from ore trade
    forms = ds._frame("forms")
    traded = forms[
        forms["stage"].isin(stages) & forms["commodity"].isin(set(available["commodity"]))
    ][["commodity", "stage"]].drop_duplicates()
    available = pd.concat([available, traded], ignore_index=True).drop_duplicates()
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
    used: set[str] = set()
    trade = ds.trade
    trade = trade[trade["commodity"].isin(set(available["commodity"]))]
    flows_by = {key: g for key, g in trade.groupby(["commodity", "stage"], sort=False)}
    empty = trade.iloc[:0]
    for commodity, stage in sorted(available.itertuples(index=False)):
        y = (
            year
            if year is not None
            and not prod[
                (prod["commodity"] == commodity) & (prod["stage"] == stage) & (prod["year"] == year)
            ].empty
            else latest_year(ds, commodity, stage)
        )
        if y is None:  # traded forms without production: the commodity's latest year
            y = (
                year
                if year is not None
                else int(prod.loc[prod["commodity"] == commodity, "year"].max())
            )
        for consumer, mem in members.items():
            sm = build_supply_mix(
                ds,
                mem,
                commodity,
                stage,
                y,
                allocation,
                flows=flows_by.get((commodity, stage), empty),
            )
            mix = sm.shares[sm.shares.index.isin(known)]
            used.update(sm.source_ids)
            basis = sm.basis
            if year is not None and y != year:
                basis = f"{basis}; no {commodity} {stage} data for {year}, latest year {y} used"
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
        tuple(sorted(used)),
    )
