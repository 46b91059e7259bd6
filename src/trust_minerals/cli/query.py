"""Query commands over the dataset: ``commodities``, ``production``, ``forms``, ``overview``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset


def register(app: typer.Typer) -> None:
    @app.command("commodities")
    def commodities(fmt: OutputFormat = FORMAT_OPTION) -> None:
        """Every commodity: id, name, stages with data, list memberships."""
        emit(_dataset().commodities, fmt)

    @app.command("production")
    def production(
        commodity: str = typer.Option(..., "--commodity", help="Commodity id, e.g. cobalt"),
        stage: str | None = typer.Option(None, "--stage", help="mine, refinery, smelter, ..."),
        year: int | None = typer.Option(None, "--year"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Production rows with each country's share of the stage's world total."""
        from trust_minerals.production import production_table

        emit(production_table(_dataset(), commodity, stage=stage, year=year), fmt)

    @app.command("forms")
    def forms(
        commodity: str | None = typer.Option(None, "--commodity", help="Commodity id, e.g. nickel"),
        stage: str | None = typer.Option(None, "--stage", help="mine, refinery, component, ..."),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Traded forms by stage: HS6 codes, content factors, whether the BACI extract has them."""
        from trust_minerals.forms import forms_table

        emit(forms_table(_dataset(), commodity, stage), fmt)

    @app.command("overview")
    def overview_cmd(
        year: int | None = typer.Option(None, "--year", help="Default: the latest year"),
        include_all: bool = typer.Option(
            False, "--all", help="Every commodity, not only the US 2025 / India 2023 lists"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Concentration of every listed critical mineral, stage by stage."""
        from trust_minerals.overview import overview

        emit(
            overview(_dataset(), year=year, include_all=include_all),
            fmt,
            title="Critical minerals: who produces, how concentrated",
        )
