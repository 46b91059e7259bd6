"""Validation against the official critical-mineral lists: top-N overlap, precision and recall.

For a list with N published items (``ds.critical_lists``), the method's N highest-scoring
commodities are compared with the list's members among the platform's commodities (the
``us_2022``/``us_2025``/``india_2023`` flags of ``ds.commodities``). precision = overlap / number
of commodities in the top N; recall = overlap / list members the method scored.
"""

from __future__ import annotations

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError

LISTS = ("us_2025", "us_2022", "india_2023")
COLUMNS = [
    "list_id",
    "list_size",
    "members_with_data",
    "members_scored",
    "top_n",
    "overlap",
    "precision",
    "recall",
    "missed",
    "extra",
]


def compare_with_lists(
    table: pd.DataFrame, ds: SupplyDataset, lists: tuple[str, ...] = LISTS
) -> pd.DataFrame:
    """Precision/recall of the top-N of a criticality ``table`` against each official list.

    ``table`` has ``commodity`` and ``score`` (e.g. ``criticality(...).table``). ``missed`` names
    the scored list members outside the top N; ``extra`` the top-N commodities not on the list.

    Examples
    --------
    >>> compare_with_lists(criticality(ds, "eu", "USA").table, ds)   # doctest: +SKIP
    """
    bad = [name for name in lists if name not in LISTS]
    if bad:
        raise UnknownNameError("critical-mineral list", bad, list(LISTS))
    flags = ds.commodities.set_index("commodity")
    published = ds.critical_lists.groupby("list_id").size()
    scored = table.dropna(subset=["score"]).sort_values("score", ascending=False, kind="stable")
    rows = []
    for list_id in lists:
        members = set(flags.index[flags[list_id].astype(bool)])
        n = int(published.get(list_id, len(members)))
        top = scored.head(n)["commodity"].tolist()
        members_scored = members & set(scored["commodity"])
        overlap = members & set(top)
        rows.append(
            {
                "list_id": list_id,
                "list_size": n,
                "members_with_data": len(members),
                "members_scored": len(members_scored),
                "top_n": len(top),
                "overlap": len(overlap),
                "precision": len(overlap) / len(top) if top else float("nan"),
                "recall": len(overlap) / len(members_scored) if members_scored else float("nan"),
                "missed": ",".join(sorted(members_scored - set(top))),
                "extra": ",".join(sorted(set(top) - members)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
