"""Trade data: parsing the BACI subset and WMD extract; importing a full-size BACI year file.

The import benchmark writes a synthetic year file in the official BACI layout (``t,i,j,k,v,q``,
product codes drawn from the whole HS92 product list so that ~1-2% of rows are minerals, as in
the real release) into a temporary folder, never into the repository.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from trust_minerals.data.ingest import trade

ROWS = 1_500_000
FULL_YEAR_ROWS = 11_000_000  # a full BACI HS92 year (V202401b: about 11 M rows per year)


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


def write_year_file(folder: Path, year: int, rows: int) -> Path:
    """A BACI year file in the official layout, one row per (exporter, importer, product).

    DuckDB writes it straight to disk (no pandas): every country and HS92 product of the
    release, each flow kept with probability ``rows / (countries² × products)`` by a hash, with
    values and quantities (5% ``NA``) derived from the same hash, so the file is reproducible.
    Also writes the release's ``country_codes_V202401b.csv`` beside it.
    """
    import duckdb

    from trust_minerals.data.extract import read_extract

    products = read_extract("baci_product_codes", ["code"])["code"].tolist()
    codes = read_extract("baci_country_codes", ["country_code", "country_name", "country_iso3"])
    codes.insert(2, "country_iso2", "")
    codes.to_csv(folder / "country_codes_V202401b.csv", index=False)
    countries = list(
        codes[["country_code", "country_name", "country_iso2", "country_iso3"]].itertuples(
            index=False, name=None
        )
    )
    usable = [int(c) for c, _, _, iso in countries if iso and len(iso) == 3 and iso.isalpha()]
    pairs = len(usable) * (len(usable) - 1)
    per_pair = min(len(products), -(-rows // pairs))  # products per (exporter, importer)
    path = folder / f"BACI_HS92_Y{year}_V202401b.csv"
    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")
    db.register("c", pd.DataFrame({"code": usable}))
    db.register("p", pd.DataFrame({"n": range(len(products)), "k": products}))
    target = str(path).replace("'", "''")
    # each pair gets per_pair consecutive products from a hashed offset: unique (i, j, k)
    db.execute(
        f"""COPY (
            SELECT {int(year)} AS t, f.i, f.j, p.k,
                   round(((f.h >> 8) % 10000000) / 1000.0 + 0.001, 3) AS v,
                   CASE WHEN (f.h >> 40) % 20 = 0 THEN 'NA'
                        ELSE CAST(round(((f.h >> 24) % 1000000) / 100.0 + 0.001, 3) AS VARCHAR)
                   END AS q
            FROM (SELECT i, j, (o + m) % {len(products)} AS n, hash(i, j, m) AS h
                  FROM (SELECT ci.code AS i, cj.code AS j, hash(ci.code, cj.code) % {len(products)} AS o
                        FROM c ci, c cj WHERE ci.code <> cj.code) pr,
                       range({per_pair}) r(m)) f
            JOIN p USING (n)
            ORDER BY f.i, f.j, p.k
            LIMIT {int(rows)}
        ) TO '{target}' (HEADER, DELIMITER ',')"""
    )
    db.close()
    return path


def _import(rows: int) -> dict[str, float]:
    import os

    import duckdb

    from trust_minerals.schema import empty_table

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = write_year_file(folder, 2022, rows)
        written = time.perf_counter() - t0
        with open(path, "rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
        db = folder / "store.duckdb"
        sql_type = {"object": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE"}
        cols = ", ".join(f"{c} {sql_type[str(t)]}" for c, t in empty_table("trade").dtypes.items())
        con = duckdb.connect(str(db))
        con.execute(f"CREATE TABLE trade ({cols})")
        con.close()
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        inserted = trade.import_baci([path], db).rows
        seconds = time.perf_counter() - t0
        return {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - c0, 2),
            "rows_in": lines,
            "rows_kept": inserted,
            "rows_per_s": round(lines / seconds),
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "write_file_s": round(written, 1),
            "load_avg_1min_before": round(load, 2),
        }


def bench_import_baci() -> dict[str, float]:
    return _import(ROWS)


def bench_import_baci_full_year() -> dict[str, float]:
    return _import(FULL_YEAR_ROWS)


BENCHMARKS = [
    ("trade.parse_baci (geopolrisk subset, 1.26 M rows)", "< 5 s", bench_parse_baci),
    ("trade.parse_wmd (World Mining Data)", "< 1 s", bench_parse_wmd),
    (
        f"trade.import_baci ({ROWS / 1e6:.1f} M-row year file)",
        "streams; no pandas on file",
        bench_import_baci,
    ),
    (
        "trade.import_baci (full year, ~11 M rows, validated)",
        "<= 60 s",
        bench_import_baci_full_year,
    ),
]
