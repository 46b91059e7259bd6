"""``trust data check``: named countries + ``Other countries`` against the published ``World total``.

For every commodity × stage × form × year × unit of production, capacity and reserves, the sum
of the listed rows is compared with the published world total and each difference is given a
kind (see ``docs/data.md``):

``within_rounding``
    |listed − total| is within the rounding step of the published total (USGS rounds world
    totals, typically to two or three significant figures);
``excludes_us``
    the total is published as excluding U.S. production (e.g. lithium, where the U.S. figure is
    withheld), so it is not a true world total; the detail says whether the remaining
    difference is within rounding;
``withheld``
    one or more listed rows are withheld or not available, so the listed sum is incomplete;
``listed_exceeds_total`` / ``listed_below_total``
    a difference beyond rounding with none of the explanations above (e.g. gallium: rounded
    total below the sum of the country rows);
``censored_total``
    the total is published with ``>`` or ``<``;
``total_only``
    only a world total is published (e.g. scandium capacity), no numeric country rows;
``no_total``
    no numeric world total is published (missing, ``NA``, ``XX``, withheld).

The IEA supply table (measure ``supply_projection``, every commodity × stage × year) is checked
the same way by :func:`check_iea_totals`, to the IEA's own precision (0.1 kt per figure,
:func:`total_gaps`): IEA totals are not rounded, so a difference beyond it is a warning
(``listed_exceeds_total`` / ``listed_below_total``) whose detail gives both figures, and the
listed row the difference equals where there is one. The concentration of an IEA stage uses the
published total as its denominator, as the IEA's own "Top 3 share" rows do.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trust_minerals._tables import GROUP_KEYS, WORLD_TOTAL
from trust_minerals.dataset import SupplyDataset

CHECK_COLUMNS = [
    "measure",
    *GROUP_KEYS,
    "world_total",
    "listed_sum",
    "difference",
    "relative_difference",
    "rounding_step",
    "kind",
    "detail",
]


def rounding_step(value: float) -> float:
    """The place value of the last non-zero digit of a published (rounded) total.

    >>> rounding_step(290000.0), rounding_step(1270.0), rounding_step(5.0)
    (10000.0, 10.0, 1.0)
    """
    if not math.isfinite(value) or value == 0:
        return 0.0
    v = abs(value)
    if v != round(v):  # has decimals: step from the decimal part
        text = f"{v:.6f}".rstrip("0")
        decimals = len(text.split(".")[1])
        return 10.0**-decimals
    step = 1.0
    n = int(round(v))
    while n % 10 == 0 and n > 0:
        n //= 10
        step *= 10
    return step


def check_totals(ds: SupplyDataset) -> pd.DataFrame:
    """One row per group with a published or missing world total, with the kind of difference.

    The USGS measures (production, capacity, reserves) come first, then the IEA supply table
    (measure ``supply_projection``, see :func:`check_iea_totals`).
    """
    usgs = _check_measures(ds)
    iea = check_iea_totals(ds)
    if iea.empty:
        return usgs
    if usgs.empty:
        return iea
    return pd.concat([usgs, iea], ignore_index=True)


def _check_measures(ds: SupplyDataset) -> pd.DataFrame:
    frames = []
    for measure in ("production", "capacity", "reserves"):
        df = ds.table(measure)
        if df.empty:
            continue
        df = df.assign(form=df["form"].fillna(""))
        world = df[df["country"] == WORLD_TOTAL].drop_duplicates(GROUP_KEYS).set_index(GROUP_KEYS)
        listed = df[df["country"] != WORLD_TOTAL]
        g = listed.groupby(GROUP_KEYS)
        out = pd.DataFrame({"listed_sum": g["quantity"].sum(min_count=1)})
        out["n_missing"] = g["quantity"].apply(lambda s: int(s.isna().sum()))
        out["missing_names"] = (
            listed[listed["quantity"].isna()]
            .groupby(GROUP_KEYS)["country"]
            .agg(lambda s: ",".join(sorted(s)))
        )
        out = out.join(world[["quantity", "qualifier", "note", "status"]], how="outer")
        out = out.rename(columns={"quantity": "world_total"})
        out["measure"] = measure
        frames.append(out.reset_index())
    if not frames:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    res = pd.concat(frames, ignore_index=True)
    res["difference"] = res["listed_sum"] - res["world_total"]
    with np.errstate(invalid="ignore", divide="ignore"):
        res["relative_difference"] = res["difference"] / res["world_total"]
    res["rounding_step"] = res["world_total"].map(
        lambda v: rounding_step(v) if pd.notna(v) else np.nan
    )
    kinds, details = [], []
    for row in res.itertuples(index=False):
        kind, detail = _classify(row)
        kinds.append(kind)
        details.append(detail)
    res["kind"] = kinds
    res["detail"] = details
    return (
        res[CHECK_COLUMNS]
        .sort_values(["measure", "commodity", "stage", "form", "year"])
        .reset_index(drop=True)
    )


def _classify(row) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    note = row.note if isinstance(row.note, str) else ""
    if pd.isna(row.world_total):
        status = row.status if isinstance(row.status, str) else "missing"
        return "no_total", f"world total {status}"
    if row.qualifier in ("<", ">"):
        return "censored_total", f"world total published as {row.qualifier}{row.world_total:g}"
    if pd.isna(row.listed_sum):
        missing = (
            f" (listed rows withheld/unavailable: {row.missing_names})"
            if isinstance(row.missing_names, str)
            else ""
        )
        return "total_only", "only a world total is published, no numeric country rows" + missing
    diff = row.difference
    rounding = abs(diff) <= row.rounding_step
    if "Excludes U.S." in note:
        withheld = (
            f"; withheld/unavailable: {row.missing_names}"
            if isinstance(row.missing_names, str)
            else ""
        )
        size = "within" if rounding else "beyond"
        return "excludes_us", (
            f"world total excludes U.S. production{withheld}; difference {diff:g} {size} the rounding step {row.rounding_step:g}"
        )
    if rounding:
        return (
            "within_rounding",
            f"difference {diff:g} within the rounding step {row.rounding_step:g}",
        )
    if row.n_missing and diff < 0:
        return "withheld", f"listed rows withheld/unavailable: {row.missing_names}"
    if diff > 0:
        return "listed_exceeds_total", f"listed rows exceed the rounded total by {diff:g}"
    return "listed_below_total", f"listed rows fall short of the total by {-diff:g}"


#: the IEA measure in the check (the table's name)
IEA_MEASURE = "supply_projection"
#: IEA aggregate rows that are totals of part of the stage, not world totals (cobalt refining)
IEA_PARTIAL_TOTALS = ("Total clean technologies",)


#: the IEA file gives every quantity to one decimal of its unit (kt); tests/data/test_check.py
#: reads the bundled file to confirm it
IEA_STEP = 0.1


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step))) if step > 0 else 0


def total_gaps(rows: pd.DataFrame, step: float = IEA_STEP, who: str = "IEA") -> pd.DataFrame:
    """Listed rows against the published ``World total`` of each group, to the published precision.

    For totals that are not rounded (the IEA's): each figure is published to ``step``, so the sum
    of ``n`` listed rows may differ from the total by half a step per figure,
    ``(n + 1) * step / 2``; a larger difference is a gap.

    Parameters
    ----------
    rows : pandas.DataFrame
        Production-like rows (:data:`GROUP_KEYS`, ``country``, ``quantity``); every row that is
        not the ``World total`` is a listed row (named countries and ``Other countries``).
    step : float
        The precision every figure is published to, in the rows' unit (:data:`IEA_STEP`).
    who : str
        Whose figures they are, for the sentence in ``statement``.

    Returns
    -------
    pandas.DataFrame
        Indexed by :data:`GROUP_KEYS`, one row per group with a numeric total and listed rows:
        ``listed_sum``, ``world_total``, ``difference``, ``relative_difference``, ``step``,
        ``tolerance``, ``gap`` (``"exceeds"``, ``"below"`` or ``""``), ``equal_row`` (the one
        listed row an excess equals within the tolerance, else ``""``) and ``statement``
        (a sentence for notes and the data check; ``""`` without a gap).

    Examples
    --------
    >>> rows = pd.DataFrame({"commodity": "x", "stage": "refinery", "form": "", "year": 2023,
    ...     "unit": "kt", "country": ["AAA", "BBB", "Other countries", "World total"],
    ...     "quantity": [50.5, 10.2, 20.0, 70.5]})
    >>> total_gaps(rows)["statement"].item()
    "IEA country and rest-of-world rows sum to 80.7 kt, 14.5 % above IEA's world total 70.5 kt (the excess, 10.2 kt, equals the BBB row)"
    """
    columns = [
        "listed_sum",
        "world_total",
        "difference",
        "relative_difference",
        "step",
        "tolerance",
        "gap",
        "equal_row",
        "statement",
    ]
    df = rows.assign(form=rows["form"].fillna(""))
    world_mask = df["country"].eq(WORLD_TOTAL)
    listed = df[~world_mask]
    if listed.empty or not world_mask.any():
        return pd.DataFrame(columns=columns, index=pd.MultiIndex.from_tuples([], names=GROUP_KEYS))
    g = listed.groupby(GROUP_KEYS)
    out = pd.DataFrame({"listed_sum": g["quantity"].sum(min_count=1), "n": g["quantity"].count()})
    world = df[world_mask].groupby(GROUP_KEYS)["quantity"].max().rename("world_total")
    out = out.join(world, how="inner")
    out = out[out["world_total"].notna() & out["listed_sum"].notna()]
    out["step"] = step
    out["tolerance"] = out["step"] * (out["n"] + 1) / 2
    out["difference"] = out["listed_sum"] - out["world_total"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["relative_difference"] = out["difference"] / out["world_total"].where(
            out["world_total"] != 0
        )
    out["gap"] = np.select(
        [out["difference"] > out["tolerance"], out["difference"] < -out["tolerance"]],
        ["exceeds", "below"],
        "",
    )
    equal, statements = [], []
    for key, r in out.iterrows():
        if not r["gap"]:
            equal.append("")
            statements.append("")
            continue
        members = g.get_group(key)
        hits = members.loc[
            (members["quantity"] - r["difference"]).abs() <= r["tolerance"], "country"
        ]
        row = str(hits.iloc[0]) if r["gap"] == "exceeds" and len(hits) == 1 else ""
        equal.append(row)
        statements.append(_gap_statement(r, str(members["unit"].iloc[0]), row, who))
    out["equal_row"] = equal
    out["statement"] = statements
    return out[columns]


def _gap_statement(r: pd.Series, unit: str, row: str, who: str) -> str:
    d = _decimals(float(r["step"]))
    listed, world, diff = (
        f"{abs(float(r[c])):,.{d}f} {unit}" for c in ("listed_sum", "world_total", "difference")
    )
    pct = f"{abs(float(r['relative_difference'])) * 100:.1f} %"
    head = f"{who} country and rest-of-world rows sum to {listed}"
    if r["gap"] == "exceeds":
        equals = f" (the excess, {diff}, equals the {row} row)" if row else ""
        return f"{head}, {pct} above {who}'s world total {world}{equals}"
    return (
        f"{head}, {pct} below {who}'s world total {world}: the remainder, {diff}, is in no "
        "listed row (rest of world, not missing)"
    )


def check_iea_totals(ds: SupplyDataset) -> pd.DataFrame:
    """The IEA supply table's country rows against the IEA's own world total, every stage × year.

    Groups are commodity × stage × content basis (``form``) × year × unit of the table
    ``supply_projection``. Kinds: ``within_rounding`` (within the tolerance of
    :func:`total_gaps`), ``listed_exceeds_total`` / ``listed_below_total`` (a warning: the detail
    gives both figures; concentration uses the published total as its denominator, as the IEA's
    own "Top 3 share" rows do), ``no_total`` (no world total: cobalt refining publishes only a
    total for clean technologies, which the detail compares).

    Examples
    --------
    >>> t = check_iea_totals(ds)                                       # doctest: +SKIP
    >>> t.loc[t["kind"] != "within_rounding", ["commodity", "stage", "year"]]  # doctest: +SKIP
    """
    table = ds.table(IEA_MEASURE)
    if table.empty:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    df = table.rename(columns={"content_basis": "form"})
    partial = df[df["country"].isin(IEA_PARTIAL_TOTALS)]
    df = df[~df["country"].isin(IEA_PARTIAL_TOTALS)]
    gaps = total_gaps(df)
    every_group = df.groupby(GROUP_KEYS).size().index
    listed = df[df["country"] != WORLD_TOTAL].groupby(GROUP_KEYS)["quantity"].sum(min_count=1)
    res = pd.DataFrame({"listed_sum": listed.reindex(every_group)})
    res = res.join(gaps.drop(columns="listed_sum"), how="left")
    partial_rows = partial.drop_duplicates(GROUP_KEYS).set_index(GROUP_KEYS)
    kinds, details = [], []
    for key, r in zip(res.index, (row for _, row in res.iterrows()), strict=True):
        if pd.isna(r["world_total"]):
            kinds.append("no_total")
            unit = key[GROUP_KEYS.index("unit")]
            if key in partial_rows.index:
                p = partial_rows.loc[key]
                details.append(
                    f"no IEA world total: '{p['country']}' ({p['quantity']:g} {unit}) "
                    f"is not a world total; listed rows sum to {r['listed_sum']:g} {unit}"
                )
            else:
                details.append("no IEA world total")
        elif r["gap"] == "exceeds":
            kinds.append("listed_exceeds_total")
            details.append(f"warning: {r['statement']}; {_IEA_DENOMINATOR}")
        elif r["gap"] == "below":
            kinds.append("listed_below_total")
            details.append(f"warning: {r['statement']}; {_IEA_DENOMINATOR}")
        else:
            kinds.append("within_rounding")
            d = _decimals(IEA_STEP)
            details.append(
                f"difference {r['difference']:.{d}f} within the published precision "
                f"(tolerance {r['tolerance']:.{d + 2}g})"
            )
    res["rounding_step"] = IEA_STEP
    for col in ("listed_sum", "difference"):  # sums of figures published to IEA_STEP
        res[col] = res[col].round(_decimals(IEA_STEP)) + 0.0
    res["kind"] = kinds
    res["detail"] = details
    res["measure"] = IEA_MEASURE
    out = res.reset_index()
    return (
        out[CHECK_COLUMNS]
        .sort_values(["commodity", "stage", "form", "year"])
        .reset_index(drop=True)
    )


_IEA_DENOMINATOR = (
    "concentration uses the published total as the denominator (the IEA's own top-3 shares do)"
)
