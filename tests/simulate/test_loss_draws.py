"""supply_loss_draws and disruption_probabilities: the interface the optimiser builds on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.simulate.montecarlo import (
    build_severity,
    disruption_probabilities,
    supply_loss_draws,
)
from trust_minerals.simulate.params import disruption_mapping, parameters

from .tiny import make_ds


def test_loss_draws_shape_range_and_countries(tiny):
    d = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=5000, seed=3)
    assert d.countries == ("COD", "IDN", "AUS")  # named producers, largest first, no aggregates
    assert d.loss_share.shape == (5000, 3)
    assert d.loss_share.min() >= 0 and d.loss_share.max() <= 1
    assert set(d.probabilities) == set(d.countries)


def test_same_seed_gives_identical_draws_and_other_seed_differs(tiny):
    a = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=20_000, seed=7)
    b = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=20_000, seed=7)
    c = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=20_000, seed=8)
    np.testing.assert_array_equal(a.loss_share, b.loss_share)
    assert not np.array_equal(a.loss_share, c.loss_share)


def test_country_events_are_shared_across_commodities(tiny):
    """CHN refines gallium and cobalt: with the same seed its loss column is the same in both."""
    probs = {"CHN": 0.3}
    ga = supply_loss_draws(
        tiny, "gallium", "refinery", 2025, n_draws=10_000, seed=5, probabilities=probs
    )
    co = supply_loss_draws(
        tiny, "cobalt", "refinery", 2025, n_draws=10_000, seed=5, probabilities=probs
    )
    col_ga = ga.loss_share[:, ga.countries.index("CHN")]
    col_co = co.loss_share[:, co.countries.index("CHN")]
    np.testing.assert_array_equal(col_ga, col_co)
    assert (col_ga > 0).any()


def test_draws_do_not_depend_on_the_chunk_boundaries_of_a_longer_run(tiny):
    """The first chunk of a long run equals a short run: streams are fixed per chunk."""
    chunk = int(parameters()["chunk_size"])
    long = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=chunk + 10, seed=2)
    short = supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=100, seed=2)
    np.testing.assert_array_equal(long.loss_share[:100], short.loss_share)


def test_frequency_and_mean_match_probability_and_severity(tiny):
    n, p, s = 200_000, 0.2, 0.6
    d = supply_loss_draws(
        tiny,
        "cobalt",
        "mine",
        2025,
        n_draws=n,
        seed=11,
        probabilities={"COD": p},
        severity=("fixed", s),
        countries=["COD"],
    )
    hits = (d.loss_share[:, 0] > 0).mean()
    se = np.sqrt(p * (1 - p) / n)
    assert abs(hits - p) < 4 * se
    assert abs(d.loss_share[:, 0].mean() - p * s) < 4 * se * s
    assert set(np.unique(d.loss_share)) == {0.0, np.float32(s)}


def test_governance_probabilities_follow_the_documented_mapping(tiny):
    probs = disruption_probabilities(tiny)
    mapping = disruption_mapping()
    # independent calculation for COD: score = mean(-2.0, -1.6) = -1.8
    expected = np.interp(-1.8, mapping["governance_score"], mapping["probability"])
    assert probs["COD"] == pytest.approx(expected)
    # worse governance -> higher probability
    assert probs["COD"] > probs["CHN"] > probs["FIN"]
    # no WGI estimate -> the documented fallback, never 0
    assert probs["XKX"] == parameters()["missing_governance_probability"] > 0
    assert probs.between(0, 1).all()


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_probability_outside_unit_interval_is_refused(tiny, bad):
    with pytest.raises(InputError, match="COD"):
        supply_loss_draws(
            tiny, "cobalt", "mine", 2025, n_draws=10, seed=1, probabilities={"COD": bad}
        )


def test_unknown_names_are_refused(tiny):
    with pytest.raises(UnknownNameError, match="unobtainium"):
        supply_loss_draws(tiny, "unobtainium", "mine", 2025, n_draws=10, seed=1)
    with pytest.raises(UnknownNameError, match="QQQ"):
        supply_loss_draws(
            tiny, "cobalt", "mine", 2025, n_draws=10, seed=1, countries=["COD", "QQQ"]
        )
    with pytest.raises(UnknownNameError, match="QQQ"):
        disruption_probabilities(tiny, ["QQQ"])
    with pytest.raises(UnknownNameError, match="mine 1999"):
        supply_loss_draws(tiny, "cobalt", "mine", 1999, n_draws=10, seed=1)


def test_huge_draw_request_is_refused_at_once_naming_the_cap(tiny):
    with pytest.raises(InputError, match="draw cap of 100,000,000"):
        supply_loss_draws(tiny, "cobalt", "mine", 2025, n_draws=10**12, seed=1)


@pytest.mark.parametrize(
    "bad", [("fixed", 1.5), ("beta", 0, 1), ("uniform", 0.8, 0.2), ("fixed",), "heavy"]
)
def test_bad_severity_is_refused(bad):
    with pytest.raises((InputError, UnknownNameError)):
        build_severity(bad)


@settings(max_examples=25, deadline=None)
@given(
    p=st.floats(0, 1),
    kind=st.sampled_from(["default", "full", ("uniform", 0.1, 0.9), ("beta", 0.5, 0.5)]),
    seed=st.integers(0, 2**32 - 1),
)
def test_losses_stay_in_unit_interval(p, kind, seed):
    ds = make_ds()
    d = supply_loss_draws(
        ds,
        "cobalt",
        "refinery",
        2025,
        n_draws=500,
        seed=seed,
        probabilities={"CHN": p},
        severity=kind,
    )
    assert np.all((d.loss_share >= 0) & (d.loss_share <= 1))
    if p == 0:
        assert not d.loss_share[:, d.countries.index("CHN")].any()
