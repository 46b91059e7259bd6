"""Traded forms by stage: which HS6 codes measure a stage, and what stands in where trade is missing.

The ``forms`` table (``data/concordance/forms.csv``; ``trust data describe forms``) lists, for
each commodity and stage, the traded forms with their HS6 codes, content factors and the
production rows they describe. Two rules follow from it and are used everywhere a consumer's
supply at a stage is measured:

* **A stage is measured on its own forms.** Trade at the refinery stage uses only the refinery
  forms' HS6 codes (oxides, carbonates, hydroxides, salts, unwrought metal); ore trade never
  stands in for refined supply.
* **Basis order** (what a consumer's supply mix at a stage comes from; the first that exists):
  1. ``trade``: the consumer's BACI imports in the stage's forms;
  2. ``usgs import sources``: for the US only, the USGS MCS import-source shares of the matching
     form (``usgs_import_detail``);
  3. ``usitc dataweb``: for the US only, US imports by partner in the USITC DataWeb heading of
     the stage's forms, where that heading holds those forms and nothing else
     (``usitc_scope = stage_forms``); the extract names 18 partners and no world total, so the
     shares are of those partners (each an upper bound) and the note says so. A heading that
     holds only part of the stage's forms or other products too (``partial``, ``wider``) is never
     used as shares; where the USGS shares are used and the stage has a ``stage_forms`` or
     ``partial`` heading, the note adds the DataWeb top partner as a cross-check;
  4. ``world``: world production shares at that stage (USGS; the IEA table where USGS has none);
  5. ``none``: nothing known; results are missing, never 0.
  A fallback is never silent: the result's ``basis`` names the source and its ``note`` why the
  earlier steps were not available.

Examples
--------
>>> forms_table(ds, "antimony")[["stage", "form", "hs6", "in_bundled_baci"]]  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError

FORM_COLUMNS = [
    "commodity",
    "stage",
    "form",
    "hs6",
    "in_bundled_baci",
    "content_factor",
    "content_basis",
    "factor_source",
    "production_table",
    "production_form",
    "usgs_import_detail",
    "usitc_hts4",
    "usitc_scope",
    "note",
]


def forms_table(
    ds: SupplyDataset, commodity: str | None = None, stage: str | None = None
) -> pd.DataFrame:
    """The traded forms of ``commodity`` (all commodities when None), optionally at one stage.

    ``in_bundled_baci`` says whether the bundled BACI extract holds trade in that HS6 code; a
    form without it is measured by the fallbacks of the module docstring.

    Raises
    ------
    UnknownNameError
        Unknown commodity, or a stage the commodity has no forms at.

    Examples
    --------
    >>> forms_table(ds, "nickel", "refinery")["hs6"].tolist()  # doctest: +SKIP
    ['750210', '750220']
    """
    f = ds.forms
    if commodity is not None:
        ds.check_commodities([commodity], "forms")
        f = f[f["commodity"] == commodity]
        if f.empty:
            raise UnknownNameError(
                "commodity with forms", [commodity], sorted(set(ds.forms["commodity"])), "forms"
            )
    if stage is not None:
        have = sorted(set(f["stage"]))
        if stage not in have:
            raise UnknownNameError("stage", [stage], have, f"forms of {commodity or 'any'}")
        f = f[f["stage"] == stage]
    return f[FORM_COLUMNS].reset_index(drop=True)


def stage_hs6(ds: SupplyDataset, commodity: str, stage: str) -> tuple[str, ...]:
    """HS6 codes of the forms traded at ``stage`` (empty when the stage has no coded form)."""
    f = ds._frame("forms")
    rows = f[(f["commodity"] == commodity) & (f["stage"] == stage) & f["hs6"].ne("")]
    return tuple(rows["hs6"])


def form_stages(ds: SupplyDataset, commodity: str) -> tuple[str, ...]:
    """Stages at which ``commodity`` has traded forms (mine first)."""
    f = ds._frame("forms")
    order = ("mine", "processing", "smelter", "refinery", "metal", "pigment", "component")
    have = set(f.loc[f["commodity"] == commodity, "stage"])
    return tuple(s for s in order if s in have)


def usgs_import_detail(ds: SupplyDataset, commodity: str, stage: str) -> str:
    """The USGS import-sources breakdown matching the forms of ``stage`` ('' when none)."""
    f = ds._frame("forms")
    rows = f[(f["commodity"] == commodity) & (f["stage"] == stage) & f["usgs_import_detail"].ne("")]
    details = list(dict.fromkeys(rows["usgs_import_detail"]))
    return details[0] if len(details) == 1 else ""


def usitc_heading(ds: SupplyDataset, commodity: str, stage: str) -> tuple[str, str]:
    """The USITC DataWeb heading of the forms of ``stage`` and its scope (``('', '')`` if none).

    One heading for every coded form of the stage is needed; the scope is ``stage_forms`` only
    when every form's heading holds nothing but that form (else the widest scope of the forms).

    Examples
    --------
    >>> usitc_heading(ds, "cobalt", "mine")  # doctest: +SKIP
    ('2605', 'stage_forms')
    """
    f = ds._frame("forms")
    rows = f[(f["commodity"] == commodity) & (f["stage"] == stage)]
    headings = set(rows["usitc_hts4"])
    if len(headings) != 1 or "" in headings:
        return "", ""
    scopes = set(rows["usitc_scope"])
    for scope in ("wider", "partial", "stage_forms"):
        if scope in scopes:
            return headings.pop(), scope
    return "", ""
