"""Parser for the USGS Mineral Commodity Summaries 2025 world data (the 2023–2024 vintage).

The conventions (concordances, aggregates, value codes) are those of :mod:`.usgs`; see its
docstring. In MCS 2025 a blank cell is returned as ``withheld`` (or the code written in the
notes, e.g. ``NA``) when its block (commodity and TYPE) publishes that column at all; columns a
block does not publish are not rows. The magnesium smelter ``RESERVES_2024`` values repeat the
2024 capacity and are excluded (documented in ``usgs_stages.csv``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.data.concordance import aggregate_names
from trust_minerals.data.ingest.usgs import (
    HEADER_2025,
    SOURCE_2025,
    _clean,
    _join_note,
    _key,
    _map_commodities,
    _map_countries,
    _raw,
    _stage_rules,
    _values,
    production_basis,
)
from trust_minerals.data.ingest.values import parse_value, read_rows
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.schema import validate

_COLUMNS_2025 = (
    ("PROD_2023", 2023, "prod", "PROD_NOTES"),
    ("PROD_EST_ 2024", 2024, "prod", "PROD_NOTES"),
    ("CAP_2023", 2023, "cap", "CAP_NOTES"),
    ("CAP_EST_ 2024", 2024, "cap", "CAP_NOTES"),
    ("RESERVES_2024", 2024, "res", "RESERVE_NOTES"),
)
_UNIT_IN_NOTE = re.compile(
    r"(?:thousand |million |billion )?metric (?:dry )?tons|kilograms|million carats|thousand carats|million cubic meters",
    re.IGNORECASE,
)
_PAREN = re.compile(r"^(?P<base>[^(]+?)\s*\((?P<paren>[^)]*)\)(?P<tail>.*)$")
_CODES = {"W", "NA", "XX"}


def _rules_2025(
    commodity: pd.Series, texts: pd.Series, *, country: bool, where: str
) -> pd.DataFrame:
    rules = _stage_rules()
    rules = rules[(rules["source"] == "mcs2025") & ((rules["statistic"] == "country") == country)]
    cols = [
        "statistic",
        "stage",
        "form",
        "reserves_form",
        "reserves",
        "commodity_override",
        "detail_in_note",
    ]
    frame = pd.DataFrame({"commodity": commodity.to_numpy(), "key": _key(texts).to_numpy()})
    out = frame.merge(rules[["commodity", "key", *cols]], on=["commodity", "key"], how="left")[cols]
    if not country:
        generic = frame.merge(
            rules[rules["commodity"] == ""][["key", *cols]], on="key", how="left"
        )[cols]
        out = out.fillna(generic)
        missing = out["stage"].isna().to_numpy()
        if missing.any():
            found = sorted(
                set(frame.loc[missing, "commodity"] + ": " + texts[missing].pipe(_clean).to_numpy())
            )
            raise UnknownNameError(
                "USGS mcs2025 TYPE text (add it to usgs_stages.csv)", found, None, where
            )
    out.index = texts.index
    return out.fillna("")


def _countries_2025(raw: pd.Series, where: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Country code, is_aggregate and the published name where a qualifier was stripped from it."""
    from trust_minerals.data.concordance import _aliases

    clean = _clean(raw)
    known = set(_aliases()) | set(aggregate_names())
    base = clean.copy()
    for name in pd.unique(clean):
        m = _PAREN.match(name)
        if name.casefold() not in known and m:
            base[clean == name] = m["base"].strip()
    country, is_agg = _map_countries(base, where)
    return country, is_agg, clean.where(clean != base, "")


def _blank_status(notes: pd.Series, *, reserves: bool) -> pd.DataFrame:
    """Status of a blank cell: a code or word written in the notes, else ``withheld``."""
    out = []
    for note in notes:
        candidate = re.sub(r"\(.*?\)", "", note).strip(" .")
        first = candidate.split(" ")[0].upper() if candidate else ""
        parsed = parse_value(first) if first in _CODES else None
        if parsed is None and reserves and candidate:
            try:
                parsed = parse_value(candidate)
            except ParseError:
                parsed = None
        out.append(
            (np.nan, "withheld", "=")
            if parsed is None
            else (parsed.quantity, parsed.status, parsed.qualifier)
        )
    return pd.DataFrame(out, columns=["quantity", "status", "qualifier"], index=notes.index)


def parse_mcs2025_world(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Parse the MCS 2025 world data (``MCS2025_World_Data.csv``, UTF-8 with BOM).

    Production and capacity for 2023 and 2024 (the ``..._EST_ 2024`` columns are estimates) and
    reserves 2024. Blank cells are ``withheld`` (or the code written in the notes, e.g. ``NA``,
    ``W for 23-24``) with the note kept, where the block (commodity and TYPE) publishes that
    column; the reserves unit is read from ``RESERVE_NOTES`` where stated, else ``UNIT_MEAS``.
    Qualifiers after a country name ("Brazil (beneficiated)") are stripped and kept in ``note``.

    Examples
    --------
    >>> t = parse_mcs2025_world()
    >>> sorted(t)
    ['capacity', 'production', 'reserves']
    """
    p = (
        str(path)
        if path is not None
        else _raw("usgs_mcs2025", "world_data", "MCS2025_World_Data.csv")
    )
    df = read_rows(p, "utf-8-sig", HEADER_2025)
    names = _map_commodities(df["COMMODITY"], p)
    block = _clean(df["COMMODITY"]) + "|" + _clean(df["TYPE"])
    rules = _rules_2025(names["commodity"], df["TYPE"], country=False, where=p)
    by_country = _rules_2025(names["commodity"], df["COUNTRY"], country=True, where=p)
    country, is_agg, published_name = _countries_2025(df["COUNTRY"], p)
    unit = _clean(df["UNIT_MEAS"])
    unit = unit.where(
        unit != "",
        unit.groupby(block).transform(
            lambda s: s[s != ""].mode().iat[0] if (s != "").any() else ""
        ),
    )
    stage = rules["stage"].where(rules["stage"] != "", names["stage"])
    form = by_country["form"].where(
        by_country["form"] != "", rules["form"].where(rules["form"] != "", names["form"])
    )
    res_form = by_country["reserves_form"].where(
        by_country["reserves_form"] != "",
        rules["reserves_form"].where(rules["reserves_form"] != "", form),
    )
    detail = _clean(df["TYPE"]).where(rules["detail_in_note"] == "yes", "")
    basis = production_basis(df["TYPE"])
    extra = ("Country as published: " + published_name).where(published_name != "", "")
    extra = extra.where(detail == "", (extra + " -- Detail: " + detail).str.lstrip(" -"))
    frames: dict[str, list[pd.DataFrame]] = {"production": [], "capacity": [], "reserves": []}
    for column, year, kind, notes_col in _COLUMNS_2025:
        text = _clean(df[column])
        notes = _clean(df[notes_col])
        blank = text == ""
        in_block = (~blank).groupby(block).transform("any")
        keep = ~blank | in_block | ((kind == "res") & (notes != ""))
        if kind == "prod":  # a production TYPE publishes these columns: a blank is withheld
            keep = rules["statistic"].isin(["Production", "Capacity"])
        if kind == "res":
            keep &= rules["reserves"] != "no"
        sub = df[keep]
        if sub.empty:
            continue
        vals = pd.DataFrame(
            index=sub.index, columns=["quantity", "status", "qualifier"], dtype=object
        )
        filled = ~blank[keep]
        if filled.any():
            vals.loc[filled[filled].index] = _values(sub[filled], column, p).to_numpy()
        if (~filled).any():
            vals.loc[filled[~filled].index] = _blank_status(
                notes[keep][~filled], reserves=kind == "res"
            ).to_numpy()
        status = vals["status"].astype(str)
        numeric = status == "published"
        low = notes[keep].str.casefold()
        if kind != "res":
            status = status.where(~(numeric & low.str.contains("reported")), "reported")
            status = status.where(
                ~(numeric & ((year == 2024) | low.str.contains("estimated"))), "estimated"
            )
        table = {"prod": None, "cap": "capacity", "res": "reserves"}[kind]
        tables = (
            rules.loc[keep, "statistic"].str.lower()
            if table is None
            else pd.Series(table, index=sub.index)
        )
        override = rules.loc[keep, "commodity_override"]
        commodity = names.loc[keep, "commodity"]
        if kind != "res":
            commodity = override.where(override != "", commodity)
        note_unit = (
            notes[keep]
            .str.extract(f"({_UNIT_IN_NOTE.pattern})", flags=re.IGNORECASE)[0]
            .str.lower()
        )
        out = pd.DataFrame(
            {
                "commodity": commodity,
                "stage": "mine" if kind == "res" else stage[keep],
                "form": res_form[keep] if kind == "res" else form[keep],
                "country": country[keep],
                "is_aggregate": is_agg[keep],
                "year": year,
                "quantity": pd.to_numeric(vals["quantity"]),
                "unit": note_unit.fillna(unit[keep]) if kind == "res" else unit[keep],
                "status": status,
                "qualifier": vals["qualifier"].astype(str),
                "value_text": df.loc[keep, column],
                "note": _join_note(notes[keep], extra[keep]),
                "basis": basis[keep],
                "source_id": SOURCE_2025,
            }
        )
        for name in frames:
            frames[name].append(out[tables == name])
    return {
        name: validate(name, pd.concat(parts, ignore_index=True), where=p)
        for name, parts in frames.items()
    }
