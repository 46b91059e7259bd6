"""Exportable capacity of each supplier, from the dataset.

Suppliers and their output at a stage come from the same best-source stage shares as the
concentration view (:func:`trust_minerals.metrics.stages.stage_production`): the USGS world
tables where USGS publishes the stage, else the IEA table's 2023 estimate (nickel, cobalt, lithium
chemicals, battery-grade graphite and magnet rare-earth refining). IEA rows are in kt of the
stage's content basis (the row's ``form``), a mass unit of the bundled units table, so the
optimiser runs in kt of that content; ``world_share`` is each supplier's share of world supply at
the stage (the project-wide denominator rule) and ``source_id`` names the row's source.

For a consumer and one commodity × stage (× form) × year:

* a foreign producer's capacity is its production minus its domestic use where that is known
  (apparent consumption in ``us_salient`` for the United States, or ``domestic_use=`` given by the
  caller), otherwise its production times ``exportable_fraction`` (``optimize/data/parameters.csv``,
  labelled ``assumption``);
* the consumer's own production counts in full (``domestic_fraction``, also an assumption);
* ``capacities=`` overrides any supplier, or adds one that has no usable production row;
* a supplier that bans exports of the stage's forms, is a net importer of them, or exports next
  to none of them against its output (:func:`trust_minerals.optimize.position.not_exportable`),
  gets capacity 0 with ``capacity_basis`` ``export_ban`` / ``net_importer`` /
  ``net_importer_of_mine-stage_feed`` / ``negligible_exports`` and the reason in ``note``;
* imports of a stage code that also carries mine-stage feed are not netted
  (:func:`trust_minerals.optimize.position.feed_codes`: cobalt hydroxide shipped from the DRC in
  HS 282200 and 810510 is refinery feed for China, not refined cobalt); a supplier whose imports
  were left out says so in ``note``.

Withheld or unavailable production keeps its status: such a country is listed with
``capacity_basis='unknown'`` and a note, and is not offered to the optimiser unless overridden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.concentration import shares
from trust_minerals.metrics.stages import stage_production
from trust_minerals.optimize.position import feed_codes, net_trade, not_exportable
from trust_minerals.optimize.spec import parameters

CAPACITY_COLUMNS = [
    "supplier",
    "production",
    "production_status",
    "domestic_use",
    "capacity",
    "capacity_basis",
    "unit",
    "year",
    "world_share",
    "source_id",
]


def stage_rows(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    *,
    year: int | None = None,
    form: str | None = None,
    table: str = "production",
) -> pd.DataFrame:
    """Rows of ``table`` for one commodity × stage × form × year (latest year with data).

    ``table='production'`` reads the best-source stage rows
    (:func:`trust_minerals.metrics.stages.stage_production`: USGS, else the IEA 2023 estimate).

    Raises :class:`InputError` when the stage has several forms and none is chosen, and
    :class:`UnknownNameError` for an unknown form.

    Examples
    --------
    >>> rows = stage_rows(ds, "lithium", "mine")   # doctest: +SKIP
    """
    df = stage_production(ds) if table == "production" else ds.table(table)
    df = df[(df["commodity"] == commodity) & (df["stage"] == stage)]
    if df.empty:
        return df.reset_index(drop=True)
    forms = sorted(df["form"].unique())
    if form is None:
        if len(forms) > 1:
            raise InputError(
                f"form: {commodity} {stage} {table} has several forms {forms}; choose one (form=)"
            )
        form = forms[0]
    elif form not in forms:
        raise UnknownNameError("form", [form], forms, f"{commodity} {stage} {table}")
    df = df[df["form"] == form]
    if year is None:
        with_data = df[df["quantity"].notna() & ~df["is_aggregate"]]
        year = int(with_data["year"].max()) if not with_data.empty else int(df["year"].max())
    return df[df["year"] == year].reset_index(drop=True)


def domestic_use(ds: SupplyDataset, commodity: str, year: int, unit: str) -> dict[str, float]:
    """Known domestic use by country: the USGS apparent consumption of the United States.

    Only used when it is a number in the production unit for that year.
    """
    sal = ds.us_salient
    if sal.empty:
        return {}
    rows = sal[
        (sal["commodity"] == commodity)
        & (sal["statistic"].str.lower() == "consumption")
        & sal["detail"].str.lower().str.startswith("consumption, apparent")
        & (sal["year"] == year)
        & (sal["unit"] == unit)
        & sal["value"].notna()
    ]
    if len(rows) != 1:
        return {}
    return {"USA": float(rows["value"].iloc[0])}


def exportable_capacity(
    ds: SupplyDataset,
    commodity: str,
    stage: str,
    consumer: Iterable[str],
    *,
    year: int | None = None,
    form: str | None = None,
    exportable_fraction: float | None = None,
    capacities: Mapping[str, float] | None = None,
    domestic: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per supplier: production, domestic use, capacity and the basis of the capacity.

    Examples
    --------
    >>> exportable_capacity(ds, "lithium", "mine", ["IND"])   # doctest: +SKIP
      supplier  production production_status  ...  capacity        capacity_basis
    """
    consumer = tuple(consumer)
    fraction = (
        parameters()["exportable_fraction"] if exportable_fraction is None else exportable_fraction
    )
    if not 0.0 <= fraction <= 1.0:
        raise InputError(f"exportable_fraction: must lie in [0, 1], got {fraction}")
    rows = stage_rows(ds, commodity, stage, year=year, form=form)
    world = shares(rows)["share"].to_numpy(dtype=float) if not rows.empty else np.array([])
    rows = rows.assign(world_share=world)[~rows["is_aggregate"]]
    unit = str(rows["unit"].iloc[0]) if not rows.empty else ""
    the_year = int(rows["year"].iloc[0]) if not rows.empty else (year or 0)
    use = domestic_use(ds, commodity, the_year, unit) if unit else {}
    use.update(domestic or {})
    own = parameters()["domestic_fraction"]
    out: list[list[Any]] = []
    notes: dict[str, str] = {}
    for country, q, status, wshare, source in zip(
        rows["country"].astype(str),
        rows["quantity"].to_numpy(dtype=float),
        rows["status"],
        rows["world_share"].to_numpy(dtype=float),
        rows["source_id"],
        strict=True,
    ):
        dom = use.get(country, np.nan)
        barred = (
            ""
            if country in consumer
            else not_exportable(
                ds, country, commodity, stage, the_year, production=float(q), unit=unit
            )
        )
        if not barred and country not in consumer:
            notes[country] = _feed_note(ds, country, commodity, stage, the_year)
        if barred:
            cap, basis = 0.0, barred.split(":")[0].replace(" ", "_")
            notes[country] = barred
        elif np.isnan(q):
            cap, basis = np.nan, "unknown"
        elif country in consumer:
            cap, basis = float(q) * own, "own_production"
        elif not np.isnan(dom):
            cap, basis = max(float(q) - float(dom), 0.0), "production_minus_domestic_use"
        else:
            cap, basis = float(q) * fraction, "exportable_fraction_assumption"
        out.append([country, q, status, dom, cap, basis, unit, the_year, wshare, source])
    listed = {row[0]: i for i, row in enumerate(out)}
    for name, value in (capacities or {}).items():
        if not value >= 0:
            raise InputError(f"capacities[{name!r}]: must be non-negative, got {value}")
        if name in listed:
            out[listed[name]][4:6] = [float(value), "override"]
        else:
            known = set(ds.country_ids())
            if known and name not in known and name != RECOVERY:
                raise UnknownNameError("country", [name], sorted(known), "capacities=")
            out.append(
                [
                    name, np.nan, "not_listed", np.nan, float(value), "override", unit,
                    the_year, np.nan, None,
                ]
            )  # fmt: skip
    df = pd.DataFrame(out, columns=CAPACITY_COLUMNS)
    df["note"] = [notes.get(supplier, "") for supplier in df["supplier"]]  # text, even if none
    return df


def _feed_note(ds: SupplyDataset, country: str, commodity: str, stage: str, year: int) -> str:
    """The supplier's imports left out of its net trade as mine-stage feed ('' when none)."""
    nt = net_trade(ds, country, commodity, stage, year)
    if nt is None or not nt.feed_hs6:
        return ""
    return (
        f"net trade (BACI {nt.year}): exports {nt.exports:,.0f} {nt.measure} of the stage's "
        f"forms against imports {nt.imports:,.0f} {nt.measure}" + nt.feed_text()
    )


def capacity_source_ids(
    ds: SupplyDataset, cap: pd.DataFrame, commodity: str, stage: str
) -> tuple[str, ...]:
    """Sources of the rows :func:`exportable_capacity` read for the suppliers in ``cap``: the
    stage rows (``source_id`` column), the USGS apparent consumption used as domestic use, the
    export controls on the commodity and the suppliers' trade in the stage's forms (net trade,
    up to the capacity year), and the IEA rows of the mine-feed check where the mine-stage
    forms have no HS6 code."""
    from trust_minerals.forms import stage_hs6
    from trust_minerals.sources import used_source_ids

    ids = (  # a row computed from several sources names them all, comma-separated
        {i.strip() for s in cap["source_id"].dropna() for i in str(s).split(",") if i.strip()}
        if "source_id" in cap
        else set()
    )
    suppliers = set(cap["supplier"])
    years = cap["year"].dropna()
    year = int(years.max()) if len(years) else 0
    frames: list[pd.DataFrame] = []
    if cap["capacity_basis"].eq("production_minus_domestic_use").any():
        sal = ds.us_salient
        frames.append(
            sal[
                (sal["commodity"] == commodity)
                & (sal["statistic"].str.lower() == "consumption")
                & (sal["year"] == year)
            ]
        )
    ec = ds._frame("export_controls")
    frames.append(ec[(ec["commodity"] == commodity) & ec["country"].isin(suppliers)])
    codes = stage_hs6(ds, commodity, stage)
    for code in feed_codes(ds, commodity, stage, year):  # who mines and who refines
        ids |= set(code.source_ids)
    if codes:
        t = ds._frame("trade")
        t = t[(t["commodity"] == commodity) & t["hs6"].isin(codes) & (t["year"] <= year)]
        frames.append(t[t["importer"].isin(suppliers) | t["exporter"].isin(suppliers)])
    elif stage == "mine":
        iea = ds._frame("supply_projection")
        frames.append(iea[(iea["commodity"] == commodity) & iea["country"].isin(suppliers)])
    return used_source_ids(*frames, extra=ids)


#: name of the recovery/recycling supplier
RECOVERY = "recovery"
