"""Exportable capacity of each supplier, from the dataset.

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
  ``net_importer_of_mine-stage_feed`` / ``negligible_exports`` and the reason in ``note``.

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
from trust_minerals.optimize.position import not_exportable
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

    Raises :class:`InputError` when the stage has several forms and none is chosen, and
    :class:`UnknownNameError` for an unknown form.

    Examples
    --------
    >>> rows = stage_rows(ds, "lithium", "mine")   # doctest: +SKIP
    """
    df = ds.table(table)
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
    rows = rows[~rows["is_aggregate"]]
    unit = str(rows["unit"].iloc[0]) if not rows.empty else ""
    the_year = int(rows["year"].iloc[0]) if not rows.empty else (year or 0)
    use = domestic_use(ds, commodity, the_year, unit) if unit else {}
    use.update(domestic or {})
    own = parameters()["domestic_fraction"]
    out: list[list[Any]] = []
    notes: dict[str, str] = {}
    for country, q, status in zip(
        rows["country"].astype(str),
        rows["quantity"].to_numpy(dtype=float),
        rows["status"],
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
        out.append([country, q, status, dom, cap, basis, unit, the_year])
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
                [name, np.nan, "not_listed", np.nan, float(value), "override", unit, the_year]
            )
    df = pd.DataFrame(out, columns=CAPACITY_COLUMNS)
    df["note"] = df["supplier"].map(notes).fillna("")
    return df


#: name of the recovery/recycling supplier
RECOVERY = "recovery"
