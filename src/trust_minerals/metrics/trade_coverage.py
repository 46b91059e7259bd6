"""Why a trade query is empty, and the latest year that has an answer.

An empty supplier table is a result, not an error, but on its own it reads as "no imports". These
functions say which of the reasons holds: the commodity has no traded form in the bundled BACI
extract, the year is outside the years with flows, or the importer recorded no imports that year.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from trust_minerals.dataset import SupplyDataset


def _members(importer: str | Iterable[str]) -> list[str]:
    return [importer] if isinstance(importer, str) else list(importer)


def latest_import_year(
    ds: SupplyDataset,
    commodity: str,
    importer: str | Iterable[str],
    up_to: int | None = None,
    stage: str | None = None,
) -> int | None:
    """The latest year (at most ``up_to``) in which ``importer`` imported ``commodity``, or ``None``.

    Flows between members of a group are internal and do not count.
    """
    members = _members(importer)
    t = ds.trade
    mask = (t["commodity"] == commodity) & t["importer"].isin(members)
    mask &= ~t["exporter"].isin(members)
    if stage is not None:
        mask &= t["stage"] == stage
    if up_to is not None:
        mask &= t["year"] <= up_to
    years = t.loc[mask.to_numpy(), "year"]
    return int(years.max()) if len(years) else None


def why_no_imports(
    ds: SupplyDataset,
    commodity: str,
    importer: str | Iterable[str],
    year: int,
    stage: str | None = None,
) -> str:
    """Why :func:`~trust_minerals.metrics.trade.import_suppliers` is empty for these arguments.

    Returns an empty string when the query does have flows.

    Examples
    --------
    >>> why_no_imports(ds, "gallium", "IND", 2024)            # doctest: +SKIP
    'no traded form of gallium is in the bundled BACI extract (...)'
    """
    members = _members(importer)
    who = "+".join(members)
    t = ds.trade
    of_commodity = t[t["commodity"] == commodity]
    if of_commodity.empty:
        return (
            f"no traded form of {commodity} is in the bundled BACI extract"
            f"{_forms_note(ds, commodity)}; import sources are unknown, not zero"
        )
    years = of_commodity["year"]
    first, last = int(years.min()), int(years.max())
    if not first <= year <= last:
        return f"BACI trade in {commodity} covers {first}–{last}; {year} has no flows"
    if stage is not None and not (of_commodity["stage"] == stage).any():
        stages = ", ".join(sorted(set(of_commodity["stage"])))
        return f"no {stage}-stage form of {commodity} is traded in BACI (stages traded: {stages})"
    latest = latest_import_year(ds, commodity, members, up_to=None, stage=stage)
    flows = of_commodity[
        (of_commodity["year"] == year)
        & of_commodity["importer"].isin(members)
        & ~of_commodity["exporter"].isin(members)
    ]
    if stage is not None:
        flows = flows[flows["stage"] == stage]
    if not flows.empty:
        return ""
    if latest is None:
        return f"BACI records no imports of {commodity} by {who} in any year"
    return f"BACI records no imports of {commodity} by {who} in {year}; latest year with imports: {latest}"


def _forms_note(ds: SupplyDataset, commodity: str) -> str:
    forms = getattr(ds, "forms", None)
    if not isinstance(forms, pd.DataFrame) or "commodity" not in forms:
        return ""
    rows = forms[forms["commodity"] == commodity]
    if rows.empty:
        return " (the forms table lists no HS6 code for it)"
    notes = [str(n) for n in rows.get("note", pd.Series(dtype=object)).dropna() if str(n)]
    return f" ({'; '.join(notes[:2])})" if notes else ""
