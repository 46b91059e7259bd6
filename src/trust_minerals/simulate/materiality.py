"""Materiality of a consumer's BACI imports at a stage: are they enough to stand for its supply mix?

The supply-mix rule (:func:`trust_minerals.simulate.network.build_supply_mix`) takes a
consumer's imports in a stage's own forms as its supply mix at that stage. Where those imports
are a sliver of what the consumer buys of the commodity (India's and the United States' gold ore
next to their refined gold; tungsten ore next to tungsten products), the partners who ship that
sliver say nothing about where the consumer's supply comes from. The USITC DataWeb step already
has this test against the USGS total of US imports (:mod:`trust_minerals.simulate.us_imports`);
this module applies the same rule, ``min_import_share`` (parameters.csv, assumption), to the BACI
basis of any consumer.

**Reference.** USGS publishes a total of imports in all forms for the United States only; for
India or a group there is none (the India file gives FY2022-23 figures for a few items, not all
forms). The reference is therefore the consumer's own BACI imports of the commodity in every
traded form of its raw-material chain (every stage of the forms table but ``component``:
magnets and cells are mostly other materials by value), in the same member-years as the mix and
from outside the consumer. Gross tonnes of an ore and of a refined form are not on one basis (an
ore's weight is mostly gangue), so the two are compared by **value** (USD); the note gives both
values and both gross tonnages.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.sources import used_source_ids

#: stages whose forms are manufactured goods (left out of the all-forms reference)
_NOT_RAW = ("component",)
_KEY = "_import_totals/"


def _import_totals(ds: SupplyDataset, members: Sequence[str]) -> pd.DataFrame:
    """The consumer's BACI imports from outside it by commodity, stage, HS6, member, year and
    source: value (USD), gross tonnes (NaN where a flow has no weight). Derived once per
    consumer."""
    key = _KEY + ",".join(sorted(members))
    cached = ds._cache.get(key)
    if cached is None:
        t = ds._frame("trade")
        t = t[t["importer"].isin(list(members)) & ~t["exporter"].isin(list(members))]
        cached = (
            t.groupby(["commodity", "stage", "hs6", "importer", "year", "source_id"], sort=False)
            .agg(
                value_usd=("value_usd", "sum"),
                quantity=("quantity", lambda s: s.sum() if s.notna().all() else float("nan")),
            )
            .reset_index()
        )
        ds._cache[key] = cached
    return cached


def trade_immaterial(
    ds: SupplyDataset,
    members: Sequence[str],
    commodity: str,
    stage: str,
    used: pd.DataFrame,
    *,
    min_share: float | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Why the consumer's BACI imports ``used`` (the flows behind its mix at ``stage``: columns
    importer, year, value_usd, quantity in gross tonnes) are too small to be its supply mix, with
    the sources of the reference rows; ``('', ())`` when they are not.

    Below ``min_import_share`` (parameters.csv, assumption; ``min_share`` overrides) of the
    reference value (module docstring) they are immaterial.

    Examples
    --------
    >>> trade_immaterial(ds, ["IND"], "gold", "mine", used)[0][:5]  # doctest: +SKIP
    'BACI '
    """
    from trust_minerals.simulate.params import parameters

    if used.empty:
        return "", ()
    share_min = float(parameters()["min_import_share"]) if min_share is None else min_share
    pairs = set(zip(used["importer"], used["year"].astype(int), strict=True))
    tot = _import_totals(ds, members)
    tot = tot[(tot["commodity"] == commodity) & ~tot["stage"].isin(_NOT_RAW)]
    keep = [(i, int(y)) in pairs for i, y in zip(tot["importer"], tot["year"], strict=True)]
    ref = tot[pd.Series(keep, index=tot.index, dtype=bool)]
    ref_value = float(ref["value_usd"].sum())
    value = float(used["value_usd"].sum())
    if not ref_value > 0 or value >= share_min * ref_value:
        return "", ()
    years = sorted({y for _, y in pairs})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    who = "+".join(sorted({i for i, _ in pairs}))
    tonnes = float(used["quantity"].sum()) if used["quantity"].notna().all() else float("nan")
    ref_t = float(ref["quantity"].sum()) if ref["quantity"].notna().all() else float("nan")
    stages = ", ".join(sorted(set(ref["stage"])))
    return (
        f"BACI {span}: {who} imports of the {stage} forms (USD {value:,.0f}; {_t(tonnes)}) "
        f"are {value / ref_value:.2%} of its {commodity} imports in all traded forms ({stages}: "
        f"USD {ref_value:,.0f}; {_t(ref_t)}), below {share_min:.0%} (min_import_share, "
        "assumption; compared by value because gross tonnes of different forms are not on one "
        "basis): too small to stand for its supply mix at this stage",
        used_source_ids(ref),
    )


def _t(tonnes: float) -> str:
    return "weight unknown" if tonnes != tonnes else f"{tonnes:,.1f} t gross"
