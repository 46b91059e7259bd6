"""Property tests (hypothesis) of shares, partner exposure and governance-weighted concentration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trust_minerals.metrics.concentration import shares
from trust_minerals.metrics.governance import hhi_wgi
from trust_minerals.metrics.partners import exposure_from_shares

CODES = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
NO_CONTROLS = pd.DataFrame({"country": ["CCC"], "commodity": ["x"], "since_year": [2000]})


def rows(
    quantities: list[float], other: float | None = None, world: float | None = None
) -> pd.DataFrame:
    countries = CODES[: len(quantities)]
    q = list(quantities)
    agg = [False] * len(q)
    if other is not None:
        countries.append("Other countries")
        q.append(other)
        agg.append(True)
    if world is not None:
        countries.append("World total")
        q.append(world)
        agg.append(True)
    return pd.DataFrame(
        {
            "commodity": "x",
            "stage": "mine",
            "form": "",
            "year": 2025,
            "unit": "t",
            "country": countries,
            "is_aggregate": agg,
            "quantity": q,
            "status": "published",
            "note": None,
        }
    )


quantities = st.lists(
    st.floats(min_value=0.0, max_value=1e9, allow_nan=False), min_size=1, max_size=6
)


@settings(max_examples=20, deadline=None)
@given(
    quantities,
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e9)),
    st.one_of(st.none(), st.floats(min_value=0, max_value=2e9)),
)
def test_shares_lie_in_unit_interval(q, other, world):
    s = shares(rows(q, other, world))["share"].dropna()
    assert ((s >= 0) & (s <= 1 + 1e-12)).all()


@settings(max_examples=20, deadline=None)
@given(quantities.filter(lambda q: sum(q) > 0), st.floats(min_value=1e-3, max_value=1e6))
def test_scaling_leaves_shares_and_exposure_unchanged(q, factor):
    a = exposure_from_shares(shares(rows(q, other=1.0)), ["AAA"], NO_CONTROLS)
    b = exposure_from_shares(
        shares(rows([x * factor for x in q], other=factor)), ["AAA"], NO_CONTROLS
    )
    cols = ["partner_share", "non_partner_share", "export_control_share"]
    np.testing.assert_allclose(
        a[cols].to_numpy(float), b[cols].to_numpy(float), rtol=1e-9, atol=1e-12
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=3, max_size=6),
    st.integers(min_value=0, max_value=5),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_moving_supply_to_a_partner_never_raises_non_partner_dependence(q, source, fraction):
    partners = ["AAA"]
    source = max(1, source % len(q))  # a non-partner (AAA is index 0)
    before = exposure_from_shares(shares(rows(q, world=sum(q))), partners, NO_CONTROLS)
    moved = list(q)
    amount = moved[source] * fraction
    moved[source] -= amount
    moved[0] += amount
    after = exposure_from_shares(shares(rows(moved, world=sum(q))), partners, NO_CONTROLS)
    if np.isnan(before["non_partner_share"].iloc[0]):
        return
    assert after["non_partner_share"].iloc[0] <= before["non_partner_share"].iloc[0] + 1e-12


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e12), st.floats(min_value=0.0, max_value=1.0))
def test_hhi_of_a_monopoly_is_one_and_hhi_wgi_is_its_instability(q, g):
    from trust_minerals.metrics.concentration import _table_from_rows

    table = _table_from_rows(rows([q], world=q))
    assert table["hhi"].iloc[0] == pytest.approx(1.0)
    assert hhi_wgi(pd.Series({"AAA": 1.0}), pd.Series({"AAA": g})) == pytest.approx(g)


def test_export_control_share_counts_controls_in_force():
    r = shares(rows([5.0, 3.0, 2.0]))
    assert exposure_from_shares(r, [], NO_CONTROLS)["export_control_share"].iloc[
        0
    ] == pytest.approx(0.2)
    future = NO_CONTROLS.assign(since_year=2030)
    assert exposure_from_shares(r, [], future)["export_control_share"].iloc[0] == pytest.approx(0.0)


tenths = st.integers(min_value=0, max_value=100_000).map(lambda n: n / 10)  # kt, to 0.1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(tenths, min_size=1, max_size=6),
    tenths,
    st.integers(min_value=1, max_value=200_000).map(lambda n: n / 10),
)
def test_shares_of_a_published_total_stay_well_defined(q, other, world):
    """IEA groups: shares are of the published total whatever the rows add up to; every share is
    in [0, 1], hhi <= top_share x coverage_share, hhi <= hhi_upper; rows above the total are
    stated, rows below it leave their remainder to rest of world; never renormalised."""
    from trust_minerals.metrics.concentration import PUBLISHED_TOTAL_SOURCES, _table_from_rows

    df = rows(q, other, world).assign(source_id=PUBLISHED_TOTAL_SOURCES[0])
    t = _table_from_rows(df).iloc[0]
    s = shares(df)
    listed = sum(q) + other
    if sum(q) > world or max([*q, other]) > world:
        assert not t["assessable"] and np.isnan(t["hhi"]) and s["share"].isna().all()
        assert "not assessable" in t["notes"]
        return
    assert t["assessable"] and t["denominator"] == world
    named = s[~s["is_aggregate"]]
    np.testing.assert_allclose(named["share"], named["quantity"] / world)  # not renormalised
    assert ((s["share"].dropna() >= 0) & (s["share"].dropna() <= 1 + 1e-12)).all()
    assert t["top_share"] <= t["top3_share"] + 1e-12 <= t["coverage_share"] + 2e-12
    assert t["hhi"] <= t["top_share"] * t["coverage_share"] + 1e-12
    assert t["hhi"] <= t["hhi_upper"] + 1e-12
    tolerance = 0.05 * (len(q) + 2)  # half of 0.1 kt per row and for the total
    assume(abs(abs(listed - world) - tolerance) > 1e-6)  # not on the edge of the tolerance
    if listed > world + tolerance:
        assert f"add to {listed / world:.3f}, not 1" in t["notes"]
    elif listed < world - tolerance:
        assert t["coverage_share"] + t["other_share"] == pytest.approx(1.0)
        assert "remainder" in t["notes"]
    else:
        assert "sum to" not in t["notes"]
