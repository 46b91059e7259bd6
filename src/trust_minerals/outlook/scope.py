"""Scope rules and content-basis conversions: what the outlook compares with what.

Rules (docs/outlook.md states each one with its source):

* **Scope.** Demand is compared with supply as a *gap* only where both sides have the same scope:
  IEA *total* demand (copper, cobalt, lithium, nickel, graphite, magnet rare earths) against
  *total* supply of the same basis. IEA *clean-technology* demand is shown as a *share of* supply,
  never as a gap, because supply also serves other uses. Where the supply basis cannot be put on
  the demand basis with a sourced factor (ore gross weight, mixed forms, no element split) nothing
  is compared and the row says why.
* **Content basis.** Every row names its demand basis, its supply basis and the conversion used.
  Conversions are stoichiometric: the element's mass fraction in a compound, computed from the
  IUPAC atomic weights in ``outlook/data/atomic_weights.csv`` and the compound named in
  ``outlook/data/conversions.csv`` (each conversion labelled ``source`` or ``assumption``).

The per-commodity supply side (stage, form, scope, basis, conversion) is data:
``outlook/data/balance_scope.csv``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.outlook._files import outlook_path, read_rows

_FORMULA = re.compile(r"([A-Z][a-z]?)(\d*)")
_SCOPES = ("total", "natural graphite only", "clean technologies only", "none")
_SOURCES = ("usgs", "iea")


@dataclass(frozen=True)
class Conversion:
    """A content-basis conversion: ``to = from x factor``, with its label and source."""

    name: str
    from_basis: str
    to_basis: str
    compound: str
    element: str
    factor: float
    basis: str
    source: str
    note: str

    def describe(self) -> str:
        """One line: what is converted to what, by which factor, on which basis."""
        label = "assumption" if self.basis == "assumption" else "stoichiometry"
        return (
            f"{self.from_basis} x {self.factor:.4f} = {self.to_basis} "
            f"({self.element} in {self.compound}, {label}; IUPAC atomic weights)"
        )


@dataclass(frozen=True)
class SupplyScope:
    """How one demand series is set against supply at one stage (a row of balance_scope.csv)."""

    demand_name: str
    commodity: str
    stage: str | None
    forms: tuple[str, ...]
    source: str
    usgs_fallback: bool
    supply_scope: str
    supply_basis: str
    conversion: Conversion | None
    comparable: bool
    note: str


@cache
def atomic_weights() -> dict[str, float]:
    """Symbol -> standard atomic weight (``outlook/data/atomic_weights.csv``)."""
    path = outlook_path("data", "atomic_weights.csv")
    out: dict[str, float] = {}
    for line, row in enumerate(read_rows(path), start=2):
        if not row["source"].strip():
            raise ParseError("atomic weight has no source", path=str(path), line=line)
        try:
            out[row["symbol"]] = float(row["atomic_weight"])
        except ValueError:
            raise ParseError(
                "atomic weight is not a number",
                path=str(path),
                line=line,
                field="atomic_weight",
                value=row["atomic_weight"],
            ) from None
    return out


def element_fraction(compound: str, element: str) -> float:
    """Mass fraction of ``element`` in ``compound`` from the bundled atomic weights.

    Examples
    --------
    >>> round(element_fraction("Li2CO3", "Li"), 4)
    0.1879
    """
    weights = atomic_weights()
    parts = [(sym, int(n) if n else 1) for sym, n in _FORMULA.findall(compound)]
    if not parts or "".join(f"{s}{n if n > 1 else ''}" for s, n in parts) != compound:
        raise ParseError("not a simple chemical formula", field="compound", value=compound)
    unknown = sorted({s for s, _ in parts if s not in weights})
    if unknown:
        raise UnknownNameError("element", unknown, sorted(weights), where="atomic_weights.csv")
    total = sum(weights[s] * n for s, n in parts)
    own = sum(weights[s] * n for s, n in parts if s == element)
    if own == 0:
        raise ParseError(f"{element} is not in {compound}", field="element", value=element)
    return own / total


@cache
def conversions() -> dict[str, Conversion]:
    """Every conversion of ``outlook/data/conversions.csv`` with its computed factor."""
    path = outlook_path("data", "conversions.csv")
    out: dict[str, Conversion] = {}
    for line, row in enumerate(read_rows(path), start=2):
        if row["basis"] not in ("source", "assumption") or not row["source"].strip():
            raise ParseError(
                "a conversion needs basis source|assumption and a source",
                path=str(path),
                line=line,
                field="basis",
                value=row["basis"],
            )
        out[row["conversion"]] = Conversion(
            row["conversion"],
            row["from_basis"],
            row["to_basis"],
            row["compound"],
            row["element"],
            element_fraction(row["compound"], row["element"]),
            row["basis"],
            row["source"],
            row["note"],
        )
    return out


def conversion(name: str) -> Conversion:
    """One conversion by name (unknown names raise :class:`UnknownNameError`).

    Examples
    --------
    >>> c = conversion("lce_to_li")
    >>> round(1 / c.factor, 3)  # tonnes of LCE per tonne of lithium
    5.323
    """
    table = conversions()
    if name not in table:
        raise UnknownNameError("conversion", [name], sorted(table), where="conversions.csv")
    return table[name]


@cache
def supply_scopes() -> tuple[SupplyScope, ...]:
    """Rows of ``outlook/data/balance_scope.csv`` (one per demand series x stage)."""
    path = outlook_path("data", "balance_scope.csv")
    out = []
    for line, row in enumerate(read_rows(path), start=2):
        if row["supply_scope"] not in _SCOPES:
            raise ParseError(
                f"supply_scope must be one of {', '.join(_SCOPES)}",
                path=str(path),
                line=line,
                field="supply_scope",
                value=row["supply_scope"],
            )
        if row["comparable"] not in ("yes", "no"):
            raise ParseError(
                "comparable must be yes or no",
                path=str(path),
                line=line,
                field="comparable",
                value=row["comparable"],
            )
        if row["source"] not in _SOURCES:
            raise ParseError(
                f"source must be one of {', '.join(_SOURCES)}",
                path=str(path),
                line=line,
                field="source",
                value=row["source"],
            )
        forms = tuple(f for f in row["supply_form"].split("+") if f)
        out.append(
            SupplyScope(
                row["demand_name"],
                row["commodity"],
                row["stage"] or None,
                forms,
                row["source"],
                row["usgs_fallback"] == "yes",
                row["supply_scope"],
                row["supply_basis"],
                conversion(row["conversion"]) if row["conversion"] else None,
                row["comparable"] == "yes",
                row["note"],
            )
        )
    return tuple(out)


def scopes_for_demand(demand_name: str) -> tuple[SupplyScope, ...]:
    """Supply scopes of one IEA demand series (empty when the file has none)."""
    return tuple(s for s in supply_scopes() if s.demand_name == demand_name)


def scopes_for_commodity(commodity: str) -> tuple[SupplyScope, ...]:
    """Supply scopes for demand given by commodity id (a plan): the first series listed for it."""
    rows = [s for s in supply_scopes() if s.commodity == commodity]
    if not rows:
        return ()
    first = rows[0].demand_name
    return tuple(s for s in rows if s.demand_name == first)


def comparison(demand_scope: str, scope: SupplyScope) -> tuple[str, str]:
    """``(comparison, reason)``: ``gap``, ``share`` or ``none``, and why.

    ``gap`` needs total demand, total supply and a comparable basis; clean-technology demand (or a
    plan's deployments) against total supply is a ``share``; an incomparable basis is ``none``.

    Examples
    --------
    >>> s = scopes_for_demand("Lithium")[0]
    >>> comparison("total", s)[0], comparison("clean technologies", s)[0]
    ('gap', 'share')
    """
    if not scope.comparable or scope.stage is None:
        return "none", f"not compared: {scope.note or scope.supply_basis}"
    if demand_scope == "unknown":
        return "none", "no demand figure: supply shown alone"
    if scope.supply_scope != "total":
        return "share", f"share only: supply is {scope.supply_scope}; {scope.note}".rstrip("; ")
    if demand_scope != "total":
        return "share", (
            f"share only: {demand_scope} demand against total supply (supply also serves other uses)"
        )
    return "gap", "total demand against total supply, same basis"


def to_demand_basis(quantity: float, scope: SupplyScope) -> float:
    """A supply quantity (t, as published) put on the demand basis with the row's conversion."""
    if scope.conversion is None or math.isnan(quantity):
        return quantity
    return quantity * scope.conversion.factor


@cache
def group_members(group: str) -> tuple[str, ...]:
    """Member commodities of a group in ``outlook/data/rare_earth_members.csv`` (e.g. rare_earths)."""
    rows = read_rows(outlook_path("data", "rare_earth_members.csv"))
    out = tuple(r["commodity"] for r in rows if r["group"] == group)
    if not out:
        groups = sorted({r["group"] for r in rows})
        raise UnknownNameError("group", [group], groups, where="rare_earth_members.csv")
    return out


def total_at_least_members(entries: pd.DataFrame, group: str = "rare_earths") -> pd.DataFrame:
    """Raise a group total to at least the sum of its members, per plan entry.

    Plan intensities for a group total (IEA 2021 "rare earths" per MW) and for its members
    (Nd, Pr, Dy, Tb per MW from other studies) come from different sources; a total smaller than
    its members' sum is impossible. For each entry (and each of low/central/high) the group total
    becomes ``max(total, sum of members)``; ``intensity_basis`` says where the floor applied, and
    an entry with members but no total gets a total row.

    Examples
    --------
    >>> df = pd.DataFrame({"entry": ["w", "w"], "commodity": ["rare_earths", "neodymium"],
    ...     "low": [1.0, 2.0], "central": [1.0, 3.0], "high": [1.0, 4.0],
    ...     "intensity_basis": ["catalogue", "catalogue"]})
    >>> total_at_least_members(df).query("commodity == 'rare_earths'")["central"].tolist()
    [3.0]
    """
    members = set(group_members(group))
    out = entries.copy()
    cols = ["low", "central", "high"]
    extra = []
    for _entry, rows in entries.groupby("entry", sort=False):
        part = rows[rows["commodity"].isin(members)]
        if part.empty:
            continue
        sums = part[cols].sum()
        total = rows[rows["commodity"] == group]
        note = f"at least the sum of {'+'.join(sorted(part['commodity']))} (same entry)"
        if total.empty:
            new = part.iloc[0].copy()
            new["commodity"] = group
            for c in cols:
                new[c] = sums[c]
            new["intensity_basis"] = note
            extra.append(new)
            continue
        i = total.index[0]
        raised = False
        for c in cols:
            if sums[c] > out.at[i, c]:
                out.at[i, c] = sums[c]
                raised = True
        if raised:
            out.at[i, "intensity_basis"] = str(out.at[i, "intensity_basis"]) + "; " + note
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    return out
