"""API consistency: strict response models, the key as a security scheme, report routes, empty-with-reason."""

from __future__ import annotations

from typing import Any

import pytest

from trust_minerals.api import result_models as rm


def _schema(client: Any) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/risk", "RiskRow"),
        ("/api/v1/criticality", "CriticalityRow"),
        ("/api/v1/outlook/balance", "BalanceRow"),
        ("/api/v1/screen", "ScreenResult"),
        ("/api/v1/trade/suppliers", "SuppliersResult"),
        ("/api/v1/compare-lists", "ListComparisonRow"),
        ("/api/v1/data/check", "CheckRow"),
    ],
)
def test_analysis_routes_have_strict_response_models(client: Any, path: str, name: str) -> None:
    doc = _schema(client)
    ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert name in str(ok)
    model = doc["components"]["schemas"][name]
    assert model.get("additionalProperties") is False
    assert model["properties"]


def test_no_response_schema_allows_any_property(client: Any) -> None:
    doc = _schema(client)
    for path in (
        "/api/v1/risk",
        "/api/v1/criticality",
        "/api/v1/screen",
        "/api/v1/outlook/balance",
    ):
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "additionalProperties" not in str(ok).replace("'additionalProperties': False", "")


def test_api_key_is_a_declared_security_scheme(client: Any) -> None:
    doc = _schema(client)
    scheme = doc["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    run = doc["paths"]["/api/v1/scenarios/run"]["post"]
    assert {"ApiKey": []} in run["security"]
    assert "security" not in doc["paths"]["/api/v1/commodities"]["get"]


def test_models_match_the_library_columns(tiny_db: Any) -> None:
    from trust_minerals.data.store import load_dataset
    from trust_minerals.metrics.criticality import criticality
    from trust_minerals.metrics.risk import risk_table
    from trust_minerals.optimize.screen import screen_assets
    from trust_minerals.outlook.balance import COLUMNS as BALANCE_COLUMNS

    ds = load_dataset(tiny_db)
    assert list(risk_table(ds, "USA").columns) == list(rm.RISK_ROW)
    assert list(criticality(ds, "trust", "USA").annotated().columns) == list(rm.CRITICALITY_ROW)
    r = screen_assets(ds, "cobalt", consumer="IND")
    assert list(r.ranking.columns) == list(rm.SCREEN_RANK_ROW)
    assert list(r.components.columns) == list(rm.SCREEN_COMPONENT_ROW)
    assert list(BALANCE_COLUMNS) == list(rm.BALANCE_ROW)


def test_risk_rows_validate_against_the_model(client: Any) -> None:
    rows = client.get("/api/v1/risk", params={"consumer": "USA"}).json()
    model = rm.row_model("RiskRowCheck", rm.RISK_ROW)
    assert rows
    for row in rows:
        model.model_validate(row)


def test_empty_suppliers_say_why(client: Any) -> None:
    body = client.get(
        "/api/v1/trade/suppliers",
        params={"commodity": "gallium", "consumer": "IND", "year": 2024},
    ).json()
    assert body["rows"] == []
    assert "gallium" in body["note"] and "BACI" in body["note"]


def test_briefs_compare_lists_and_data_check_have_endpoints(client: Any) -> None:
    r = client.get("/api/v1/briefs/commodity/cobalt", params={"consumer": "IND"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Key messages" in r.text and "India" in r.text
    r = client.get("/api/v1/briefs/country/IND")
    assert r.status_code == 200 and "ten most exposed" in r.text
    assert client.get("/api/v1/briefs/commodity/cobal").status_code == 404
    rows = client.get("/api/v1/compare-lists", params={"method": "trust"}).json()
    assert isinstance(rows, list)
    check = client.get("/api/v1/data/check")
    assert check.status_code == 200 and isinstance(check.json(), list)
