"""Outlook results with their sources and the columns a page shows.

:func:`balance_result` and :func:`recovery_result` wrap :func:`~trust_minerals.outlook.balance.balance`
and :func:`~trust_minerals.outlook.levels.recovery_table` (which return plain tables) in frozen
results that carry the ``source_ids`` of the rows read:

* balance: the production and IEA supply rows of each compared commodity × stage × primary year,
  the IEA demand file (world balance), and the rows of the consumer's supply mixes behind the
  supplier columns (consumer balance); a deployment plan's own sources are in ``demand_basis``;
* recovery: the production rows of the country's primary production beside each stream (the
  streams' own evidence is in their ``evidence`` column, not in the sources table).

The display columns (``WORLD_COLUMNS``, ``NEED_COLUMNS``, ``RECOVERY_COLUMNS``) are the ones
the dashboard and the CLI show; every column stays in ``table``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from trust_minerals._tables import TableResult
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.stages import stage_production
from trust_minerals.outlook.balance import balance_with_exposure_sources
from trust_minerals.outlook.levels import LEVEL_COLUMNS, recovery_table
from trust_minerals.sources import column_sources, used_source_ids

#: a world balance as shown: demand against supply on one basis
WORLD_COLUMNS = (
    "commodity",
    "demand_name",
    "stage",
    "demand_t",
    "demand_scope",
    "supply_t",
    "supply_basis",
    "comparison",
    "demand_share_of_supply",
    "gap_t",
    "gap_share",
    "conversion",
    "comparison_note",
)

#: a consumer balance as shown: its import need and who would supply it
NEED_COLUMNS = (
    "commodity",
    "stage",
    "demand_t",
    "primary_t",
    "recovery_counted_t",
    "import_need_t",
    "import_need_low_t",
    "import_need_high_t",
    "top_supplier",
    "top_supplier_share",
    "china_share",
    "supplier_hhi",
    "import_need_note",
    "exposure_basis",
)

#: recovery levels as shown: the three levels (stream to capacity) beside primary production
RECOVERY_COLUMNS = (
    *LEVEL_COLUMNS[LEVEL_COLUMNS.index("stream") : LEVEL_COLUMNS.index("capacity_status") + 1],
    "primary_production",
    "primary_basis",
    "status",
)


@dataclass(frozen=True, eq=False)
class BalanceResult(TableResult):
    """:func:`~trust_minerals.outlook.balance.balance` rows (``table``) with their sources.

    ``consumer`` is ``None`` for the world balance; ``columns`` are the ones shown
    (:data:`WORLD_COLUMNS` or :data:`NEED_COLUMNS`, those present in ``table``).
    """

    table: pd.DataFrame
    consumer: str | None
    year: int | None
    scenario: str | None
    columns: tuple[str, ...]
    source_ids: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The balance rows (every column)."""
        return self.table.copy()


@dataclass(frozen=True, eq=False)
class RecoveryResult(TableResult):
    """:func:`~trust_minerals.outlook.levels.recovery_table` rows with their sources."""

    table: pd.DataFrame
    country: str
    columns: tuple[str, ...]
    source_ids: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The recovery rows (every column)."""
        return self.table.copy()


def _supply_rows(ds: SupplyDataset, keys: pd.DataFrame) -> list[pd.DataFrame]:
    """Production and IEA supply rows of each ``commodity, stage, year`` in ``keys``."""
    keys = keys.dropna().drop_duplicates()
    if keys.empty:
        return []
    out = []
    for table in (stage_production(ds), ds.supply_projection):
        k = keys.astype({"year": table["year"].dtype})
        out.append(table.merge(k, on=["commodity", "stage", "year"], how="inner"))
    return out


def balance_result(ds: SupplyDataset, **options: Any) -> BalanceResult:
    """:func:`~trust_minerals.outlook.balance.balance` with the sources of its rows.

    ``options`` are the keywords of :func:`~trust_minerals.outlook.balance.balance`
    (``consumer``, ``year``, ``scenario``, ``plan``, ``include_potential``).

    Examples
    --------
    >>> r = balance_result(ds, year=2030)  # doctest: +SKIP
    >>> r.source_ids  # doctest: +SKIP
    ('iea_cmde_2024', 'usgs_mcs2026')
    """
    table, exposure_ids = balance_with_exposure_sources(ds, **options)
    consumer: ConsumerLike | None = options.get("consumer")
    keys = table[["commodity", "stage", "primary_year"]].rename(columns={"primary_year": "year"})
    frames = _supply_rows(ds, keys)
    extra: tuple[str, ...] = ()
    name = None
    if consumer is None:
        if table["demand_t"].notna().any():
            extra = column_sources("demand_outlook")
    else:
        name = resolve_consumer(ds, consumer).name
        extra = exposure_ids  # the consumer's supply mixes behind the supplier columns
    view = NEED_COLUMNS if consumer is not None else WORLD_COLUMNS
    return BalanceResult(
        table=table,
        consumer=name,
        year=options.get("year"),
        scenario=options.get("scenario", "STEPS"),
        columns=tuple(c for c in view if c in table.columns),
        source_ids=used_source_ids(*frames, extra=extra),
    )


def recovery_result(ds: SupplyDataset, country: str) -> RecoveryResult:
    """:func:`~trust_minerals.outlook.levels.recovery_table` with the sources of its rows.

    Examples
    --------
    >>> recovery_result(ds, "IND").source_ids  # doctest: +SKIP
    ('usgs_mcs2026',)
    """
    table = recovery_table(ds, country)
    keys = table[["commodity", "primary_stage", "primary_year"]].rename(
        columns={"primary_stage": "stage", "primary_year": "year"}
    )
    rows = _supply_rows(ds, keys)
    rows = [r[r["country"] == country] for r in rows]
    return RecoveryResult(
        table=table,
        country=country,
        columns=tuple(c for c in RECOVERY_COLUMNS if c in table.columns),
        source_ids=used_source_ids(*rows),
    )


__all__ = [
    "NEED_COLUMNS",
    "RECOVERY_COLUMNS",
    "WORLD_COLUMNS",
    "BalanceResult",
    "RecoveryResult",
    "balance_result",
    "recovery_result",
]
