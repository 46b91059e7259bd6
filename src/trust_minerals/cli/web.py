"""Web commands: ``trust serve`` (dashboard + API), ``trust report commodity`` (briefs), ``main``.

fastapi, uvicorn and jinja2 are imported inside the command bodies so that ``trust`` starts fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

report_app = typer.Typer(help="Printable briefs (HTML or PDF).", no_args_is_help=True)


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _serve(host: str, port: int, log_level: str = "warning") -> None:
    from trust_minerals._extras import require
    from trust_minerals.api import create_app

    uvicorn = require("uvicorn", "trust serve")

    app = create_app()
    st = app.state.trust
    st.ds  # load the dataset before announcing the URL (fails early without a database)  # noqa: B018
    typer.echo(
        f"trust-minerals dashboard and API: http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)"
    )
    origin = "TRUST_API_KEY" if st.key_source == "env" else st.key_source
    typer.echo(f"API key (for POST endpoints, header X-API-Key; from {origin}): {st.api_key}")
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on"),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        log_level: str = typer.Option(
            "warning", "--log-level", help="Server log level: " + ", ".join(LOG_LEVELS)
        ),
    ) -> None:
        """Serve the dashboard and the REST API; print the URL and the API key."""
        if log_level.lower() not in LOG_LEVELS:
            from trust_minerals.errors import UnknownNameError

            raise UnknownNameError("log level", [log_level], list(LOG_LEVELS), where="--log-level")
        _serve(host, port, log_level.lower())

    @app.command("main", hidden=True)
    def main_job(port: int = typer.Option(8000, "--port", min=1, max=65535)) -> None:
        """The main job of `make run`: print the overview, then serve the dashboard and API."""
        from trust_minerals.cli._output import OutputFormat, emit
        from trust_minerals.data.store import load_dataset
        from trust_minerals.overview import overview

        title = "Critical minerals (US 2025 and India 2023 lists): who produces, how concentrated"
        emit(overview(load_dataset()), OutputFormat.table, title=title)
        _serve("127.0.0.1", port)

    @report_app.command("commodity")
    def report_commodity(
        commodity: str = typer.Argument(..., help="Commodity id, e.g. lithium"),
        consumer: str = typer.Option(
            "IND", "--for", help="Consumer: ISO3 (USA, IND) or a group (MSP, USA+IND)"
        ),
        fmt: str = typer.Option("html", "--format", "-f", help="html or pdf"),
        out: Path = typer.Option(..., "--out", "-o", help="File to write"),
    ) -> None:
        """Write a 2-4 page brief on one commodity for one consumer."""
        from trust_minerals.cli._output import dataset as _dataset
        from trust_minerals.report.brief import write_brief

        path = write_brief(_dataset(), commodity, consumer=consumer, fmt=fmt, out=out)
        typer.echo(f"wrote {path}")

    app.add_typer(report_app, name="report")
