"""Outlook commands: ``recovery``, ``demand``, ``balance``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset


def register(app: typer.Typer) -> None:
    @app.command("recovery")
    def recovery(
        country: str = typer.Option(..., "--for", help="ISO3 country code, e.g. IND or USA"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Recovery per residue stream in three levels (contained, technically recoverable, capacity)."""
        from trust_minerals.outlook.results import recovery_result

        r = recovery_result(_dataset(), country)
        emit(
            r.table,
            fmt,
            title=f"Strategic Mineral Recovery: {country} (only capacity is supply)",
            sources=r.source_ids,
        )

    @app.command("demand")
    def demand(
        scenario: str = typer.Option("STEPS", "--scenario", help="IEA scenario: STEPS, APS or NZE"),
        year: int = typer.Option(
            2030, "--year", help="2023 (base year), 2030, 2035, 2040, 2045 or 2050"
        ),
        commodity: str | None = typer.Option(
            None, "--commodity", help="Commodity id or IEA name (e.g. lithium)"
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
            demand_outlook(scenario, year, commodity),
            fmt,
            title=f"IEA demand outlook {scenario} {year}",
        )

    @app.command("projection")
    def projection_cmd(
        commodity: str | None = typer.Option(
            None, "--commodity", help="Commodity id, e.g. lithium"
        ),
        year: list[int] = typer.Option(
            [2030, 2035, 2040], "--year", help="Year(s) (repeat the option for several)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Projected primary supply by country: IEA base case, else USGS held constant."""
        from trust_minerals.outlook.projection import projected_supply

        emit(
            projected_supply(_dataset(), commodity=commodity, years=year),
            fmt,
            title="Projected primary supply (IEA base case; USGS latest year held constant)",
        )

    @app.command("balance")
    def balance_cmd(
        consumer: str | None = typer.Option(
            None, "--for", help="Consumer: IND, USA+IND, usa_ind, MSP ...; omit for the world"
        ),
        year: int | None = typer.Option(
            None, "--year", help="Year (default: every IEA year / the plan's year)"
        ),
        scenario: str = typer.Option("STEPS", "--scenario", help="IEA scenario: STEPS, APS or NZE"),
        plan: str | None = typer.Option(
            None, "--plan", help="Deployment plan for a consumer balance (default: shipped plan)"
        ),
        include_potential: bool = typer.Option(
            False,
            "--include-potential",
            help="Count technically recoverable recovery in supply (default: capacity only)",
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Demand against supply on the same scope and basis; for a consumer, its import need."""
        from trust_minerals.outlook.results import balance_result

        r = balance_result(
            _dataset(),
            consumer=consumer,
            year=year,
            scenario=scenario,
            plan=plan,
            include_potential=include_potential,
        )
        emit(
            r.table,
            fmt,
            title="Supply-demand balance"
            + (" (recovery: technical potential counted)" if include_potential else ""),
            sources=r.source_ids,
        )
