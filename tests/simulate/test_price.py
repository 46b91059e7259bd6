"""The price response: buffer arithmetic, fitted parameters, gallium 2023 on the real store."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.simulate.backtest import observations
from trust_minerals.simulate.presets import preset
from trust_minerals.simulate.price import (
    PriceResponse,
    effective_loss,
    price_paths,
    price_response,
    range_note,
)
from trust_minerals.simulate.propagate import propagate

_LOSS = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=36)


def test_effective_loss_by_hand():
    # 0.5 a month for 4 months with 1 month of buffer: at month 0, (2.0 - 1) / 4
    # month 1: (1.5 ahead - 0.5 buffer left) / 3; months 2, 3: the buffer is spent
    assert effective_loss(np.full(4, 0.5), 1.0) == pytest.approx([0.25, 1 / 3, 0.5, 0.5])


@given(_LOSS, st.floats(0.0, 6.0))
def test_effective_loss_stays_between_zero_and_the_largest_loss(loss, buffer):
    eff = effective_loss(np.array(loss), buffer)
    assert (eff >= 0).all()
    assert (eff <= max(loss) + 1e-12).all()


@given(_LOSS)
def test_without_a_buffer_the_first_month_prices_the_mean_loss(loss):
    assert effective_loss(np.array(loss), 0.0)[0] == pytest.approx(np.mean(loss))


def test_price_is_linear_in_the_slope_and_never_capped():
    r = PriceResponse(slope=3.0, buffer_months=0.0, inside_ratio=-0.1, max_loss_share=0.2)
    _, outside, inside = price_paths(np.ones(12), r)
    assert outside == pytest.approx(np.full(12, 3.0))  # a total loss: 3x, no cap
    assert inside == pytest.approx(np.full(12, -0.3))
    assert "extrapolated" in range_note(1.0, r) and range_note(0.2, r) == ""


def test_price_parameters_each_name_a_source():
    r = price_response()
    assert set(r.sources) == {"slope", "buffer_months", "inside_ratio", "max_loss_share"}
    assert all(r.sources.values())
    assert r.slope > 0 and r.inside_ratio < 0 < r.max_loss_share


@pytest.mark.slow
def test_gallium_2023_prices_us_and_india_alike_and_of_the_observed_order(ds):
    r = propagate(ds, preset("china-gallium-2023"), ["USA", "IND", "CHN"]).summary
    by = r.set_index("consumer")
    observed = observations().set_index("id").loc["ga-price-out-2023-08", "value"]
    # one market price outside China, whatever each consumer's own shortfall
    assert by.loc["USA", "price_change_share"] == by.loc["IND", "price_change_share"]
    assert by.loc["IND", "shortfall_share"] > 2 * by.loc["USA", "shortfall_share"]
    # the observed order (>40 %), not a cap: within a factor of 2.5 of the observation
    assert observed / 2.5 <= by.loc["USA", "price_change_share"] <= observed * 2.5
    assert by.loc["USA", "price_in_range"]
    assert by.loc["CHN", "price_change_share"] < 0
