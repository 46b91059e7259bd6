"""``trust trade``: who supplies a country with a commodity (BACI bilateral trade).

Also defines :func:`import_baci_command` (``trust data import-baci PATH...``), attached to the
``data`` group by :mod:`trust_minerals.cli`.

Data: BACI (CEPII), Gaulier and Zignago (2010), release HS92 V202401b.
"""

from __future__ import annotations

from pathlib import Path

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset

_CITATION = (
    "Source: BACI (CEPII), Gaulier, G. and Zignago, S. (2010), CEPII Working Paper 2010-23; "
    "values in USD, quantities in metric tons on the quantity_basis of each stage."
)


def register(app: typer.Typer) -> None:
    @app.command("trade", epilog=_CITATION)
    def trade(
        commodity: str = typer.Option(..., "--commodity", help="Commodity id, e.g. lithium"),
        consumer: str = typer.Option(
            ...,
            "--for",
            help="Consumer: ISO3, USA+IND, MSP or a list (a group excludes flows inside it)",
        ),
        year: int | None = typer.Option(
            None, "--year", help="Calendar year (BACI: 1995-2024; default: the latest)"
        ),
        stage: str | None = typer.Option(
            None,
            "--stage",
            help="mine, refinery, smelter, metal, processing (default: each stage separately)",
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Suppliers of a consumer for a commodity per stage: value (USD), quantity and shares.

        Each stage is measured on its own traded forms and never added to another stage; the
        basis and quantity_basis columns say which forms were added and on which content basis.
        """
        from trust_minerals.metrics.trade import import_suppliers

        df = import_suppliers(_dataset(), commodity, consumer, year, stage)
        label = consumer
        when = f"in {year}" if year is not None else "in the latest year"
        if df.empty:
            typer.echo(
                f"No recorded trade of {commodity}{f' ({stage})' if stage else ''} into {label} {when}.",
                err=True,
            )
            if fmt is OutputFormat.table:
                return
        title = f"Suppliers of {commodity}{f' ({stage})' if stage else ''} to {label}, {when}"
        emit(df, fmt, title=title)
        if fmt is OutputFormat.table:
            typer.echo(_CITATION)


def import_baci_command(
    paths: list[Path] = typer.Argument(
        ..., help="BACI_HS92_Y<year>_V<version>.csv files, or folders holding them"
    ),
    db: Path | None = typer.Option(
        None, "--db", help="DuckDB store (default: $TRUST_DB or the user data dir)"
    ),
    hs6: str = typer.Option(
        "", "--hs6", help="Extra HS6 codes to keep in product_trade (comma-separated)"
    ),
) -> None:
    """Import full BACI HS92 year files into the store's trade table (one transaction).

    Only the HS6 codes of the mineral concordance are kept in trade; the forms' product codes
    (magnets, cells, wafers) and the --hs6 codes go to product_trade. The years of the files
    replace the same years in the store; they are kept beside the store and re-applied by every
    'trust data build' (discard them with 'trust data build --drop-imports'). Data: BACI (CEPII),
    Gaulier and Zignago (2010).
    """
    from trust_minerals.data.ingest.trade import import_baci

    res = import_baci(list(paths), db, products=[c.strip() for c in hs6.split(",") if c.strip()])
    typer.echo(f"Imported {res.rows:,} trade rows from {len(paths)} path(s). {_CITATION}")
    for note in res.notes:
        typer.echo(f"Note: {note}")
