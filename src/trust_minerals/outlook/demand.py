"""Demand outlook: the IEA Critical Minerals Data Explorer 2024 (CC BY 4.0), as published.

``data/raw/outlook/demand_outlook.csv`` holds total demand (six minerals), clean-technology demand
(40 minerals), its sectors and other uses, told apart by the ``scope`` column. Figures are kept
exactly as published (kt); :func:`demand_outlook` picks one row per series: ``total_demand`` where
the source has it, else ``clean_tech_total``, and names the scope in the result.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.outlook._files import commodity_for, raw_outlook_path

SCENARIOS = ("STEPS", "APS", "NZE")
#: scenario label of the 2023 base-year rows in the IEA file
BASE_YEAR_SCENARIO = "Base year (2023 estimate)"
_FILE = "demand_outlook.csv"
_SCOPE_PREFERENCE = ("total_demand", "clean_tech_total")


@cache
def _load() -> pd.DataFrame:
    path = raw_outlook_path(_FILE)
    df = pd.read_csv(path, dtype={"demand_kt": str, "year": str}, keep_default_na=False)
    expected = ["mineral", "year", "scenario", "demand_kt", "source", "source_location", "scope"]
    if list(df.columns) != expected:
        raise ParseError(
            f"expected columns {expected}", path=str(path), field="header", value=list(df.columns)
        )
    try:
        years = df["year"].astype(int)
    except ValueError:
        raise ParseError("year is not an integer", path=str(path), field="year") from None
    values = pd.to_numeric(df["demand_kt"], errors="coerce")
    bad = values.isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ParseError(
            "demand_kt is not a number",
            path=str(path),
            line=i + 2,
            field="demand_kt",
            value=df["demand_kt"].iloc[i],
        )
    out = df.assign(year=years, demand_kt=values.astype(float))
    out["commodity"] = [commodity_for("demand_outlook", m) for m in out["mineral"]]
    # the source's column 'mineral' is the IEA series name; the public frames call it demand_name
    return out.rename(columns={"mineral": "demand_name"})


def load_demand_outlook() -> pd.DataFrame:
    """Every row of the IEA demand file (figures as published, kt), with a ``commodity`` column.

    Examples
    --------
    >>> df = load_demand_outlook()
    >>> sorted(set(df.loc[df["scope"] == "total_demand", "demand_name"]))[:2]
    ['Cobalt', 'Copper']
    """
    return _load().copy()


def _resolve_names(df: pd.DataFrame, commodity: str | list[str]) -> list[str]:
    names = [commodity] if isinstance(commodity, str) else list(commodity)
    known = sorted(set(df["demand_name"]))
    by_fold = {m.casefold(): m for m in known}
    by_commodity: dict[str, str] = {}
    for m, c in zip(df["demand_name"], df["commodity"], strict=True):
        if isinstance(c, str) and c:  # no commodity: None (pandas 2) or NaN (pandas 3)
            # the first name for a commodity among the rows compared in the balance wins
            by_commodity.setdefault(c, m)
    out, bad = [], []
    for n in names:
        if n.casefold() in by_fold:
            out.append(by_fold[n.casefold()])
        elif n in by_commodity:
            out.append(by_commodity[n])
        else:
            bad.append(n)
    if bad:
        valid = known + sorted(by_commodity)
        raise UnknownNameError("commodity", bad, valid, where="demand_outlook")
    return out


def outlook_years() -> list[int]:
    """The years of the bundled IEA outlook (the base year first).

    Examples
    --------
    >>> outlook_years()[0]
    2023
    """
    df = _load()
    return sorted({int(y) for y in df.loc[df["scope"].isin(_SCOPE_PREFERENCE), "year"]})


def demand_outlook(
    scenario: str, year: int, commodity: str | list[str] | None = None
) -> pd.DataFrame:
    """IEA demand per series for one scenario and year (kt, as published).

    One row per IEA series (``demand_name``): total demand where the IEA file has it, else clean-technology demand;
    ``scope`` names which. Year 2023 returns the base-year rows (the same for every scenario).

    Parameters
    ----------
    scenario : ``STEPS``, ``APS`` or ``NZE``.
    year : 2023, 2030, 2035, 2040, 2045 or 2050.
    commodity : commodity id or IEA series name (case-insensitive), or a list; ``None`` for all.

    Returns
    -------
    DataFrame with columns demand_name, commodity, year, scenario, demand_kt, scope, source_location.

    Examples
    --------
    >>> demand_outlook("STEPS", 2030, "lithium")[["demand_name", "demand_kt", "scope"]].to_dict("records")
    [{'demand_name': 'Lithium', 'demand_kt': 471.291, 'scope': 'total_demand'}]
    """
    df = _load()
    if scenario not in SCENARIOS:
        raise UnknownNameError("scenario", [scenario], list(SCENARIOS), where="demand_outlook")
    iea = df[df["scope"].isin(_SCOPE_PREFERENCE)]
    years = outlook_years()
    if year not in years:
        raise InputError(f"year must be one of {years} (IEA outlook years), got {year!r}")
    label = BASE_YEAR_SCENARIO if year == min(years) else scenario
    rows = iea[(iea["year"] == year) & (iea["scenario"] == label)]
    if commodity is not None:
        rows = rows[rows["demand_name"].isin(_resolve_names(df, commodity))]
    rank = rows["scope"].map({s: i for i, s in enumerate(_SCOPE_PREFERENCE)})
    rows = (
        rows.assign(_rank=rank).sort_values(["demand_name", "_rank"]).drop_duplicates("demand_name")
    )
    out = rows[
        ["demand_name", "commodity", "year", "scenario", "demand_kt", "scope", "source_location"]
    ]
    return out.reset_index(drop=True)


def demand_outlook_all() -> pd.DataFrame:
    """:func:`demand_outlook` for every scenario and year at once (base-year rows once, as labelled)."""
    df = _load()
    iea = df[df["scope"].isin(_SCOPE_PREFERENCE)]
    rank = iea["scope"].map({s: i for i, s in enumerate(_SCOPE_PREFERENCE)})
    iea = iea[iea["scenario"].isin((*SCENARIOS, BASE_YEAR_SCENARIO))]
    rows = iea.assign(_rank=rank).sort_values(["demand_name", "year", "scenario", "_rank"])
    rows = rows.drop_duplicates(["demand_name", "year", "scenario"])
    cols = ["demand_name", "commodity", "year", "scenario", "demand_kt", "scope", "source_location"]
    return rows[cols].reset_index(drop=True)
