"""Assemble every table of the dataset from the bundled raw files (``raw -> parse_* -> tables``).

:func:`build_tables` is what ``trust data build`` stores in DuckDB. Each source has its own
``parse_*`` function in :mod:`trust_minerals.data.ingest`; this module only combines them:

* production, reserves and capacity take the MCS 2026 vintage and, for the years it does not
  cover, the MCS 2025 vintage (each row keeps its ``source_id``);
* ``commodities`` joins the concordance with the stages that have data and the list flags;
* ``forms`` is the concordance of traded forms by stage, flagged where the BACI extract has them;
* ``supply_projection`` is the IEA mining and refining table (2023 and base-case projections);
* ``us_trade`` is US trade by partner in critical-mineral HTS headings (USITC DataWeb, 18 partners);
* ``countries`` covers every ISO3 code that appears in any table.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

import pandas as pd

from trust_minerals.data.concordance import concordance_path

MEASURES = ("production", "reserves", "capacity")


def combine_vintages(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``new`` plus the rows of ``old`` for commodity × stage × year groups ``new`` lacks."""
    keys = ["commodity", "stage", "year"]
    have = new[keys].drop_duplicates()
    merged = old.merge(have, on=keys, how="left", indicator=True)
    keep = old[(merged["_merge"] == "left_only").to_numpy()]
    return pd.concat([new, keep], ignore_index=True)


def carry_production_basis(production: pd.DataFrame) -> pd.DataFrame:
    """Production rows whose text states no basis take the one stated for their series.

    MCS 2026's world tables mostly say only "Mine production"; MCS 2025's say "Mine production,
    recoverable copper content". A row with basis ``not stated`` takes the basis stated by the
    other rows of the same commodity, stage and form, where they state exactly one; otherwise it
    stays ``not stated``.
    """
    stated = production[production["basis"] != "not stated"]
    keys = ["commodity", "stage", "form"]
    one = stated.groupby(keys)["basis"].agg(lambda s: str(s.iat[0]) if s.nunique() == 1 else "")
    found = production[keys].merge(one.rename("carried").reset_index(), on=keys, how="left")
    carried = found["carried"].fillna("").to_numpy()
    fill = (production["basis"] == "not stated").to_numpy() & (carried != "")
    out = production.copy()
    out.loc[fill, "basis"] = carried[fill]
    return out


def build_commodities(
    production: pd.DataFrame, list_flags: pd.DataFrame, usgs_flags: pd.DataFrame
) -> pd.DataFrame:
    """The ``commodities`` table: concordance ids, names, stages with data and list flags."""
    with open(concordance_path("commodities.csv"), encoding="utf-8", newline="") as fh:
        base = pd.DataFrame(list(csv.DictReader(fh)))
    stages = (
        production.dropna(subset=["quantity"])
        .groupby("commodity")["stage"]
        .agg(lambda s: ",".join(sorted(set(s))))
    )
    out = pd.DataFrame(
        {
            "commodity": base["commodity"],
            "name": base["name"],
            "unit": base["default_unit"].replace("", None),
            "stages": base["commodity"].map(stages).fillna(""),
        }
    )
    out = out.merge(list_flags, on="commodity", how="left")
    out = out.merge(usgs_flags, on="commodity", how="left")
    for col in ("us_2022", "us_2025", "india_2023", "eu_strategic_2024", "usgs_critical_2025"):
        out[col] = out[col].eq(True)
    return out


def _iso3_seen(tables: dict[str, pd.DataFrame]) -> set[str]:
    seen: set[str] = set()
    for name in ("production", "reserves", "capacity", "import_sources", "supply_projection"):
        df = tables[name]
        if "is_aggregate" in df:
            seen |= set(df.loc[~df["is_aggregate"], "country"])
        else:
            seen |= {c for c in df["country"] if isinstance(c, str) and len(c) == 3 and c.isupper()}
    seen |= set(tables["export_controls"]["country"])
    seen |= set(tables["production_wmd"]["country"])
    seen |= set(tables["trade"]["exporter"].unique()) | set(tables["trade"]["importer"].unique())
    return seen


def build_tables(progress: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """Parse every bundled source and return the dataset's tables (not yet validated as a whole)."""
    from trust_minerals.data.ingest import forms, iea, reference, trade, usgs, usgs2025, usitc

    say = progress or (lambda _msg: None)
    say("USGS MCS 2026")
    new = usgs.parse_mcs2026()
    say("USGS MCS 2025")
    old = usgs2025.parse_mcs2025_world()
    tables: dict[str, pd.DataFrame] = {m: combine_vintages(new[m], old[m]) for m in MEASURES}
    tables["production"] = carry_production_basis(tables["production"])
    tables["us_salient"] = new["us_salient"]
    tables["import_sources"] = new["import_sources"]
    say("official lists")
    tables["critical_lists"] = reference.parse_critical_lists()
    say("export controls (MCS 2026 T4)")
    tables["export_controls"], _unmapped = reference.parse_export_controls()
    say("BACI trade (extract)")
    tables["trade"] = trade.parse_baci()
    say("forms (HS6 codes by stage)")
    tables["forms"] = forms.parse_forms(tables["trade"]["hs6"].unique())
    say("USITC DataWeb (US trade by partner, HTS headings)")
    tables["us_trade"] = usitc.parse_usitc()
    say("World Mining Data (extract)")
    tables.update(trade.parse_wmd())
    say("IEA supply by country (base case)")
    tables["supply_projection"] = iea.parse_iea_supply()
    say("countries, governance and groups")
    tables["countries"] = reference.parse_countries(
        extra_iso3=sorted(_iso3_seen(tables)), extra_names=trade.baci_country_names()
    )
    tables["sources"] = reference.parse_sources()
    tables["commodities"] = build_commodities(
        tables["production"],
        reference.list_flags(tables["critical_lists"]),
        usgs.parse_mcs2026_critical_flags(),
    )
    from trust_minerals.schema import empty_table
    from trust_minerals.technologies.graph import technology_links

    tables["technologies"] = technology_links()
    tables["product_trade"] = empty_table("product_trade")  # filled by 'trust data import-baci'
    return tables
