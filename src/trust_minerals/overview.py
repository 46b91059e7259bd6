"""The overview: every listed critical mineral, stage by stage, with its concentration.

``trust overview`` (and ``make run``) prints :func:`overview`; the dashboard's first page shows
:func:`overview_with_exposure` (the same rows with partner exposure and a criticality score).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from trust_minerals._tables import TableResult, YearLike, as_year
from trust_minerals.countries import ConsumerLike
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import TrustMineralsError, UnknownNameError
from trust_minerals.labels import list_labels
from trust_minerals.metrics.concentration import concentration_table
from trust_minerals.sources import column_sources

OVERVIEW_COLUMNS = [
    "commodity",
    "stage",
    "form",
    "year",
    "world_total",
    "unit",
    "top_country",
    "top_share",
    "top3_share",
    "hhi",
    "hhi_upper",
    "coverage_share",
    "msp_share",
    "export_controlled",
    "lists",
    "assessable",
    "source_id",
    "notes",
]
LIST_FLAGS = list_labels("short_label")
"""List id -> short label (``data/spec/lists.csv``)."""


def overview(
    ds: SupplyDataset, *, year: YearLike = None, include_all: bool = False
) -> pd.DataFrame:
    """Concentration of every commodity on the US 2025 or India 2023 list (all with ``include_all``).

    One row per commodity × stage × form with production data in ``year`` (default: the latest
    year of the production table); refinery stages USGS does not publish come from the IEA table
    (2023, ``source_id`` says so). A listed commodity with no production data for that year gets
    one row saying so, rather than disappearing. Groups whose world is not published
    (``assessable`` false: no world total, no 'Other countries') come after the assessable rows,
    with missing concentration and the reason in ``notes``.

    Examples
    --------
    >>> overview(ds, year=2025).query("commodity == 'cobalt'")   # doctest: +SKIP
    """
    year = as_year(year)
    prod = ds.production
    if year is None:
        year = int(prod["year"].max())
    elif year not in set(prod["year"].unique()):
        raise UnknownNameError(
            "year", [str(year)], [str(y) for y in sorted(prod["year"].unique())], "production"
        )
    commodities = ds.commodities
    if not include_all:
        commodities = commodities[commodities["us_2025"] | commodities["india_2023"]]
    wanted = set(commodities["commodity"])
    table = concentration_table(ds.select(commodity=sorted(wanted)) if wanted else ds, year=year)
    table = table[table["commodity"].isin(wanted)].copy()

    countries = ds.countries
    msp = set(countries.loc[countries["msp"], "country"])
    sh = _named_shares(ds, year, wanted)
    msp_share = (
        sh[sh["country"].isin(msp)].groupby(["commodity", "stage", "form", "unit"])["share"].sum()
    )
    table = table.merge(
        msp_share.rename("msp_share"),
        left_on=["commodity", "stage", "form", "unit"],
        right_index=True,
        how="left",
    )
    table["msp_share"] = table["msp_share"].fillna(0.0).where(table["coverage_share"].notna())

    controls = ds.export_controls
    controlled = set(zip(controls["country"], controls["commodity"], strict=True))
    table["export_controlled"] = [
        (c, m) in controlled if isinstance(c, str) else False
        for c, m in zip(table["top_country"], table["commodity"], strict=True)
    ]
    flags = commodities.set_index("commodity")
    table["lists"] = table["commodity"].map(
        lambda c: ",".join(label for col, label in LIST_FLAGS.items() if bool(flags.at[c, col]))
    )
    status_note = table["world_total_status"].fillna("missing").map(lambda s: f"world total {s}")
    table["notes"] = [
        "; ".join(p for p in (a, b) if p)
        for a, b in zip(status_note, table["notes"].fillna(""), strict=True)
    ]
    missing = sorted(wanted - set(table["commodity"]))
    if missing:
        extra = pd.DataFrame(
            {
                "commodity": missing,
                "stage": "",
                "form": "",
                "year": year,
                "unit": "",
                "export_controlled": False,
                "lists": [
                    ",".join(lbl for col, lbl in LIST_FLAGS.items() if bool(flags.at[c, col]))
                    for c in missing
                ],
                "notes": f"no world production data for {year} in the bundled USGS tables",
            }
        )
        table = pd.concat([table, extra], ignore_index=True)
    table["assessable"] = table["assessable"].eq(True)
    table["_blind"] = ~table["assessable"] & table["stage"].ne("")
    table = table.sort_values(["_blind", "commodity", "stage", "form"], kind="stable")
    table = table.reset_index(drop=True)
    return table[OVERVIEW_COLUMNS]


def _named_shares(ds: SupplyDataset, year: int, commodities: set[str]) -> pd.DataFrame:
    from trust_minerals.metrics.concentration import _in_year, shares
    from trust_minerals.metrics.stages import stage_production

    prod = stage_production(ds)
    prod = _in_year(prod[prod["commodity"].isin(commodities)], year)
    sh = shares(prod)
    sh = sh[~sh["is_aggregate"]]
    sh["form"] = sh["form"].fillna("")
    return sh


@dataclass(frozen=True)
class OverviewResult(TableResult):
    """The dashboard's overview: :func:`overview` rows with partner exposure and a criticality score.

    ``table`` adds ``partner_share`` and ``export_control_share`` (for ``partners``) and
    ``criticality_score`` (method ``score_method`` for ``score_consumer``; missing where it cannot
    be computed, with the reason in ``notes``). ``source_ids`` name the sources behind every column;
    ``score_note`` says what the score ranks and how its method was adapted to one consumer.
    """

    table: pd.DataFrame
    year: int | None
    partners: str
    score_method: str
    score_consumer: str
    has_scores: bool
    notes: tuple[str, ...]
    source_ids: tuple[str, ...]
    score_note: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The rows as a new DataFrame."""
        return self.table.copy()


def overview_with_exposure(
    ds: SupplyDataset,
    *,
    year: YearLike = None,
    partners: ConsumerLike = "msp",
    score_method: str = "trust",
    score_consumer: ConsumerLike = "USA+IND",
) -> OverviewResult:
    """:func:`overview` with each row's partner exposure and each commodity's criticality score.

    A partner set or a score that cannot be computed (an unknown name, a dataset without the
    inputs) leaves its columns missing and says why in ``notes``; it never becomes 0.

    Examples
    --------
    >>> r = overview_with_exposure(ds, partners="quad")        # doctest: +SKIP
    >>> r.table[["commodity", "stage", "partner_share", "criticality_score"]].head()  # doctest: +SKIP
    """
    from trust_minerals.countries import resolve_consumer
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.partners import partner_exposure_table

    rows = overview(ds, year=year)
    keys = ["commodity", "stage", "form"]
    notes: list[str] = []
    the_year = int(rows["year"].max()) if len(rows) else as_year(year)
    partner_cols = ["partner_share", "export_control_share"]
    try:
        members = resolve_consumer(ds, partners, role="partner set").members
        exposure = partner_exposure_table(ds, members, year=the_year)
    except TrustMineralsError as exc:
        exposure = pd.DataFrame(columns=[*keys, *partner_cols])
        notes.append(f"partner exposure not available: {exc}")
    exposure = exposure.assign(form=exposure["form"].fillna(""))[[*keys, *partner_cols]]
    table = rows.merge(exposure.drop_duplicates(keys), on=keys, how="left")
    has_scores = True
    used_by_scores: set[str] = set()
    score_note = ""
    try:
        scored = criticality(ds, score_method, score_consumer)
        scores = scored.table
        used_by_scores = set(scored.source_ids)
        score_note = (
            f"{scored.score_axis}; verdict rule: {scored.verdict_rule}; "
            f"adapted to one consumer: {scored.method_note}"
        )
        table = table.merge(
            scores[["commodity", "score"]].rename(columns={"score": "criticality_score"}),
            on="commodity",
            how="left",
        )
    except TrustMineralsError as exc:
        has_scores = False
        table["criticality_score"] = float("nan")
        notes.append(f"criticality scores ({score_method}) not available: {exc}")
    prod = ds.production
    used = set(prod.loc[prod["year"] == the_year, "source_id"]) if the_year else set()
    lists = ds.critical_lists
    used |= set(lists.loc[lists["list_id"].isin(list(LIST_FLAGS)), "source_id"])
    controls = ds.export_controls
    used |= set(controls.loc[controls["commodity"].isin(set(table["commodity"])), "source_id"])
    used |= set(column_sources("countries", ["msp", "quad", "g7", "eu", "oecd"]))
    used |= used_by_scores
    return OverviewResult(
        table=table,
        year=the_year,
        partners=str(partners),
        score_method=score_method,
        score_consumer=str(score_consumer),
        has_scores=has_scores,
        notes=tuple(notes),
        source_ids=tuple(sorted(used & set(ds.sources["source_id"]))),
        score_note=score_note,
    )
