"""A country's own position in a traded form: export bans in force and net trade at a stage.

Used by the complementarity screen and the optimiser's exportable capacity so that neither offers
a country as a supplier of a form it bans from export or imports more of than it exports:

* :func:`export_ban` — an ``Export ban`` in the export-controls table (USGS MCS 2026 T4) on the
  commodity, read for the stage from the item text: ores, concentrates and raw minerals are the
  mine stage; scrap is no stage measured here; any other text (e.g. ``silver``) bans every stage;
* :func:`net_trade` — the country's imports and exports in the stage's own forms (HS6 codes of
  the forms table, BACI quantities in metric tons) in the latest trade year <= ``year``;
* :func:`negligible_exports` — a producer that exports next to none of the stage's forms against
  its output (``min_export_share``, an assumption) is no exporter of them either;
* :func:`feed_deficit` — where a mine-stage form has no HS6 code (lithium ores): a country whose
  refinery output exceeds its mine output in the IEA table (same content basis) imports feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from trust_minerals.dataset import SupplyDataset
from trust_minerals.forms import stage_hs6
from trust_minerals.units import tonnes_per_unit

_MINE_WORDS = re.compile(r"\bores?\b|concentrate|raw", re.IGNORECASE)
_NO_STAGE_WORDS = re.compile(r"scrap|waste", re.IGNORECASE)


def export_ban(ds: SupplyDataset, country: str, commodity: str, stage: str) -> str:
    """The ban in force on ``commodity`` at ``stage`` by ``country`` as a reason text ('' if none).

    Examples
    --------
    >>> export_ban(ds, "ZWE", "lithium", "mine")  # doctest: +SKIP
    "export ban: 'Lithium ore' (since 2022; USGS MCS 2026 T4)"
    """
    ec = ds._frame("export_controls")
    rows = ec[
        (ec["country"] == country)
        & (ec["commodity"] == commodity)
        & ec["control_type"].str.contains("ban", case=False)
    ]
    for item, since in zip(rows["item_text"], rows["since_year"], strict=True):
        if _NO_STAGE_WORDS.search(item):
            continue
        if _MINE_WORDS.search(item) and stage != "mine":
            continue
        year = "" if since is None or (isinstance(since, float) and np.isnan(since)) else since
        return f"export ban: '{item}' (since {year}; USGS MCS 2026 T4)"
    return ""


@dataclass(frozen=True)
class NetTrade:
    """Imports and exports (t, gross weight of the stage's forms) of one country in one year."""

    imports: float
    exports: float
    year: int
    measure: str = "t"
    #: exports in metric tons where every export flow has a quantity (NaN otherwise)
    exports_t: float = float("nan")

    @property
    def net_importer(self) -> bool:
        return self.imports > self.exports

    def text(self) -> str:
        return (
            f"imports {self.imports:,.0f} {self.measure} > exports {self.exports:,.0f} "
            f"{self.measure} of the stage's forms (BACI {self.year})"
        )


def net_trade(
    ds: SupplyDataset, country: str, commodity: str, stage: str, year: int
) -> NetTrade | None:
    """The country's trade in the stage's forms (None without coded forms or trade rows)."""
    codes = stage_hs6(ds, commodity, stage)
    if not codes:
        return None
    t = ds._frame("trade")
    t = t[(t["commodity"] == commodity) & t["hs6"].isin(codes) & (t["year"] <= year)]
    t = t[(t["importer"] == country) | (t["exporter"] == country)]
    if t.empty:
        return None
    last = int(t["year"].max())
    t = t[t["year"] == last]
    column = "quantity" if t["quantity"].notna().all() else "value_usd"
    out_q = t.loc[t["exporter"] == country, "quantity"]
    return NetTrade(
        imports=float(t.loc[t["importer"] == country, column].sum()),
        exports=float(t.loc[t["exporter"] == country, column].sum()),
        year=last,
        measure="t" if column == "quantity" else "USD",
        exports_t=float(out_q.sum()) if out_q.notna().all() else float("nan"),
    )


def feed_deficit(ds: SupplyDataset, country: str, commodity: str) -> str:
    """Mine-stage feed balance from the IEA table (2023): a country that refines more than it
    mines (same content basis at both stages) imports mine-stage feed; '' otherwise or unknown."""
    iea = ds._frame("supply_projection")
    rows = iea[
        (iea["commodity"] == commodity) & (iea["country"] == country) & (iea["year"] == 2023)
    ]
    q = dict(zip(rows["stage"], rows["quantity"].astype(float), strict=True))
    if not {"mine", "refinery"} <= set(q):
        return ""
    mine, refinery = q["mine"], q["refinery"]
    if refinery <= mine:
        return ""
    ref = rows[rows["stage"] == "refinery"].iloc[0]
    return (
        f"net importer of mine-stage feed: refines {refinery:g} {ref['unit']!s} "
        f"({ref['content_basis']!s}) but mines {mine:g} (IEA 2023)"
    )


def negligible_exports(
    nt: NetTrade | None, production: float, unit: str, min_share: float | None = None
) -> str:
    """Why a producer is no exporter of the stage's forms although it trades more out than in:
    its exports (t, gross weight) are below ``min_export_share`` (parameters.csv, assumption) of
    its production at the stage ('' when not, or when units do not allow the comparison).

    Gross traded tonnes are at least the contained tonnes, so exports below the share by gross
    weight are below it by content too. India's silver is the case: it mines 800 t of silver (in
    zinc-lead concentrates refined at home) and exported 0.02 t of silver ore in 2024 (BACI).

    Examples
    --------
    >>> negligible_exports(NetTrade(0.01, 0.02, 2024, exports_t=0.02), 800.0, "metric tons", 0.01)[:19]
    'negligible exports:'
    >>> negligible_exports(NetTrade(0.0, 500.0, 2024, exports_t=500.0), 800.0, "metric tons", 0.01)
    ''
    """
    from trust_minerals.optimize.spec import parameters
    from trust_minerals.units import unit_table

    if nt is None or np.isnan(nt.exports_t) or not production > 0:
        return ""
    if unit_table().get(unit, ("",))[0] != "mass":
        return ""
    share = parameters()["min_export_share"] if min_share is None else min_share
    tonnes = production * tonnes_per_unit([unit])[unit]
    if nt.exports_t >= share * tonnes:
        return ""
    return (
        f"negligible exports: {nt.exports_t:,.2f} t of the stage's forms (BACI {nt.year}) against "
        f"production {production:,.0f} {unit} (below {share:.0%}, min_export_share assumption): "
        "its output is not exported in this form"
    )


def not_exportable(
    ds: SupplyDataset,
    country: str,
    commodity: str,
    stage: str,
    year: int,
    *,
    production: float = float("nan"),
    unit: str = "",
) -> str:
    """Why ``country`` cannot be offered as an exporter of the stage's forms ('' when it can):
    an export ban in force, net imports of the stage's forms (BACI), exports of them next to
    none against its ``production`` (in ``unit``; :func:`negligible_exports`), or, for a mine
    stage whose forms have no HS6 code, a refinery output above its mine output (IEA)."""
    ban = export_ban(ds, country, commodity, stage)
    if ban:
        return ban
    nt = net_trade(ds, country, commodity, stage, year)
    if nt is not None and nt.net_importer:
        return "net importer: " + nt.text()
    if nt is None and stage == "mine":
        return feed_deficit(ds, country, commodity)
    return negligible_exports(nt, production, unit)
