"""Each criticality method's own definition, kept as data.

``metrics/data/criticality_methods.csv`` gives one row per method: what its score measures
(``score_axis``), the formula (``description``), its verdict rule, how it was adapted to a single
consumer (``adaptation``) and its source. ``metrics/data/method_thresholds.csv`` gives the
published thresholds of a method's verdict, one row per axis (the EU: SR ≥ 1 and EI ≥ 2.8).

:func:`apply_verdict` adds to a score table, for every threshold whose axis is computed, a flag
column (``meets_sr_threshold``: the axis value against its threshold, missing where the value is)
and a ``verdict``. A verdict is given only when every axis of the rule is computed: where one is not
(the EU's economic importance is not bundled) every row reads ``not determinable: <axis> not
bundled``, so no verdict is printed that the data cannot support.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.parameters import read_layout_rows

METHOD_LAYOUT = (
    "method",
    "title",
    "score_axis",
    "description",
    "verdict_rule",
    "adaptation",
    "source",
)
THRESHOLD_LAYOUT = (
    "method",
    "axis",
    "axis_label",
    "column",
    "operator",
    "threshold",
    "flag",
    "status",
    "source",
    "note",
)
OPERATORS = (">=",)
NO_RULE = "no verdict rule: ranking only"


def _read(name: str, layout: tuple[str, ...]) -> tuple[str, list[dict[str, str]]]:
    path = str(resources.files("trust_minerals").joinpath("metrics", "data", name))
    rows = read_layout_rows(path, layout, "table")
    for line, row in enumerate(rows, start=2):
        for col in layout:
            if not (row[col] or "").strip() and col != "note":
                raise ParseError("empty value", path=path, line=line, field=col)
    return path, rows


@cache
def methods_table() -> pd.DataFrame:
    """One row per method: method, title, score_axis, description, verdict_rule, adaptation, source.

    Examples
    --------
    >>> methods_table().set_index("method").loc["eu", "title"]
    'EU CRM supply risk'
    """
    path, rows = _read("criticality_methods.csv", METHOD_LAYOUT)
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if row["method"] in seen:
            raise ParseError("duplicate method", path=path, line=line, field="method")
        seen.add(row["method"])
    return pd.DataFrame(rows, columns=list(METHOD_LAYOUT))


@cache
def thresholds_table() -> pd.DataFrame:
    """Published verdict thresholds: one row per method × axis (``threshold`` a float).

    Examples
    --------
    >>> float(thresholds_table().set_index("axis").loc["economic_importance", "threshold"])
    2.8
    """
    path, rows = _read("method_thresholds.csv", THRESHOLD_LAYOUT)
    methods = set(methods_table()["method"])
    for line, row in enumerate(rows, start=2):
        if row["method"] not in methods:
            raise ParseError("method not in criticality_methods.csv", path=path, line=line,
                             field="method", value=row["method"])  # fmt: skip
        if row["operator"] not in OPERATORS:
            raise ParseError(f"operator must be one of {OPERATORS}", path=path, line=line,
                             field="operator", value=row["operator"])  # fmt: skip
        if row["status"] != "published":
            raise ParseError("a verdict threshold must be published", path=path, line=line,
                             field="status", value=row["status"])  # fmt: skip
        try:
            float(row["threshold"])
        except ValueError:
            raise ParseError("not a number", path=path, line=line, field="threshold",
                             value=row["threshold"]) from None  # fmt: skip
    table = pd.DataFrame(rows, columns=list(THRESHOLD_LAYOUT))
    table["threshold"] = table["threshold"].astype(float)
    return table


@dataclass(frozen=True)
class MethodDefinition:
    """A method's row of the methods table, with its verdict rule spelled out from the thresholds."""

    method: str
    title: str
    score_axis: str
    description: str
    verdict_rule: str
    adaptation: str
    source: str
    thresholds: pd.DataFrame


def method_definition(method: str) -> MethodDefinition:
    """The definition of ``method``; its verdict rule names each threshold with its number.

    Examples
    --------
    >>> method_definition("eu").verdict_rule
    'critical when supply risk (SR) >= 1 and economic importance (EI) >= 2.8'
    """
    table = methods_table().set_index("method")
    if method not in table.index:
        raise UnknownNameError("method", [method], list(table.index))
    row = table.loc[method]
    th = thresholds_table()
    th = th[th["method"] == method].reset_index(drop=True)
    rule = str(row["verdict_rule"])
    if len(th):
        rule = "critical when " + " and ".join(
            f"{r.axis_label} {r.operator} {r.threshold:g}" for r in th.itertuples()
        )
    return MethodDefinition(
        method=method,
        title=str(row["title"]),
        score_axis=str(row["score_axis"]),
        description=str(row["description"]),
        verdict_rule=rule,
        adaptation=str(row["adaptation"]),
        source=str(row["source"]),
        thresholds=th,
    )


def apply_verdict(method: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a flag column per computed threshold axis and a ``verdict`` column.

    * No threshold for the method: ``verdict`` = ``no verdict rule: ranking only``.
    * An axis column absent from ``frame`` (not bundled): every row is ``not determinable:
      <axis> not bundled``, even where a computed axis falls short (its flag shows that): the
      method's rule cannot be applied, so no verdict either way; flags are still given for the
      axes that are computed.
    * Every axis computed: ``critical`` where every axis meets its threshold, ``not critical``
      where one does not, ``not determinable: <axis> missing`` where a value is missing.

    Flags are ``True``/``False``, or missing (``None``) where the axis value is missing.

    Examples
    --------
    >>> t = apply_verdict("eu", pd.DataFrame({"score": [0.5, 1.2, float("nan")]}))
    >>> t["meets_sr_threshold"].tolist()
    [False, True, None]
    >>> t["verdict"].iloc[1]
    'not determinable: economic importance (EI) not bundled'
    """
    d = method_definition(method)
    out = frame.copy()
    if d.thresholds.empty:
        out["verdict"] = NO_RULE
        return out
    rows = d.thresholds.to_dict("records")
    absent = [str(r["axis_label"]) for r in rows if r["column"] not in out.columns]
    meets: list[np.ndarray] = []
    known: list[np.ndarray] = []
    for r in d.thresholds.itertuples():
        if r.column not in out.columns:
            continue
        value = pd.to_numeric(out[r.column], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(value)
        hit = ok & (np.where(ok, value, -np.inf) >= r.threshold)
        out[r.flag] = pd.Series(np.where(ok, hit, None), index=out.index, dtype=object)
        meets.append(hit)
        known.append(ok)
    labels = [str(r["axis_label"]) for r in rows if r["column"] in out.columns]
    # per row: the computed axes whose value is missing
    lacking = [
        " and ".join(lab for lab, k in zip(labels, ks, strict=True) if not k)
        for ks in zip(*known, strict=True)
    ] or [""] * len(out)
    if absent:
        text = " and ".join(absent) + " not bundled"
        out["verdict"] = [
            f"not determinable: {m + ' missing; ' if m else ''}{text}" for m in lacking
        ]
        return out
    verdict = np.where(np.logical_and.reduce(meets), "critical", "not critical").astype(object)
    # a known axis below its threshold decides "not critical"; otherwise a missing one leaves it open
    any_fail = np.logical_or.reduce([k & ~m for k, m in zip(known, meets, strict=True)])
    open_ = ~np.logical_and.reduce(known) & ~any_fail
    verdict[open_] = [f"not determinable: {m} missing" for m in np.asarray(lacking)[open_]]
    out["verdict"] = verdict
    return out


__all__ = [
    "MethodDefinition",
    "apply_verdict",
    "method_definition",
    "methods_table",
    "thresholds_table",
]
