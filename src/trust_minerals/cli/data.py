"""``trust data ...``: build, inspect, check and export the embedded DuckDB store."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(help="Build, inspect, check and export the embedded database.", no_args_is_help=True)
    app.add_typer(data_app, name="data")
