"""Trends of one commodity: concentration by year, a consumer's import sources by year, and the
export-control events to mark on the time axis.

* :func:`concentration_trend` -- the top producer's share and the HHI per year, from USGS (the
  concentration table, every year the store holds) and from World Mining Data (``production_wmd``,
  2018 onwards). WMD lists producing countries without a world total in the bundled extract, so
  its shares are of the sum of the listed countries (``basis`` says so).
* :func:`import_source_trend` -- the consumer's imports by stage, exporter and year from BACI, as
  shares of the stage's import value that year. Each stage is measured on its own traded forms
  (the forms table): ore is never added to refined trade, and no share is of more than one
  stage. Values (USD) of the forms of one stage are added (``basis`` names the HS codes);
  tonnages are not used, since the forms of a stage rarely share a content basis. Flows between
  members of a group are internal and left out, as in
  :func:`~trust_minerals.metrics.trade.import_suppliers`; per stage the ``top`` exporters over
  the period are named, the rest pooled as ``Other exporters``.
  :func:`import_stage_notes` lists the stages considered and, for a stage without rows, why
  (no form of the stage in the bundled BACI extract, or no imports recorded).
* :func:`control_events` -- export controls on the commodity with the year they began (USGS MCS
  2026 table T4).

Missing values stay missing; a year without data has no row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError

OTHER_EXPORTERS = "Other exporters"
CONCENTRATION_COLUMNS = ["source", "series", "year", "top_country", "top_share", "hhi", "basis"]
IMPORT_COLUMNS = ["stage", "year", "exporter", "value_usd", "share", "basis"]
IMPORT_STAGE_COLUMNS = ["stage", "hs6", "years", "basis", "note"]
EVENT_COLUMNS = ["year", "country", "control_type", "item_text", "source_id"]


@dataclass(frozen=True)
class CommodityTrends:
    """Concentration by year, the consumer's import sources by stage and year, export-control
    events; ``import_stages`` has one row per stage considered (its basis, or why it has no
    rows: :func:`import_stage_notes`); ``stage`` is the stage asked for (``None``: every stage
    with traded forms); ``source_ids`` name the sources of each part's rows (keys
    ``concentration``, ``imports``, ``events``)."""

    commodity: str
    consumer: str
    concentration: pd.DataFrame
    import_sources: pd.DataFrame
    events: pd.DataFrame
    source_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    import_stages: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=IMPORT_STAGE_COLUMNS)
    )
    stage: str | None = None


def concentration_trend(ds: SupplyDataset, commodity: str) -> pd.DataFrame:
    """Top share and HHI by year: one series per USGS stage/form and per WMD product.

    Examples
    --------
    >>> concentration_trend(ds, "lithium").head()        # doctest: +SKIP
    """
    from trust_minerals.metrics.concentration import concentration_table

    ds.check_commodities([commodity], "concentration_trend")
    sub = ds.select(commodity=commodity)
    frames = []
    conc = concentration_table(sub)  # every year the store holds
    if len(conc):
        form = conc["form"].fillna("")
        frames.append(
            pd.DataFrame(
                {
                    "source": "USGS",
                    "series": conc["stage"] + form.map(lambda f: f" ({f})" if f else ""),
                    "year": conc["year"].astype(int),
                    "top_country": conc["top_country"],
                    "top_share": conc["top_share"],
                    "hhi": conc["hhi"],
                    "basis": conc["denominator_basis"].map(lambda b: f"USGS MCS, share of {b}"),
                }
            )
        )
    wmd = getattr(ds, "production_wmd", pd.DataFrame())
    if isinstance(wmd, pd.DataFrame) and len(wmd):
        w = wmd[(wmd["commodity"] == commodity) & wmd["quantity"].notna()]
        for (name, year), g in w.groupby(["wmd_name", "year"], sort=True):
            total = float(g["quantity"].sum())
            if total <= 0:
                continue
            shares = (g.set_index("country")["quantity"] / total).sort_values(ascending=False)
            frames.append(
                pd.DataFrame(
                    {
                        "source": ["WMD"],
                        "series": [f"WMD {name}"],
                        "year": [int(str(year))],
                        "top_country": [shares.index[0]],
                        "top_share": [float(shares.iloc[0])],
                        "hhi": [float((shares**2).sum())],
                        "basis": ["World Mining Data, share of the sum of listed countries"],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=CONCENTRATION_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[CONCENTRATION_COLUMNS]
    return out.sort_values(["source", "series", "year"], kind="mergesort").reset_index(drop=True)


def _trend_stages(ds: SupplyDataset, commodity: str, stage: str | None) -> list[str]:
    """The stages of ``commodity`` with traded forms (forms table or trade rows), mine first."""
    from trust_minerals.forms import form_stages
    from trust_minerals.metrics.trade import STAGE_ORDER

    t = ds.trade
    traded = set(t.loc[t["commodity"] == commodity, "stage"].astype(str))
    have = [*form_stages(ds, commodity), *sorted(traded - set(form_stages(ds, commodity)))]
    have = sorted(dict.fromkeys(have), key=lambda s: (STAGE_ORDER + (s,)).index(s))
    if stage is None:
        return have
    if stage not in have:
        raise UnknownNameError("stage", [stage], have, f"traded forms of {commodity}")
    return [stage]


def _stage_flows(
    ds: SupplyDataset, commodity: str, stage: str, members: list[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The members' imports from outside in the stage's own forms, and the stage's HS6 codes."""
    from trust_minerals.forms import form_stages, stage_hs6

    t = ds.trade
    mask = (t["commodity"] == commodity) & (t["stage"] == stage) & t["importer"].isin(members)
    mask &= ~t["exporter"].isin(members)
    codes = stage_hs6(ds, commodity, stage)
    if stage in form_stages(ds, commodity):  # the stage's own forms only (forms table)
        mask &= t["hs6"].isin(list(codes))
    flows = t.loc[mask.to_numpy(), ["year", "hs6", "exporter", "value_usd", "source_id"]]
    if not codes:
        codes = tuple(sorted(set(flows["hs6"].astype(str))))
    return flows, codes


def _stage_basis(commodity: str, stage: str, codes: Sequence[str], used: Sequence[str]) -> str:
    added = "value (USD) added over these forms" if len(used) > 1 else "value (USD)"
    return (
        f"BACI, {stage} forms of {commodity} (HS {', '.join(used or codes)}): "
        f"share of the {stage}-stage import value; {added}"
    )


def import_source_trend(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike,
    *,
    stage: str | None = None,
    top: int = 5,
) -> pd.DataFrame:
    """The consumer's import value by stage, exporter and year (BACI), with each exporter's
    share of the stage's imports that year.

    Parameters
    ----------
    stage : str, optional
        One stage with traded forms; default: every such stage, as separate rows (``stage``).
    top : int
        Exporters named per stage (largest over the period); the rest are ``Other exporters``.

    Raises
    ------
    UnknownNameError
        Unknown commodity or consumer, or a stage at which the commodity has no traded form.

    Examples
    --------
    >>> import_source_trend(ds, "lithium", "IND", stage="refinery").head()  # doctest: +SKIP
    """
    ds.check_commodities([commodity], "import_source_trend")
    members = list(resolve_consumer(ds, consumer).members)
    parts = []
    for s in _trend_stages(ds, commodity, stage):
        flows, codes = _stage_flows(ds, commodity, s, members)
        if flows.empty:
            continue
        by = flows.groupby(["year", "exporter"], as_index=False)["value_usd"].sum(min_count=1)
        lead = by.groupby("exporter")["value_usd"].sum().sort_values(ascending=False).head(top)
        by["exporter"] = by["exporter"].where(by["exporter"].isin(lead.index), OTHER_EXPORTERS)
        by = by.groupby(["year", "exporter"], as_index=False)["value_usd"].sum(min_count=1)
        totals = by.groupby("year")["value_usd"].transform("sum")
        by["share"] = by["value_usd"] / totals.where(totals > 0)
        by["year"] = by["year"].astype(int)
        by["stage"] = s
        used = sorted(set(flows["hs6"].astype(str)))
        by["basis"] = _stage_basis(commodity, s, codes, used)
        parts.append(by.sort_values(["year", "exporter"]))
    if not parts:
        return pd.DataFrame(columns=IMPORT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[IMPORT_COLUMNS]


def import_stage_notes(
    ds: SupplyDataset, commodity: str, consumer: ConsumerLike, *, stage: str | None = None
) -> pd.DataFrame:
    """One row per stage that :func:`import_source_trend` considers: its HS6 codes, the years
    with imports, the basis, and -- for a stage without rows -- why (``note``); a commodity with
    no traded form at all gives one row with an empty ``stage`` and the reason.

    Examples
    --------
    >>> import_stage_notes(ds, "antimony", "USA")[["stage", "note"]]  # doctest: +SKIP
    """
    from trust_minerals.metrics.trade_coverage import why_no_imports

    ds.check_commodities([commodity], "import_stage_notes")
    members = list(resolve_consumer(ds, consumer).members)
    rows = []
    for s in _trend_stages(ds, commodity, stage):
        flows, codes = _stage_flows(ds, commodity, s, members)
        t = ds.trade
        in_extract = t["commodity"].eq(commodity) & t["stage"].eq(s) & t["hs6"].isin(list(codes))
        if not flows.empty:
            years = flows["year"]
            note = ""
        elif not codes:
            years, note = flows["year"], f"no {s} form of {commodity} has an HS6 code of its own"
        elif not in_extract.any():
            years = flows["year"]
            note = (
                f"the bundled BACI extract holds no {s} forms of {commodity} (HS "
                f"{', '.join(codes)}); import a full BACI file with 'trust data import-baci'"
            )
        else:
            years = flows["year"]
            who = "+".join(members)
            note = f"BACI records no imports of {commodity} {s} forms by {who} from outside it"
        lo_hi = f"{int(years.min())}–{int(years.max())}" if len(years) else ""
        used = sorted(set(flows["hs6"].astype(str)))
        rows.append(
            {
                "stage": s,
                "hs6": ", ".join(codes),
                "years": lo_hi,
                "basis": _stage_basis(commodity, s, codes, used) if used else "",
                "note": note,
            }
        )
    if not rows:
        latest = int(ds.trade["year"].max()) if len(ds.trade) else 0
        why = why_no_imports(ds, commodity, members, latest)
        rows.append({"stage": "", "hs6": "", "years": "", "basis": "", "note": why})
    return pd.DataFrame(rows, columns=IMPORT_STAGE_COLUMNS)


def control_events(ds: SupplyDataset, commodity: str) -> pd.DataFrame:
    """Export controls on ``commodity`` with the year they began (USGS MCS 2026 table T4)."""
    c = ds.export_controls
    rows = c[(c["commodity"] == commodity) & c["since_year"].notna()]
    out = rows.rename(columns={"since_year": "year"})[EVENT_COLUMNS].copy()
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "country"]).reset_index(drop=True)


def commodity_trends(
    ds: SupplyDataset, commodity: str, consumer: ConsumerLike = "IND", *, stage: str | None = None
) -> CommodityTrends:
    """Every trend of ``commodity`` for ``consumer`` (see the module docstring); import sources at
    ``stage`` only, or at every stage with traded forms, each stage separately.

    Examples
    --------
    >>> t = commodity_trends(ds, "gallium", "IND")     # doctest: +SKIP
    >>> t.events[["year", "country"]]                  # doctest: +SKIP
    """
    from trust_minerals.sources import used_source_ids

    cs = resolve_consumer(ds, consumer)
    prod, wmd = ds.production, ds.production_wmd
    members = list(cs.members)
    imports = [
        _stage_flows(ds, commodity, s, members)[0] for s in _trend_stages(ds, commodity, stage)
    ]
    events = control_events(ds, commodity)
    return CommodityTrends(
        commodity=commodity,
        consumer=cs.name,
        concentration=concentration_trend(ds, commodity),
        import_sources=import_source_trend(ds, commodity, cs, stage=stage),
        events=events,
        source_ids={
            "concentration": used_source_ids(
                prod[prod["commodity"] == commodity], wmd[wmd["commodity"] == commodity]
            ),
            "imports": used_source_ids(*imports),
            "events": used_source_ids(events),
        },
        import_stages=import_stage_notes(ds, commodity, cs, stage=stage),
        stage=stage,
    )
