"""A country's own position in a traded form: export bans in force and net trade at a stage.

Used by the complementarity screen and the optimiser's exportable capacity so that neither offers
a country as a supplier of a form it bans from export or imports more of than it exports:

* :func:`export_ban` — an ``Export ban`` in the export-controls table (USGS MCS 2026 T4) on the
  commodity, read for the stage from the item text: ores, concentrates and raw minerals are the
  mine stage; scrap is no stage measured here; any other text (e.g. ``silver``) bans every stage;
* :func:`net_trade` — the country's imports and exports in the stage's own forms (HS6 codes of
  the forms table, BACI quantities in metric tons) in the latest trade year <= ``year``; imports
  of a code that carries mine-stage feed (:func:`feed_codes`) are left out of the netting;
* :func:`feed_codes` — the HS6 codes of a stage after mining that also carry mine-stage feed,
  judged from the data: at least ``feed_export_share`` (parameters.csv, assumption) of the code's
  world export value is shipped by countries that mine the commodity but have no output at the
  stage. Cobalt is the case: HS 282200 (oxides and hydroxides) and 810510 (mattes, intermediates
  and unwrought cobalt) carry the DRC's cobalt hydroxide to Chinese refineries, so China's
  imports of them are refinery feed, not refined cobalt;
* :func:`negligible_exports` — a producer that exports next to none of the stage's forms against
  its output (``min_export_share``, an assumption) is no exporter of them either;
* :func:`feed_deficit` — where a mine-stage form has no HS6 code (lithium ores): a country whose
  refinery output exceeds its mine output in the IEA table (same content basis) imports feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    #: codes whose imports were left out of ``imports`` (they carry mine-stage feed)
    feed_hs6: tuple[str, ...] = ()
    #: the country's imports of those codes (in ``measure``), not netted
    feed_imports: float = 0.0

    @property
    def net_importer(self) -> bool:
        return self.imports > self.exports

    def text(self) -> str:
        return (
            f"imports {self.imports:,.0f} {self.measure} > exports {self.exports:,.0f} "
            f"{self.measure} of the stage's forms (BACI {self.year})" + self.feed_text()
        )

    def feed_text(self) -> str:
        """What was left out of the netting ('' when nothing was)."""
        if not self.feed_hs6:
            return ""
        return (
            f"; imports of HS {', '.join(self.feed_hs6)} ({self.feed_imports:,.0f} "
            f"{self.measure}) not netted: the codes carry mine-stage feed"
        )


@dataclass(frozen=True)
class FeedCode:
    """One HS6 code of a stage and how much of its world export value is mine-stage feed.

    ``feed_share`` is the share of the code's world export value (BACI, ``year``) shipped by
    countries that mine the commodity but have no output at the stage (``feed_exporters``,
    largest first); the code carries feed when it reaches ``feed_export_share``.
    """

    hs6: str
    year: int
    feed_share: float
    feed_exporters: tuple[str, ...]
    carries_feed: bool
    source_ids: tuple[str, ...] = ()

    def text(self) -> str:
        who = ", ".join(self.feed_exporters[:3])
        return (
            f"HS {self.hs6}: {self.feed_share:.0%} of world export value (BACI {self.year}) "
            f"from countries that mine the commodity but have no output at the stage ({who})"
        )


def _output_countries(
    rows: pd.DataFrame, year: int, *, unknown: bool
) -> tuple[set[str], int | None]:
    """Countries with a positive quantity in the latest year <= ``year`` with data (else the
    earliest year after), and that year; ``unknown=True`` also counts a country whose quantity
    that year is withheld or not available (its output is not known to be 0)."""
    named = rows[~rows["is_aggregate"]]
    known = named[named["quantity"].notna()]
    if known.empty:
        return set(), None
    years = known["year"].unique()
    before = years[years <= year]
    use = int(before.max()) if len(before) else int(years.min())
    at = named[named["year"] == use]
    q = at["quantity"].astype(float)
    keep = (q > 0) | (q.isna() if unknown else False)
    return set(at.loc[keep, "country"].astype(str)), use


def feed_codes(ds: SupplyDataset, commodity: str, stage: str, year: int) -> tuple[FeedCode, ...]:
    """The HS6 codes of ``stage``'s forms with the share of their world export value that is
    mine-stage feed (every code with trade; none at the mine stage).

    Producers come from the best-source stage rows
    (:func:`trust_minerals.metrics.stages.stage_production`): miners have a positive mine-stage
    quantity, producers at the stage a positive, withheld or unavailable one (latest year <=
    ``year``; a withheld figure is not 0, so both choices err towards "no feed"). Exports
    by a miner without output at the stage are feed shipped in the stage's code. Derived once per
    dataset, commodity, stage and year.

    Examples
    --------
    >>> [c.hs6 for c in feed_codes(ds, "cobalt", "refinery", 2023) if c.carries_feed]  # doctest: +SKIP
    ['282200', '810510']
    """
    key = f"_feed_codes/{commodity}/{stage}/{year}"
    table = ds._cache.get(key)
    if table is None:
        table = _feed_table(ds, commodity, stage, year)
        ds._cache[key] = table
    return tuple(
        FeedCode(
            str(r["hs6"]),
            int(r["year"]),
            float(r["feed_share"]),
            tuple(r["feed_exporters"]),
            bool(r["carries_feed"]),
            tuple(r["source_ids"]),
        )
        for r in table.to_dict(orient="records")
    )


def _feed_table(ds: SupplyDataset, commodity: str, stage: str, year: int) -> pd.DataFrame:
    """:func:`feed_codes` as a table (one row per code with trade)."""
    from trust_minerals.metrics.stages import stage_production
    from trust_minerals.optimize.spec import parameters
    from trust_minerals.sources import used_source_ids

    columns = ["hs6", "year", "feed_share", "feed_exporters", "carries_feed", "source_ids"]
    codes = stage_hs6(ds, commodity, stage) if stage != "mine" else ()
    out: list[list[object]] = []
    prod = stage_production(ds)
    prod = prod[prod["commodity"] == commodity]
    # conservative both ways: a withheld producer at the stage is a producer, a withheld miner
    # is not counted as a feed exporter
    makers, made_year = _output_countries(prod[prod["stage"] == stage], year, unknown=True)
    miners, mined_year = _output_countries(prod[prod["stage"] == "mine"], year, unknown=False)
    if not codes or made_year is None or mined_year is None:
        return pd.DataFrame(out, columns=columns)
    read = prod[
        ((prod["stage"] == stage) & (prod["year"] == made_year))
        | ((prod["stage"] == "mine") & (prod["year"] == mined_year))
    ]
    feeders = miners - makers
    t = ds._frame("trade")
    t = t[(t["commodity"] == commodity) & t["hs6"].isin(codes) & (t["year"] <= year)]
    threshold = float(parameters()["feed_export_share"])
    for code, rows in t.groupby("hs6", sort=True):
        last = rows[rows["year"] == rows["year"].max()]
        by = last.groupby("exporter")["value_usd"].sum().sort_values(ascending=False)
        if not by.sum() > 0:
            continue
        fed = by[by.index.isin(feeders)]
        share = float(fed.sum() / by.sum())
        out.append(
            [
                str(code),
                int(last["year"].iloc[0]),
                share,
                tuple(str(c) for c in fed.index),
                share >= threshold,
                used_source_ids(last, read),
            ]
        )
    return pd.DataFrame(out, columns=columns)


def feed_text(ds: SupplyDataset, commodity: str, stage: str, year: int) -> str:
    """The stage's codes that carry mine-stage feed, for a result's basis ('' when none).

    Examples
    --------
    >>> feed_text(ds, "cobalt", "refinery", 2023)[:40]  # doctest: +SKIP
    'net trade in the refinery forms leaves ou'
    """
    from trust_minerals.optimize.spec import parameters

    fed = [c for c in feed_codes(ds, commodity, stage, year) if c.carries_feed]
    if not fed:
        return ""
    share = float(parameters()["feed_export_share"])
    return (
        f"net trade in the {stage} forms leaves out imports of "
        f"HS {', '.join(c.hs6 for c in fed)}: they carry mine-stage feed "
        f"({'; '.join(c.text() for c in fed)}; at least {share:.0%}, feed_export_share "
        "assumption), so a country's imports of them are feed for its own output, not "
        f"{stage} product; its exports of them still count"
    )


def net_trade(
    ds: SupplyDataset, country: str, commodity: str, stage: str, year: int
) -> NetTrade | None:
    """The country's trade in the stage's forms (None without coded forms or trade rows).

    Imports of a code that carries mine-stage feed (:func:`feed_codes`) are not counted in
    ``imports`` (they are in ``feed_imports``); exports of every code count.
    """
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
    fed = tuple(c.hs6 for c in feed_codes(ds, commodity, stage, year) if c.carries_feed)
    bought = t[t["importer"] == country]
    feed = bought["hs6"].isin(fed)
    return NetTrade(
        imports=float(bought.loc[~feed, column].sum()),
        exports=float(t.loc[t["exporter"] == country, column].sum()),
        year=last,
        measure="t" if column == "quantity" else "USD",
        exports_t=float(out_q.sum()) if out_q.notna().all() else float("nan"),
        feed_hs6=tuple(sorted(set(bought.loc[feed, "hs6"].astype(str)))),
        feed_imports=float(bought.loc[feed, column].sum()),
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
