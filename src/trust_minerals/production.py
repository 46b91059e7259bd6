"""Production rows of one commodity with shares (``trust production``)."""

from __future__ import annotations

import pandas as pd

from trust_minerals._tables import WORLD_TOTAL, YearLike, as_year
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import UnknownNameError
from trust_minerals.metrics.concentration import shares

PRODUCTION_COLUMNS = [
    "commodity",
    "stage",
    "form",
    "year",
    "country",
    "quantity",
    "unit",
    "share",
    "status",
    "qualifier",
    "source_id",
]


def production_table(
    ds: SupplyDataset, commodity: str, *, stage: str | None = None, year: YearLike = None
) -> pd.DataFrame:
    """Rows of ``commodity`` (optionally one stage and year) with ``share`` of the denominator.

    Countries are ISO3 codes; aggregates keep their names (``World total``, ``Other countries``).
    Stages USGS does not publish come from the IEA table (2023; ``source_id`` says so), also
    when another ``year`` is asked for.
    Withheld rows stay, with a missing quantity and share and status ``withheld``.

    Examples
    --------
    >>> production_table(ds, "cobalt", stage="mine", year=2025).head(3)   # doctest: +SKIP
    """
    year = as_year(year)
    from trust_minerals.metrics.concentration import _in_year
    from trust_minerals.metrics.stages import stage_production

    ds.check_commodities([commodity])
    prod = stage_production(ds)
    prod = prod[prod["commodity"] == commodity]
    if stage is not None:
        stages = sorted(prod["stage"].unique())
        if stage not in stages:
            raise UnknownNameError("stage", [stage], stages, f"production of {commodity}")
        prod = prod[prod["stage"] == stage]
    if year is not None:
        years = sorted(int(y) for y in prod["year"].unique())
        if year not in years:
            raise UnknownNameError(
                "year", [str(year)], [str(y) for y in years], f"production of {commodity}"
            )
        prod = _in_year(prod, year)
    out = shares(prod)
    out["_order"] = out["is_aggregate"].astype(int) + out["country"].eq(WORLD_TOTAL).astype(int)
    out = out.sort_values(
        ["stage", "form", "year", "_order", "quantity"],
        ascending=[True, True, True, True, False],
        na_position="last",
    )
    return out[PRODUCTION_COLUMNS].reset_index(drop=True)
