"""Response models of the analysis routes (risk, criticality, screen, balance, suppliers, reports).

Each row model lists the columns the library function returns, typed, every field nullable (a
missing value stays ``null``, never 0) and no other field allowed, so the OpenAPI document says
exactly what a client receives (no ``additionalProperties: true``). Descriptions come from the
column labels (``data/spec/labels.csv``) where there is one. ``tests/api/test_result_models.py``
checks the models against the library's columns.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

_T: dict[str, type] = {"str": str, "float": float, "int": int, "bool": bool}

RISK_ROW = {
    "commodity": "str", "stage": "str", "form": "str", "year": "int", "unit": "str",
    "hhi": "float", "hhi_upper": "float", "top_country": "str", "top_share": "float",
    "top3_share": "float", "coverage_share": "float", "hhi_wgi": "float",
    "partner_share": "float", "non_partner_share": "float", "non_partner_hhi": "float",
    "export_control_share": "float", "import_reliance": "float", "reliance_basis": "str",
    "import_partner_share": "float", "import_top_country": "str", "import_top_share": "float",
    "import_basis": "str", "import_note": "str",
    "trade_year": "int", "reserve_hhi": "float",
    "reserves_to_production_years": "float", "incomplete": "bool", "notes": "str",
}  # fmt: skip
CRITICALITY_ROW = {
    "commodity": "str", "score": "float", "rank": "float", "rank_low": "float",
    "rank_high": "float", "stage": "str", "year": "int", "coverage_share": "float",
    "incomplete": "bool", "stage_concentration": "float", "governance_risk": "float",
    "non_partner_dependence": "float", "export_control_exposure": "float",
    "import_reliance": "float", "reserve_concentration": "float", "reliance_basis": "str",
    "missing": "str", "assessable": "bool", "verdict": "str", "score_axis": "str",
    "method_note": "str",
}  # fmt: skip
SCREEN_RANK_ROW = {
    "rank": "int", "country": "str", "score": "float", "reserves": "float",
    "reserve_share": "float", "production": "float", "production_growth": "float",
    "growth_basis": "str", "reserves_to_production": "float", "governance": "float",
    "partner": "bool", "export_control": "bool", "unit": "str", "missing": "str",
    "explanation": "str",
}  # fmt: skip
SCREEN_COMPONENT_ROW = {
    "country": "str", "reserve_share": "float", "production_growth": "float",
    "reserves_to_production": "float", "governance": "float", "partner": "float",
    "no_export_control": "float",
}  # fmt: skip
BALANCE_ROW = {
    "consumer": "str", "commodity": "str", "demand_name": "str", "year": "int",
    "scenario": "str", "stage": "str", "unit": "str", "demand_t": "float",
    "demand_low_t": "float", "demand_high_t": "float", "demand_scope": "str",
    "demand_basis": "str", "supply_scope": "str", "supply_basis": "str", "conversion": "str",
    "primary_published_t": "float", "primary_t": "float", "primary_year": "float",
    "primary_status": "str", "recovery_counted_t": "float", "recovery_note": "str",
    "supply_t": "float", "comparison": "str", "comparison_note": "str",
    "demand_share_of_supply": "float", "gap_t": "float", "gap_share": "float",
    "import_need_t": "float", "import_need_low_t": "float", "import_need_high_t": "float",
    "import_need_note": "str", "top_supplier": "str", "top_supplier_share": "float",
    "china_share": "float", "supplier_hhi": "float", "exposure_basis": "str",
}  # fmt: skip
SUPPLIER_ROW = {
    "stage": "str", "exporter": "str", "value_usd": "float", "quantity": "float",
    "share": "float", "quantity_share": "float", "basis": "str", "quantity_basis": "str",
}  # fmt: skip
LIST_COMPARISON_ROW = {
    "list_id": "str", "list_size": "int", "members_with_data": "int", "members_scored": "int",
    "top_n": "int", "overlap": "int", "precision": "float", "recall": "float", "auc": "float",
    "missed": "str", "extra": "str",
}  # fmt: skip
CHECK_ROW = {
    "measure": "str", "commodity": "str", "stage": "str", "form": "str", "year": "int",
    "unit": "str", "world_total": "float", "listed_sum": "float", "difference": "float",
    "relative_difference": "float", "rounding_step": "float", "kind": "str", "detail": "str",
}  # fmt: skip


def row_model(name: str, columns: dict[str, str]) -> type[BaseModel]:
    """A strict model (``extra='forbid'``) with one nullable field per column."""
    from trust_minerals.report.fmt import column_labels

    labels = column_labels()
    fields: dict[str, Any] = {}
    for col, dtype in columns.items():
        spec = labels.get(col)
        text = f"{spec.label}. {spec.help}".strip(". ") if spec else col.replace("_", " ")
        fields[col] = (_T[dtype] | None, Field(default=None, description=text))
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


@cache
def risk_rows() -> Any:
    return list[row_model("RiskRow", RISK_ROW)]  # type: ignore[misc]


@cache
def criticality_rows() -> Any:
    return list[row_model("CriticalityRow", CRITICALITY_ROW)]  # type: ignore[misc]


@cache
def balance_rows() -> Any:
    return list[row_model("BalanceRow", BALANCE_ROW)]  # type: ignore[misc]


@cache
def screen_model() -> type[BaseModel]:
    """``screen_assets`` result: ranking, component scores, weights, notes."""
    rank = row_model("ScreenRankRow", SCREEN_RANK_ROW)
    comp = row_model("ScreenComponentRow", SCREEN_COMPONENT_ROW)
    return create_model(
        "ScreenResult",
        __config__=ConfigDict(extra="forbid"),
        commodity=(str, Field(description="Commodity id")),
        weights=(dict[str, float], Field(description="Component weights used")),
        ranking=(list[rank], Field(description="Countries, best first")),  # type: ignore[valid-type]
        components=(list[comp], Field(description="Component scores in [0, 1]")),  # type: ignore[valid-type]
        notes=(list[str], Field(description="Fallbacks and missing inputs")),
        source_ids=(
            list[str],
            Field(default_factory=list, description="Sources of the figures used (sources table)"),
        ),
    )


@cache
def suppliers_model() -> type[BaseModel]:
    """Import suppliers with the reason when there are none."""
    row = row_model("SupplierRow", SUPPLIER_ROW)
    return create_model(
        "SuppliersResult",
        __config__=ConfigDict(extra="forbid"),
        commodity=(str, Field(description="Commodity id")),
        consumer=(str, Field(description="The consumer as given")),
        members=(list[str], Field(description="ISO3 members of the consumer")),
        year=(int | None, Field(default=None, description="Trade year (BACI)")),
        stage=(
            str | None,
            Field(default=None, description="Stage asked for (none: one block of rows per stage)"),
        ),
        rows=(
            list[row],  # type: ignore[valid-type]
            Field(
                description="Suppliers per stage (shares of that stage's imports, never summed "
                "across stages), largest import value first"
            ),
        ),
        note=(str, Field(description="Why the list is empty (empty string when it is not)")),
    )


@cache
def list_comparison_rows() -> Any:
    return list[row_model("ListComparisonRow", LIST_COMPARISON_ROW)]  # type: ignore[misc]


@cache
def check_rows() -> Any:
    return list[row_model("CheckRow", CHECK_ROW)]  # type: ignore[misc]
