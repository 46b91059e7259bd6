"""Printing results: ``--format table|json|csv`` for every query command, and error reporting."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import pandas as pd
import typer

from trust_minerals._tables import jsonable, records

if TYPE_CHECKING:
    from trust_minerals.dataset import SupplyDataset


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(
    OutputFormat.table, "--format", "-f", help="table, json (array of row objects) or csv"
)


def dataset() -> SupplyDataset:
    """The dataset from the store (imported here, inside the call, so ``trust`` starts fast)."""
    from trust_minerals.data.store import load_dataset

    return load_dataset()


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e4:  # years and small counts read as integers
            return str(int(value))
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.4g}"
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def emit(
    df: pd.DataFrame,
    fmt: OutputFormat | str = OutputFormat.table,
    *,
    title: str | None = None,
    sources: tuple[str, ...] | list[str] = (),
) -> None:
    """Print ``df`` as a Rich table, a JSON array of row objects, or CSV.

    ``sources`` (a result's ``source_ids``) are printed under a table as its caption; JSON and CSV
    stay one array or one table.
    """
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        sys.stdout.write(
            json.dumps(records(df), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
        )
    elif fmt is OutputFormat.csv:
        sys.stdout.write(df.to_csv(index=False))
    else:
        from rich.console import Console
        from rich.table import Table

        caption = "Sources: " + ", ".join(sources) if sources else None
        table = Table(title=title, caption=caption, show_lines=False)
        for col in df.columns:
            text_col = pd.api.types.is_string_dtype(df[col].dtype)  # object or str (pandas 3)
            table.add_column(
                str(col), overflow="ellipsis", no_wrap=True, max_width=40 if text_col else None
            )
        for row in df.itertuples(index=False):
            table.add_row(*[_cell(v) for v in row])
        # a terminal gets a table that fits it; a pipe or a file gets every column at full width
        console = Console() if sys.stdout.isatty() else Console(width=1000)
        console.print(table)
