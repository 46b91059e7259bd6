"""Stage concentration: shares, HHI (lower and upper bound), top-1/top-3 shares, coverage.

Definitions (DESIGN.md, data rules):

* the **denominator** is the published ``World total`` or the sum of the listed rows (named
  countries + ``Other countries`` + any other aggregate rows) where that sum is larger (USGS rounds
  totals) or no total is published;
* except for sources whose totals are not rounded (:data:`PUBLISHED_TOTAL_SOURCES`, the IEA):
  there the denominator is the published ``World total`` whenever one is published, as in the
  IEA's own "Top 3 share" rows (the tests recompute them). Where the IEA's rows add up to more
  than its total (nickel and graphite refining 2023), the shares of the named countries and
  ``Other countries`` add up to more than 1: ``notes`` says so with both figures, and ``hhi``,
  ``top_share`` and ``top3_share`` are of those same shares (``hhi_upper`` counts the IEA's rest
  of world as one producer). Where they add up to less, the remainder of the total is counted
  with ``Other countries`` (in ``other_share`` and ``hhi_upper``), as the note says. Where the
  named countries together (or one listed row) exceed the total, no share of it is defined: the
  shares and metrics are missing, ``assessable`` is false and ``notes`` says why. So every share
  lies in [0, 1] and ``hhi`` <= ``top_share`` x ``coverage_share`` <= 1. Nothing is
  renormalised;
* ``hhi`` = Σ share² over named countries (a lower bound: unnamed producers are ignored);
* ``hhi_upper`` also counts ``Other countries`` (and each other aggregate row) as one producer;
* ``coverage_share`` = named countries' sum / denominator.

Coverage truth: named countries are not the world unless the world is published. Where neither
a ``World total`` nor an ``Other countries`` quantity is published (e.g. construction sand and
gravel: USGS lists only the United States) and the source does not list every producer (World
Mining Data does), the denominator is unknown, so ``coverage_share``,
``hhi``, ``hhi_upper``, ``top_share`` and ``top3_share`` are missing, ``assessable`` is false and
``notes`` says why; rankings list such a commodity separately as "not assessable".

Stages come from the best published source (:mod:`trust_minerals.metrics.stages`): the USGS
tables, else the IEA table (2023) for refinery stages USGS does not publish; every row carries
its ``source_id`` and ``year``.

Withheld or unavailable values are not zero: the countries concerned are listed in ``withheld``
and a note says that the shares exclude them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals._tables import (
    GROUP_KEYS,
    OTHER_COUNTRIES,
    WORLD_TOTAL,
    TableResult,
    YearLike,
    as_year,
)
from trust_minerals.data.check import total_gaps
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, NoDataError, UnknownNameError

MEASURES = ("production", "capacity", "reserves")
OTHER_SHARE_MISSING = (
    f"other_share unknown: no '{OTHER_COUNTRIES}' quantity is published for this group"
)

#: columns of :func:`concentration_table`
TABLE_COLUMNS = [
    *GROUP_KEYS,
    "world_total",
    "world_total_status",
    "listed_sum",
    "denominator",
    "denominator_basis",
    "top_country",
    "top_share",
    "top3_share",
    "hhi",
    "hhi_upper",
    "coverage_share",
    "other_share",
    "n_countries",
    "withheld",
    "assessable",
    "source_id",
    "notes",
]
#: a source that lists every producing country (its world total is their sum)
COMPLETE_LISTING = "world_mining_data"
#: sources whose world totals are not rounded: the published total is the denominator even where
#: the listed rows add up to more (the IEA's own "Top 3 share" rows divide by it); their figures
#: are compared to the IEA's precision (:data:`trust_minerals.data.check.IEA_STEP`)
PUBLISHED_TOTAL_SOURCES = ("iea_cmde_2024",)
#: why a group whose named countries exceed the published total is not assessed
NAMED_EXCEED_TOTAL = (
    "not assessable: the named countries' rows (or one listed row) add up to more than the "
    "published world total, so shares of it are not defined"
)
#: why a group without a published world is not assessed
NOT_ASSESSABLE = (
    "not assessable: neither a world total nor 'Other countries' is published, "
    "so the named countries are not the world"
)


@dataclass(frozen=True)
class ConcentrationResult(TableResult):
    """Concentration of one commodity × stage × form × year (one unit)."""

    commodity: str
    stage: str
    form: str
    year: int
    measure: str
    unit: str
    world_total: float | None
    denominator: float
    denominator_basis: str
    shares: pd.Series  # named country (ISO3) -> share, sorted descending
    other_share: float
    hhi: float
    hhi_upper: float
    top_country: str | None
    top_share: float
    top3_share: float
    coverage_share: float
    withheld: tuple[str, ...]
    notes: tuple[str, ...]
    assessable: bool = True
    source_id: str = ""

    def to_row(self) -> dict[str, object]:
        """The result as one flat row (for tables, JSON and CSV)."""
        return {
            "commodity": self.commodity,
            "stage": self.stage,
            "form": self.form,
            "year": self.year,
            "measure": self.measure,
            "hhi": self.hhi,
            "hhi_upper": self.hhi_upper,
            "top_country": self.top_country,
            "top_share": self.top_share,
            "top3_share": self.top3_share,
            "coverage_share": self.coverage_share,
            "denominator": self.denominator,
            "unit": self.unit,
            "denominator_basis": self.denominator_basis,
            "withheld": ",".join(self.withheld),
            "assessable": self.assessable,
            "source_id": self.source_id,
            "notes": "; ".join(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row table (see :meth:`to_row`)."""
        return pd.DataFrame([self.to_row()])


def _measure_table(ds: SupplyDataset, measure: str) -> pd.DataFrame:
    if measure not in MEASURES:
        raise UnknownNameError("measure", [measure], list(MEASURES))
    if measure == "production":
        from trust_minerals.metrics.stages import stage_production

        return stage_production(ds)
    return ds.table(measure)


def _in_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of ``year``; stages measured only by the IEA table keep their latest year <= ``year``."""
    from trust_minerals.metrics.stages import IEA_ESTIMATE_YEAR

    if "source_id" not in df:
        return df[df["year"].eq(year)]
    iea = df["source_id"].eq("iea_cmde_2024")
    return df[(~iea & df["year"].eq(year)) | (iea & (year >= IEA_ESTIMATE_YEAR))]


def shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``share`` and ``denominator`` columns to production-like rows.

    ``rows`` may hold several groups (commodity × stage × form × year × unit); each is treated
    separately. Aggregate rows keep their share of the denominator too (``Other countries`` is
    the remainder producer). Rows whose quantity is missing get a missing share.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"commodity": "x", "stage": "mine", "form": "", "year": 2025,
    ...     "unit": "t", "country": ["AAA", "BBB", "World total"],
    ...     "is_aggregate": [False, False, True], "quantity": [3.0, 1.0, 4.0]})
    >>> shares(rows)["share"].tolist()[:2]
    [0.75, 0.25]
    """
    df = rows.copy()
    df["form"] = df["form"].fillna("")
    world_mask = df["country"].eq(WORLD_TOTAL)
    listed = df[~world_mask]
    listed_sum = listed.groupby(GROUP_KEYS, dropna=False)["quantity"].sum(min_count=1)
    world = df[world_mask].groupby(GROUP_KEYS, dropna=False)["quantity"].max()
    denom = pd.concat([listed_sum.rename("listed"), world.rename("world")], axis=1)
    denom["denominator"] = denom[["listed", "world"]].max(axis=1, skipna=True)
    if "source_id" in df and df["source_id"].isin(PUBLISHED_TOTAL_SOURCES).any():
        exact = _published_total_groups(df).reindex(denom.index, fill_value=False)
        named_sum = (
            listed[~listed["is_aggregate"]].groupby(GROUP_KEYS, dropna=False)["quantity"].sum()
        ).reindex(denom.index, fill_value=0.0)
        largest = listed.groupby(GROUP_KEYS, dropna=False)["quantity"].max().reindex(denom.index)
        use_world = exact & denom["world"].notna()
        denom.loc[use_world, "denominator"] = denom.loc[use_world, "world"]
        undefined = use_world & ((named_sum > denom["world"]) | (largest > denom["world"]))
        denom.loc[undefined, "denominator"] = np.nan
    df = df.merge(denom[["denominator"]], left_on=GROUP_KEYS, right_index=True, how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = df["quantity"] / df["denominator"].where(df["denominator"] > 0)
    df["share"] = share.where(~world_mask)
    return df


def _published_total_groups(df: pd.DataFrame) -> pd.Series:
    """Per group: True where every row comes from a source in :data:`PUBLISHED_TOTAL_SOURCES`."""
    if "source_id" not in df:
        return pd.Series(False, index=df.groupby(GROUP_KEYS, dropna=False).size().index)
    return (
        df["source_id"]
        .isin(PUBLISHED_TOTAL_SOURCES)
        .groupby([df[k] for k in GROUP_KEYS], dropna=False)
        .all()
    )


def _gap_note(gap: pd.Series, notes: str, undefined: bool) -> str:
    """What the shares of a published total mean where the listed rows do not add up to it
    (with the figures, unless ``notes`` already gives them; only those where the shares are
    ``undefined``)."""
    fact = f"{gap['statement']}; " if gap["statement"] not in notes else ""
    if undefined:
        return fact.rstrip("; ")
    if gap["gap"] == "exceeds":
        total = gap["listed_sum"] / gap["world_total"]
        return (
            f"{fact}shares are of the published world total (as the IEA's own top-3 shares), "
            f"so with rest of world they add to {total:.3f}, not 1: nothing is renormalised; "
            "hhi, top_share and top3_share are of these shares and hhi_upper counts rest of "
            "world as one producer"
        )
    return (
        f"{fact}shares are of the published world total; the remainder of it is counted with "
        "rest of world in other_share and hhi_upper"
    )


def concentration_table(
    ds: SupplyDataset, *, year: YearLike = None, measure: str = "production"
) -> pd.DataFrame:
    """Concentration of every commodity × stage × form × year × unit group of ``measure``.

    Returns one row per group with the columns in :data:`TABLE_COLUMNS`.
    """
    year = as_year(year)
    df = _measure_table(ds, measure)
    if year is not None:
        df = _in_year(df, year)
    return _table_from_rows(df)


def _table_from_rows(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    df = shares(df)
    world_mask = df["country"].eq(WORLD_TOTAL)
    named = df[~df["is_aggregate"]]
    aggregates = df[df["is_aggregate"] & ~world_mask]
    world_rows = df[world_mask].drop_duplicates(GROUP_KEYS).set_index(GROUP_KEYS)

    groups = df.groupby(GROUP_KEYS, dropna=False)
    out = pd.DataFrame(index=groups.size().index)
    out["denominator"] = groups["denominator"].first()
    out["listed_sum"] = df[~world_mask].groupby(GROUP_KEYS)["quantity"].sum(min_count=1)
    out["world_total"] = world_rows["quantity"]
    out["world_total_status"] = world_rows["status"]
    out["denominator_basis"] = np.where(
        out["world_total"].notna() & out["denominator"].eq(out["world_total"]),
        "world_total",
        "listed_sum",
    )
    named = named.assign(share_sq=named["share"] ** 2)
    aggregates = aggregates.assign(share_sq=aggregates["share"] ** 2)
    named_groups = named.groupby(GROUP_KEYS)
    out["hhi"] = named_groups["share_sq"].sum()
    out["coverage_share"] = named_groups["share"].sum(min_count=1)
    out["n_countries"] = named_groups["quantity"].count()
    agg_groups = aggregates.groupby(GROUP_KEYS)
    out["other_share"] = agg_groups["share"].sum(min_count=1)
    agg_sq = agg_groups["share_sq"].sum()
    out["hhi_upper"] = out["hhi"].fillna(0) + agg_sq.reindex(out.index).fillna(0)
    published = _published_total_groups(df).reindex(out.index, fill_value=False)
    from_published = df["source_id"].isin(PUBLISHED_TOTAL_SOURCES) if "source_id" in df else None
    gaps = total_gaps(df if from_published is None else df[from_published])
    gaps = gaps[(gaps["gap"] != "") & gaps.index.isin(published.index[published])]
    if from_published is None:
        gaps = gaps[:0]
    below = gaps.index[gaps["gap"] == "below"]
    if len(below):  # the remainder of the published total is rest of world (one producer)
        remainder = -gaps.loc[below, "difference"] / gaps.loc[below, "world_total"]
        old_other = out.loc[below, "other_share"].fillna(0.0)
        out.loc[below, "other_share"] = old_other + remainder
        out.loc[below, "hhi_upper"] += (old_other + remainder) ** 2 - old_other**2
    ranked = named.dropna(subset=["share"]).sort_values("share", ascending=False, kind="stable")
    top = ranked.groupby(GROUP_KEYS).head(1).set_index(GROUP_KEYS)
    out["top_country"] = top["country"]
    out["top_share"] = top["share"]
    out["top3_share"] = ranked.groupby(GROUP_KEYS).head(3).groupby(GROUP_KEYS)["share"].sum()
    missing = named[named["quantity"].isna()]
    out["withheld"] = missing.sort_values("country").groupby(GROUP_KEYS)["country"].agg(",".join)
    out["withheld"] = out["withheld"].fillna("")
    notes = world_rows["note"].fillna("")
    excl = notes.str.contains("Excludes U.S.", regex=False)
    out["notes"] = ""
    # the countries are in the withheld column; the note says what that means for the shares
    out.loc[out["withheld"] != "", "notes"] = (
        "shares exclude the countries whose figure is withheld or unavailable (withheld)"
    )
    iea_rows = df["source_id"].eq("iea_cmde_2024") if "source_id" in df else df["year"].lt(0)
    iea_notes = df[iea_rows].groupby(GROUP_KEYS)["note"].first()
    iea_idx = iea_notes.index.intersection(out.index)
    out.loc[iea_idx, "notes"] = (
        out.loc[iea_idx, "notes"] + "; " + iea_notes.loc[iea_idx].fillna("")
    ).str.lstrip("; ")
    excl_idx = excl[excl].index.intersection(out.index)
    out.loc[excl_idx, "notes"] = (
        out.loc[excl_idx, "notes"] + "; world total excludes U.S. production"
    ).str.lstrip("; ")
    others = df[df["country"].eq("Other countries")].groupby(GROUP_KEYS)["quantity"].count()
    source = df["source_id"] if "source_id" in df else pd.Series("", index=df.index)
    out["source_id"] = source.groupby([df[k] for k in GROUP_KEYS]).agg(
        lambda s: ",".join(sorted(set(s.dropna())))
    )
    out["assessable"] = (
        out["world_total"].notna()
        | others.reindex(out.index).fillna(0).gt(0)
        | out["source_id"].eq(COMPLETE_LISTING)
    )
    blind = ~out["assessable"]
    for col in ("hhi", "hhi_upper", "coverage_share", "top_share", "top3_share", "other_share"):
        out.loc[blind, col] = np.nan
    out.loc[blind, "top_country"] = None
    out.loc[blind, "notes"] = (out.loc[blind, "notes"] + "; " + NOT_ASSESSABLE).str.lstrip("; ")
    exceed = published & out["world_total"].notna() & out["denominator"].isna()
    out.loc[exceed, "assessable"] = False
    out.loc[exceed, "denominator_basis"] = "world_total"
    out.loc[exceed, "notes"] = (out.loc[exceed, "notes"] + "; " + NAMED_EXCEED_TOTAL).str.lstrip(
        "; "
    )
    for key in gaps.index.intersection(out.index):
        note = _gap_note(gaps.loc[key], str(out.loc[key, "notes"]), bool(exceed.loc[key]))
        out.loc[key, "notes"] = "; ".join(n for n in (out.loc[key, "notes"], note) if n)
    no_denominator = ~(out["denominator"] > 0)
    for col in ("hhi", "hhi_upper", "coverage_share", "top_share", "top3_share", "other_share"):
        out.loc[no_denominator, col] = np.nan
    out.loc[exceed, "top_country"] = None
    no_quantities = no_denominator & ~exceed
    out.loc[no_quantities, "notes"] = (
        out.loc[no_quantities, "notes"] + "; no usable quantities"
    ).str.lstrip("; ")
    out = out.reset_index()
    out["n_countries"] = out["n_countries"].fillna(0).astype(int)
    return out[TABLE_COLUMNS]


def concentration(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    year: YearLike = None,
    *,
    measure: str = "production",
    form: str | None = None,
) -> ConcentrationResult:
    """Concentration of one commodity at one stage and year.

    Parameters
    ----------
    ds : SupplyDataset
    commodity, stage : str
        Commodity id and stage (``mine``, ``refinery``...). Reserves use stage ``mine``.
    year : int or str, optional
        Default: the latest year with ``measure`` data for the commodity at this stage.
    measure : {"production", "capacity", "reserves"}
    form : str, optional
        Needed only where several forms are published side by side (e.g. iron ore usable ore
        and iron content); the error lists them.

    Examples
    --------
    >>> r = concentration(ds, "rare_earths", "mine", 2025)   # doctest: +SKIP
    >>> r.top_country, round(r.top_share, 2)                 # doctest: +SKIP
    ('CHN', 0.69)
    """
    ds.check_commodities([commodity])
    df = _measure_table(ds, measure)
    df = df[(df["commodity"] == commodity)]
    if df.empty:
        raise NoDataError(f"no {measure} data for commodity {commodity!r}")
    stages = sorted(df["stage"].unique())
    if stage not in stages:
        raise UnknownNameError("stage", [stage], stages, f"{measure} of {commodity}")
    df = df[df["stage"] == stage]
    years = sorted(int(y) for y in df["year"].unique())
    year = as_year(year)
    if year is None:
        year = years[-1]
    if year not in years:
        raise UnknownNameError(
            "year",
            [str(year)],
            [str(y) for y in years],
            f"{measure} of {commodity} at stage {stage}",
        )
    df = df[df["year"] == year]
    forms = sorted(df["form"].fillna("").unique())
    if form is None:
        if len(forms) > 1:
            raise InputError(
                f"{commodity} {stage} {measure} {year} is published in several forms {forms}; choose one with form="
            )
        form = forms[0]
    elif form not in forms:
        raise UnknownNameError("form", [form], forms)
    df = df[df["form"].fillna("") == form]
    units = sorted(df["unit"].unique())
    if len(units) > 1:
        raise InputError(f"{commodity} {stage} {year} mixes units {units}; shares need one unit")
    table = _table_from_rows(df)
    row = table.iloc[0]
    sh = shares(df)
    named = sh[~sh["is_aggregate"]].dropna(subset=["share"]).sort_values("share", ascending=False)
    withheld = tuple(s for s in str(row["withheld"]).split(",") if s)
    return ConcentrationResult(
        commodity=commodity,
        stage=stage,
        form=form,
        year=year,
        measure=measure,
        unit=units[0],
        world_total=None if pd.isna(row["world_total"]) else float(row["world_total"]),
        denominator=float(row["denominator"]),
        denominator_basis=str(row["denominator_basis"]),
        shares=pd.Series(
            named["share"].to_numpy(), index=named["country"].to_numpy(), name="share"
        ),
        other_share=float(row["other_share"]) if pd.notna(row["other_share"]) else float("nan"),
        hhi=float(row["hhi"]),
        hhi_upper=float(row["hhi_upper"]),
        top_country=None if pd.isna(row["top_country"]) else str(row["top_country"]),
        top_share=float(row["top_share"]),
        top3_share=float(row["top3_share"]),
        coverage_share=float(row["coverage_share"]),
        withheld=withheld,
        notes=tuple(n for n in str(row["notes"]).split("; ") if n)
        + (
            (OTHER_SHARE_MISSING,)
            if pd.isna(row["other_share"]) and bool(row["assessable"])
            else ()
        ),
        assessable=bool(row["assessable"]),
        source_id=str(row["source_id"]),
    )
