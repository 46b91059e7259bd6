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
    """One row per group with a published or missing world total, with the kind of difference."""
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
