"""Trade data: parsing the geopolrisk BACI subset and WMD; importing a full-size BACI year file.

The import benchmark writes a synthetic year file in the official BACI layout (``t,i,j,k,v,q``,
product codes drawn from the whole HS92 product list so that ~1-2% of rows are minerals, as in
the real release) into a temporary folder, never into the repository.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.data.ingest import trade

ROWS = 1_500_000


def bench_parse_baci() -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    df = trade.parse_baci()
    # CPU seconds (all threads) too: wall time is inflated when the machine is shared
    return {
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - c0, 2),
        "rows": len(df),
    }


def bench_parse_wmd() -> dict[str, float]:
    t0 = time.perf_counter()
    tables = trade.parse_wmd()
    return {"seconds": round(time.perf_counter() - t0, 2), "rows": len(tables["production_wmd"])}


def _write_year_file(folder: Path, year: int, rows: int, seed: int = 0) -> Path:
    con = sqlite3.connect(f"file:{trade.geopolrisk_lib_dir() / 'baci.db'}?mode=ro", uri=True)
    try:
        products = [c for (c,) in con.execute("SELECT code FROM product_codes_HS92_V202401b")]
        countries = con.execute(
            "SELECT country_code, country_name, country_iso2, country_iso3 FROM country_codes_V202401b"
        ).fetchall()
    finally:
        con.close()
    pd.DataFrame(
        countries, columns=["country_code", "country_name", "country_iso2", "country_iso3"]
    ).to_csv(folder / "country_codes_V202401b.csv", index=False)
    usable = [int(c) for c, _, _, iso in countries if iso and len(iso) == 3 and iso.isalpha()]
    rng = np.random.default_rng(seed)
    q = np.round(rng.lognormal(3, 2, rows), 3).astype(str)
    q[rng.random(rows) < 0.05] = "NA"
    df = pd.DataFrame(
        {
            "t": year,
            "i": rng.choice(usable, rows),
            "j": rng.choice(usable, rows),
            "k": rng.choice(products, rows),
            "v": np.round(rng.lognormal(2, 2, rows), 3),
            "q": q,
        }
    )
    path = folder / f"BACI_HS92_Y{year}_V202401b.csv"
    df.to_csv(path, index=False)
    return path


def bench_import_baci() -> dict[str, float]:
    import duckdb

    from trust_minerals.schema import empty_table

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _write_year_file(folder, 2022, ROWS)
        db = folder / "store.duckdb"
        sql_type = {"object": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE"}
        cols = ", ".join(f"{c} {sql_type[str(t)]}" for c, t in empty_table("trade").dtypes.items())
        con = duckdb.connect(str(db))
        con.execute(f"CREATE TABLE trade ({cols})")
        con.close()
        t0 = time.perf_counter()
        inserted = trade.import_baci([path], db)
        seconds = time.perf_counter() - t0
        return {
            "seconds": round(seconds, 2),
            "rows_in": ROWS,
            "rows_kept": inserted,
            "rows_per_s": round(ROWS / seconds),
            "file_mb": round(path.stat().st_size / 1e6, 1),
        }


BENCHMARKS = [
    ("trade.parse_baci (geopolrisk subset, 1.26 M rows)", "< 5 s", bench_parse_baci),
    ("trade.parse_wmd (World Mining Data)", "< 1 s", bench_parse_wmd),
    (
        f"trade.import_baci ({ROWS / 1e6:.1f} M-row year file)",
        "streams; no pandas on file",
        bench_import_baci,
    ),
]
