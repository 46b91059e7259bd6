"""Imported data kept beside the store and re-applied by every build (never lost by a rebuild).

``trust data import-baci`` replaces years of the store's ``trade`` and ``product_trade`` tables.
A build (``trust data build --force``) writes a new store from the bundled files, so the imported
years are also kept in the store's *import area*, the folder ``<store>.imports/`` beside it:

* one Parquet file per imported year and table (the rows exactly as stored), named with a token
  of the import that wrote them, and
* ``manifest.json``: per year, the BACI release (``source_id`` and its ``sources`` row), the
  files it came from, the rows and SHA-256 of each Parquet file, when it was imported and the
  import's notes.

Every build re-applies the manifest's years over the bundled rows (the same validation as the
bundled tables) and records the manifest's digest in the store's ``_meta`` (``imports.digest``);
a build whose store records another digest is not "up to date" and rebuilds. A Parquet file that
is missing or whose checksum differs stops the build with :class:`ImportAreaError`;
``trust data build --drop-imports`` is the explicit way to discard the imports.

The import writes the year files and replaces the manifest (atomic rename) inside its DuckDB
transaction, just before the commit; if the commit fails the previous manifest is put back. A
writer killed between the rename and the commit leaves a manifest ahead of the store: the next
``trust data build`` applies the (already validated) import and ``trust data status`` says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from trust_minerals.errors import StoreError

MANIFEST = "manifest.json"
DIGEST_KEY = "imports.digest"
"""``_meta`` key: digest of the manifest whose imports the store holds ('' = none)."""
YEARS_KEY = "imports.years"
"""``_meta`` key: the imported years the last build applied, with their release."""
TABLES = ("trade", "product_trade")


class ImportAreaError(StoreError):
    """The import area beside the store is unreadable or a file in it is missing or changed."""


@dataclass(frozen=True)
class ImportedYear:
    """One imported year as the manifest records it."""

    year: int
    source_id: str
    files: tuple[str, ...]
    rows: Mapping[str, int]
    imported_at: str
    notes: tuple[str, ...]


def imports_dir(db_path: Path) -> Path:
    """The import area of the store ``db_path``: ``<store>.imports/`` beside it."""
    return db_path.with_name(db_path.name + ".imports")


def read_manifest(db_path: Path) -> dict[str, Any]:
    """The manifest of the store's import area (``{"years": {}}`` when nothing was imported)."""
    path = imports_dir(db_path) / MANIFEST
    if not path.exists():
        return {"years": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportAreaError(
            f"cannot read the import manifest {path} ({exc}); restore it, or discard the imports "
            "with 'trust data build --drop-imports'"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict):
        raise ImportAreaError(
            f"{path} is not an import manifest (no 'years' object); restore it, or discard the "
            "imports with 'trust data build --drop-imports'"
        )
    return data


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """Digest of a manifest's imported years ('' when it holds none)."""
    if not manifest.get("years"):
        return ""
    text = json.dumps(manifest["years"], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def imported_years(db_path: Path) -> list[ImportedYear]:
    """The years the import area holds, oldest first."""
    years = read_manifest(db_path)["years"]
    return [
        ImportedYear(
            year=int(y),
            source_id=str(e["source_id"]),
            files=tuple(e.get("files", ())),
            rows={t: int(e["tables"][t]["rows"]) for t in e["tables"]},
            imported_at=str(e.get("imported_at", "")),
            notes=tuple(e.get("notes", ())),
        )
        for y, e in sorted(years.items(), key=lambda kv: int(kv[0]))
    ]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_year_files(
    con: Any,
    db_path: Path,
    years: Iterable[int],
    *,
    token: str,
    source: Mapping[str, Any],
    files: Mapping[int, list[str]],
    notes: Mapping[int, list[str]],
    imported_at: str,
) -> dict[str, Any]:
    """Write the rows ``con`` now holds for ``years`` (``trade``, ``product_trade``) to the
    import area and return the new manifest (not yet in place: see :func:`replace_manifest`)."""
    from trust_minerals.schema import spec

    folder = imports_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the import area {folder} ({exc.strerror or exc}); "
            "is the database directory writable?"
        ) from None
    manifest = read_manifest(db_path)
    for year in sorted(set(years)):
        entry: dict[str, Any] = {
            "source_id": source["source_id"],
            "source": dict(source),
            "files": sorted(files.get(year, [])),
            "imported_at": imported_at,
            "notes": list(notes.get(year, [])),
            "tables": {},
        }
        for table in TABLES:
            name = f"{table}_{int(year)}.{token}.parquet"
            cols = ", ".join(f'"{c}"' for c in spec(table).column_names)
            literal = str(folder / name).replace("'", "''")
            con.execute(
                f"COPY (SELECT {cols} FROM {table} WHERE year = {int(year)} ORDER BY ALL) "
                f"TO '{literal}' (FORMAT PARQUET)"
            )
            res = con.execute(f"SELECT count(*) FROM {table} WHERE year = {int(year)}").fetchall()
            entry["tables"][table] = {
                "file": name,
                "rows": int(res[0][0]),
                "sha256": _sha256(folder / name),
            }
        manifest["years"][str(int(year))] = entry
    return manifest


def replace_manifest(db_path: Path, manifest: Mapping[str, Any]) -> bytes | None:
    """Put ``manifest`` in place (write, fsync, atomic rename); return the previous one's bytes."""
    folder = imports_dir(db_path)
    path = folder / MANIFEST
    old = path.read_bytes() if path.exists() else None
    _write_atomic(path, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    return old


def restore_manifest(db_path: Path, old: bytes | None, token: str) -> None:
    """Undo :func:`replace_manifest` and remove the files of the import ``token``."""
    folder = imports_dir(db_path)
    path = folder / MANIFEST
    if old is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomic(path, old)
    remove_token_files(db_path, token)


def remove_token_files(db_path: Path, token: str) -> None:
    """Delete the Parquet files written by the import ``token`` (it failed)."""
    for f in imports_dir(db_path).glob(f"*.{token}.parquet"):
        f.unlink(missing_ok=True)


def remove_unreferenced(db_path: Path) -> None:
    """Delete the Parquet files of the import area that the manifest does not name (replaced
    years, imports that failed); the caller holds the store's writer lock."""
    folder = imports_dir(db_path)
    if not folder.is_dir():
        return
    keep = {
        t["file"] for e in read_manifest(db_path)["years"].values() for t in e["tables"].values()
    }
    for f in folder.glob("*.parquet"):
        if f.name not in keep:
            f.unlink(missing_ok=True)
    for f in folder.glob(f".{MANIFEST}.*"):
        f.unlink(missing_ok=True)


def drop_imports(db_path: Path) -> list[int] | None:
    """Discard the import area (``trust data build --drop-imports``); return the years dropped
    (``None``: the manifest was unreadable, the area is dropped all the same)."""
    folder = imports_dir(db_path)
    if not folder.exists():
        return []
    years: list[int] | None
    try:
        years = sorted(int(y) for y in read_manifest(db_path)["years"])
    except ImportAreaError:
        years = None
    (folder / MANIFEST).unlink(missing_ok=True)  # first: the imports are gone from here on
    shutil.rmtree(folder, ignore_errors=True)
    return years


def apply_imports(
    tables: Mapping[str, pd.DataFrame], db_path: Path
) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    """``tables`` with the imported years put over the bundled rows of the same years.

    Returns the tables, the manifest digest to record and one note per year applied.

    Raises
    ------
    ImportAreaError
        The manifest is unreadable, or a year's file is missing or fails its checksum.
    """
    manifest = read_manifest(db_path)
    out = dict(tables)
    notes: list[str] = []
    folder = imports_dir(db_path)
    drop = "discard them with 'trust data build --drop-imports' or restore the file"
    for year_text, entry in sorted(manifest["years"].items(), key=lambda kv: int(kv[0])):
        year = int(year_text)
        for table in TABLES:
            info = entry["tables"][table]
            path = folder / info["file"]
            if not path.is_file():
                raise ImportAreaError(
                    f"the imported {table} rows of {year} ({path}) are missing; {drop}"
                )
            if _sha256(path) != info["sha256"]:
                raise ImportAreaError(
                    f"the imported {table} rows of {year} ({path}) fail their checksum "
                    f"(changed since the import); {drop}"
                )
            rows = _read_parquet(path)
            if len(rows) != int(info["rows"]):
                raise ImportAreaError(
                    f"{path} holds {len(rows)} rows, the manifest {info['rows']}; {drop}"
                )
            base = out[table]
            kept = base[base["year"] != year]
            rows = rows.astype({c: base[c].dtype for c in rows.columns if c in base})
            out[table] = pd.concat([kept, rows[list(base.columns)]], ignore_index=True)
        sources = out["sources"]
        if entry["source_id"] not in set(sources["source_id"]):
            row = pd.DataFrame([entry["source"]])[list(sources.columns)]
            out["sources"] = pd.concat([sources, row], ignore_index=True)
        counts = ", ".join(f"{entry['tables'][t]['rows']:,} {t}" for t in TABLES)
        notes.append(
            f"imported {year} re-applied from {folder} ({entry['source_id']}, {counts} rows, "
            f"imported {entry.get('imported_at', '?')})"
        )
    return out, manifest_digest(manifest), notes


def _read_parquet(path: Path) -> pd.DataFrame:
    """The rows of an import file, read by DuckDB (which wrote it; no pyarrow needed)."""
    import duckdb

    con = duckdb.connect()
    try:
        return con.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
    except duckdb.Error as exc:
        raise ImportAreaError(
            f"cannot read the imported rows {path} ({str(exc).splitlines()[0]}); discard them "
            "with 'trust data build --drop-imports' or restore the file"
        ) from None
    finally:
        con.close()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
