"""One-page country brief: the consumer's ten most exposed critical minerals.

The ranking is the platform's criticality score for the consumer
(:func:`~trust_minerals.metrics.criticality.criticality`, method ``trust``), joined with each
commodity's top producer at the scored stage (the concentration table). Key messages are written
from the same rows; missing inputs are named, never read as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from trust_minerals.countries import resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.report import fmt
from trust_minerals.report.fmt import Labels

METHOD = "trust"
TOP = 10


@dataclass(frozen=True)
class CountryExposure:
    """The ten most exposed commodities of one consumer, with key messages; ``source_ids`` name
    the sources of the rows read (the criticality inputs and the top producers' rows)."""

    consumer: str
    name: str
    year: int
    table: pd.DataFrame
    messages: tuple[str, ...]
    source_ids: tuple[str, ...] = ()


def country_exposure(
    ds: SupplyDataset, consumer: str = "IND", *, top: int = TOP
) -> CountryExposure:
    """The ``top`` commodities with the highest criticality score for ``consumer``.

    Examples
    --------
    >>> country_exposure(ds, "IND").table[["commodity", "score"]]   # doctest: +SKIP
    """
    from trust_minerals.metrics.concentration import concentration_table
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.stages import stage_production
    from trust_minerals.sources import used_source_ids

    cs = resolve_consumer(ds, consumer)
    labels = Labels.from_dataset(ds)
    result = criticality(ds, METHOD, cs.name)
    table = result.table.dropna(subset=["score"]).sort_values("score", ascending=False).head(top)
    conc = pd.concat(
        [concentration_table(ds, year=int(y)) for y in sorted(set(table["year"].dropna()))],
        ignore_index=True,
    )
    keys = ["commodity", "stage", "year"]
    conc = conc.sort_values("top_share", ascending=False).drop_duplicates(keys)
    table = table.merge(
        conc[[*keys, "top_country", "top_share"]].astype({"year": table["year"].dtype}),
        on=keys,
        how="left",
    ).reset_index(drop=True)
    who = labels.consumer(cs.name)
    messages = []
    for r in table.head(3).to_dict(orient="records"):
        reliance = (
            f"import reliance {fmt.share(r['import_reliance'])} ({labels.value_label('basis', str(r['reliance_basis']))})"
            if not fmt.is_missing(r["import_reliance"])
            else "import reliance not published"
        )
        held = (
            f"{labels.country(r['top_country'])} holds {fmt.share(r['top_share'])} of world "
            f"{r['stage']} output ({fmt.year(r['year'])})"
            if not fmt.is_missing(r["top_share"])
            else f"the top {r['stage']} producer's share is not published for {fmt.year(r['year'])}"
        )
        messages.append(
            f"{labels.commodity(r['commodity'])} (score {fmt.score(r['score'])}): {held}; {reliance}."
        )
    controlled = table[table["export_control_exposure"] > 0.5]
    if len(controlled):
        names = ", ".join(labels.commodity(c) for c in controlled["commodity"])
        messages.append(
            f"{len(controlled)} of the {len(table)} come mostly from countries with export controls in force: {names}."
        )
    unknown = table[table["import_reliance"].isna()]
    if len(unknown):
        names = ", ".join(labels.commodity(c) for c in unknown["commodity"])
        messages.append(
            f"{who}'s import reliance is not published for {names}: their scores rest on the other indicators."
        )
    shown = table[keys].dropna().drop_duplicates()
    prod = stage_production(ds)
    producers = prod.merge(shown.astype({"year": prod["year"].dtype}), on=keys)
    ids = used_source_ids(producers, extra=result.source_ids)
    return CountryExposure(cs.name, who, int(result.year), table, tuple(messages), ids)


def country_brief_html(ds: SupplyDataset, consumer: str = "IND") -> str:
    """The one-page country brief as HTML (print it with :func:`~trust_minerals.report.brief.html_to_pdf`).

    Examples
    --------
    >>> "ten most exposed" in country_brief_html(ds, "IND")   # doctest: +SKIP
    True
    """
    from trust_minerals._tables import records
    from trust_minerals.report.brief import template_env

    e = country_exposure(ds, consumer)
    sources = ds.sources[ds.sources["source_id"].isin(e.source_ids)]
    return (
        template_env()
        .get_template("country_brief.html")
        .render(
            name=e.name,
            year=e.year,
            today=date.today().isoformat(),
            labels=Labels.from_dataset(ds),
            messages=e.messages,
            rows=records(e.table),
            method_note="stage concentration, governance, non-partner dependence, export-control exposure, import reliance and reserve concentration, 0–1, higher = more exposed",
            sources=records(sources),
        )
    )
