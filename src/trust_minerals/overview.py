"""The overview: every listed critical mineral, stage by stage, with its concentration.

``trust overview`` (and ``make run`` until the dashboard exists) prints this table.
"""

from __future__ import annotations

import pandas as pd

from trust_minerals._tables import YearLike, as_year
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics.concentration import concentration_table

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
LIST_FLAGS = {
    "us_2025": "US2025",
    "india_2023": "IN2023",
    "us_2022": "US2022",
    "eu_strategic_2024": "EU2024",
}


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
