"""End-to-end checks on the real bundled dataset (slow: the store is built once per run)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from trust_minerals.cli import app
from trust_minerals.simulate.montecarlo import shortfall_risk
from trust_minerals.simulate.presets import load_presets

pytestmark = pytest.mark.slow
runner = CliRunner()


def _json(args: list[str]) -> list[dict]:
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_scenarios_list_shows_every_preset_with_its_source_and_t4_row(built_db):
    rows = _json(["scenarios", "list"])
    assert {r["name"] for r in rows} == set(load_presets())
    assert all(r["source"] for r in rows)
    # every preset built from the export-control table finds its row there
    with_control = [r for r in rows if load_presets()[r["name"]].control is not None]
    missing = [r["name"] for r in with_control if not r["t4_item"]]
    assert not missing, f"presets without a matching MCS 2026 T4 row: {missing}"


def test_gallium_preset_gives_a_us_shortfall_and_leaves_china_untouched(built_db):
    rows = _json(["simulate", "--preset", "china-gallium-2023", "--for", "USA,IND,CHN"])
    by = {r["consumer"]: r for r in rows}
    assert by["USA"]["shortfall_share"] > 0 and by["USA"]["price_change_share"] > 0
    assert by["IND"]["shortfall_share"] > 0 and by["IND"]["price_change_share"] > 0
    # China's domestic market keeps its own output; its price does not rise
    assert by["CHN"]["shortfall_share"] == 0 and by["CHN"]["price_change_share"] <= 0
    # the US lost tonnage uses the USGS import quantity of the product the shares describe
    usa = by["USA"]
    assert usa["basis"].startswith("usgs import sources") and usa["import_quantity"] > 0
    assert usa["lost_supply"] == pytest.approx(usa["shortfall_share"] * usa["import_quantity"])
    monthly = _json(["simulate", "--preset", "china-gallium-2023", "--for", "USA", "--by-month"])
    first, last = monthly[0], monthly[-1]
    assert first["shortfall_share"] > last["shortfall_share"] > 0  # licensing lag, then partial


def test_germanium_preset_is_not_silently_zero_for_the_us(built_db):
    """BACI germanium trade ends in 2016: the allocation falls back and says so."""
    rows = _json(["simulate", "--preset", "china-germanium-2023", "--for", "USA"])
    assert rows[0]["shortfall_share"] > 0
    assert not rows[0]["basis"].startswith("trade")


def test_montecarlo_100k_draws_for_india_runs_and_is_reproducible(built_db):
    args = ["montecarlo", "--draws", "100000", "--for", "IND", "--seed", "1"]
    a, b = _json(args), _json(args)
    assert a == b
    assert len(a) > 20 and all(r["draws"] == 100000 for r in a)
    known = [r for r in a if r["basis"] != "none"]
    assert all(0 <= r["p50"] <= r["p95"] <= r["p99"] <= r["cvar99"] <= 1 for r in known)
    assert any(r["mean_shortfall_share"] > 0 for r in known)


def test_two_dask_workers_equal_the_single_process_on_real_data(ds):
    kwargs = {"n_draws": 20_000, "seed": 3, "chunk_size": 4096}
    one = shortfall_risk(ds, ["USA", "IND"], **kwargs)
    two = shortfall_risk(ds, ["USA", "IND"], workers=2, **kwargs)
    assert one.backend == "numpy" and two.backend.startswith("dask")
    cols = ["mean_shortfall_share", "p95", "cvar99", "stderr"]
    np.testing.assert_array_equal(one.table[cols].to_numpy(), two.table[cols].to_numpy())


def test_refined_antimony_and_tungsten_exposure_uses_refined_forms(ds) -> None:  # type: ignore[no-untyped-def]
    """Ore trade never stands in for refined supply (issue 10): US refined antimony comes from the
    USGS import sources of metal and oxide (China first), refined tungsten from BACI powders."""
    from trust_minerals.simulate.network import build_supply_mix

    sb = build_supply_mix(ds, ["USA"], "antimony", "refinery", 2024)
    assert sb.basis.startswith("usgs import sources") and "metal and oxide" in sb.basis
    assert sb.shares.idxmax() == "CHN"
    assert "bundled BACI extract holds no antimony refinery forms" in sb.note
    ore = build_supply_mix(ds, ["USA"], "antimony", "mine", 2024)
    assert ore.basis.startswith("trade") and ore.shares.idxmax() != "CHN"
    ni = build_supply_mix(ds, ["USA"], "nickel", "refinery", 2024)
    assert "Primary nickel" in ni.basis
    w = build_supply_mix(ds, ["USA"], "tungsten", "refinery", 2024)
    trade = ds.trade
    refined = trade[(trade["commodity"] == "tungsten") & (trade["stage"] == "refinery")]
    assert set(refined["hs6"]) == {"810110"} and w.basis.startswith("trade")
    india = build_supply_mix(ds, ["IND"], "antimony", "refinery", 2024)
    assert india.basis == "none" and "no world production" in india.note  # never silent


def test_presets_now_hit_us_refined_antimony_and_tungsten(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.propagate import propagate

    for name, commodity in (
        ("china-antimony-2024", "antimony"),
        ("china-tungsten-2025", "tungsten"),
    ):
        s = propagate(ds, preset(name), ["USA"]).summary.set_index("stage")
        assert s.loc["refinery", "commodity"] == commodity
        assert s.loc["refinery", "shortfall_share"] > 0
        # no world refinery production, but the market price only needs China's published
        # share of the outside market (US import sources or BACI exports of the refined forms)
        assert s.loc["refinery", "price_basis"].startswith("outside ")
        assert "none" not in s.loc["refinery", "price_basis"]
        assert np.isfinite(s.loc["refinery", "price_change_share"])
