"""CLI: trust scenarios list, trust simulate, trust montecarlo (on a small hand-made dataset)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from simulate.tiny import make_ds  # noqa: E402
from trust_minerals.cli import app  # noqa: E402
from trust_minerals.errors import InputError, UnknownNameError  # noqa: E402

runner = CliRunner()


@pytest.fixture(autouse=True)
def _tiny_dataset(monkeypatch):
    import trust_minerals.cli.simulate as module

    monkeypatch.setattr(module, "_dataset", make_ds)


def test_scenarios_list_shows_every_preset_with_its_source():
    res = runner.invoke(app, ["scenarios", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    names = {r["name"] for r in rows}
    assert {"china-gallium-2023", "drc-cobalt-quota-2025", "indonesia-nickel-ore-2020"} <= names
    assert all(r["source"] for r in rows)


def test_simulate_preset_rows_and_by_month():
    res = runner.invoke(
        app, ["simulate", "--preset", "china-gallium-2023", "--for", "USA,IND", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [r["consumer"] for r in rows] == ["USA", "IND"]
    for key in (
        "consumer",
        "commodity",
        "stage",
        "lost_supply",
        "shortfall_share",
        "months_short",
        "price_change_share",
    ):
        assert key in rows[0]
    monthly = runner.invoke(
        app,
        [
            "simulate",
            "--preset",
            "china-gallium-2023",
            "--for",
            "USA",
            "--by-month",
            "--format",
            "csv",
        ],
    )
    assert monthly.exit_code == 0
    assert len(monthly.output.strip().splitlines()) == 1 + 12


@pytest.mark.parametrize("consumer", ["USA+IND", "usa_ind"])
def test_simulate_accepts_a_pooled_consumer(consumer):
    res = runner.invoke(
        app, ["simulate", "--preset", "china-gallium-2023", "--for", consumer, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {r["consumer"] for r in rows} == {consumer.upper()}
    assert rows and all(r["basis"] for r in rows)


def test_simulate_scenario_file(tmp_path):
    f = tmp_path / "my.yaml"
    f.write_text(
        "shocks:\n  - {kind: outage, country: COD, commodity: cobalt, stage: mine, fraction: 0.5, duration_months: 2}\n"
    )
    res = runner.invoke(app, ["simulate", "--scenario", str(f), "--for", "IND", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {r["stage"] for r in rows} == {"mine", "refinery"}
    assert all(r["months_short"] == 2 for r in rows)


def test_montecarlo_rows_and_reproducible():
    args = [
        "montecarlo",
        "--draws",
        "20000",
        "--for",
        "IND",
        "--seed",
        "1",
        "--commodity",
        "cobalt",
        "--format",
        "json",
    ]
    a = runner.invoke(app, args)
    b = runner.invoke(app, args)
    assert a.exit_code == 0, a.output
    assert a.output == b.output
    rows = json.loads(a.output)
    for key in (
        "consumer",
        "commodity",
        "draws",
        "mean_shortfall_share",
        "p50",
        "p95",
        "p99",
        "var95",
        "cvar95",
        "var99",
        "cvar99",
        "stderr",
    ):
        assert key in rows[0]
    assert rows[0]["draws"] == 20000


@pytest.mark.parametrize(
    ("args", "error", "text"),
    [
        (["montecarlo", "--draws", str(10**12)], InputError, "draw cap"),
        (["simulate", "--preset", "atlantis-2030"], UnknownNameError, "atlantis-2030"),
        (
            ["simulate", "--preset", "china-gallium-2023", "--for", "USA,NARNIA"],
            UnknownNameError,
            "NARNIA",
        ),
        (["simulate"], InputError, "--preset"),
    ],
)
def test_bad_input_gives_a_named_error(args, error, text):
    res = runner.invoke(app, args)
    # the CLI runner prints TrustMineralsError subclasses as one line 'Error: ...', exit code 2
    assert res.exit_code == 2, res.output
    assert "Error:" in res.output and text in res.output


def test_simulate_recovery_flag_counts_the_outlook_engines_supply(tmp_path, monkeypatch):
    import trust_minerals.cli.simulate as module
    from trust_minerals.outlook.recovery import recovery_supply

    production = [
        ("scandium", "refinery", "CHN", 90.0),
        ("scandium", "refinery", "RUS", 10.0),
        ("scandium", "refinery", "World total", 100.0),
    ]
    trade = [("CHN", "IND", "scandium", "refinery", 1000.0)]
    monkeypatch.setattr(module, "_dataset", lambda: make_ds(production=production, trade=trade))
    path = tmp_path / "sc.yaml"
    path.write_text(
        "shocks:\n"
        "  - {kind: export_ban, country: CHN, commodity: scandium}\n"
        "  - {kind: recovery, consumer: IND, commodity: scandium}\n",
        encoding="utf-8",
    )
    args = ["simulate", "--scenario", str(path), "--for", "IND", "--format", "json"]
    plain = json.loads(runner.invoke(app, args).output)[0]
    res = runner.invoke(app, [*args, "--recovery"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.output)[0]
    share = recovery_supply("IND", "scandium", draws=10000, seed=0).p50 / 1000.0
    assert plain["shortfall_share"] == 1.0
    assert abs(row["shortfall_share"] - (1.0 - share)) < 1e-9


def test_simulate_table_names_the_results_sources():
    """The table format prints the result's source_ids under the table; JSON stays an array."""
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.propagate import propagate

    result = propagate(make_ds(), preset("china-gallium-2023"), ["USA", "IND"])
    assert result.source_ids
    res = runner.invoke(app, ["simulate", "--preset", "china-gallium-2023", "--for", "USA,IND"])
    assert res.exit_code == 0, res.output
    assert "Sources: " + ", ".join(result.source_ids) in res.output
    as_json = runner.invoke(
        app, ["simulate", "--preset", "china-gallium-2023", "--for", "USA,IND", "-f", "json"]
    )
    assert isinstance(json.loads(as_json.output), list)
