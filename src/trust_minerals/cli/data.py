"""``trust data ...``: build, inspect, check, export and extend the embedded DuckDB store."""

from __future__ import annotations

from pathlib import Path

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit

DB_OPTION = typer.Option(
    None, "--db", help="Database file (default: $TRUST_DB or the per-user data path)"
)


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(
        help="Build, inspect, check and export the embedded database.", no_args_is_help=True
    )
    app.add_typer(data_app, name="data")

    @data_app.command("build")
    def build(
        force: bool = typer.Option(
            False, "--force", help="Rebuild even if the database is up to date"
        ),
        drop_imports: bool = typer.Option(
            False,
            "--drop-imports",
            help="Discard the years imported with 'data import-baci' (kept beside the store and "
            "re-applied by every build) and rebuild without them",
        ),
        db: Path | None = DB_OPTION,
    ) -> None:
        """Build the database from the bundled data and the imported years (transactional: a
        failure keeps the old one)."""
        from trust_minerals.data.store import build_database

        def say(msg: str) -> None:
            typer.echo(f"  parsing {msg}", err=True)

        report = build_database(db, force=force, progress=say, drop_imports=drop_imports)
        typer.echo(
            report.message + (f" in {report.seconds:.1f} s" if report.built else ""), err=True
        )
        for note in report.notes:
            typer.echo(f"  note: {note}", err=True)
        if report.built:
            for name, n in report.rows.items():
                typer.echo(f"  {name:16s} {n:>9,d} rows", err=True)

    @data_app.command("status")
    def status_cmd(db: Path | None = DB_OPTION, fmt: OutputFormat = FORMAT_OPTION) -> None:
        """Vintages, row counts per table, counts per value status and the imported years."""
        from trust_minerals.data.store import status

        parts = status(db)
        if fmt is OutputFormat.table:
            for title, df in parts.items():
                emit(df, fmt, title=title)
        else:
            emit(
                parts["tables"].assign(kind="rows"), fmt
            ) if fmt is OutputFormat.csv else _emit_json(parts)

    @data_app.command("check")
    def check(
        db: Path | None = DB_OPTION,
        show_all: bool = typer.Option(False, "--all", help="Also list groups within rounding"),
        integrity: bool = typer.Option(
            False,
            "--integrity",
            help="Verify the store instead: every block's checksum and every table's row count "
            "against the last build or import (exit 1 with a named error if damaged)",
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Named countries + Other countries against the World total, with the kind of each mismatch."""
        from trust_minerals.data.check import check_totals
        from trust_minerals.data.store import load_dataset

        if integrity:
            from trust_minerals.data.integrity import verify_store

            report = verify_store(db)
            emit(report.table, fmt, title=f"Store integrity: {report.path} is intact")
            return

        res = check_totals(load_dataset(db))
        shown = res if show_all else res[res["kind"] != "within_rounding"]
        emit(shown, fmt, title="World-total check (kinds explained in docs/data.md)")
        if fmt is OutputFormat.table:
            counts = res["kind"].value_counts().rename_axis("kind").reset_index(name="groups")
            emit(counts, fmt, title="Groups by kind")

    @data_app.command("export")
    def export(
        out: Path = typer.Option(..., "--out", help="Directory to write one file per table"),
        export_format: str = typer.Option("parquet", "--format", help="parquet or csv"),
        db: Path | None = DB_OPTION,
    ) -> None:
        """Export every table (Parquet or CSV)."""
        from trust_minerals.data.store import export_tables

        for path in export_tables(out, fmt=export_format, path=db):
            typer.echo(str(path))

    @data_app.command("describe")
    def describe(
        table: str | None = typer.Argument(None), fmt: OutputFormat = FORMAT_OPTION
    ) -> None:
        """The table specs: columns, types, vocabularies, units and descriptions."""
        import pandas as pd

        from trust_minerals.schema import spec, table_specs

        names = [table] if table else list(table_specs())
        rows = [
            {
                "table": n,
                "column": c.name,
                "dtype": c.dtype,
                "nullable": c.nullable,
                "allowed": c.allowed,
                "unit": c.unit,
                "description": c.description,
            }
            for n in names
            for c in spec(n).columns
        ]
        emit(pd.DataFrame(rows), fmt)

    try:
        from trust_minerals.cli.trade import import_baci_command
    except ImportError:  # pragma: no cover - until the trade module lands
        return
    data_app.command("import-baci")(import_baci_command)


def _emit_json(parts: dict) -> None:  # type: ignore[type-arg]
    import json

    from trust_minerals._tables import records

    typer.echo(json.dumps({k: records(v) for k, v in parts.items()}, indent=1))
