"""The forms table: commodity → stage → traded form → HS6 code → content factor → production rows.

Read from ``data/concordance/forms.csv`` (schema: table ``forms`` in ``data/spec/tables.csv``).
A stage is measured on the forms traded at that stage: mine = ores and concentrates; refinery =
oxides, carbonates, hydroxides, salts and unwrought metal; ``component`` = permanent magnets,
battery cells, wafers (present only in a user-imported BACI file). ``in_bundled_baci`` says, per
form, whether the bundled BACI extract actually holds trade in its HS6 code.

Checks (each raises :class:`ParseError` naming the line and field): a six-digit ``hs6`` (or
empty), a content factor in (0, 1] with a ``factor_source``, a known commodity and stage, and
no HS6 code listed under two commodity × stage pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from trust_minerals.data.concordance import concordance_path, read_concordance
from trust_minerals.errors import ParseError
from trust_minerals.schema import spec, validate, vocabulary


def parse_forms(bundled_hs6: Iterable[str] = ()) -> pd.DataFrame:
    """The validated ``forms`` table.

    Parameters
    ----------
    bundled_hs6
        HS6 codes with rows in the bundled BACI extract (the ``trade`` table's ``hs6``).

    Examples
    --------
    >>> f = parse_forms()
    >>> sorted(f.loc[f["commodity"] == "antimony", "stage"].unique())
    ['mine', 'refinery']
    """
    where = "concordance/forms.csv"
    path = concordance_path("forms.csv")
    rows = read_concordance("forms.csv")
    stages, commodities = set(vocabulary("stage")), set(vocabulary("commodity"))
    seen: dict[str, tuple[str, str]] = {}
    for line, r in enumerate(rows, start=2):

        def bad(field: str, why: str, r: dict[str, str] = r, line: int = line) -> ParseError:
            return ParseError(why, path=path, line=line, field=field, value=r[field])

        if r["commodity"] not in commodities:
            raise bad("commodity", "unknown commodity id")
        if r["stage"] not in stages:
            raise bad("stage", "unknown stage")
        hs6 = r["hs6"]
        if hs6 and not (len(hs6) == 6 and hs6.isdigit()):
            raise bad("hs6", "not a six-digit HS code")
        if hs6:
            key = (r["commodity"], r["stage"])
            if seen.setdefault(hs6, key) != key:
                raise bad("hs6", f"code already listed for {seen[hs6]}")
        if r["content_factor"]:
            try:
                factor = float(r["content_factor"])
            except ValueError:
                raise bad("content_factor", "not a number") from None
            if not 0 < factor <= 1:
                raise bad("content_factor", "content factor outside (0, 1]")
            if not r["factor_source"]:
                raise bad("factor_source", "a content factor needs its source or 'assumption'")
    bundled = set(bundled_hs6)
    df = pd.DataFrame(rows)
    df["content_factor"] = pd.to_numeric(df["content_factor"].replace("", None))
    df["in_bundled_baci"] = df["hs6"].isin(bundled) & df["hs6"].ne("")
    return validate("forms", df[spec("forms").column_names], where=where)
