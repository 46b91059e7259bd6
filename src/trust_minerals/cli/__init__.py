"""The ``trust`` command line: a thin adapter over the library.

Each command parses its options, calls one public library function and prints the result with
:func:`trust_minerals.cli._output.emit`. Command groups live in their own modules and are
registered here; heavy libraries (linopy, dask, fastapi, plotly, scipy) are imported inside the
command bodies so that ``trust`` starts fast.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from trust_minerals.cli import data as _data
from trust_minerals.cli import query as _query


class _TrustGroup(TyperGroup):
    """Turns the library's named errors into one line ``Error: ...`` and exit code 2."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from trust_minerals.errors import TrustMineralsError

        try:
            return super().invoke(ctx)
        except TrustMineralsError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_TrustGroup,
    name="trust",
    help="trust-minerals: critical-mineral supply-chain resilience (US-India TRUST, MSP).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (_data, _query):
    _module.register(app)

for _name in ("trade", "metrics", "simulate", "optimize", "outlook", "technologies", "web"):
    # optional command groups, each in its own module (added as the capabilities land)
    try:
        _mod = __import__(f"trust_minerals.cli.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _exc:  # pragma: no cover - only while a group is absent
        if _exc.name != f"trust_minerals.cli.{_name}":
            raise
        continue
    _mod.register(app)


def main() -> None:
    """Entry point of the ``trust`` console script."""
    app()
