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
