"""A commodity's profile: what the commodity page and the printable brief show.

:func:`commodity_profile` gathers library results for one commodity (production with shares per
stage, concentration, reserves, export controls, dependence of chosen consumers, the sources
behind them); it computes nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from trust_minerals._tables import AGGREGATES, WORLD_TOTAL, YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError
from trust_minerals.geo import VIEW_SOURCES
from trust_minerals.labels import group_labels, list_labels
from trust_minerals.sources import column_sources, reliance_source_ids, used_source_ids

LIST_LABELS = list_labels()
"""List id -> label (``data/spec/lists.csv``)."""


@dataclass(frozen=True)
class CommodityProfile:
    """Everything known about one commodity in one year (frames are read-only views)."""

    commodity: str
    name: str
    year: int | None
    lists: tuple[str, ...]
    production: pd.DataFrame  # production_table rows of ``year`` (every stage)
    concentration: pd.DataFrame  # concentration_table rows of ``year``
    reserves: pd.DataFrame  # reserves rows of the latest reserves year
    export_controls: pd.DataFrame
    dependence: pd.DataFrame  # one row per consumer: import_reliance, basis, period, ...
    us_import_sources: pd.DataFrame
    sources: pd.DataFrame  # the sources table rows behind every part above
    # the source ids of each table part (``dependence``, ``us_import_sources``, ``export_controls``)
    part_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def stages(self) -> list[str]:
        return list(dict.fromkeys(self.concentration["stage"])) if len(self.concentration) else []

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The sources behind the profile (keys into the ``sources`` table)."""
        return tuple(self.sources["source_id"])

    def top_producers(self, stage: str, n: int | None = None) -> pd.Series:
        """Named producers of ``stage`` by share of the denominator, largest first.

        Aggregates (``World total``, ``Other countries``) and withheld shares are left out; ``n``
        keeps the first ``n``.
        """
        rows = self.production
        rows = rows[(rows["stage"] == stage) & ~rows["country"].isin(AGGREGATES)]
        rows = rows.dropna(subset=["share"]).sort_values("share", ascending=False, kind="stable")
        out = pd.Series(rows["share"].to_numpy(), index=rows["country"].to_numpy(), name="share")
        return out if n is None else out.head(n)

    def listed_share(self, stage: str) -> float:
        """Share of the denominator held by the listed rows of ``stage`` (named + ``Other
        countries``); below 1 where USGS rounds or withholds."""
        rows = self.production
        rows = rows[(rows["stage"] == stage) & (rows["country"] != WORLD_TOTAL)]
        return float(rows["share"].sum())

    def top_reserves(self, n: int | None = None) -> pd.Series:
        """Named countries by reserves (in the reserves unit), largest first; ``n`` keeps the
        first ``n``."""
        res = self.reserves
        if not len(res):
            return pd.Series(dtype=float, name="quantity")
        res = res[~res["is_aggregate"]].dropna(subset=["quantity"])
        res = res.sort_values("quantity", ascending=False, kind="stable")
        out = pd.Series(
            res["quantity"].to_numpy(), index=res["country"].to_numpy(), name="quantity"
        )
        return out if n is None else out.head(n)


def commodity_profile(
    ds: SupplyDataset,
    commodity: str,
    *,
    consumers: Sequence[ConsumerLike] = ("USA", "IND"),
    year: YearLike = None,
) -> CommodityProfile:
    """The profile of ``commodity`` for ``consumers`` (ISO3 codes or groups) in ``year``.

    ``year`` defaults to the commodity's latest production year. Dependence rows come from
    :func:`trust_minerals.metrics.reliance.import_reliance_table` (with their basis: USGS net
    import reliance, India's published figures or apparent consumption from trade).

    Examples
    --------
    >>> p = commodity_profile(ds, "cobalt")          # doctest: +SKIP
    >>> p.concentration[["stage", "top_country", "top_share"]]   # doctest: +SKIP
    """
    year = as_year(year)
    from trust_minerals.metrics.concentration import concentration_table
    from trust_minerals.production import production_table

    ds.check_commodities([commodity], "commodity_profile")
    sub = ds.select(commodity=commodity)
    info = sub.commodities.set_index("commodity").loc[commodity]
    prod = sub.production
    years = sorted(int(y) for y in prod.loc[prod["quantity"].notna(), "year"].unique())
    if year is None:
        year = years[-1] if years else None
    elif year not in years:
        raise UnknownNameError(
            "year", [str(year)], [str(y) for y in years], f"production of {commodity}"
        )
    if year is not None:
        production = production_table(sub, commodity, year=year)
        conc = concentration_table(sub, year=year)
    else:
        production = prod.iloc[0:0]
        conc = concentration_table(sub, year=-1)
    reserves = sub.reserves
    if len(reserves):
        reserves = reserves[reserves["year"] == reserves["year"].max()].reset_index(drop=True)
    dependence = _dependence(ds, commodity, consumers, year)
    us_imports = sub.import_sources.reset_index(drop=True)
    controls = sub.export_controls.reset_index(drop=True)
    members = [m for c in consumers for m in resolve_consumer(ds, c).members]
    part_sources = {
        "dependence": reliance_source_ids(sub, dependence, members, year),
        "us_import_sources": used_source_ids(us_imports),
        "export_controls": used_source_ids(controls),
    }
    used = set(production.get("source_id", pd.Series(dtype=object)))
    for frame in (reserves, controls, us_imports):
        if "source_id" in frame:
            used |= set(frame["source_id"])
    used |= set(VIEW_SOURCES["natural_earth"])  # the map's boundaries (the default view)
    sources = ds.sources[ds.sources["source_id"].isin(used)].reset_index(drop=True)
    lists = tuple(
        label for col, label in LIST_LABELS.items() if col in info.index and bool(info[col])
    )
    return CommodityProfile(
        commodity=commodity,
        name=str(info["name"]),
        year=year,
        lists=lists,
        production=production,
        concentration=conc,
        reserves=reserves,
        export_controls=controls,
        dependence=dependence,
        us_import_sources=us_imports,
        sources=sources,
        part_sources=part_sources,
    )


def _dependence(
    ds: SupplyDataset, commodity: str, consumers: Sequence[ConsumerLike], year: int | None
) -> pd.DataFrame:
    from trust_minerals.countries import resolve_consumer
    from trust_minerals.metrics.reliance import RELIANCE_COLUMNS, import_reliance_table

    rows = []
    for name in consumers:
        consumer = resolve_consumer(ds, name)
        table = import_reliance_table(ds, consumer, year)
        hit = table[table["commodity"] == commodity]
        for rec in hit.to_dict(orient="records"):
            rows.append({"consumer": consumer.name, **rec})
    return pd.DataFrame(rows, columns=["consumer", *RELIANCE_COLUMNS])


@dataclass(frozen=True)
class CountryProfile:
    """What one country produces and holds, its dependence and its partner groups."""

    country: str
    name: str
    groups: tuple[str, ...]
    governance: dict[str, float | None]
    production: pd.DataFrame  # the country's rows (latest year per commodity × stage × form) with
    # shares and a ``label`` naming the form (a chart never adds two forms together)
    reserves: pd.DataFrame
    dependence: pd.DataFrame  # import_reliance_table rows with a value
    export_controls: pd.DataFrame  # controls the country imposes
    sources: pd.DataFrame
    # the source ids of each part (``governance``, ``dependence``, ``export_controls``)
    part_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)


GROUP_LABELS = group_labels()
"""Group -> label (``data/spec/groups.csv``)."""


def country_profile(ds: SupplyDataset, country: str) -> CountryProfile:
    """The profile of ``country`` (ISO3): its share of each stage it produces, latest year each.

    Examples
    --------
    >>> country_profile(ds, "IND").production.head()      # doctest: +SKIP
    """
    from trust_minerals.metrics.concentration import shares
    from trust_minerals.metrics.reliance import import_reliance_table

    ds.check_countries([country], "country_profile")
    row = ds.countries.set_index("country").loc[country]
    groups = tuple(
        label for col, label in GROUP_LABELS.items() if col in row.index and bool(row[col])
    )
    governance = {k: (None if pd.isna(row[k]) else float(row[k])) for k in ("pv", "rl")}
    parts = []
    for measure in ("production", "reserves"):
        table = ds.table(measure)
        mine = table[table["country"] == country][["commodity", "stage", "year"]].drop_duplicates()
        latest = mine.groupby(["commodity", "stage"], as_index=False)["year"].max()
        rows = table.merge(latest, on=["commodity", "stage", "year"])
        sh = shares(rows) if len(rows) else rows.assign(share=pd.Series(dtype=float))
        sh = sh[sh["country"] == country]
        cols = [
            "commodity",
            "stage",
            "form",
            "year",
            "quantity",
            "unit",
            "share",
            "status",
            "source_id",
        ]
        part = sh[cols].sort_values("share", ascending=False, na_position="last")
        # one label per commodity x stage x form: forms are never added together in a chart
        part["label"] = (
            part["commodity"]
            + " "
            + part["stage"]
            + part["form"].fillna("").map(lambda f: f" ({f})" if f else "")
        )
        parts.append(part.reset_index(drop=True))
    years = ds.production["year"]
    year = int(years.max()) if len(years) else 0
    rel = import_reliance_table(ds, country, year)
    rel = rel[rel["import_reliance"].notna()].reset_index(drop=True)
    controls = ds.export_controls
    controls = controls[controls["country"] == country].reset_index(drop=True)
    used = (
        set(parts[0]["source_id"])
        | set(parts[1]["source_id"])
        | set(controls["source_id"])
        | set(column_sources("countries"))
    )
    return CountryProfile(
        country=country,
        name=str(row["name"]),
        groups=groups,
        governance=governance,
        production=parts[0],
        reserves=parts[1],
        dependence=rel,
        export_controls=controls,
        sources=ds.sources[ds.sources["source_id"].isin(used)].reset_index(drop=True),
        part_sources={
            "governance": column_sources("countries", ["pv", "rl"]),
            "dependence": reliance_source_ids(ds, rel, [country], year),
            "export_controls": used_source_ids(controls),
        },
    )
