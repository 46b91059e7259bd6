"""Per-commodity indicators shared by the criticality methods (one row per commodity).

For each commodity one **primary stage** is used: the latest year ≤ the requested year with
production data, then the first stage with data in the order mine, refinery, smelter,
processing, metal, pigment, then (where several forms are published) the form with the highest
coverage. Every indicator is a fraction or an index computed from shares of that stage, so
scaling every quantity leaves it unchanged.

The consumer's sourcing (``import_hhi`` and the EU method's HHI_WGI of the sourcing mix) is
measured at the **same primary stage**, as the EU method pairs global supply and sourcing at one
stage: on that stage's traded forms only (ore trade for the mine stage, refined forms for the
refinery stage; never all forms summed), by the one supply-mix rule of
:func:`trust_minerals.simulate.network.build_supply_mixes`. ``import_basis`` names the basis; where
it is world production shares rather than the consumer's own imports the sourcing term stays
missing (the EU method then uses global supply and says so).

Every commodity of ``ds.commodities`` gets a row: one without a usable primary stage (all
quantities withheld, as for germanium, or no production table at all) keeps missing indicators,
``incomplete=True`` and a ``missing`` text saying why — it never drops out of a ranking silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals._tables import GROUP_KEYS
from trust_minerals.countries import CountrySet
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics._params import parameter
from trust_minerals.metrics.concentration import concentration_table, shares
from trust_minerals.metrics.governance import instability
from trust_minerals.metrics.partners import exposure_from_shares
from trust_minerals.metrics.reliance import import_reliance_table

STAGE_ORDER = ("mine", "refinery", "smelter", "processing", "metal", "pigment")


def primary_groups(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """One concentration row per commodity: its primary stage/form in the latest year ≤ ``year``."""
    t = table[(table["year"] <= year) & (table["denominator"] > 0)].copy()
    if t.empty:
        return t
    t["_stage_rank"] = (
        t["stage"].map({s: i for i, s in enumerate(STAGE_ORDER)}).fillna(len(STAGE_ORDER))
    )
    t["_cov"] = t["coverage_share"].fillna(-1.0)
    t = t.sort_values(
        ["commodity", "year", "_stage_rank", "_cov"],
        ascending=[True, False, True, False],
        kind="stable",
    )
    return (
        t.groupby("commodity").head(1).drop(columns=["_stage_rank", "_cov"]).reset_index(drop=True)
    )


def with_wmd_fallback(ds: SupplyDataset, year: int) -> tuple[SupplyDataset, list[str]]:
    """``ds`` with World Mining Data production added for commodities USGS gives no usable figure.

    A commodity whose USGS production up to ``year`` is entirely withheld (germanium) or absent
    (rhodium, uranium, metallurgical coal) but which World Mining Data covers gets WMD's latest
    year ≤ ``year`` as production rows with form ``World Mining Data`` (stage: the USGS stage where
    USGS lists one, else ``mine``), so its concentration is known and labelled with its source.
    Returns the dataset and the commodities that were filled.

    Examples
    --------
    >>> with_wmd_fallback(ds, 2025)[1]     # doctest: +SKIP
    ['germanium', 'metallurgical_coal', 'rhodium', 'uranium']
    """
    wmd = ds.production_wmd
    if wmd.empty:
        return ds, []
    usable = primary_groups(concentration_table(ds, measure="production"), year)
    wmd = wmd[(wmd["year"] <= year) & ~wmd["commodity"].isin(usable["commodity"])]
    wmd = wmd[wmd["quantity"].notna()]
    if wmd.empty:
        return ds, []
    latest = wmd.groupby("commodity")["year"].transform("max")
    wmd = wmd[wmd["year"] == latest]
    prod = ds.production
    usgs_stage = prod.drop_duplicates("commodity").set_index("commodity")["stage"]
    rows = pd.DataFrame(
        {
            "commodity": wmd["commodity"],
            "stage": wmd["commodity"].map(usgs_stage).fillna("mine"),
            "form": "World Mining Data",
            "country": wmd["country"],
            "is_aggregate": False,
            "year": wmd["year"].astype(int),
            "quantity": wmd["quantity"].astype(float),
            "unit": wmd["unit"],
            "status": "published",
            "qualifier": "=",
            "value_text": wmd["quantity"].map(lambda q: f"{q:g}"),
            "note": "World Mining Data " + wmd["wmd_name"] + " (USGS gives no usable figure)",
            "basis": "not stated",
            "source_id": wmd["source_id"],
        }
    )
    # WMD lists some countries twice under one ISO3 code (e.g. French Guiana as GUY): add them up
    keys = [c for c in rows.columns if c not in ("quantity", "value_text", "note")]
    rows = rows.groupby(keys, as_index=False, dropna=False).agg(
        quantity=("quantity", "sum"), value_text=("value_text", "first"), note=("note", "first")
    )[list(prod.columns)]
    filled = sorted(set(rows["commodity"]))
    return ds.replace(production=pd.concat([prod, rows], ignore_index=True)), filled


def primary_stage_trade(
    ds: SupplyDataset, trade: pd.DataFrame, groups: pd.DataFrame
) -> pd.DataFrame:
    """Rows of ``trade`` in the forms of each commodity's primary stage (``groups``: commodity,
    stage), by the forms table's HS6 codes where the stage has coded forms (the rule of
    :mod:`trust_minerals.forms`); a commodity without a primary stage keeps no rows.

    Examples
    --------
    >>> primary_stage_trade(ds, ds.trade, primary_groups(table, 2025))  # doctest: +SKIP
    """
    stage = trade["commodity"].map(
        groups.drop_duplicates("commodity").set_index("commodity")["stage"]
    )
    keep = trade["stage"].eq(stage)
    forms = ds._frame("forms")
    forms = forms[forms["hs6"].ne("")]
    coded = set(zip(forms["commodity"], forms["stage"], strict=True))
    codes = set(zip(forms["commodity"], forms["stage"], forms["hs6"], strict=True))
    has_forms = [(c, s) in coded for c, s in zip(trade["commodity"], stage, strict=True)]
    in_forms = [
        (c, s, h) in codes for c, s, h in zip(trade["commodity"], stage, trade["hs6"], strict=True)
    ]
    keep &= ~pd.Series(has_forms, index=trade.index) | pd.Series(in_forms, index=trade.index)
    return trade[keep.to_numpy()]


def _group_rows(ds: SupplyDataset, groups: pd.DataFrame) -> pd.DataFrame:
    prod = ds.production
    prod = prod.assign(form=prod["form"].fillna(""))
    keys = groups[GROUP_KEYS].drop_duplicates()
    return prod.merge(keys, on=GROUP_KEYS, how="inner")


def _sourcing_hhi_wgi(
    imports: pd.DataFrame, ir: pd.Series, consumer: CountrySet, g_eu: pd.Series, g_dom: pd.Series
) -> pd.Series:
    """HHI_WGI of the consumer's sourcing mix: domestic (1 − IR) plus imports IR × import share.

    ``g_dom`` is the HHI_WGI of the domestic supply per commodity (:func:`domestic_hhi_wgi`).
    """
    fill = parameter("missing_instability") * parameter("eu_wgi_scale")
    imp = imports.copy()
    # looked up by reindex, so the columns keep the numeric dtype even when there are no imports
    imp["g"] = g_eu.reindex(imp["exporter"]).fillna(fill).to_numpy()
    imp["ir"] = ir.reindex(imp["commodity"]).to_numpy()
    imp["term"] = (imp["ir"] * imp["import_share"]) ** 2 * imp["g"]
    foreign = imp.groupby("commodity")["term"].sum().reindex(ir.index)
    has = (imp.groupby("commodity")["import_share"].sum() > 0).reindex(ir.index, fill_value=False)
    dom_term = (1.0 - ir) ** 2 * g_dom.reindex(ir.index)
    out = pd.Series(np.nan, index=ir.index, dtype=float)
    known = has & ir.notna()
    out[known] = dom_term[known] + foreign[known].fillna(0.0)
    all_domestic = ir == 0
    out[all_domestic] = dom_term[all_domestic]  # all-domestic supply needs no import data
    return out


def domestic_hhi_wgi(named: pd.DataFrame, consumer: CountrySet) -> pd.Series:
    """HHI_WGI (EU 0–10 scale) of the consumer's domestic supply, per commodity.

    Each member with production at the primary stage is a separate domestic supplier at its own
    instability, as the EU counts its member states: Σ_m (p_m / Σ p)² × g_m (``named``: the
    primary stage's named-country rows with ``share`` and ``g`` on the 0–1 scale). A single
    country is one supplier at its own instability. Commodities where no member has published
    production are left out: the caller fills them (and those where a member's production is
    withheld) with the members' mean instability.

    Examples
    --------
    >>> named = pd.DataFrame({"commodity": "x", "country": ["FRA", "DEU", "CHN"],
    ...                       "share": [0.1, 0.1, 0.8], "g": [0.2, 0.3, 0.6]})
    >>> round(float(domestic_hhi_wgi(named, CountrySet("EU2", ("FRA", "DEU")))["x"]), 4)
    1.25
    """
    mem = named[named["country"].isin(consumer.members) & (named["share"] > 0)]
    if mem.empty:
        return pd.Series(dtype=float)
    w = mem["share"] / mem.groupby("commodity")["share"].transform("sum")
    term = w**2 * mem["g"] * parameter("eu_wgi_scale")
    return term.groupby(mem["commodity"]).sum()


def _sourcing_mix(
    ds: SupplyDataset, consumer: CountrySet, primary: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The consumer's import mix at each commodity's primary stage and year, with its basis.

    The mix is :func:`trust_minerals.simulate.network.build_supply_mixes` (the stage's own forms;
    the USGS import sources for the US; world shares otherwise). Only a mix that describes the
    consumer's own imports (trade, USGS or USITC import sources) becomes ``import_share`` rows: world
    production shares are not the consumer's sourcing, so those commodities keep a missing
    sourcing term and their ``basis`` says so. Returns (commodity, exporter, import_share) and a
    basis table indexed by commodity.
    """
    from trust_minerals.simulate.network import build_supply_mixes

    pairs = primary.reset_index()
    pairs = pairs[pairs["stage"].ne("") & pairs["year"].notna()]
    mixes = build_supply_mixes(ds, consumer.members, pairs[["commodity", "stage", "year"]])
    basis = mixes.basis.set_index("commodity")
    own = set(basis.index[basis["consumer_basis"]])
    sh = mixes.shares[mixes.shares["commodity"].isin(own)]
    imports = pd.DataFrame(
        {"commodity": sh["commodity"], "exporter": sh["country"], "import_share": sh["share"]}
    )
    world = ~basis["consumer_basis"]
    basis.loc[world, "note"] = [
        "; ".join(x for x in (n, "not the consumer's own imports: sourcing mix unknown") if x)
        for n in basis.loc[world, "note"]
    ]
    return imports.reset_index(drop=True), basis


def build_indicators(
    ds: SupplyDataset,
    consumer: CountrySet,
    year: int,
    *,
    partners: CountrySet | None = None,
) -> pd.DataFrame:
    """Indicators of every commodity with production data, for ``consumer`` and ``partners``.

    Columns: commodity, stage, form, year, unit, hhi, hhi_upper, top_country, top_share,
    coverage_share, withheld, hhi_wgi (0–1 scale), hhi_wgi_eu (0–10), governance_risk
    (share-weighted instability), partner_share, non_partner_share, non_partner_hhi,
    export_control_share, import_reliance (+ reliance_basis, reliance_status), import_hhi,
    hhi_wgi_sourcing_eu (both from the consumer's import mix at the primary stage, measured on that
    stage's forms; ``import_basis`` and ``import_note`` say where it comes from), reserve_hhi,
    eol_rir, incomplete, missing.

    Examples
    --------
    >>> build_indicators(ds, resolve_consumer(ds, "USA"), 2025).head()   # doctest: +SKIP
    """
    partners = partners or consumer
    ds, filled = with_wmd_fallback(ds, year)
    table = concentration_table(ds, measure="production")
    groups = primary_groups(table, year)
    cols = [
        "commodity",
        "stage",
        "form",
        "year",
        "unit",
        "hhi",
        "hhi_upper",
        "top_country",
        "top_share",
        "coverage_share",
        "withheld",
        "assessable",
    ]
    every = pd.Index(sorted(set(ds.commodities["commodity"])), name="commodity")
    out = groups[cols].set_index("commodity").reindex(every)
    out["stage"] = out["stage"].fillna("")
    out["form"] = out["form"].fillna("")
    out["unit"] = out["unit"].fillna("")
    out["year"] = out["year"].astype("Int64")
    rows = shares(_group_rows(ds, groups))
    named = rows[~rows["is_aggregate"] & rows["share"].notna()].copy()
    g_unit = instability(ds.countries)
    g_eu = instability(ds.countries, scale="eu")
    fill = parameter("missing_instability")
    named["g"] = named["country"].map(g_unit)
    named["g_missing"] = named["g"].isna()
    named["g"] = named["g"].fillna(fill)
    named["sq_g"] = named["share"] ** 2 * named["g"]
    named["s_g"] = named["share"] * named["g"]
    by = named.groupby("commodity")
    out["hhi_wgi"] = by["sq_g"].sum()
    out["hhi_wgi_eu"] = out["hhi_wgi"] * parameter("eu_wgi_scale")
    out["governance_risk"] = by["s_g"].sum() / by["share"].sum().where(by["share"].sum() > 0)
    out["governance_filled"] = by["g_missing"].sum().astype(int)
    exposure = exposure_from_shares(rows, partners.members, ds.export_controls).set_index(
        "commodity"
    )
    for col in ("partner_share", "non_partner_share", "non_partner_hhi", "export_control_share"):
        out[col] = exposure[col]
    # dependence
    rel = import_reliance_table(ds, consumer, year).set_index("commodity")
    out["import_reliance"] = rel["import_reliance"].reindex(out.index)
    out["reliance_basis"] = rel["basis"].reindex(out.index).fillna("unknown")
    out["reliance_status"] = rel["status"].reindex(out.index).fillna("")
    imports, mix_basis = _sourcing_mix(ds, consumer, out)
    out["import_basis"] = mix_basis["basis"].reindex(out.index).fillna("none")
    out["import_note"] = mix_basis["note"].reindex(out.index).fillna("")
    out["import_hhi"] = (
        imports.assign(sq=imports["import_share"] ** 2).groupby("commodity")["sq"].sum()
    ).reindex(out.index)
    dom = g_eu.reindex(list(consumer.members)).dropna()
    g_mean = float(dom.mean()) if len(dom) else fill * parameter("eu_wgi_scale")
    # a member's withheld production leaves the domestic split unknown: the mean stands in
    member_rows = rows[~rows["is_aggregate"] & rows["country"].isin(consumer.members)]
    split_unknown = set(member_rows.loc[member_rows["share"].isna(), "commodity"])
    g_dom = domestic_hhi_wgi(named[~named["commodity"].isin(split_unknown)], consumer)
    g_dom = g_dom.reindex(out.index).fillna(g_mean)
    out["hhi_wgi_sourcing_eu"] = _sourcing_hhi_wgi(
        imports, out["import_reliance"], consumer, g_eu, g_dom
    )
    # reserves
    res = concentration_table(ds, measure="reserves")
    res = res[(res["year"] <= year) & (res["denominator"] > 0)].sort_values(
        ["commodity", "year"], ascending=[True, False]
    )
    res = (
        res.sort_values(["commodity", "year", "coverage_share"], ascending=[True, False, False])
        .groupby("commodity")
        .head(1)
    )
    out["reserve_hhi"] = res.set_index("commodity")["hhi"].reindex(out.index)
    eol = ds.eol_rir.drop_duplicates("commodity").set_index("commodity")["eol_rir"]
    out["eol_rir"] = eol.reindex(out.index)
    threshold = parameter("incomplete_coverage")
    cov = out["coverage_share"]
    out["incomplete"] = cov.isna() | (cov < threshold)
    out["missing"] = np.where(out["incomplete"], low_coverage_note(cov), "")
    out["missing"] = out["missing"].where(
        out.index.isin(groups["commodity"]), no_production_notes(ds)
    )
    wmd_note = "production from World Mining Data (USGS gives no usable figure)"
    out.loc[out.index.isin(filled), "missing"] = wmd_note
    return out.reset_index()


def low_coverage_note(coverage: pd.Series) -> pd.Series:
    """``production coverage 0.14 < 0.5: concentration is a lower bound`` per row (text)."""
    threshold = parameter("incomplete_coverage")
    text = coverage.map(lambda c: f"{c:.2f}" if pd.notna(c) else "unknown")
    return "production coverage " + text + f" < {threshold:g}: concentration is a lower bound"


def no_production_notes(ds: SupplyDataset) -> pd.Series:
    """Why a commodity has no primary stage: every quantity withheld/unavailable, or no rows."""
    prod = ds.production
    every = pd.Index(sorted(set(ds.commodities["commodity"])), name="commodity")
    status = (
        prod[prod["quantity"].isna()]
        .groupby("commodity")["status"]
        .agg(lambda s: ",".join(sorted(set(s.dropna().astype(str)))))
    )
    text = "no production quantity (" + status + ")"
    return text.reindex(every).fillna("no production data in the bundled tables")
