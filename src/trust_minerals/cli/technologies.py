"""TRUST technology commands: ``technologies``, ``sectors``, ``chain evaluate``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit


def register(app: typer.Typer) -> None:
    @app.command("technologies")
    def technologies_cmd(
        sector: str | None = typer.Option(
            None, "--sector", help="One TRUST sector id (e.g. defence, semiconductors_ai)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """The technology graph: sector -> technology -> commodity, each link with its source row."""
        from trust_minerals.technologies.graph import technology_table

        emit(technology_table(sector), fmt, title="TRUST technology graph")

    @app.command("sectors")
    def sectors_cmd(
        consumer: str = typer.Option(
            "IND", "--for", help="Consumer: ISO3, usa_ind, MSP, Quad, G7, EU or a list"
        ),
        year: int | None = typer.Option(None, "--year"),
        partners: str | None = typer.Option(None, "--partners", help="Partner set"),
        method: str = typer.Option(
            "trust", "--method", help="Criticality method: trust, eu, geopolrisk or usgs2022"
        ),
        sector: str | None = typer.Option(None, "--sector", help="One TRUST sector id"),
        level: str = typer.Option(
            "sector", "--level", help="sector, technology, link or stage (one row each)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """TRUST sectors ranked by the exposure of the commodities they need; weakest link named."""
        from trust_minerals.cli._output import dataset
        from trust_minerals.technologies.exposure import exposure_level, sector_exposure

        r = sector_exposure(
            dataset(), consumer, partners=partners, year=year, method=method, sector=sector
        )
        table = exposure_level(r, level)
        emit(table, fmt, title=f"TRUST sector exposure: {consumer} ({r.year})")
        if fmt is OutputFormat.table:
            for note in r.notes:
                typer.echo(f"note: {note}", err=True)

    chain_app = typer.Typer(help="User-defined supply chains (YAML).", no_args_is_help=True)
    app.add_typer(chain_app, name="chain")

    @chain_app.command("evaluate")
    def chain_evaluate(
        path: str = typer.Argument(
            ..., help="Chain YAML file, or a shipped example: permanent-magnet, ..."
        ),
        consumer: str = typer.Option("IND", "--for", help="Consumer: ISO3, usa_ind, MSP ..."),
        partners: str | None = typer.Option(None, "--partners", help="Partner set"),
        year: int | None = typer.Option(None, "--year"),
        level: str = typer.Option("input", "--level", help="input or tier (one row each)"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Each input of a chain measured for a consumer; the weakest input named."""
        from trust_minerals.cli._output import dataset
        from trust_minerals.technologies.chain_spec import load_chain
        from trust_minerals.technologies.chains import chain_table, evaluate_chain

        spec, where = load_chain(path)
        r = evaluate_chain(dataset(), spec, consumer, partners=partners, year=year, path=where)
        emit(chain_table(r, level), fmt, title=f"{r.chain}: {consumer}")
        if fmt is OutputFormat.table:
            typer.echo(f"weakest input: {r.weakest_input}", err=True)
            for note in r.notes:
                typer.echo(f"note: {note}", err=True)
