"""The ``trust`` command line: a thin adapter over the library.

Each command parses its options, calls one public library function and prints the result with
:func:`trust_minerals.cli._output.emit`. Command groups live in their own modules and are
registered here; heavy libraries (linopy, dask, fastapi, scipy) are imported inside the
command bodies so that ``trust`` starts fast.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from trust_minerals.cli import data as _data
from trust_minerals.cli import metrics as _metrics
from trust_minerals.cli import optimize as _optimize
from trust_minerals.cli import outlook as _outlook
from trust_minerals.cli import query as _query
from trust_minerals.cli import simulate as _simulate
from trust_minerals.cli import technologies as _technologies
from trust_minerals.cli import trade as _trade
from trust_minerals.cli import web as _web


class _TrustGroup(TyperGroup):
    """The CLI's one error boundary: every expected failure becomes one line ``Error: ...``.

    Exit status 1 for a data error (a file, the store, the disk), 2 for a usage error (an
    impossible argument or an unknown name; click's own usage errors also exit 2). Unexpected
    exceptions (bugs) keep their traceback.
    """

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        # typer's own exit and abort pass through (typer >= 0.2x vendors click: ``click`` itself
        # is not installed with the core, so it is never imported here); click's usage errors
        # are not named errors and are re-raised below
        from trust_minerals.errors import named_error

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary re-raises what it cannot name
            named = named_error(exc)
            if named is None:
                raise
            message = " ".join(str(named).split())  # one line, whatever the library wrote
            typer.echo(f"Error: {message}", err=True)
            raise typer.Exit(named.exit_code) from None


def _version(value: bool) -> None:
    if value:
        from trust_minerals import __version__

        typer.echo(f"trust-minerals {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_TrustGroup,
    name="trust",
    help="trust-minerals: critical-mineral supply-chain resilience (US-India TRUST, MSP).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    _show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit"
    ),
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="More log output (-v info, -vv debug)"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr"),
) -> None:
    """trust-minerals: critical-mineral supply-chain resilience (US-India TRUST, MSP)."""
    import logging

    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _module in (
    _data,
    _query,
    _trade,
    _metrics,
    _simulate,
    _optimize,
    _outlook,
    _technologies,
    _web,
):
    _module.register(app)


def main() -> None:
    """Entry point of the ``trust`` console script."""
    app()
