"""Backtests on the real store: the table, the summary, the fitted price response, leave-one-out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.simulate.backtest import (
    QUANTITIES,
    _episodes,
    backtest_table,
    episode_parameters,
    fit_price_response,
    observations,
    summarise,
)
from trust_minerals.simulate.presets import load_presets
from trust_minerals.simulate.price import price_response
from trust_minerals.simulate.spec import ExportRestriction


def test_every_row_of_the_episodes_file_has_an_observation():
    assert set(observations()["row"]) == set(range(2, len(_episodes()) + 2))
    assert set(observations()["quantity"]) <= set(QUANTITIES)


def test_preset_parameters_are_the_episode_parameters():
    presets = load_presets()
    for row in episode_parameters().itertuples(index=False):
        shock = next(s for s in presets[row.preset].spec.shocks if isinstance(s, ExportRestriction))
        assert getattr(shock, row.parameter) == pytest.approx(row.value), (
            row.preset,
            row.parameter,
        )
        assert presets[row.preset].parameter_sources[row.parameter]


def test_summary_counts_by_hand():
    table = pd.DataFrame(
        {
            "comparable": [True, True, True, False],
            "within_factor_2": [True, False, True, None],
            "direction": ["right", "wrong", "right", "n.a."],
            "ratio": [1.5, -1.0, 0.5, np.nan],
        }
    )
    s = summarise(table)
    assert (s["scored"], s["within_factor_2"], s["not_comparable"]) == (3, 2, 1)
    assert s["within_factor_2_share"] == pytest.approx(2 / 3)
    assert (s["direction_right"], s["direction_wrong"]) == (2, 1)
    assert s["median_abs_log_ratio"] == pytest.approx(np.log(2) / 2 + np.log(1.5) / 2)


@pytest.mark.slow
def test_price_response_file_holds_the_fit(ds):
    """The fitted values in price_response.csv are what the fit gives on the bundled data."""
    fitted, stored = fit_price_response(ds), price_response()
    for key in ("slope", "inside_ratio", "max_loss_share"):
        assert getattr(stored, key) == pytest.approx(getattr(fitted, key), rel=2e-3), (
            f"{key}: file {getattr(stored, key)}, fit {getattr(fitted, key)}: update "
            "simulate/data/price_response.csv"
        )


@pytest.mark.slow
def test_backtest_table_lists_every_observation_with_model_and_error(ds):
    t = backtest_table(ds)
    assert list(t["id"]) == list(observations()["id"])
    scored = t[t["comparable"]]
    assert scored["model"].notna().all()
    assert np.allclose(scored["difference"], scored["model"] - scored["observed"])
    nonzero = scored[scored["observed"].abs() > 0]
    assert np.allclose(nonzero["ratio"], nonzero["model"] / nonzero["observed"])
    # rows the model cannot reproduce say why
    assert t.loc[~t["comparable"], "comparability"].str.startswith("not comparable: ").all()
    # an export fall comes with the consumer's shortfall as context, marked not comparable
    falls = t[(t["quantity"] == "export_fall") & t["comparable"]]
    assert falls["context"].str.contains("not comparable").all()
    # the zero-exports month after gallium licensing is reproduced exactly
    assert t.set_index("id").loc["ga-fall-2023-08", "model"] == pytest.approx(1.0)


def test_model_export_fall_respects_spared_and_targeted_destinations():
    from trust_minerals.simulate.backtest import _allowed, _month_index

    lic = ExportRestriction(
        kind="licensing", country="CHN", commodity="gallium", delay_months=2, after_share=0.25
    )
    assert [_allowed(lic, "WLD", t, set()) for t in (-1, 0, 1, 2)] == [1.0, 0.0, 0.0, 0.25]
    assert _allowed(lic, "USA", 0, {"USA", "MSP"}) == 1.0  # a spared destination
    ban = ExportRestriction(kind="export_ban", country="CHN", commodity="gallium", targets=["USA"])
    assert _allowed(ban, "USA", 0, set()) == 0.0 and _allowed(ban, "EU", 0, set()) == 1.0
    # periods are counted from the effective month; months before it are unrestricted
    assert _month_index("2024-10/2025-02", "2024-09-15") == [1, 2, 3, 4, 5]
    assert _month_index("2024-01/2024-03", "2024-09-15") == [-8, -7, -6]
