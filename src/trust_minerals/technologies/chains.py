"""Evaluate a user-defined chain (:mod:`trust_minerals.technologies.chain_spec`) for a consumer
(``trust chain evaluate FILE --for IND``) and under a scenario (``trust simulate --chain FILE``).

Each input is measured with the platform's metric functions:

* its HS6 codes: the ``hs6`` given, else the codes of its forms (the ``forms`` table: the stage's
  own forms; a ``form`` picks one);
* **basis ``trade``**: the consumer's imports in those codes (BACI value, the latest year at or
  before ``year`` with trade in them; flows inside a group consumer are internal), from the
  ``trade`` table, or from ``product_trade`` for codes outside the mineral concordance (filled by
  ``trust data import-baci``). Sourcing concentration (``import_hhi``, top supplier) comes from
  :func:`trust_minerals.metrics.concentration` and partner and export-control shares from
  :func:`trust_minerals.metrics.partners.exposure_from_shares` (controls in force in the
  assessment year -- the latest production year, or ``year`` -- on the input's commodity, applied
  to the trade year's suppliers; missing for an input with no commodity, where no control data
  exist);
* **basis ``world production``**: an input named by commodity and stage whose forms have no trade
  in the store (or no HS6 code of their own, such as rare-earth ores) is measured on world
  production at that stage (:func:`trust_minerals.metrics.risk.risk_table`), and the note says so;
* an input with neither (HS codes not in the store and no production data, e.g. pharmaceutical
  ingredients, HS chapters 29-30) raises :class:`~trust_minerals.errors.InputError` naming its HS
  codes and the ``trust data import-baci`` command that supplies them.

Inputs with a commodity also carry its criticality score (method ``trust``) and the world
concentration of its stage. The chain's **weakest input** is the one with the highest
export-control share (then the highest concentration). Where a tier gives shares, the tier's
export-control share is the share-weighted sum over the inputs that have both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import NoDataError
from trust_minerals.technologies.chain_spec import ChainInput, ChainSpec, check_chain

INPUT_COLUMNS = [
    "tier",
    "input",
    "commodity",
    "stage",
    "form",
    "hs6",
    "share",
    "intensity",
    "unit",
    "figure_source",
    "basis",
    "year",
    "import_value_usd",
    "suppliers",
    "hhi",
    "top_country",
    "top_share",
    "partner_share",
    "export_control_share",
    "world_stage_hhi",
    "world_top_country",
    "criticality_score",
    "note",
]


@dataclass(frozen=True)
class ChainResult:
    """``inputs``: a row per tier x input; ``tiers``: a row per tier; the weakest input named."""

    chain: str
    consumer: str
    inputs: pd.DataFrame
    tiers: pd.DataFrame
    weakest_input: str | None
    notes: tuple[str, ...]


def input_codes(ds: SupplyDataset, inp: ChainInput) -> tuple[str, ...]:
    """HS6 codes of an input: its own, or those of its forms (empty if the forms have none)."""
    if inp.hs6 is not None:
        return tuple(dict.fromkeys(str(c) for c in inp.hs6))
    f = ds.forms
    rows = f[(f["commodity"] == inp.commodity) & (f["stage"] == inp.stage) & (f["hs6"] != "")]
    if inp.form is not None:
        rows = rows[rows["form"] == inp.form]
    return tuple(dict.fromkeys(rows["hs6"]))


def _trade_rows(ds: SupplyDataset, codes: tuple[str, ...]) -> pd.DataFrame:
    """Trade in ``codes``: the ``trade`` table, else ``product_trade`` for codes it lacks."""
    cols = ["exporter", "importer", "hs6", "year", "value_usd"]
    t = ds.trade
    main = t.loc[t["hs6"].isin(codes).to_numpy(), cols]
    rest = [c for c in codes if c not in set(main["hs6"])]
    if rest:
        p = ds.table("product_trade")
        main = pd.concat([main, p.loc[p["hs6"].isin(rest), cols]], ignore_index=True)
    return main


def _import_exposure(
    ds: SupplyDataset,
    flows: pd.DataFrame,
    key: str,
    commodity: str | None,
    partners: set[str],
    year: int,
    control_year: int,
) -> dict[str, object]:
    """Concentration and partner / export-control shares of one input's import flows."""
    from trust_minerals.metrics.concentration import _table_from_rows, shares
    from trust_minerals.metrics.partners import controlled_pairs, exposure_from_shares

    by = flows.groupby("exporter")["value_usd"].sum(min_count=1).reset_index()
    # every supplier of the consumer is listed, so their sum is the total (the 'World total' row
    # of the concentration functions: coverage is complete by construction)
    countries = [*by["exporter"], "World total"]
    rows = pd.DataFrame(
        {
            "commodity": key,
            "stage": "",
            "form": "",
            "year": year,
            "unit": "USD",
            "country": countries,
            "is_aggregate": [False] * len(by) + [True],
            "quantity": [*by["value_usd"], by["value_usd"].sum(min_count=1)],
            "status": "reported",
            "note": "",
        }
    )
    conc = _table_from_rows(rows).iloc[0]
    controls = controlled_pairs(ds.export_controls, control_year)
    controls = controls[controls["commodity"] == commodity].assign(commodity=key)
    exp = exposure_from_shares(shares(rows), partners, controls).iloc[0]
    return {
        "import_value_usd": float(by["value_usd"].sum()),
        "suppliers": int(len(by)),
        "hhi": conc["hhi"],
        "top_country": conc["top_country"],
        "top_share": conc["top_share"],
        "partner_share": exp["partner_share"],
        "export_control_share": exp["export_control_share"] if commodity else np.nan,
    }


def _import_command(missing: list[tuple[str, tuple[str, ...]]]) -> str:
    codes = sorted({c for _, cs in missing for c in cs})
    which = "; ".join(f"{name!r}: HS {', '.join(cs)}" for name, cs in missing)
    return (
        f"no trade in the store for {which}. The bundled BACI extract holds only the mineral "
        "HS codes; import a full BACI HS92 year file with "
        f"'trust data import-baci BACI_HS92_Y<year>_V<version>.csv --hs6 {','.join(codes)}'"
    )


def evaluate_chain(
    ds: SupplyDataset,
    spec: ChainSpec,
    consumer: str = "IND",
    *,
    partners: str | None = None,
    year: int | None = None,
    path: str | None = None,
) -> ChainResult:
    """Measure every input of ``spec`` for ``consumer`` (see the module docstring).

    Raises
    ------
    NoDataError
        Inputs whose HS codes have no trade in the store and no production data (the message
        names the codes and the ``trust data import-baci`` command).
    UnknownNameError
        Unknown consumer, commodity, stage or form.

    Examples
    --------
    >>> spec, path = load_chain("lithium-ion-battery")                      # doctest: +SKIP
    >>> evaluate_chain(ds, spec, "IND").inputs[["input", "basis", "top_country"]]  # doctest: +SKIP
    """
    from trust_minerals.countries import resolve_consumer
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.risk import risk_table

    check_chain(ds, spec, path=path)
    cons = resolve_consumer(ds, consumer)
    part = resolve_consumer(ds, partners, role="partner set") if partners else cons
    members, partner_set = set(cons.members), set(part.members)
    risk = risk_table(ds, consumer, partners, year=year)
    crit = criticality(ds, "trust", consumer, partners=partners, year=year)
    score = crit.table.set_index("commodity")["score"]
    records, missing = [], []
    for tier in spec.tiers:
        for inp in tier.inputs:
            codes = input_codes(ds, inp)
            flows = _trade_rows(ds, codes)
            rec: dict[str, object] = {
                "tier": tier.name,
                "input": inp.name,
                "commodity": inp.commodity or "",
                "stage": inp.stage or "",
                "form": inp.form or "",
                "hs6": ",".join(codes),
                "share": inp.share,
                "intensity": inp.intensity,
                "unit": inp.unit or "",
                "figure_source": inp.source
                or (f"assumption: {inp.assumption}" if inp.assumption else ""),
            }
            notes = []
            world = risk[(risk["commodity"] == inp.commodity) & (risk["stage"] == inp.stage)]
            if len(world):
                top = world.sort_values("hhi", ascending=False).iloc[0]
                rec |= {"world_stage_hhi": top["hhi"], "world_top_country": top["top_country"]}
            if inp.commodity:
                rec["criticality_score"] = score.get(inp.commodity, np.nan)
            if not flows.empty:
                years = sorted(int(y) for y in flows["year"].unique())
                target = year if year is not None else years[-1]
                before = [y for y in years if y <= target]
                ty = before[-1] if before else years[0]
                if ty != target:
                    notes.append(f"trade year {ty} (latest at or before {target} with trade)")
                f = flows[
                    (flows["year"] == ty)
                    & flows["importer"].isin(members)
                    & ~flows["exporter"].isin(members)
                ]
                rec |= {"basis": "trade", "year": ty}
                found = set(flows["hs6"])
                if set(codes) - found:
                    notes.append(f"no trade in HS {', '.join(sorted(set(codes) - found))}")
                if f.empty:
                    notes.append(f"{consumer} reported no imports of HS {rec['hs6']} in {ty}")
                else:
                    key = inp.commodity or f"hs:{inp.name}"
                    rec |= _import_exposure(ds, f, key, inp.commodity, partner_set, ty, crit.year)
                    if not inp.commodity:
                        notes.append("no commodity: export controls not known for these codes")
            elif len(world):
                top = world.sort_values("hhi", ascending=False).iloc[0]
                rec |= {
                    "basis": "world production",
                    "year": int(top["year"]),
                    "hhi": top["hhi"],
                    "top_country": top["top_country"],
                    "top_share": top["top_share"],
                    "partner_share": top["partner_share"],
                    "export_control_share": top["export_control_share"],
                }
                f = ds.forms
                listed = ((f["commodity"] == inp.commodity) & (f["stage"] == inp.stage)).any()
                if codes:
                    why = f"no trade in the store for HS {rec['hs6']}"
                elif listed:
                    why = f"the {inp.stage} forms have no HS6 code of their own"
                else:
                    why = f"the forms table lists no traded form of {inp.commodity} at {inp.stage}"
                notes.append(f"{why}; measured on world production at the {inp.stage} stage")
            else:
                missing.append((inp.name, codes))
                continue
            rec["note"] = "; ".join(notes)
            records.append(rec)
    if missing:
        raise NoDataError(_import_command(missing))
    inputs = pd.DataFrame(records).reindex(columns=INPUT_COLUMNS)
    return ChainResult(
        chain=spec.name,
        consumer=consumer,
        inputs=inputs,
        tiers=_tiers(inputs),
        weakest_input=_weakest(inputs),
        notes=(
            f"consumer {consumer}; import shares by BACI value in the trade year; export controls "
            f"in force in {crit.year} applied to them; criticality method 'trust' ({crit.year})",
        ),
    )


def _weakest(inputs: pd.DataFrame) -> str | None:
    ranked = inputs.assign(_h=inputs["hhi"].fillna(-1)).sort_values(
        ["export_control_share", "_h"], ascending=False, na_position="last"
    )
    scored = ranked.dropna(subset=["export_control_share"])
    if scored.empty:
        scored = ranked.dropna(subset=["hhi"])
    return None if scored.empty else str(scored.iloc[0]["input"])


def _tiers(inputs: pd.DataFrame) -> pd.DataFrame:
    out = []
    for tier, g in inputs.groupby("tier", sort=False):
        w = g.dropna(subset=["share", "export_control_share"])
        weakest = _weakest(g)
        out.append(
            {
                "tier": tier,
                "inputs": len(g),
                "weakest_input": weakest,
                "max_export_control_share": g["export_control_share"].max(),
                "share_weighted_export_control_share": float(
                    (w["share"] * w["export_control_share"]).sum()
                )
                if len(w)
                else np.nan,
                "share_covered": float(w["share"].sum()) if len(w) else np.nan,
            }
        )
    return pd.DataFrame(out)


def chain_table(result: ChainResult, level: str = "input") -> pd.DataFrame:
    """``inputs`` or ``tiers`` of a :class:`ChainResult` (``level``: input or tier)."""
    from trust_minerals.technologies.graph import check_names

    check_names("level", [level], ["input", "tier"])
    return result.inputs if level == "input" else result.tiers


def simulate_chain(
    ds: SupplyDataset,
    spec: ChainSpec,
    scenario: object,
    consumers: str | list[str],
    *,
    path: str | None = None,
) -> pd.DataFrame:
    """A scenario's effect on each input of a chain, for each consumer.

    The scenario runs through :func:`trust_minerals.simulate.propagate.propagate`; an input named
    by commodity and stage takes that commodity and stage's ``shortfall_share``. An input whose
    commodity the scenario does not shock gets 0 (stated in ``note``); an input whose commodity
    is shocked at another stage, or that has no commodity, is not modelled (missing, stated).
    Where the input has an intensity, ``at_risk = intensity x shortfall_share`` in its unit.

    Examples
    --------
    >>> simulate_chain(ds, load_chain("permanent-magnet")[0], preset("china-rare-earths-2025"), ["IND"])  # doctest: +SKIP
    """
    from trust_minerals.simulate.propagate import propagate

    check_chain(ds, spec, path=path)
    result = propagate(ds, scenario, consumers)  # type: ignore[arg-type]
    summary = result.summary
    by_key = {
        (str(r.consumer), str(r.commodity), str(r.stage)): r
        for r in summary.itertuples(index=False)
    }
    shocked = {(c, s) for _, c, s in by_key}
    shocked_commodities = {c for c, _ in shocked}
    consumer_names = list(dict.fromkeys(summary["consumer"])) or (
        [consumers] if isinstance(consumers, str) else consumers
    )
    rows = []
    for consumer in consumer_names:
        for tier in spec.tiers:
            for inp in tier.inputs:
                rec: dict[str, object] = {
                    "consumer": consumer,
                    "tier": tier.name,
                    "input": inp.name,
                    "commodity": inp.commodity or "",
                    "stage": inp.stage or "",
                    "share": inp.share,
                    "intensity": inp.intensity,
                    "unit": inp.unit or "",
                }
                key = (consumer, str(inp.commodity), str(inp.stage))
                if key in by_key:
                    r = by_key[key]
                    rec |= {
                        "shortfall_share": r.shortfall_share,
                        "months_short": r.months_short,
                        "price_change_share": r.price_change_share,
                        "basis": r.basis,
                        "note": str(getattr(r, "note", "") or ""),
                    }
                elif inp.commodity and inp.commodity not in shocked_commodities:
                    rec |= {
                        "shortfall_share": 0.0,
                        "note": "the scenario does not shock this commodity",
                    }
                elif inp.commodity:
                    stages = sorted(s for c, s in shocked if c == inp.commodity)
                    rec |= {
                        "shortfall_share": np.nan,
                        "note": f"not modelled: the scenario shocks {inp.commodity} at "
                        f"{', '.join(stages)}, not at {inp.stage or 'this input'}",
                    }
                else:
                    rec |= {
                        "shortfall_share": np.nan,
                        "note": "not modelled: scenario shocks name commodities; this input has none",
                    }
                rows.append(rec)
    out = pd.DataFrame(rows)
    out["at_risk"] = out["intensity"].astype(float) * out["shortfall_share"].astype(float)
    cols = [
        "consumer",
        "tier",
        "input",
        "commodity",
        "stage",
        "share",
        "shortfall_share",
        "months_short",
        "price_change_share",
        "intensity",
        "unit",
        "at_risk",
        "basis",
        "note",
    ]
    return out.reindex(columns=cols)
