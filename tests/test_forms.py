"""The forms table on the real store: stages measured on their own HS6 codes."""

from __future__ import annotations

import pytest

from trust_minerals.data.concordance import read_concordance
from trust_minerals.errors import UnknownNameError
from trust_minerals.forms import form_stages, forms_table, stage_hs6, usgs_import_detail


def test_every_mapped_baci_code_has_a_form_at_the_same_stage(ds) -> None:  # type: ignore[no-untyped-def]
    """Cross-check against the BACI concordance (an independent file)."""
    forms = ds.forms.set_index("hs6")
    mapped = [r for r in read_concordance("hs6_commodities.csv") if r["commodity"]]
    assert len(mapped) > 50
    for r in mapped:
        row = forms.loc[r["hs6"]]
        assert (row["commodity"], row["stage"]) == (r["commodity"], r["stage"]), r["hs6"]


def test_in_bundled_baci_says_which_codes_the_extract_holds(ds) -> None:  # type: ignore[no-untyped-def]
    traded = set(ds.trade["hs6"])
    f = ds.forms
    assert (f["in_bundled_baci"] == (f["hs6"].isin(traded) & f["hs6"].ne(""))).all()
    assert f["in_bundled_baci"].any() and not f["in_bundled_baci"].all()


def test_refined_antimony_and_nickel_are_not_in_the_bundled_extract(ds) -> None:  # type: ignore[no-untyped-def]
    for commodity in ("antimony", "nickel"):
        ref = forms_table(ds, commodity, "refinery")
        assert len(ref) >= 1
        assert not ref["in_bundled_baci"].any()
    tungsten = forms_table(ds, "tungsten", "refinery").set_index("hs6")
    assert bool(tungsten.loc["810110", "in_bundled_baci"])  # tungsten powders are


def test_stage_codes_never_mix_ore_with_refined_forms(ds) -> None:  # type: ignore[no-untyped-def]
    assert stage_hs6(ds, "antimony", "mine") == ("261710",)
    assert "261710" not in stage_hs6(ds, "antimony", "refinery")
    assert set(stage_hs6(ds, "lithium", "refinery")) == {"283691", "282520"}
    assert stage_hs6(ds, "lithium", "mine") == ()  # spodumene has no HS92 code of its own


def test_content_factors_carry_a_source(ds) -> None:  # type: ignore[no-untyped-def]
    f = ds.forms
    with_factor = f[f["content_factor"].notna()]
    assert len(with_factor) >= 5
    assert with_factor["factor_source"].str.len().gt(0).all()
    assert (with_factor["content_factor"].between(0, 1, inclusive="right")).all()
    li = f[(f["hs6"] == "283691")].iloc[0]
    assert li["content_basis"] == "Li content"


def test_components_and_us_fallback_detail(ds) -> None:  # type: ignore[no-untyped-def]
    assert "component" in form_stages(ds, "rare_earths")
    assert usgs_import_detail(ds, "antimony", "refinery") == "Total metal and oxide"
    assert usgs_import_detail(ds, "nickel", "refinery") == "Primary nickel"


def test_unknown_commodity_or_stage_is_named(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError, match="antimonium"):
        forms_table(ds, "antimonium")
    with pytest.raises(UnknownNameError, match="smelter"):
        forms_table(ds, "antimony", "smelter")
