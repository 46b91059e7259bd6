"""Validation against the official critical-mineral lists: top-N overlap, precision, recall, AUC.

For a list with N published entries (distinct ``order`` values in ``ds.critical_lists``: 60 for
the US 2025 list, 50 for US 2022, 30 for India 2023), the method's N highest-scoring commodities
are compared with the list's members among the platform's commodities:

* members are the commodities the list's rows name; a published entry that stands for a group
  (India's ``REE`` and ``PGE`` rows name the aggregate ``rare_earths``/``pgm`` and every element)
  defines that group, and a list naming any element of a group also counts the group's other
  commodities as members — so ``rare_earths`` (USGS publishes rare-earth production only as an
  aggregate) is a member of the US lists, which name the elements;
* precision = overlap / number of commodities in the top N; recall = overlap / the list's size N
  (its published entries), so members the method could not score count as not found; they are
  reported separately (``members_unscored``, ``unscored``) rather than dropped from the
  denominator (a list of 60 with 33 scored no longer reports recall 1);
* ``auc`` = probability that a scored list member outscores a scored non-member (Mann-Whitney;
  0.5 = no better than chance; independent of N).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError

LISTS = ("us_2025", "us_2022", "india_2023")
COLUMNS = [
    "list_id",
    "list_size",
    "members_with_data",
    "members_scored",
    "members_unscored",
    "top_n",
    "overlap",
    "precision",
    "recall",
    "auc",
    "missed",
    "extra",
    "unscored",
]


def list_members(critical_lists: pd.DataFrame) -> dict[str, set[str]]:
    """Commodity members of every list, group entries expanded (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"list_id": ["a", "a", "a", "b"], "order": [1, 1, 2, 1],
    ...     "commodity": ["rare_earths", "cerium", "tin", "cerium"]})
    >>> sorted(list_members(cl)["b"])
    ['cerium', 'rare_earths']
    """
    entries = critical_lists.groupby(["list_id", "order"])["commodity"].agg(frozenset)
    groups = [g for g in entries if len(g) > 1]
    out: dict[str, set[str]] = {}
    for list_id, members in critical_lists.groupby("list_id")["commodity"]:
        direct = set(members)
        expanded = set(direct)
        for g in groups:
            if g & direct:
                expanded |= g
        out[str(list_id)] = expanded
    return out


def _auc(scores: pd.Series, is_member: pd.Series) -> float:
    pos = scores[is_member].to_numpy(dtype=float)
    neg = scores[~is_member].to_numpy(dtype=float)
    if not len(pos) or not len(neg):
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def compare_with_lists(
    table: pd.DataFrame, ds: SupplyDataset, lists: tuple[str, ...] = LISTS
) -> pd.DataFrame:
    """Precision/recall/AUC of the top-N of a criticality ``table`` against each official list.

    ``table`` has ``commodity`` and ``score`` (e.g. ``criticality(...).table``). ``missed`` names
    the scored list members outside the top N; ``extra`` the top-N commodities not on the list.

    Examples
    --------
    >>> compare_with_lists(criticality(ds, "eu", "USA").table, ds)   # doctest: +SKIP
    """
    bad = [name for name in lists if name not in LISTS]
    if bad:
        raise UnknownNameError("critical-mineral list", bad, list(LISTS))
    known = set(ds.commodities["commodity"])
    members_of = list_members(ds.critical_lists)
    published = ds.critical_lists.groupby("list_id")["order"].nunique()
    scored = table.dropna(subset=["score"]).sort_values("score", ascending=False, kind="stable")
    scores = scored.set_index("commodity")["score"]
    rows = []
    for list_id in lists:
        members = members_of.get(list_id, set()) & known
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
                "members_unscored": len(members - members_scored),
                "top_n": len(top),
                "overlap": len(overlap),
                "precision": len(overlap) / len(top) if top else float("nan"),
                "recall": len(overlap) / n if n else float("nan"),
                "auc": _auc(scores, pd.Series(scores.index.isin(list(members)), scores.index)),
                "missed": ",".join(sorted(members_scored - set(top))),
                "extra": ",".join(sorted(set(top) - members)),
                "unscored": ",".join(sorted(members - members_scored)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS).astype({"auc": np.float64})
