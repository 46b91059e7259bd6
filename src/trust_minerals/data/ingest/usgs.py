"""Parsers for the USGS Mineral Commodity Summaries data releases (MCS 2026 and MCS 2025).

Names as published are mapped with data files in ``data/concordance/``:

* ``usgs_commodity_names.csv`` — commodity name variant (case-folded, whitespace collapsed) ->
  commodity id, with optional stage and form (Bauxite -> aluminum / mine / bauxite, ...);
* ``usgs_stages.csv`` — ``Statistics_detail`` (MCS 2026) or ``TYPE`` (MCS 2025) text -> stage
  and form. A ``...: rounded`` / ``..., rounded`` suffix marks the world-total row; it is stripped
  before the look-up. Rows with ``commodity`` empty apply to every commodity. A form is named only
  where several are published side by side (iron ore usable ore / iron content, titanium ilmenite
  / rutile, mica sheet / scrap and flake, chromium and potash reserves, clays, soda ash, silicon,
  abrasives, iron and steel slag, plus the decided aluminum and magnesium chains); otherwise
  ``form`` is ``''``. Where a country publishes its own measure (boron, talc, kyanite, lime, ...)
  the row says ``detail_in_note=yes`` and the published detail is appended to ``note``;
* ``country_aliases.csv`` / ``aggregates.csv`` through
  :func:`trust_minerals.data.concordance.to_iso3` (aggregates keep their canonical name and
  ``is_aggregate=True``).

Free-text rows of MCS 2026 (cesium and rubidium reserves "Australia, Canada, China, and Namibia
were estimated to have reserves totaling less than 200,000 tons", the iron and steel slag ranges,
scandium "global production" / capacity and Australia's reserves, the yttrium range) are mapped
explicitly in ``usgs_stages.csv`` and kept, with their sentence in ``note``; every row of the
MCS 2026 file is returned in exactly one table. In MCS 2025 a blank cell is returned as
``withheld`` (or the code written in the notes, e.g. ``NA``) when its block (commodity and TYPE)
publishes that column at all; columns a block does not publish are not rows. The magnesium smelter
``RESERVES_2024`` values repeat the 2024 capacity and are excluded (documented in
``usgs_stages.csv``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.data.concordance import aggregate_names, read_concordance, to_iso3
from trust_minerals.data.ingest.values import normalise_text, parse_values, read_rows
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import validate, vocabulary

log = logging.getLogger(__name__)

SOURCE_2026 = "usgs_mcs2026"
SOURCE_2025 = "usgs_mcs2025"
HEADER_2026 = (
    "MCS chapter", "Section", "Commodity", "Country", "Statistics", "Statistics_detail", "Unit",
    "Year", "Value", "Notes", "Is critical mineral 2025", "Other notes",
)  # fmt: skip
HEADER_2025 = (
    "SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_2023", "PROD_EST_ 2024",
    "PROD_NOTES", "CAP_2023", "CAP_EST_ 2024", "CAP_NOTES", "RESERVES_2024", "RESERVE_NOTES",
)  # fmt: skip
_WORLD_TABLES = {"Production": "production", "Reserves": "reserves", "Capacity": "capacity"}
_ROUNDED = re.compile(r"\s*[:,]\s*rounded\s*$", re.IGNORECASE)
_IMPORT_PERIOD = "2021–24"


def _raw(*parts: str) -> str:
    return str(resources.files("trust_minerals").joinpath("data", "raw", *parts))


# ------------------------------------------------------------------------------- concordances


def _key(s: pd.Series) -> pd.Series:
    return s.astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


@cache
def _commodity_names() -> pd.DataFrame:
    t = pd.DataFrame(read_concordance("usgs_commodity_names.csv"))
    t["key"] = _key(t["name"])
    unknown = sorted(set(t["commodity"]) - set(vocabulary("commodity")))
    if unknown:
        raise UnknownNameError(
            "commodity id in usgs_commodity_names.csv", unknown, list(vocabulary("commodity"))
        )
    return t.drop_duplicates("key").set_index("key")


def _map_commodities(names: pd.Series, where: str) -> pd.DataFrame:
    """Commodity id, stage and form (name overrides) for each published commodity name."""
    table = _commodity_names()
    keys = _key(names)
    unknown = sorted(set(names[~keys.isin(table.index)].pipe(_clean)))
    if unknown:
        raise UnknownNameError("USGS commodity name", unknown, sorted(table["name"]), where)
    out = table.loc[keys, ["commodity", "stage", "form"]].reset_index(drop=True)
    out.index = names.index
    return out


@cache
def _stage_rules() -> pd.DataFrame:
    t = pd.DataFrame(read_concordance("usgs_stages.csv"))
    t["key"] = _key(t["detail"])
    bad = sorted(set(t["stage"]) - set(vocabulary("stage")) - {""})
    if bad:
        raise UnknownNameError("stage in usgs_stages.csv", bad, list(vocabulary("stage")))
    return t


def _map_details(
    source: str, commodity: pd.Series, statistic: pd.Series, detail: pd.Series, where: str
) -> pd.DataFrame:
    """Look up ``(commodity, statistic, detail)`` then ``('', statistic, detail)`` in usgs_stages.csv."""
    rules = _stage_rules()
    rules = rules[rules["source"] == source]
    cols = ["stage", "form", "reserves_form", "reserves", "commodity_override", "detail_in_note"]
    frame = pd.DataFrame(
        {
            "commodity": commodity.to_numpy(),
            "statistic": statistic.to_numpy(),
            "key": _key(detail).to_numpy(),
        }
    )
    specific = frame.merge(
        rules[["commodity", "statistic", "key", *cols]],
        on=["commodity", "statistic", "key"],
        how="left",
    )
    generic = frame.merge(
        rules[rules["commodity"] == ""][["statistic", "key", *cols]],
        on=["statistic", "key"],
        how="left",
    )
    out = specific[cols].fillna(generic[cols])
    missing = out["stage"].isna().to_numpy()
    if missing.any():
        texts = sorted(
            set(
                frame.loc[missing, "commodity"]
                + ": "
                + frame.loc[missing, "statistic"]
                + ": "
                + detail[missing].pipe(_clean).to_numpy()
            )
        )
        raise UnknownNameError(
            f"USGS {source} detail text (add it to usgs_stages.csv)", texts, None, where
        )
    out.index = detail.index
    return out


def _map_countries(names: pd.Series, where: str) -> tuple[pd.Series, pd.Series]:
    """ISO3 code or canonical aggregate name, and ``is_aggregate``; unique names mapped once."""
    clean = names.pipe(_clean)
    unique = sorted(set(clean))
    codes = dict(zip(unique, to_iso3(unique, where=where, allow_aggregates=True), strict=True))
    canonical = set(aggregate_names().values())
    country = clean.map(codes)
    return country, country.isin(canonical)


# ------------------------------------------------------------------------------------- values


def _values(df: pd.DataFrame, column: str, path: str) -> pd.DataFrame:
    parsed = parse_values(df[column].tolist(), path=path, lines=df["line"].tolist(), field=column)
    return pd.DataFrame(
        {
            "quantity": [np.nan if p.quantity is None else p.quantity for p in parsed],
            "status": [p.status for p in parsed],
            "qualifier": [p.qualifier for p in parsed],
        },
        index=df.index,
    )


def _note_status(status: pd.Series, notes: pd.Series) -> pd.Series:
    """Upgrade ``published`` to ``estimated`` / ``reported`` from the ``Estimated.``/``Reported.`` notes."""
    notes = _clean(notes)
    estimated = notes.str.contains(r"(?:^|--)\s*Estimated\.\s*(?:--|$)", regex=True)
    reported = notes.str.contains(r"(?:^|--)\s*Reported\.\s*(?:--|$)", regex=True)
    out = status.copy()
    published = status == "published"
    out[published & reported] = "reported"
    out[published & estimated] = "estimated"
    return out


def _repair_shifted(df: pd.DataFrame) -> pd.DataFrame:
    """Repair rows whose critical-mineral flag slipped into ``Notes`` (the MCS 2026 yttrium row)."""
    flag = df["Is critical mineral 2025"].str.strip()
    shifted = ~flag.isin(["Yes", "No", ""]) & df["Notes"].str.strip().isin(["Yes", "No"])
    if shifted.any():
        log.info(
            "repairing %d column-shifted row(s) at line(s) %s",
            shifted.sum(),
            df.loc[shifted, "line"].tolist(),
        )
        df = df.copy()
        df.loc[shifted, "Is critical mineral 2025"] = df.loc[shifted, "Notes"].str.strip()
        df.loc[shifted, "Notes"] = ""
    return df


def _clean(s: pd.Series) -> pd.Series:
    """:func:`normalise_text` over a column, each distinct text cleaned once."""
    s = s.fillna("").astype(str)
    return s.map({u: normalise_text(u) for u in pd.unique(s)})


def _join_note(first: pd.Series, second: pd.Series | None = None) -> pd.Series:
    joined = _clean(first)
    if second is not None:
        extra = _clean(second)
        both = (joined != "") & (extra != "")
        joined = joined.where(~both, joined + " -- " + extra).where(joined != "", extra)
    return joined.where(joined != "", None)


#: what a USGS table text says the quantity measures (vocabulary ``production_basis``), tried in
#: order: an oxide or compound equivalent first ("titanium dioxide (TiO2) content" is not titanium
#: content), then element content, then gross weight of the product named
_BASIS_PATTERNS = (
    ("oxide equivalent", re.compile(r"oxide|equivalent|\((?:tio2|k2o|y2o3|mgo)\)", re.IGNORECASE)),
    ("content", re.compile(r"\bcontent\b", re.IGNORECASE)),
    (
        "gross weight",
        re.compile(
            r"gross+ weight|usable ore|marketable|dry tons|crude (?:ore|borates)|mine production: crude",
            re.IGNORECASE,
        ),
    ),
)


def production_basis(text: pd.Series) -> pd.Series:
    """The ``production_basis`` of each USGS table text (``Statistics_detail`` or ``TYPE``).

    Examples
    --------
    >>> production_basis(pd.Series(["Mine production, recoverable copper content",
    ...                             "Mine production, rare-earth-oxide equivalent",
    ...                             "Mine production: Usable ore", "Refinery production"])).tolist()
    ['content', 'oxide equivalent', 'gross weight', 'not stated']
    """
    text = _clean(text)
    out = pd.Series("not stated", index=text.index, dtype=object)
    for basis, pattern in reversed(_BASIS_PATTERNS):  # the first pattern that matches wins
        out = out.where(~text.str.contains(pattern), basis)
    return out


# ----------------------------------------------------------------------------------- MCS 2026


@dataclass(frozen=True)
class _Mcs2026:
    path: str
    rows: pd.DataFrame


def _read_mcs2026(path: str | Path | None) -> _Mcs2026:
    p = str(path) if path is not None else _raw("usgs_mcs2026", "MCS2026_Commodities_Data.csv")
    return _Mcs2026(p, _repair_shifted(read_rows(p, "cp1252", HEADER_2026)))


def _years(df: pd.DataFrame, path: str) -> pd.Series:
    year = df["Year"].pipe(_clean)
    ok = year.str.fullmatch(r"\d{4}")
    if not ok.all():
        first = df[~ok].iloc[0]
        raise ParseError(
            "year is not a four-digit year",
            path=path,
            line=int(first["line"]),
            field="Year",
            value=first["Year"],
        )
    return year.astype("int64")


def _world(data: _Mcs2026) -> dict[str, pd.DataFrame]:
    df = data.rows
    df = df[df["Section"].str.strip().str.startswith("World")]
    bad = ~df["Statistics"].str.strip().isin(list(_WORLD_TABLES))
    if bad.any():
        first = df[bad].iloc[0]
        raise ParseError(
            "unexpected Statistics in a World section",
            path=data.path,
            line=int(first["line"]),
            field="Statistics",
            value=first["Statistics"],
        )
    names = _map_commodities(df["Commodity"], data.path)
    statistic = df["Statistics"].str.strip()
    detail = df["Statistics_detail"].pipe(_clean)
    base = detail.str.replace(_ROUNDED, "", regex=True)
    rules = _map_details("mcs2026", names["commodity"], statistic, base, data.path)
    country, is_agg = _map_countries(df["Country"], data.path)
    values = _values(df, "Value", data.path)
    stage = rules["stage"].where(rules["stage"] != "", names["stage"])
    stage = stage.where(statistic != "Reserves", "mine")
    form = rules["form"].where(rules["form"] != "", names["form"])
    extra = detail.where(rules["detail_in_note"] == "yes", "")
    out = pd.DataFrame(
        {
            "commodity": names["commodity"],
            "stage": stage,
            "form": form,
            "country": country,
            "is_aggregate": is_agg,
            "year": _years(df, data.path),
            "quantity": values["quantity"],
            "unit": df["Unit"].pipe(_clean),
            "status": _note_status(values["status"], df["Notes"]),
            "qualifier": values["qualifier"],
            "value_text": df["Value"],
            "note": _join_note(df["Notes"], ("Detail: " + extra).where(extra != "", "")),
            "basis": production_basis(base),
            "source_id": SOURCE_2026,
        }
    )
    return {
        table: validate(table, out[statistic == stat], where=data.path)
        for stat, table in _WORLD_TABLES.items()
    }


def _us_salient(data: _Mcs2026) -> pd.DataFrame:
    df = data.rows
    df = df[df["Section"].str.strip().str.startswith("Salient Statistics")]
    names = _map_commodities(df["Commodity"], data.path)
    values = _values(df, "Value", data.path)
    out = pd.DataFrame(
        {
            "commodity": names["commodity"],
            "commodity_name": df["Commodity"].pipe(_clean),
            "statistic": df["Statistics"].pipe(_clean),
            "detail": df["Statistics_detail"].pipe(_clean),
            "year": _years(df, data.path),
            "value": values["quantity"],
            "unit": df["Unit"].pipe(_clean),
            "status": _note_status(values["status"], df["Notes"]),
            "qualifier": values["qualifier"],
            "value_text": df["Value"],
            "note": _join_note(df["Notes"]),
            "source_id": SOURCE_2026,
        }
    )
    return validate("us_salient", out, where=data.path)


def _import_sources(data: _Mcs2026) -> pd.DataFrame:
    df = data.rows
    df = df[df["Section"].str.strip() == "Import Sources"]
    bad = df["Year"].pipe(_clean) != _IMPORT_PERIOD
    if bad.any():
        first = df[bad].iloc[0]
        raise ParseError(
            f"import-source period is not {_IMPORT_PERIOD!r}",
            path=data.path,
            line=int(first["line"]),
            field="Year",
            value=first["Year"],
        )
    names = _map_commodities(df["Commodity"], data.path)
    country, _ = _map_countries(df["Country"], data.path)
    values = _values(df, "Value", data.path)
    out = pd.DataFrame(
        {
            "commodity": names["commodity"],
            "commodity_name": df["Commodity"].pipe(_clean),
            "detail": df["Statistics_detail"].pipe(_clean),
            "country": country,
            "share": values["quantity"] / 100.0,
            "period": df["Year"].pipe(_clean).str.replace("–", "-"),
            "status": _note_status(values["status"], df["Notes"]),
            "qualifier": values["qualifier"],
            "value_text": df["Value"],
            "source_id": SOURCE_2026,
        }
    )
    return validate("import_sources", out, where=data.path)


def parse_mcs2026(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Parse the MCS 2026 commodities data release (``MCS2026_Commodities_Data.csv``).

    Parameters
    ----------
    path
        The CSV (cp1252, official layout); the bundled file when ``None``.

    Returns
    -------
    dict
        ``production``, ``reserves``, ``capacity`` (the ``World ...`` sections), ``us_salient``
        (``Salient Statistics—United States``, with net import reliance) and ``import_sources``
        (shares as fractions, period ``2021-24``), each validated against its table spec.
        ``us_salient`` and ``import_sources`` carry ``commodity_name`` (the name as published,
        e.g. ``Bauxite`` vs ``Alumina``) and, for import sources, ``detail`` (the product the
        shares refer to; each breakdown sums to 100%).
        Every row of the file is in exactly one table.

    Raises
    ------
    ParseError
        Wrong encoding, malformed or truncated CSV, an unreadable value or year (file and line named).
    UnknownNameError
        Commodity names, detail texts or country names that match nothing (all listed at once).

    Examples
    --------
    >>> tables = parse_mcs2026()
    >>> sorted(tables)
    ['capacity', 'import_sources', 'production', 'reserves', 'us_salient']
    >>> cobalt = tables["production"].query("commodity == 'cobalt' and year == 2025 and not is_aggregate")
    >>> cobalt.sort_values("quantity").iloc[-1]["country"]
    'COD'
    """
    data = _read_mcs2026(path)
    sections = data.rows["Section"].str.strip()
    known = (
        sections.str.startswith("World")
        | sections.str.startswith("Salient Statistics")
        | (sections == "Import Sources")
    )
    if not known.all():
        first = data.rows[~known].iloc[0]
        raise ParseError(
            "unknown Section",
            path=data.path,
            line=int(first["line"]),
            field="Section",
            value=first["Section"],
        )
    tables = _world(data)
    tables["us_salient"] = _us_salient(data)
    tables["import_sources"] = _import_sources(data)
    return tables


def parse_mcs2026_critical_flags(path: str | Path | None = None) -> pd.DataFrame:
    """USGS ``Is critical mineral 2025`` flag per commodity id.

    A commodity id is flagged when any of its published names is flagged ``Yes``. The
    column-shifted yttrium row is repaired (its flag sits in ``Notes``); blank flags (two
    wollastonite rows) are ignored in favour of the commodity's other rows.

    Examples
    --------
    >>> flags = parse_mcs2026_critical_flags().set_index("commodity")["usgs_critical_2025"]
    >>> bool(flags["gallium"]), bool(flags["cement"])
    (True, False)
    """
    data = _read_mcs2026(path)
    df = data.rows
    flag = df["Is critical mineral 2025"].str.strip()
    bad = ~flag.isin(["Yes", "No", ""])
    if bad.any():
        first = df[bad].iloc[0]
        raise ParseError(
            "critical-mineral flag is not Yes/No",
            path=data.path,
            line=int(first["line"]),
            field="Is critical mineral 2025",
            value=first["Is critical mineral 2025"],
        )
    names = _map_commodities(df["Commodity"], data.path)
    frame = pd.DataFrame({"commodity": names["commodity"], "flag": flag})
    frame = frame[frame["flag"] != ""]
    out = (
        frame.groupby("commodity", sort=True)["flag"]
        .agg(lambda s: bool((s == "Yes").any()))
        .reset_index()
    )
    return out.rename(columns={"flag": "usgs_critical_2025"}).astype({"usgs_critical_2025": bool})
