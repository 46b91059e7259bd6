"""Precision/recall of every criticality method's top-N against the official lists.

Prints the Markdown table pasted into ``docs/criticality.md`` (run on the real store):

    .venv/bin/python benchmarks/criticality_lists.py            # the table
    .venv/bin/python benchmarks/criticality_lists.py --detail   # plus misses and extras per list

Each row is ``trust compare-lists --method M --for C`` (the same library calls). The ``trust``
method uses the MSP as the partner set.
"""

from __future__ import annotations

import sys

import pandas as pd

from trust_minerals.data.store import load_dataset
from trust_minerals.metrics.criticality import METHODS, criticality
from trust_minerals.metrics.criticality.validation import compare_with_lists

CONSUMERS = ("USA", "IND")


def comparison_table() -> pd.DataFrame:
    """One row per method × consumer × list with top-N overlap, precision, recall, misses."""
    ds = load_dataset()
    rows = []
    for consumer in CONSUMERS:
        for method in METHODS:
            partners = "msp" if method == "trust" else None
            r = criticality(ds, method, consumer, partners=partners)
            cmp = compare_with_lists(r.table, ds)
            cmp.insert(0, "scored", int(r.table["score"].notna().sum()))
            cmp.insert(0, "year", r.year)
            cmp.insert(0, "consumer", consumer)
            cmp.insert(0, "method", method)
            rows.append(cmp)
    return pd.concat(rows, ignore_index=True)


def to_markdown(df: pd.DataFrame) -> str:
    """A Markdown table (floats with two decimals) without the optional ``tabulate`` package."""
    cells = df.map(lambda v: f"{v:.2f}" if isinstance(v, float) else str(v))
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    t = comparison_table()
    cols = ["method", "consumer", "scored", "list_id", "list_size", "members_scored", "top_n"]
    cols += ["overlap", "precision", "recall", "auc"]
    print(to_markdown(t[cols]))
    if "--detail" in argv:
        for r in t.itertuples(index=False):
            print(f"\n{r.method} {r.consumer} vs {r.list_id}:")
            print(f"  missed (scored list members outside the top {r.top_n}): {r.missed}")
            print(f"  extra (top-{r.top_n} not on the list): {r.extra}")


if __name__ == "__main__":
    main(sys.argv[1:])
