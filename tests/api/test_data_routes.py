"""GET endpoints on the tiny store: values checked by hand (see tests/api/tiny_store.py)."""

from __future__ import annotations

import pytest

from tests.api.conftest import TestClient

PROBLEM = "application/problem+json"


def test_concentration_matches_hand_calculation(client: TestClient) -> None:
    r = client.get(
        "/api/v1/concentration", params={"commodity": "cobalt", "stage": "mine", "year": 2025}
    )
    assert r.status_code == 200
    row = r.json()
    # COD 60, IDN 20, AUS 10 of 100: hhi = .36 + .04 + .01; upper adds Other countries .1^2
    assert row["hhi"] == pytest.approx(0.41)
    assert row["hhi_upper"] == pytest.approx(0.42)
    assert row["top_country"] == "COD"
    assert row["coverage_share"] == pytest.approx(0.9)
    assert row["withheld"] == "USA"


def test_overview_lists_listed_commodities_and_keeps_the_one_without_data(
    client: TestClient,
) -> None:
    rows = client.get("/api/v1/overview").json()
    assert {(r["commodity"], r["stage"]) for r in rows} == {
        ("cobalt", "mine"),
        ("cobalt", "refinery"),
        ("lithium", "mine"),
        ("gallium", ""),
    }
    gallium = next(r for r in rows if r["commodity"] == "gallium")
    assert gallium["top_share"] is None and "no world production data" in gallium["notes"]
    lithium = next(r for r in rows if r["commodity"] == "lithium")
    assert lithium["msp_share"] == pytest.approx(0.4)  # AUS is the MSP partner among AUS, CHL, CHN


def test_production_withheld_row_keeps_its_status(client: TestClient) -> None:
    rows = client.get("/api/v1/production", params={"commodity": "cobalt", "stage": "mine"}).json()
    usa = next(r for r in rows if r["country"] == "USA")
    assert usa["quantity"] is None and usa["share"] is None and usa["status"] == "withheld"


def test_unknown_commodity_is_a_404_problem_naming_the_field(client: TestClient) -> None:
    r = client.get(
        "/api/v1/concentration", params={"commodity": "unobtainium", "stage": "mine", "year": 2025}
    )
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == 404 and body["invalid_params"][0]["name"] == "commodity"
    assert "cobalt" in body["detail"]  # lists the valid choices


def test_bad_type_is_a_422_problem_naming_the_field(client: TestClient) -> None:
    r = client.get(
        "/api/v1/concentration", params={"commodity": "cobalt", "stage": "mine", "year": "soon"}
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert [p["name"] for p in r.json()["invalid_params"]] == ["year"]


def test_unknown_stage_names_the_stage(client: TestClient) -> None:
    r = client.get(
        "/api/v1/concentration", params={"commodity": "lithium", "stage": "refinery", "year": 2025}
    )
    assert r.status_code == 404
    assert r.json()["invalid_params"][0]["name"] == "stage"


def test_tables_and_sources(client: TestClient) -> None:
    assert {r["commodity"] for r in client.get("/api/v1/commodities").json()} == {
        "cobalt",
        "lithium",
        "gallium",
    }
    assert "IND" in {r["country"] for r in client.get("/api/v1/countries").json()}
    assert "usgs_mcs2026" in {r["source_id"] for r in client.get("/api/v1/sources").json()}
    controls = client.get(
        "/api/v1/export-controls", params={"commodity": "cobalt", "country": "CHN"}
    ).json()
    assert [c["control_type"] for c in controls] == ["Export license"]
    reserves = client.get("/api/v1/reserves", params={"commodity": "cobalt"}).json()
    assert {r["country"] for r in reserves} == {"AUS", "COD", "Other countries", "World total"}
    status = client.get("/api/v1/status").json()
    assert {t["table"] for t in status["tables"]} >= {"production", "reserves"}


def test_openapi_documents_the_routes_and_problem_responses(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/overview" in spec["paths"] and "/api/v1/concentration" in spec["paths"]
    conc = spec["paths"]["/api/v1/concentration"]["get"]
    assert {"200", "404", "422", "400"} <= set(conc["responses"])
    assert not any(p.startswith("/commodity") for p in spec["paths"])  # pages stay out of the API


def test_models_come_from_the_table_spec() -> None:
    from trust_minerals.api.models import row_model
    from trust_minerals.schema import spec

    model = row_model("countries")
    assert list(model.model_fields) == spec("countries").column_names
    assert model.model_fields["pv"].is_required() is False  # nullable in the spec
    assert model.model_fields["country"].is_required() is True


def test_get_endpoints_do_not_accept_post(client: TestClient) -> None:
    r = client.post("/api/v1/overview")
    assert r.status_code == 405
    assert r.headers["content-type"].startswith(PROBLEM)
