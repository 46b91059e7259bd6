"""Outlook results: the balance and recovery tables with their sources and display columns."""

from __future__ import annotations

from trust_minerals.outlook.balance import COLUMNS, balance
from trust_minerals.outlook.levels import recovery_table
from trust_minerals.outlook.results import (
    NEED_COLUMNS,
    RECOVERY_COLUMNS,
    WORLD_COLUMNS,
    balance_result,
    recovery_result,
)


def test_display_columns_are_columns_of_the_tables(ds) -> None:  # type: ignore[no-untyped-def]
    assert set(WORLD_COLUMNS) <= set(COLUMNS)
    assert set(NEED_COLUMNS) <= set(COLUMNS)
    assert set(RECOVERY_COLUMNS) <= set(recovery_table(ds, "IND").columns)


def test_balance_result_is_the_balance_with_its_sources(ds) -> None:  # type: ignore[no-untyped-def]
    world = balance_result(ds, year=2030, scenario="STEPS")
    assert world.table.equals(balance(ds, year=2030, scenario="STEPS"))
    assert world.consumer is None and world.columns == WORLD_COLUMNS
    assert "iea_cmde_2024" in world.source_ids  # the IEA demand file
    india = balance_result(ds, consumer="IND", year=2030)
    assert india.consumer == "IND" and india.columns == NEED_COLUMNS
    # India's supplier columns come from its BACI imports
    assert india.table["top_supplier"].notna().any()
    assert "baci_hs92_v202401b" in india.source_ids


def test_recovery_result_names_the_primary_production_sources(ds) -> None:  # type: ignore[no-untyped-def]
    r = recovery_result(ds, "IND")
    assert r.table.equals(recovery_table(ds, "IND"))
    assert r.columns == RECOVERY_COLUMNS
    assert r.table["primary_year"].notna().any()
    assert r.source_ids and set(r.source_ids) <= set(ds.sources["source_id"])
