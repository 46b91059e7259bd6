"""US import sources by form: the published USGS shares and the USITC DataWeb headings.

The US-only steps of the supply-mix rule (:func:`trust_minerals.simulate.network.build_supply_mix`):

* :func:`_us_import_sources` -- USGS MCS import-source shares of the breakdown that matches the
  stage's forms (``usgs_import_detail`` in the forms table);
* :func:`_us_import_quantity` -- the USGS import quantity of that product (t/yr);
* :func:`_usitc_mix` -- US imports by partner in the USITC DataWeb heading of the stage's forms,
  where the heading holds those forms and nothing else (``usitc_scope = stage_forms``); the
  extract names 18 partners and no world total, so shares are of the listed partners; flows
  below ``min_import_share`` (parameters.csv, assumption) of all US imports of the commodity are
  too small to stand for the supply mix (:func:`_usitc_immaterial`);
* :func:`usitc_cross_check` -- the DataWeb top partner beside the USGS shares.
"""

from __future__ import annotations

import pandas as pd

from trust_minerals._tables import OTHER_COUNTRIES
from trust_minerals.dataset import SupplyDataset
from trust_minerals.sources import used_source_ids
from trust_minerals.units import tonnes_per_unit


def _us_import_sources(
    ds: SupplyDataset, commodity: str, stage: str | None
) -> tuple[pd.Series, str, str, tuple[str, ...]] | None:
    """Published shares of US imports (USGS MCS) of the form traded at ``stage``.

    The breakdown is the forms table's ``usgs_import_detail`` for that stage. A commodity whose
    forms name no breakdown at any stage falls back to the total breakdown (``Total``,
    ``Combined``, ``All``) or its only one, and the note says the form was not matched; a
    breakdown the forms table gives for another stage is never used. Returns
    ``(shares, basis, note, source_ids)`` or None. ``stage=None`` takes the commodity's total breakdown
    (all forms; the price model's share of the outside market, calibrated on it).
    """
    from trust_minerals.forms import usgs_import_detail

    src = ds._frame("import_sources")
    rows = src[(src["commodity"] == commodity) & src["share"].notna()]
    if rows.empty:
        return None
    details = list(dict.fromkeys(rows["detail"]))
    detail = usgs_import_detail(ds, commodity, stage) if stage is not None else ""
    note = ""
    if not detail:
        f = ds._frame("forms")
        named = f.loc[f["commodity"] == commodity, "usgs_import_detail"].ne("").any()
        if stage is not None and named:
            return None  # the USGS breakdowns describe forms of other stages
        total = [d for d in details if any(w in d.lower() for w in ("total", "combined", "all"))]
        if total:
            detail = total[0]
        elif len(details) == 1:
            detail = details[0]
        else:
            return None
        note = f"USGS import breakdown '{detail}' not matched to a {stage} form (all forms)"
    elif detail not in details:
        return None
    rows = rows[(rows["detail"] == detail) & (rows["country"] != OTHER_COUNTRIES)]
    known = set(ds.country_ids())
    rows = rows[rows["country"].isin(known)]
    if rows.empty:
        return None
    shares = rows.groupby("country")["share"].sum().sort_values(ascending=False)
    period = "/".join(dict.fromkeys(rows["period"].astype(str)))
    return shares, f"usgs import sources {period} ({detail})", note, used_source_ids(rows)


def _usitc_shares(
    ds: SupplyDataset, heading: str, year: int, max_age: int
) -> tuple[pd.Series, int, int, float, tuple[str, ...]] | None:
    """US imports by partner (value shares of the listed partners) in ``heading``, in the latest
    DataWeb year <= ``year`` within ``max_age``; ``(shares, year, partners queried, total value
    in USD, source_ids)`` or None."""
    t = ds._frame("us_trade")
    t = t[(t["flow"] == "imports_for_consumption") & (t["hts4"] == heading)]
    if t.empty:
        return None
    queried = int(ds._frame("us_trade")["country"].nunique())
    years = t.loc[t["year"] <= year, "year"]
    if years.empty or year - int(years.max()) > max_age:
        return None
    use = int(years.max())
    rows = t[t["year"] == use]
    by = rows.groupby("country")["value_usd"].sum(min_count=1).dropna()
    if not by.sum() > 0:
        return None
    shares = (by / by.sum()).sort_values(ascending=False)
    return shares, use, queried, float(by.sum()), used_source_ids(rows)


def _usitc_mix(
    ds: SupplyDataset, commodity: str, stage: str, year: int, max_age: int
) -> tuple[pd.Series, str, str, tuple[str, ...]] | None:
    """US import shares from USITC DataWeb where the stage's forms have a heading of their own
    (``usitc_scope = stage_forms`` in the forms table); ``(shares, basis, note, source_ids)`` or
    None. Flows too small to stand for the mix (:func:`_usitc_immaterial`) give empty shares, an
    empty basis and the reason in ``note``."""
    from trust_minerals.forms import usitc_heading

    heading, scope = usitc_heading(ds, commodity, stage)
    if scope != "stage_forms":
        return None
    found = _usitc_shares(ds, heading, year, max_age)
    if found is None:
        return None
    shares, use, queried, total, ids = found
    small, total_ids = _usitc_immaterial(ds, commodity, heading, use)
    if small and total_ids:
        return pd.Series(dtype=float), "", small, tuple(sorted({*ids, *total_ids}))
    known = set(ds.country_ids())
    shares = shares[shares.index.isin(known)]
    note = (
        f"USITC DataWeb HTS {heading}: shares of US imports (customs value, USD {total:,.0f} in "
        f"{use}) from the {queried} partners the extract was queried for (no world total "
        "published with it), so each share is an upper bound and imports from other countries "
        "are unknown" + (f"; {small}" if small else "")
    )
    return shares, f"usitc dataweb {use} (HTS {heading}, {queried} listed partners)", note, ids


def _usitc_immaterial(
    ds: SupplyDataset, commodity: str, heading: str, year: int
) -> tuple[str, tuple[str, ...]]:
    """Why US imports in ``heading`` in ``year`` are too small to be the US supply mix, with the
    sources of the USGS total read; ``('', ())`` when they are not (or carry no weight), and a
    "not checked" text with no sources when USGS publishes no total for the year.

    The heading's imports for consumption (gross kg, every row with a weight) are compared with
    US imports for consumption of the commodity in all forms (USGS salient statistics, content,
    latest year <= ``year``): below ``min_import_share`` (parameters.csv, assumption) they are
    immaterial. Gross weight is at least the content, so the comparison never calls a material
    flow immaterial.
    """
    from trust_minerals.simulate.params import parameters

    t = ds._frame("us_trade")
    t = t[
        (t["flow"] == "imports_for_consumption")
        & (t["hts4"] == heading)
        & (t["year"] == year)
        & (t["quantity_unit"] == "kilograms")
    ]
    if t.empty or t["quantity"].isna().any():
        return "", ()
    gross_t = float(t["quantity"].sum()) / 1000.0
    total_t, _note, ids = _us_import_quantity(ds, commodity, "", year)
    if not total_t > 0:
        return (
            f"materiality not checked: no USGS total of US {commodity} imports at or before {year}"
        ), ()
    share = float(parameters()["min_import_share"])
    if gross_t >= share * total_t:
        return "", ()
    return (
        f"USITC DataWeb HTS {heading}: US imports of {gross_t:,.1f} t (gross weight) in {year} "
        f"are {gross_t / total_t:.2%} of US {commodity} imports for consumption "
        f"({total_t:,.0f} t, USGS), below {share:.0%} (min_import_share, assumption): too small "
        "to stand for the US supply mix at this stage",
        ids,
    )


def usitc_cross_check(ds: SupplyDataset, commodity: str, stage: str, year: int) -> str:
    """A short cross-check of USGS import-source shares against USITC DataWeb: the top listed
    partner in the stage's heading (``stage_forms`` or ``partial`` scope), '' when there is none.

    Examples
    --------
    >>> usitc_cross_check(ds, "nickel", "refinery", 2025)  # doctest: +SKIP
    'cross-check: USITC DataWeb 2025 HTS 7502 (18 listed partners only): CAN 76%'
    """
    from trust_minerals.forms import usitc_heading
    from trust_minerals.simulate.params import parameters

    heading, scope = usitc_heading(ds, commodity, stage)
    if scope not in ("stage_forms", "partial"):
        return ""
    found = _usitc_shares(ds, heading, year, int(parameters()["max_trade_age_years"]))
    if found is None:
        return ""
    shares, use, queried, _total, _ids = found
    what = "" if scope == "stage_forms" else ", part of the stage's forms"
    return (
        f"cross-check: USITC DataWeb {use} HTS {heading} ({queried} listed partners only{what}): "
        f"{shares.index[0]} {shares.iloc[0]:.0%}"
    )


#: metric tons per unit, for the units USGS uses for import quantities
_TONNES_PER_UNIT = tonnes_per_unit(
    ["kilograms", "metric tons", "thousand metric tons", "million metric tons"]
)


def _us_import_quantity(
    ds: SupplyDataset, commodity: str, basis: str, year: int
) -> tuple[float, str, tuple[str, ...]]:
    """US imports for consumption (t/yr) from the USGS salient statistics, for the product whose
    import-source shares are used (the detail in ``basis``), in the latest year <= ``year``.

    NaN with a note when no single matching import series in a mass unit is published; the third
    item names the source of the row used.
    """
    sal = ds._frame("us_salient")
    rows = sal[
        (sal["commodity"] == commodity) & (sal["statistic"] == "Import") & sal["value"].notna()
    ]
    rows = rows[rows["unit"].isin(list(_TONNES_PER_UNIT))]
    detail = basis[basis.rfind("(") + 1 : -1].strip().lower() if basis.endswith(")") else ""
    matching = (
        rows[rows["detail"].str.lower().str.contains(detail, regex=False)] if detail else rows
    )
    if matching["detail"].nunique() != 1:
        matching = rows if rows["detail"].nunique() == 1 else matching.iloc[0:0]
    matching = matching[matching["year"] <= year]
    if matching.empty:
        return (
            float("nan"),
            "no single USGS import quantity for this product: lost supply unknown",
            (),
        )
    last = matching.sort_values("year").iloc[[-1]]
    row = last.iloc[0]
    tonnes = float(row["value"]) * _TONNES_PER_UNIT[str(row["unit"])]
    note = f"import quantity: USGS '{row['detail']}' {int(row['year'])}"
    return tonnes, note, used_source_ids(last)
