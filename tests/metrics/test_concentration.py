from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import production_rows, tiny_dataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.concentration import concentration, concentration_table


def test_hand_calculation_with_the_published_total_as_denominator() -> None:
    ds = tiny_dataset(
        production=production_rows(
            [("AAA", 60.0), ("BBB", 30.0), ("Other countries", 5.0), ("World total", 100.0)]
        )
    )
    r = concentration(ds, "cobalt", "mine", 2025)
    assert r.denominator == 100.0 and r.denominator_basis == "world_total"
    assert r.top_country == "AAA" and r.top_share == pytest.approx(0.6)
    assert r.hhi == pytest.approx(0.6**2 + 0.3**2)
    assert r.hhi_upper == pytest.approx(0.6**2 + 0.3**2 + 0.05**2)
    assert r.coverage_share == pytest.approx(0.9)
    assert r.top3_share == pytest.approx(0.9)
    assert r.other_share == pytest.approx(0.05)


def test_listed_sum_is_the_denominator_when_it_exceeds_the_rounded_total() -> None:
    ds = tiny_dataset(
        production=production_rows(
            [("CHN", 900.0), ("JPN", 3.0), ("RUS", 6.0), ("World total", 900.0)]
        )
    )
    r = concentration(ds, "cobalt", "mine", 2025)
    assert r.denominator == 909.0 and r.denominator_basis == "listed_sum"
    assert r.top_share == pytest.approx(900 / 909)
    assert float(r.shares.sum()) == pytest.approx(1.0)


def test_withheld_rows_are_listed_not_counted_as_zero() -> None:
    ds = tiny_dataset(
        production=production_rows([("AUS", 80.0), ("USA", None), ("World total", 100.0)])
    )
    r = concentration(ds, "cobalt", "mine", 2025)
    assert r.withheld == ("USA",)
    assert "USA" not in r.shares.index
    assert any("withheld" in n for n in r.notes)
    assert r.coverage_share == pytest.approx(0.8)


def test_no_world_total_uses_the_listed_sum() -> None:
    ds = tiny_dataset(
        production=production_rows([("AAA", 1.0), ("BBB", 2.0), ("Other countries", 1.0)])
    )
    r = concentration(ds, "cobalt", "mine", 2025)
    assert r.world_total is None and r.denominator == 4.0 and r.top_share == pytest.approx(0.5)
    assert r.assessable


def test_named_countries_without_a_published_world_are_not_assessable() -> None:
    """Neither a world total nor 'Other countries': the named countries are not the world."""
    ds = tiny_dataset(production=production_rows([("AAA", 1.0), ("BBB", 3.0)]))
    r = concentration(ds, "cobalt", "mine", 2025)
    assert not r.assessable
    for value in (r.hhi, r.hhi_upper, r.top_share, r.top3_share, r.coverage_share):
        assert math.isnan(value)
    assert r.top_country is None
    assert any("not assessable" in n for n in r.notes)
    ds2 = tiny_dataset(production=production_rows([("AAA", 1.0), ("Other countries", None)]))
    assert not concentration(ds2, "cobalt", "mine", 2025).assessable  # 'NA' rest of world


def test_a_missing_other_countries_row_leaves_other_share_unknown_with_a_note() -> None:
    ds = tiny_dataset(production=production_rows([("AAA", 60.0), ("World total", 100.0)]))
    r = concentration(ds, "cobalt", "mine", 2025)
    assert math.isnan(r.other_share)
    assert any("other_share unknown" in n for n in r.notes)
    with_other = tiny_dataset(
        production=production_rows([("AAA", 60.0), ("Other countries", 0.0), ("World total", 60.0)])
    )
    r0 = concentration(with_other, "cobalt", "mine", "2025")
    assert r0.other_share == 0.0 and not any("other_share" in n for n in r0.notes)


def test_hhi_of_a_monopoly_is_one() -> None:
    ds = tiny_dataset(production=production_rows([("AAA", 7.0), ("World total", 7.0)]))
    r = concentration(ds, "cobalt", "mine", 2025)
    assert r.hhi == 1.0 and r.hhi_upper == 1.0 and r.top_share == 1.0


def test_unknown_names_raise_listing_the_choices() -> None:
    ds = tiny_dataset(production=production_rows([("AAA", 7.0)]))
    with pytest.raises(UnknownNameError, match="unobtainium"):
        concentration(ds, "unobtainium", "mine", 2025)
    with pytest.raises(UnknownNameError, match="valid choices: mine"):
        concentration(ds, "cobalt", "refinery", 2025)
    with pytest.raises(UnknownNameError, match="2025"):
        concentration(ds, "cobalt", "mine", 1990)


def test_several_forms_must_be_chosen() -> None:
    rows = production_rows([("AAA", 1.0)], form="usable ore")
    rows2 = production_rows([("AAA", 0.6), ("World total", 0.6)], form="iron content")
    import pandas as pd

    ds = tiny_dataset(production=pd.concat([rows, rows2]))
    with pytest.raises(InputError, match="several forms"):
        concentration(ds, "cobalt", "mine", 2025)
    assert concentration(ds, "cobalt", "mine", 2025, form="iron content").top_share == 1.0


quantities = st.lists(
    st.floats(min_value=0.001, max_value=1e9, allow_nan=False), min_size=1, max_size=8
)


@settings(max_examples=25, deadline=None)
@given(
    values=quantities,
    other=st.floats(min_value=0, max_value=1e9),
    total_factor=st.floats(min_value=0.5, max_value=2.0),
    scale=st.floats(min_value=1e-3, max_value=1e3),
)
def test_shares_are_fractions_and_invariant_to_scaling(
    values: list[float], other: float, total_factor: float, scale: float
) -> None:
    names = [f"C{i:02d}" for i in range(len(values))]
    total = (sum(values) + other) * total_factor

    def result(k: float):  # type: ignore[no-untyped-def]
        rows = [(n, v * k) for n, v in zip(names, values, strict=True)] + [
            ("Other countries", other * k),
            ("World total", total * k),
        ]
        return concentration(tiny_dataset(production=production_rows(rows)), "cobalt", "mine", 2025)

    a, b = result(1.0), result(scale)
    for r in (a, b):
        assert ((r.shares >= 0) & (r.shares <= 1 + 1e-12)).all()
        assert 0 <= r.hhi <= r.hhi_upper <= 1 + 1e-12
        assert 0 <= r.coverage_share <= 1 + 1e-12
        assert r.top_share <= r.top3_share + 1e-12
    assert math.isclose(a.hhi, b.hhi, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(a.top_share, b.top_share, rel_tol=1e-9)
    assert a.top_country == b.top_country or math.isclose(
        a.top_share, a.shares.iloc[1], rel_tol=1e-9
    )


def test_table_matches_single_results() -> None:
    ds = tiny_dataset(
        production=production_rows(
            [("AAA", 60.0), ("BBB", 30.0), ("Other countries", 5.0), ("World total", 100.0)]
        )
    )
    row = concentration_table(ds).iloc[0]
    r = concentration(ds, "cobalt", "mine", 2025)
    assert row["hhi"] == pytest.approx(r.hhi) and row["top_country"] == r.top_country


@pytest.mark.slow
def test_real_data_must_show_numbers(ds) -> None:  # type: ignore[no-untyped-def]
    cobalt = concentration(ds, "cobalt", "mine", 2025)
    assert cobalt.top_country == "COD"
    ree = concentration(ds, "rare_earths", "mine", 2025)
    assert ree.top_country == "CHN" and ree.top_share == pytest.approx(0.69, abs=0.01)
    gallium = concentration(ds, "gallium", "refinery", 2025)
    assert gallium.denominator_basis == "listed_sum"
    assert gallium.world_total is not None and gallium.denominator > gallium.world_total
    assert float(gallium.shares.sum()) <= 1 + 1e-12
