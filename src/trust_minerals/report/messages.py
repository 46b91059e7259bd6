"""Key messages for a minister's brief, generated from library results (no figure typed in).

:func:`commodity_messages` answers, for one commodity and one consumer, the six questions a
minister's brief opens with, each from one library function:

1. dependence and its main source at each stage --
   :func:`~trust_minerals.metrics.reliance.import_reliance_table` and the supply-mix rule that
   risk and criticality use, :func:`~trust_minerals.simulate.network.build_supply_mix` (trade in
   the stage's own forms; for the US, USGS import sources or USITC DataWeb; else world shares at
   the stage), with its basis named and a fallback stated;
2. concentration at each stage -- :func:`~trust_minerals.metrics.concentration.concentration_table`
   (through the commodity profile);
3. the most relevant preset scenario (the latest preset that shocks the commodity) --
   :func:`~trust_minerals.simulate.propagate.propagate`;
4. the best alternative suppliers -- :func:`~trust_minerals.optimize.screen.screen_assets`;
5. recovery -- :func:`~trust_minerals.outlook.recovery.recovery_table`;
6. the 2030 outlook -- :func:`~trust_minerals.outlook.balance.balance` (world, IEA STEPS).

Where a part has no data the message says so (and why); nothing missing becomes zero. Each
message carries the ``source_ids`` of the rows its result read (no source id is written here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trust_minerals._tables import YearLike
from trust_minerals.countries import ConsumerLike, CountrySet, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import TrustMineralsError
from trust_minerals.report import fmt
from trust_minerals.report.fmt import Labels
from trust_minerals.report.profile import CommodityProfile, commodity_profile
from trust_minerals.sources import used_source_ids

OUTLOOK_YEAR = 2030


@dataclass(frozen=True)
class KeyMessage:
    """One finding: its topic, the sentence, and the source ids behind it."""

    topic: str
    text: str
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommodityBriefData:
    """What the two-page brief shows: the profile, the key messages and the tables behind them."""

    profile: CommodityProfile
    consumer: CountrySet
    consumer_name: str
    labels: Labels
    messages: tuple[KeyMessage, ...]
    # the consumer's supply mix per stage (stage, exporter, share, basis, note): the top
    # suppliers of each stage, on the basis of the supply-mix rule (never summed across stages)
    suppliers: pd.DataFrame
    suppliers_year: int | None  # the year the supply mixes were asked for
    scenario: dict[str, Any] | None  # preset name, description, summary row
    alternatives: pd.DataFrame  # screen ranking (top 5, not the main source)
    recovery: pd.DataFrame
    outlook: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


def _basis(basis: Any) -> str:
    """An import-reliance basis in words (``usgs_nir`` → ``USGS net import reliance``)."""
    return Labels().value_label("basis", str(basis))


def _stream(stream: Any) -> str:
    """A recovery stream in words, for mid-sentence (``coal_fly_ash`` → ``coal fly ash``)."""
    text = Labels().value_label("stream", str(stream))
    return text[:1].lower() + text[1:]


def _relevant_preset(commodity: str) -> Any:
    from trust_minerals.simulate.presets import load_presets

    hits = [
        p
        for p in load_presets().values()
        if any(getattr(s, "commodity", None) == commodity for s in p.spec.shocks)
    ]
    if not hits:
        return None
    return max(hits, key=lambda p: (p.spec.year or 0, p.name))


def commodity_messages(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike = "IND",
    *,
    year: YearLike = None,
) -> CommodityBriefData:
    """The key messages and tables of the brief on ``commodity`` for ``consumer``.

    Examples
    --------
    >>> b = commodity_messages(ds, "lithium", "IND")       # doctest: +SKIP
    >>> [m.topic for m in b.messages]                       # doctest: +SKIP
    ['dependence', 'concentration', 'scenario', 'alternatives', 'recovery', 'outlook']
    """
    cs = resolve_consumer(ds, consumer)
    labels = Labels.from_dataset(ds)
    who = labels.consumer(cs.name)
    p = commodity_profile(
        ds, commodity, consumers=list(dict.fromkeys([cs.name, "USA", "IND"])), year=year
    )
    name = p.name
    messages: list[KeyMessage] = []
    notes: list[str] = []

    # 1. dependence and its main source at each stage (the supply-mix rule, basis named)
    dep = p.dependence[p.dependence["consumer"] == cs.name]
    if len(dep) and not fmt.is_missing(dep["import_reliance"].iloc[0]):
        r = dep.iloc[0]
        q = r["qualifier"] if r["qualifier"] in ("<", ">") else ""
        text = f"{who} imports {q}{fmt.share(r['import_reliance'])} of the {name.lower()} it uses ({_basis(r['basis'])}, {r['period']})."
    else:
        basis = dep["basis"].iloc[0] if len(dep) else "unknown"
        text = f"{who}'s import reliance on {name.lower()} is not published and cannot be computed from the bundled data (basis: {_basis(basis)})."
    suppliers, sup_year, mix_text, mix_ids, skipped = _stage_mixes(ds, commodity, cs, p, labels)
    text += " " + mix_text
    notes.extend(str(n) for n in suppliers.drop_duplicates("stage")["note"] if n)
    notes.extend(skipped)
    dep_ids = used_source_ids(extra=(*p.part_sources.get("dependence", ()), *mix_ids))
    messages.append(KeyMessage("dependence", text, dep_ids))

    # 2. concentration at each stage
    parts = []
    for c in p.concentration.to_dict(orient="records"):
        form = f" ({c['form']})" if c.get("form") else ""
        if fmt.is_missing(c.get("top_share")):
            parts.append(
                f"{c['stage']}{form}: concentration unknown ({c.get('notes') or 'no shares'})"
            )
            continue
        parts.append(
            f"{c['stage']}{form}: {labels.country(c['top_country'])} {fmt.share(c['top_share'])}, "
            f"HHI {fmt.hhi_range(c['hhi'], c['hhi_upper'])} of 10,000"
        )
    messages.append(
        KeyMessage(
            "concentration",
            (f"World {name.lower()} supply by stage ({p.year}): " + "; ".join(parts) + ".")
            if parts
            else f"No production shares are published for {name.lower()}.",
            tuple(sorted(set(p.production.get("source_id", pd.Series(dtype=object)).dropna()))),
        )
    )

    # 3. the most relevant preset scenario
    scenario = None
    preset = _relevant_preset(commodity)
    if preset is None:
        messages.append(KeyMessage("scenario", f"No preset scenario shocks {name.lower()}."))
    else:
        from trust_minerals.simulate.propagate import propagate

        try:
            res = propagate(ds, preset.spec, [cs.name])
        except TrustMineralsError as exc:
            messages.append(KeyMessage("scenario", f"Preset {preset.name} could not run: {exc}."))
        else:
            rows = res.summary[res.summary["commodity"] == commodity]
            rows = rows.sort_values("shortfall_share", ascending=False, na_position="last")
            row = rows.iloc[0].to_dict() if len(rows) else None
            scenario = {
                "name": preset.name,
                "description": preset.spec.description,
                "row": row,
                "notes": list(res.notes),
            }
            if row is None or fmt.is_missing(row.get("shortfall_share")):
                text = f"{preset.spec.description} ({preset.name}): the effect on {who} is unknown (no supply shares; basis {row['basis'] if row else 'none'})."
            else:
                price = (
                    f"the price response reaches the model's cap ({fmt.share(row['price_change_share'])}), "
                    "beyond the range the model was checked on"
                    if bool(row.get("price_capped"))
                    else f"peak price change {fmt.share(row['price_change_share'])}"
                )
                text = (
                    f"{preset.spec.description} ({preset.name}): {who} would be short "
                    f"{fmt.share(row['shortfall_share'])} of its {row['stage']} supply over the "
                    f"{preset.spec.horizon_months}-month horizon ({row['months_short']} months short); "
                    f"{price}."
                )
            preset_ids = used_source_ids(
                ds.export_controls[ds.export_controls["commodity"] == commodity],
                extra=res.source_ids,
            )
            messages.append(KeyMessage("scenario", text, preset_ids))

    # 4. best alternative suppliers
    from trust_minerals.optimize.screen import screen_assets

    # the main source of each stage is not an alternative
    main = set(suppliers.dropna(subset=["exporter"]).drop_duplicates("stage")["exporter"])
    screen_ids: tuple[str, ...] = ()
    try:
        screened = screen_assets(ds, commodity, consumer=cs.name)
        ranking, screen_ids = screened.ranking, screened.source_ids
    except TrustMineralsError as exc:
        ranking = pd.DataFrame(columns=["rank", "country", "score"])
        notes.append(f"asset screen: {exc}")
    dominant = set(p.concentration.get("top_country", pd.Series(dtype=object)).dropna())
    alternatives = ranking[~ranking["country"].isin({*main, *cs.members, *dominant})].head(5)
    if len(alternatives):
        names = ", ".join(
            f"{labels.country(c)} ({fmt.score(s)})"
            for c, s in zip(alternatives["country"], alternatives["score"], strict=True)
        )
        messages.append(
            KeyMessage(
                "alternatives",
                f"Best-ranked alternative suppliers (asset screen, score 0–1): {names}.",
                screen_ids,
            )
        )
    else:
        messages.append(
            KeyMessage(
                "alternatives",
                f"No alternative supplier of {name.lower()} can be ranked from the bundled data.",
            )
        )

    # 5. recovery
    recovery = pd.DataFrame()
    recovery_ids: tuple[str, ...] = ()
    if len(cs.members) == 1:
        from trust_minerals.outlook.results import recovery_result

        try:
            rec = recovery_result(ds, cs.members[0])
            recovery = rec.table[rec.table["commodity"] == commodity].reset_index(drop=True)
            recovery_ids = rec.source_ids if len(recovery) else ()
        except TrustMineralsError as exc:
            notes.append(f"recovery: {exc}")
    messages.append(KeyMessage("recovery", _recovery_text(recovery, name, who), recovery_ids))

    # 6. 2030 outlook (world, IEA STEPS)
    from trust_minerals.outlook.balance import balance

    try:
        bal = balance(ds, year=OUTLOOK_YEAR)
        outlook = bal[bal["commodity"] == commodity].reset_index(drop=True)
    except TrustMineralsError as exc:
        outlook = pd.DataFrame()
        notes.append(f"outlook: {exc}")
    usable = outlook.dropna(subset=["demand_t", "supply_t"]) if len(outlook) else outlook
    messages.append(
        KeyMessage("outlook", _outlook_text(usable, name), _outlook_source_ids(ds, usable))
    )

    return CommodityBriefData(
        profile=p,
        consumer=cs,
        consumer_name=who,
        labels=labels,
        messages=tuple(messages),
        suppliers=suppliers,
        suppliers_year=sup_year,
        scenario=scenario,
        alternatives=alternatives,
        recovery=recovery,
        outlook=outlook,
        notes=tuple(notes),
    )


SUPPLIER_COLUMNS = ["stage", "exporter", "share", "basis", "note"]
TOP_PER_STAGE = 3


def _stage_mixes(
    ds: SupplyDataset, commodity: str, cs: CountrySet, p: CommodityProfile, labels: Labels
) -> tuple[pd.DataFrame, int | None, str, tuple[str, ...], tuple[str, ...]]:
    """The consumer's supply mix at each stage with production or traded forms (the rule of
    :func:`~trust_minerals.simulate.network.build_supply_mix`): the top suppliers per stage, the
    year asked for, the sentence, the sources of the rows read, and the notes of stages that
    only have a listed form (no production, no trade, no mix)."""
    from trust_minerals.forms import form_stages
    from trust_minerals.metrics.trade import STAGE_ORDER
    from trust_minerals.simulate.network import build_supply_mix, is_consumer_basis

    t = ds.trade
    traded = set(t.loc[t["commodity"] == commodity, "stage"].astype(str))
    stages = sorted(
        {*p.stages, *traded, *form_stages(ds, commodity)},
        key=lambda s: (STAGE_ORDER.index(s) if s in STAGE_ORDER else len(STAGE_ORDER), s),
    )
    year = p.year if p.year else (int(t["year"].max()) if len(t) else None)
    empty = pd.DataFrame(columns=SUPPLIER_COLUMNS)
    if year is None or not stages:
        return empty, None, "Sources unknown: no production or trade data for it.", (), ()
    rows: list[dict[str, Any]] = []
    parts: list[str] = []
    ids: set[str] = set()
    skipped: list[str] = []  # stages with a listed form only and nothing known
    for stage in stages:
        sm = build_supply_mix(ds, list(cs.members), commodity, stage, int(year))
        ids.update(sm.source_ids)
        if sm.shares.empty:
            if stage in p.stages or stage in traded:  # else only a form listed: a note
                parts.append(f"{stage}: unknown ({sm.note or 'no supply shares'})")
                rows.append(
                    {"stage": stage, "exporter": None, "share": float("nan"), "basis": sm.basis}
                    | {"note": sm.note}
                )
            elif sm.note:
                skipped.append(f"{stage}: {sm.note}")
            continue
        top = sm.shares.head(TOP_PER_STAGE)
        rows += [
            {"stage": stage, "exporter": c, "share": float(v), "basis": sm.basis, "note": sm.note}
            for c, v in top.items()
        ]
        lead = f"{labels.country(str(top.index[0]))} {fmt.share(float(top.iloc[0]))}"
        if is_consumer_basis(sm.basis):
            parts.append(f"{stage}: {lead} ({sm.basis})")
        else:
            why = sm.note.split("; ")[0] if sm.note else "no data on the consumer's own imports"
            parts.append(
                f"{stage}: own imports not known ({why}); stated fallback, the world market "
                f"({sm.basis}): {lead}"
            )
    text = "Main source by stage, each stage on its own traded forms: " + "; ".join(parts) + "."
    out = pd.DataFrame(rows, columns=SUPPLIER_COLUMNS)
    return out, int(year), text, tuple(sorted(ids)), tuple(skipped)


def _outlook_source_ids(ds: SupplyDataset, usable: pd.DataFrame) -> tuple[str, ...]:
    """Sources of the outlook rows shown: the IEA demand file and the supply rows compared."""
    from trust_minerals.outlook.results import _supply_rows
    from trust_minerals.sources import column_sources

    if not len(usable):
        return ()
    keys = usable[["commodity", "stage", "primary_year"]].rename(columns={"primary_year": "year"})
    return used_source_ids(*_supply_rows(ds, keys), extra=column_sources("demand_outlook"))


def _recovery_text(recovery: pd.DataFrame, name: str, who: str) -> str:
    """Recoverable tonnage per residue stream (a range where published), or why it is unknown."""
    if not len(recovery):
        return f"No residue stream for {name.lower()} is recorded for {who}."
    counted = recovery.dropna(subset=["recoverable_t"])
    if not len(counted):
        streams = ", ".join(sorted({_stream(s) for s in recovery["stream"]}))
        return (
            f"Recovery of {name.lower()} from {streams} in {who} cannot be estimated: "
            "published grade or recovery figures are missing."
        )
    parts = []
    for r in counted.to_dict(orient="records"):
        low, high = r.get("recoverable_low_t"), r.get("recoverable_high_t")
        span = (
            f" ({fmt.number(low)}–{fmt.number(high)})"
            if not fmt.is_missing(low) and not fmt.is_missing(high)
            else ""
        )
        parts.append(
            f"{_stream(r['stream'])} {fmt.number(r['recoverable_t'])} t/yr{span}"
            f" ({r['capacity_status']})"
        )
    return f"Technically recoverable from residues in {who}: " + "; ".join(parts) + "."


def _outlook_text(usable: pd.DataFrame, name: str) -> str:
    """The outlook message: a gap where demand and supply share a scope, else a share (as given)."""
    if not len(usable):
        return f"No {OUTLOOK_YEAR} demand outlook is published for {name.lower()} in the bundled IEA data."
    gaps = usable[usable["comparison"] == "gap"]
    o = (gaps if len(gaps) else usable).iloc[0]
    head = (
        f"World {o['demand_scope']} demand in {OUTLOOK_YEAR} ({o['scenario']}): "
        f"{fmt.number(o['demand_t'])} t against {fmt.number(o['supply_t'])} t of "
        f"{o['stage']} supply"
    )
    if o["comparison"] == "gap" and not fmt.is_missing(o["gap_share"]):
        verdict = (
            f"demand exceeds supply by {fmt.share(o['gap_share'])} of supply"
            if o["gap_share"] > 0
            else "supply covers demand"
        )
        return f"{head}: {verdict} ({o['comparison_note']})."
    return (
        f"{head}: demand is {fmt.share(o['demand_share_of_supply'])} of supply "
        f"({o['comparison_note']})."
    )
