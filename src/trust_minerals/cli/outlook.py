"""Outlook commands: ``recovery``, ``demand``, ``balance``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset


def register(app: typer.Typer) -> None:
    @app.command("recovery")
    def recovery(
        country: str = typer.Option(..., "--for", help="ISO3 country code, e.g. IND or USA"),
        draws: int = typer.Option(10000, "--draws", help="Monte Carlo draws"),
        seed: int = typer.Option(0, "--seed", help="Random seed"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Recoverable tonnage from residue streams (p5/p50/p95) beside primary production and imports."""
        from trust_minerals.outlook.recovery import recovery_table

        emit(
            recovery_table(_dataset(), country, draws=draws, seed=seed),
            fmt,
            title=f"Strategic Mineral Recovery: {country}",
        )

    @app.command("demand")
    def demand(
        scenario: str = typer.Option("STEPS", "--scenario", help="IEA scenario: STEPS, APS or NZE"),
        year: int = typer.Option(
            2030, "--year", help="2023 (base year), 2030, 2035, 2040, 2045 or 2050"
        ),
        mineral: str | None = typer.Option(
            None, "--mineral", help="IEA mineral name or commodity id"
        ),
        plan: str | None = typer.Option(
            None, "--plan", help="Deployment plan YAML (or a shipped plan name, e.g. india-2030)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """IEA demand outlook (kt, as published) or bottom-up demand of a deployment plan (t)."""
        if plan is not None:
            from trust_minerals.outlook.plans import plan_demand

            emit(plan_demand(plan), fmt, title=f"Plan demand: {plan}")
            return
        from trust_minerals.outlook.demand import demand_outlook

        emit(
            demand_outlook(scenario, year, mineral),
            fmt,
            title=f"IEA demand outlook {scenario} {year}",
        )

    @app.command("balance")
    def balance_cmd(
        country: str | None = typer.Option(
            None, "--for", help="ISO3 country code; omit for the world"
        ),
        year: int | None = typer.Option(
            None, "--year", help="Year (default: every IEA year / the plan's year)"
        ),
        scenario: str = typer.Option(
            "STEPS", "--scenario", help="IEA scenario for the world balance"
        ),
        plan: str | None = typer.Option(
            None, "--plan", help="Deployment plan for a country balance"
        ),
        draws: int = typer.Option(10000, "--draws", help="Monte Carlo draws for recovery"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Demand against primary supply by stage plus recovery; gap as a share of supply."""
        from trust_minerals.outlook.balance import balance

        emit(
            balance(
                _dataset(), country=country, year=year, scenario=scenario, plan=plan, draws=draws
            ),
            fmt,
            title="Supply-demand balance",
        )
