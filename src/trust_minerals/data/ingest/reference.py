"""Reference tables: official critical-mineral lists, countries (governance and groups), export
controls and sources.

Raw files (see ``data/raw/PROVENANCE.md`` sections 2b, 3, 4 and 5) and the concordances they go
through:

* ``critical_mineral_lists/*.csv`` -> table ``critical_lists``. Names as published map to commodity
  ids through ``concordance/list_names.csv`` (one published item may map to several ids, one row
  each); a name with no row there maps to the commodity id it spells (case-folded, spaces as
  ``_``). Each list must have its published number of items (``published_count`` in
  ``raw/sources.csv``).
* ``governance_wgi/wgi_pv_rl_2023_countries.csv``, ``msp/msp_partners_as_of_2025-01.csv`` and
  ``concordance/country_groups.csv`` -> table ``countries``. Codes are those of the World Bank
  file (ISO3, plus the World Bank codes ``XKX`` Kosovo and ``CHI`` Channel Islands, which have no
  ISO3). Blank WGI estimates stay NaN. The MSP's European Union row has no ISO3 and is **not**
  expanded to the member states: ``msp`` flags the 14 countries named; the EU's membership is
  visible through the ``eu`` column. The G7 likewise counts the EU only as a non-enumerated
  member, so ``g7`` flags the seven countries.
* ``usgs_mcs2026/industry_trends/MCS2026_T4_Country_Export_Control.csv`` -> table
  ``export_controls`` plus a frame of items that are not platform commodities, through
  ``concordance/export_control_items.csv`` (implemented in
  :mod:`trust_minerals.data.ingest.export_controls`, re-exported here).
* ``raw/sources.csv`` -> table ``sources``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from trust_minerals.countries import FLAG_GROUPS
from trust_minerals.data.concordance import read_concordance
from trust_minerals.data.ingest.export_controls import (
    ControlItem,
    parse_export_controls,
    split_control_items,
)
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.labels import list_specs
from trust_minerals.schema import spec, validate, vocabulary

__all__ = [
    "ControlItem",
    "list_flags",
    "parse_countries",
    "parse_critical_lists",
    "parse_export_controls",
    "parse_sources",
    "split_control_items",
]


def _raw(*parts: str) -> Path:
    return Path(str(resources.files("trust_minerals").joinpath("data", "raw", *parts)))


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _read_csv(
    path: Path, required: Iterable[str], encoding: str = "utf-8"
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV with their line numbers; missing columns raise ParseError."""
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ParseError(f"missing column(s) {', '.join(missing)}", path=str(path), line=1)
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise ParseError(
                        f"expected {len(reader.fieldnames or [])} fields",
                        path=str(path),
                        line=reader.line_num,
                    )
                rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror}", path=str(path)) from None
    return rows


# ----------------------------------------------------------------------------------------------
# sources


def parse_sources(path: str | Path | None = None) -> pd.DataFrame:
    """Read the table of sources (``data/raw/sources.csv``).

    Parameters
    ----------
    path
        The CSV (columns ``source_id, title, publisher, year, url, licence, citation`` and
        ``published_count`` for the critical-mineral lists); default the bundled file.

    Returns
    -------
    pandas.DataFrame
        Table ``sources``, one row per source id, with the citation each provider asks for.

    Examples
    --------
    >>> src = parse_sources()
    >>> src.set_index("source_id").loc["baci_hs92_v202401b", "licence"]
    'Etalab Open Licence 2.0'
    """
    path = Path(path) if path is not None else _raw("sources.csv")
    names = spec("sources").column_names
    rows = _read_csv(path, names)
    ids = [r["source_id"] for _, r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ParseError(f"duplicate source_id {dupes}", path=str(path), field="source_id")
    for line, r in rows:
        if r["year"] and not r["year"].isdigit():
            raise ParseError("not a year", path=str(path), line=line, field="year", value=r["year"])
    df = pd.DataFrame([{k: (r[k] or None) for k in names} for _, r in rows], columns=names)
    df["year"] = pd.array([int(r["year"]) if r["year"] else None for _, r in rows], dtype="Int64")
    return validate("sources", df, where=str(path))


@cache
def _published_counts() -> dict[str, int]:
    rows = _read_csv(_raw("sources.csv"), ["source_id", "published_count"])
    return {r["source_id"]: int(r["published_count"]) for _, r in rows if r["published_count"]}


@cache
def _source_ids() -> frozenset[str]:
    return frozenset(parse_sources()["source_id"])


# ----------------------------------------------------------------------------------------------
# critical-mineral lists


@dataclass(frozen=True)
class _ListFile:
    list_id: str
    file: str
    order: str
    name: str
    source_id: str


def _list_files() -> tuple[_ListFile, ...]:
    return tuple(
        _ListFile(s.list_id, s.file, s.order_column, s.name_column, s.source_id)
        for s in list_specs()
    )


@cache
def _list_names() -> dict[tuple[str, str], tuple[str, ...]]:
    rows = read_concordance("list_names.csv")
    known = set(vocabulary("commodity"))
    bad = sorted({r["commodity"] for r in rows if r["commodity"] not in known})
    if bad:
        raise UnknownNameError("commodity", bad, None, "concordance/list_names.csv")
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for r in rows:
        key = (r["list_id"], _norm(r["name_as_published"]))
        out[key] = (*out.get(key, ()), r["commodity"])
    return out


def _order(value: str) -> int:
    """Position in a list: a number, or an annex letter (a -> 1)."""
    if value.isdigit():
        return int(value)
    if len(value) == 1 and value.isalpha():
        return ord(value.lower()) - ord("a") + 1
    raise ValueError(value)


def parse_critical_lists(directory: str | Path | None = None) -> pd.DataFrame:
    """Read the four official critical-mineral lists into table ``critical_lists``.

    Parameters
    ----------
    directory
        Folder with the four list files; default the bundled ``raw/critical_mineral_lists``.

    Returns
    -------
    pandas.DataFrame
        One row per (list, published item, commodity id): ``list_id, order, name_as_published,
        commodity, source_id``.

    Raises
    ------
    UnknownNameError
        Listing every published item that maps to no commodity id.
    ParseError
        A file is missing, malformed, or does not have its published number of items.

    Examples
    --------
    >>> cl = parse_critical_lists()
    >>> cl.loc[cl.name_as_published == "PGE", "commodity"].tolist()[:2]
    ['platinum', 'palladium']
    """
    folder = Path(directory) if directory is not None else _raw("critical_mineral_lists")
    known = set(vocabulary("commodity"))
    mapping = _list_names()
    counts = _published_counts()
    records: list[dict[str, Any]] = []
    unknown: list[str] = []
    for lf in _list_files():
        path = folder / lf.file
        rows = _read_csv(path, [lf.order, lf.name])
        if len(rows) != counts[lf.source_id]:
            raise ParseError(
                f"list has {len(rows)} items but the published list has {counts[lf.source_id]}",
                path=str(path),
            )
        for line, row in rows:
            name = row[lf.name]
            if not name:
                raise ParseError("empty item name", path=str(path), line=line, field=lf.name)
            try:
                order = _order(row[lf.order])
            except ValueError:
                raise ParseError(
                    "not a list position",
                    path=str(path),
                    line=line,
                    field=lf.order,
                    value=row[lf.order],
                ) from None
            ids = mapping.get((lf.list_id, _norm(name)))
            if ids is None:
                guess = _norm(name).replace(" ", "_").replace("-", "_")
                ids = (guess,) if guess in known else None
            if ids is None:
                unknown.append(f"{lf.list_id}: {name}")
                continue
            for commodity in ids:
                records.append(
                    {
                        "list_id": lf.list_id,
                        "order": order,
                        "name_as_published": name,
                        "commodity": commodity,
                        "source_id": lf.source_id,
                    }
                )
    if unknown:
        raise UnknownNameError("critical-list item", unknown, sorted(known), str(folder))
    df = pd.DataFrame.from_records(records, columns=spec("critical_lists").column_names)
    return validate("critical_lists", df, where=str(folder), sources=set(_source_ids()))


def list_flags(critical_lists: pd.DataFrame) -> pd.DataFrame:
    """One row per commodity id with a boolean column per list (is the commodity on it?).

    Parameters
    ----------
    critical_lists
        Table ``critical_lists`` (from :func:`parse_critical_lists`).

    Returns
    -------
    pandas.DataFrame
        Columns ``commodity, us_2022, us_2025, india_2023, eu_strategic_2024``, every commodity id
        of ``commodities.csv`` in its order.

    Examples
    --------
    >>> flags = list_flags(parse_critical_lists()).set_index("commodity")
    >>> bool(flags.loc["copper", "us_2025"]), bool(flags.loc["copper", "us_2022"])
    (True, False)
    """
    ids = list(vocabulary("commodity"))
    list_ids = spec("critical_lists").column("list_id").allowed.split("|")
    mapped = critical_lists.dropna(subset=["commodity"])
    bad_ids = sorted(set(mapped["commodity"]) - set(ids))
    bad_lists = sorted(set(mapped["list_id"]) - set(list_ids))
    if bad_ids:
        raise UnknownNameError("commodity", bad_ids, ids, "critical_lists")
    if bad_lists:
        raise UnknownNameError("list_id", bad_lists, list_ids, "critical_lists")
    out = pd.DataFrame({"commodity": ids})
    for list_id in list_ids:
        on_list = set(mapped.loc[mapped["list_id"] == list_id, "commodity"])
        out[list_id] = out["commodity"].isin(on_list).astype(bool)
    return out


# ----------------------------------------------------------------------------------------------
# countries and groups


def _coco() -> Any:
    from trust_minerals.data.concordance import country_converter

    return country_converter()


_MISSING = "\x00missing"


def _iso3_names(codes: Iterable[str], where: str) -> dict[str, str]:
    """Short names of ISO3 codes; codes that are not ISO3 raise UnknownNameError."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return {}
    names = _coco().convert(codes, src="ISO3", to="name_short", not_found=_MISSING)
    names = [names] if isinstance(names, str) else list(names)
    bad = [c for c, n in zip(codes, names, strict=True) if n == _MISSING or not isinstance(n, str)]
    if bad:
        raise UnknownNameError("ISO3 code", bad, None, where)
    return dict(zip(codes, names, strict=True))


def _float(value: str, path: Path, line: int, field: str) -> float:
    if value == "":
        return float("nan")
    try:
        return float(value)
    except ValueError:
        raise ParseError(
            "not a number", path=str(path), line=line, field=field, value=value
        ) from None


def _group_rows() -> dict[str, list[str]]:
    path = Path(
        str(resources.files("trust_minerals").joinpath("data", "concordance", "country_groups.csv"))
    )
    rows = _read_csv(path, ["group", "country", "name", "source_url", "as_of"])
    out: dict[str, list[str]] = {}
    unknown = sorted(
        {r["group"] for _, r in rows if r["group"] not in FLAG_GROUPS or r["group"] == "msp"}
    )
    if unknown:
        raise UnknownNameError(
            "country group", unknown, [g for g in FLAG_GROUPS if g != "msp"], str(path)
        )
    for line, r in rows:
        if not r["source_url"] or not r["as_of"]:
            raise ParseError(
                "every membership needs source_url and as_of", path=str(path), line=line
            )
        out.setdefault(r["group"], []).append(r["country"])
    _iso3_names([c for cs in out.values() for c in cs], str(path))
    return out


def _msp_members(path: Path) -> list[str]:
    rows = _read_csv(path, ["partner_as_published", "iso3"])
    members = []
    for line, r in rows:
        if r["iso3"]:
            members.append(r["iso3"])
        elif not r["partner_as_published"].startswith("European Union"):
            # only the EU (a supranational member without ISO3) may be blank; it is not expanded
            raise ParseError(
                "partner without ISO3", path=str(path), line=line, value=r["partner_as_published"]
            )
    return members


def parse_countries(
    extra_iso3: Iterable[str] = (), extra_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Build table ``countries``: WGI 2023 governance estimates and group memberships.

    Parameters
    ----------
    extra_iso3
        ISO3 codes seen in other tables (e.g. producers such as ``TWN``) that the WGI file lacks:
        they are added with their ``country_converter`` short name and NaN governance.
    extra_names
        Names for extra codes that ``country_converter`` does not know (historical codes used by
        trade statistics, e.g. ``ANT`` Netherlands Antilles or ``SCG`` Serbia and Montenegro),
        taken from the source that uses them.

    Returns
    -------
    pandas.DataFrame
        Columns ``country, name, region, pv, rl, msp, quad, g7, eu, oecd``, sorted by country.

    Raises
    ------
    UnknownNameError
        An extra code (or a code in ``country_groups.csv``) that is not an ISO3 code.

    Examples
    --------
    >>> c = parse_countries(["TWN"]).set_index("country")
    >>> bool(c.loc["IND", "quad"]), bool(c.loc["TWN", "msp"])
    (True, False)
    """
    wgi_path = _raw("governance_wgi", "wgi_pv_rl_2023_countries.csv")
    rows = _read_csv(wgi_path, ["iso3", "country_name_wb", "wb_region", "year", "pv_est", "rl_est"])
    records: dict[str, dict[str, Any]] = {}
    for line, r in rows:
        if r["year"] != "2023":
            raise ParseError(
                "expected year 2023", path=str(wgi_path), line=line, field="year", value=r["year"]
            )
        records[r["iso3"]] = {
            "country": r["iso3"],
            "name": r["country_name_wb"],
            "region": r["wb_region"] or None,
            "pv": _float(r["pv_est"], wgi_path, line, "pv_est"),
            "rl": _float(r["rl_est"], wgi_path, line, "rl_est"),
        }
    members = _group_rows()
    members["msp"] = _msp_members(_raw("msp", "msp_partners_as_of_2025-01.csv"))
    given = [str(c) for c in extra_iso3]
    extra = [" ".join(c.split()).upper() for c in given]
    bad_extra = [g for g, c in zip(given, extra, strict=True) if not re.fullmatch(r"[A-Z]{3}", c)]
    if bad_extra:
        raise UnknownNameError("ISO3 code", bad_extra, None, "extra_iso3")
    wanted = [c for c in extra if c not in records]
    in_groups = [c for cs in members.values() for c in cs if c not in records]
    given_names = dict(extra_names or {})
    names = _iso3_names([c for c in wanted if c not in given_names], "extra_iso3")
    names.update({c: given_names[c] for c in wanted if c in given_names})
    names.update(_iso3_names(in_groups, "country groups"))
    for code, name in names.items():
        records[code] = {
            "country": code,
            "name": name,
            "region": None,
            "pv": float("nan"),
            "rl": float("nan"),
        }
    df = pd.DataFrame([records[code] for code in sorted(records)])
    for group in FLAG_GROUPS:
        df[group] = df["country"].isin(members.get(group, [])).astype(bool)
    return validate("countries", df, where=str(wgi_path))
