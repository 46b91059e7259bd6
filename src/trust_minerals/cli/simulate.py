"""Scenario and Monte Carlo commands: ``scenarios list``, ``simulate``, ``backtest``,
``montecarlo``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset


def _plain(value: object) -> object:
    """A summary value as JSON (NaN -> None)."""
    return None if isinstance(value, float) and value != value else value


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def register(app: typer.Typer) -> None:
    scenarios = typer.Typer(help="Preset disruption scenarios.", no_args_is_help=True)
    app.add_typer(scenarios, name="scenarios")

    @scenarios.command("list")
    def scenarios_list(fmt: OutputFormat = FORMAT_OPTION) -> None:
        """Every preset scenario with its source (the export-control table row it comes from)."""
        from trust_minerals.simulate.presets import scenarios_table

        emit(scenarios_table(_dataset()), fmt, title="Preset scenarios")

    @app.command("simulate")
    def simulate_cmd(
        preset: str | None = typer.Option(
            None, "--preset", help="Preset name (trust scenarios list)"
        ),
        scenario: str | None = typer.Option(
            None, "--scenario", help="Scenario file (YAML or JSON)"
        ),
        consumers: str = typer.Option(
            "USA,IND",
            "--for",
            help="Consumers, comma-separated; each an ISO3 code, a group (MSP, QUAD, ...) or a "
            "pooled set (USA+IND)",
        ),
        by_month: bool = typer.Option(False, "--by-month", help="One row per month"),
        recovery: bool = typer.Option(
            False, "--recovery", help="Count secondary supply from recovery shocks"
        ),
        by_sector: bool = typer.Option(
            False, "--by-sector", help="TRUST technologies reached (trust technologies)"
        ),
        chain: str | None = typer.Option(
            None, "--chain", help="Chain YAML: the scenario's effect on each of its inputs"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Run one disruption scenario month by month: shortfall and price response per consumer."""
        from trust_minerals.errors import InputError
        from trust_minerals.simulate.presets import preset as load_preset
        from trust_minerals.simulate.propagate import propagate
        from trust_minerals.simulate.spec import load_scenario

        if (preset is None) == (scenario is None):
            raise InputError("give exactly one of --preset NAME or --scenario FILE")
        spec = load_preset(preset) if preset is not None else load_scenario(str(scenario))
        if chain is not None:
            from trust_minerals.technologies.chain_spec import load_chain
            from trust_minerals.technologies.chains import simulate_chain

            chain_spec, where = load_chain(chain)
            table = simulate_chain(_dataset(), chain_spec, spec, consumers, path=where)
            emit(table, fmt, title=f"{spec.name}: {chain_spec.name}")
            return
        result = propagate(_dataset(), spec, consumers, use_recovery=recovery)
        if by_sector:
            from trust_minerals.technologies.impact import sector_impact

            emit(sector_impact(result), fmt, title=f"{spec.name} by TRUST sector")
            return
        emit(
            result.monthly if by_month else result.summary,
            fmt,
            title=spec.name,
            sources=result.source_ids,
        )

    @app.command("backtest")
    def backtest_cmd(fmt: OutputFormat = FORMAT_OPTION) -> None:
        """Every preset with observed episodes against what happened: observation, model, error.

        json: one object with the table, the summary and the leave-one-episode-out tables;
        csv: the table only.
        """
        import json
        import sys

        import pandas as pd

        from trust_minerals._tables import records
        from trust_minerals.simulate.backtest import DISPLAY_COLUMNS, backtest

        result = backtest(_dataset())
        summary = {k: _plain(v) for k, v in result.summary.items()}
        if fmt is OutputFormat.json:
            body = {
                "table": records(result.table),
                "summary": summary,
                "leave_one_out": records(result.leave_one_out),
                "leave_one_out_by_episode": records(result.leave_one_out_by_episode),
                "source_ids": list(result.source_ids),
                "observation_source": result.observation_source,
            }
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
            return
        if fmt is OutputFormat.csv:
            emit(result.table, fmt)
            return
        emit(
            result.table[list(DISPLAY_COLUMNS)],
            fmt,
            title="Backtest: model against observation",
            sources=(*result.source_ids, result.observation_source),
        )
        emit(pd.DataFrame([summary]), fmt, title="Summary (scored = comparable observations)")
        emit(result.leave_one_out_by_episode, fmt, title="Leave one episode out")

    @app.command("montecarlo")
    def montecarlo_cmd(
        draws: int = typer.Option(
            100_000, "--draws", help="Number of draws (capped by --draw-cap)"
        ),
        consumers: str = typer.Option("USA,IND", "--for", help="Consumers: ISO3 codes or groups"),
        seed: int = typer.Option(1, "--seed"),
        commodity: str | None = typer.Option(
            None, "--commodity", help="Comma-separated commodity ids (default: all)"
        ),
        stages: str = typer.Option("mine,refinery", "--stages"),
        year: int | None = typer.Option(None, "--year"),
        severity: str = typer.Option(
            "default", "--severity", help="default, full, or a fixed share such as 0.5"
        ),
        workers: int | None = typer.Option(
            None, "--workers", help="Run on a dask LocalCluster with N workers"
        ),
        scheduler: str | None = typer.Option(
            None, "--scheduler", help="Address of a dask scheduler (tcp://host:8786)"
        ),
        draw_cap: int | None = typer.Option(
            None, "--draw-cap", help="Refuse more draws than this (default 10^8)"
        ),
        by_sector: bool = typer.Option(
            False, "--by-sector", help="Worst link of each TRUST sector (trust technologies)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Monte Carlo of country-level disruptions: shortfall-share distribution per consumer."""
        from trust_minerals.simulate.montecarlo import check_draws, shortfall_risk

        check_draws(draws, draw_cap)  # refuse at once, before loading anything
        sev: str | float = severity
        if severity.replace(".", "", 1).isdigit():
            sev = float(severity)
        result = shortfall_risk(
            _dataset(),
            consumers,
            n_draws=draws,
            seed=seed,
            commodities=_names(commodity) if commodity else None,
            stages=_names(stages),
            year=year,
            severity=sev,  # type: ignore[arg-type]
            draw_cap=draw_cap,
            workers=workers,
            scheduler=scheduler,
            progress=fmt is OutputFormat.table and draws >= 1_000_000,
        )
        title = f"Monte Carlo, {draws:,} draws, seed {seed} ({result.backend})"
        if by_sector:
            from trust_minerals.technologies.impact import montecarlo_by_sector

            emit(montecarlo_by_sector(result), fmt, title=f"{title} by TRUST sector")
            return
        emit(result.table, fmt, title=title, sources=result.source_ids)
