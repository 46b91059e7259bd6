"""Safety: API key, body-size limit, caps, rate limit, path-like input, CORS, key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from tests.api.conftest import KEY, TestClient, make_client


def test_missing_key_is_401_and_wrong_key_is_403(client: TestClient) -> None:
    r = client.post("/api/v1/scenarios/montecarlo", json={"commodities": ["cobalt"], "draws": 10})
    assert r.status_code == 401
    assert r.json()["invalid_params"][0]["name"] == "X-API-Key"
    r = client.post(
        "/api/v1/scenarios/montecarlo", json={"commodity": "cobalt"}, headers={"X-API-Key": "wrong"}
    )
    assert r.status_code == 403


def test_bearer_token_is_accepted_as_the_key(client: TestClient) -> None:
    r = client.post(
        "/api/v1/scenarios/montecarlo",
        json={"commodities": ["cobalt"], "draws": 10_000_000},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert r.status_code == 422  # got past the key check to the draws cap


def test_oversized_body_is_413(client: TestClient) -> None:
    big = {"commodity": "cobalt", "padding": "x" * 5000}
    r = client.post("/api/v1/scenarios/montecarlo", json=big, headers={"X-API-Key": KEY})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["invalid_params"][0]["name"] == "max_body_bytes"


def test_too_many_draws_is_422_naming_the_limit(client: TestClient) -> None:
    r = client.post(
        "/api/v1/scenarios/montecarlo",
        json={"commodities": ["cobalt"], "year": 2025, "draws": 1001},
        headers={"X-API-Key": KEY},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["invalid_params"][0]["name"] == "draws"
    assert "caps.csv 'draws'" in body["detail"] and "1000" in body["detail"]


def test_rate_limit_per_key_is_429(tiny_db: Path) -> None:
    with make_client(tiny_db, rate_limit=3) as c:
        codes = [
            c.post(
                "/api/v1/scenarios/montecarlo", json={"draws": 10**9}, headers={"X-API-Key": KEY}
            ).status_code
            for _ in range(5)
        ]
    assert codes[:3] != [429, 429, 429] and codes[3:] == [429, 429]


@pytest.mark.parametrize(
    "value", ["../../etc/passwd", "/etc/passwd", "C:\\x", "~root", "store.duckdb", "file:x"]
)
def test_path_like_query_values_are_refused(client: TestClient, value: str) -> None:
    r = client.get("/api/v1/production", params={"commodity": value})
    assert r.status_code == 400
    assert r.json()["invalid_params"][0]["name"] == "commodity"


def test_path_like_body_values_are_refused(client: TestClient) -> None:
    # every name in a body carries the name pattern (no '/', '\\' or '.'): refused by the schema
    body = {"commodities": ["cobalt", "../x"], "draws": 10}
    r = client.post("/api/v1/scenarios/montecarlo", json=body, headers={"X-API-Key": KEY})
    assert r.status_code == 422
    assert r.json()["invalid_params"][0]["name"] == "commodities.1"
    assert "pattern" in r.json()["detail"]


def test_cors_is_off_by_default_and_on_when_configured(client: TestClient, tiny_db: Path) -> None:
    r = client.get("/api/v1/commodities", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    with make_client(tiny_db, cors_origins=("http://ok.example",)) as c:
        r = c.get("/api/v1/commodities", headers={"Origin": "http://ok.example"})
    assert r.headers["access-control-allow-origin"] == "http://ok.example"


def test_key_file_is_created_once_with_private_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trust_minerals.server.security import resolve_api_key

    monkeypatch.delenv("TRUST_API_KEY", raising=False)
    db = tmp_path / "store" / "trust.duckdb"
    key, where = resolve_api_key(db)
    assert where == str(tmp_path / "store" / "api_key") and len(key) >= 32
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o600
    assert resolve_api_key(db) == (key, where)
    monkeypatch.setenv("TRUST_API_KEY", "from-env")
    assert resolve_api_key(db) == ("from-env", "env")


def test_rate_limiter_window_slides() -> None:
    from trust_minerals.server.problems import Problem
    from trust_minerals.server.security import RateLimiter

    lim = RateLimiter(limit=2, window_s=10)
    lim.hit("k", now=0.0)
    lim.hit("k", now=1.0)
    with pytest.raises(Problem) as info:
        lim.hit("k", now=2.0)
    assert info.value.status == 429 and info.value.headers["Retry-After"] == "9"
    lim.hit("k", now=10.5)  # the first hit left the window
    lim.hit("other", now=2.0)  # per key


# --- no parameter is a file path; uploads are authenticated and capped -----------------------------
@pytest.mark.parametrize("route", ["/api/v1/outlook/demand", "/api/v1/outlook/balance"])
@pytest.mark.parametrize("plan", [".env", "serve.log", "pyproject.toml", "README.md", "api_key"])
def test_plan_is_an_id_never_a_file_and_leaks_nothing(
    client: TestClient, route: str, plan: str
) -> None:
    r = client.get(route, params={"plan": plan, "consumer": "IND"})
    # a file name is refused by the id pattern (422) or unknown among the shipped ids (404):
    # the answer is the same whether or not such a file exists, and no content is echoed
    assert r.status_code in (404, 422)
    assert "API_TOKEN" not in r.text and "[project]" not in r.text and "line" not in r.text
    assert r.status_code == 404 or r.json()["invalid_params"][0]["name"] == "plan"


def test_an_existing_and_a_missing_file_name_get_the_same_answer(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret").write_text("API_TOKEN: abc: def\n")
    monkeypatch.chdir(tmp_path)
    here = client.get("/api/v1/outlook/demand", params={"plan": "secret"})
    absent = client.get("/api/v1/outlook/demand", params={"plan": "absent"})
    assert here.status_code == absent.status_code == 404
    assert here.json()["detail"].replace("secret", "absent") == absent.json()["detail"]


def test_a_shipped_plan_id_and_an_uploaded_plan_give_the_same_demand(tiny_db: Path) -> None:
    from trust_minerals.outlook._files import outlook_path

    client = make_client(tiny_db, max_body_bytes=65536)
    shipped = client.get("/api/v1/outlook/demand", params={"plan": "india-2030"})
    assert shipped.status_code == 200
    text = outlook_path("plans", "india-2030.yaml").read_text(encoding="utf-8")
    yaml_type = {"Content-Type": "application/yaml"}
    url = "/api/v1/outlook/plan-demand"
    assert client.post(url, content=text, headers=yaml_type).status_code == 401
    as_yaml = client.post(url, content=text, headers={**yaml_type, "X-API-Key": KEY})
    assert as_yaml.status_code == 200 and as_yaml.json() == shipped.json()
    as_json = client.post(url, json=yaml.safe_load(text), headers={"X-API-Key": KEY})
    assert as_json.status_code == 200 and as_json.json() == shipped.json()


def test_an_uploaded_plan_is_checked_against_its_schema(tiny_db: Path) -> None:
    from trust_minerals.outlook._files import outlook_path

    client = make_client(tiny_db, max_body_bytes=65536)
    plan = yaml.safe_load(outlook_path("plans", "india-2030.yaml").read_text(encoding="utf-8"))
    plan["deployments"][0]["factors"][0]["source"] = "both labels"  # it has an assumption
    r = client.post("/api/v1/outlook/plan-demand", json=plan, headers={"X-API-Key": KEY})
    assert r.status_code == 422
    assert r.json()["invalid_params"][0]["name"].startswith("deployments.0.factors.0")


def test_an_uploaded_plan_error_names_the_line_but_does_not_echo_it(client: TestClient) -> None:
    r = client.post(
        "/api/v1/outlook/plan-demand",
        content="name: x\nAPI_TOKEN: abc: def\n",
        headers={"X-API-Key": KEY, "Content-Type": "application/yaml"},
    )
    assert r.status_code == 400 and "line 2" in r.json()["detail"]
    assert "API_TOKEN" not in r.text and "abc" not in r.text


@pytest.mark.parametrize("draws", [300000.0, "300000", "3e5", 2.5, "many", True])
def test_sizes_are_coerced_before_the_cap(client: TestClient, draws: object) -> None:
    r = client.post(
        "/api/v1/optimize",
        json={"spec": {"consumer": "IND", "commodity": "lithium", "demand": 1, "draws": draws}},
        headers={"X-API-Key": KEY},
    )
    assert r.status_code == 422
    assert r.json()["invalid_params"][0]["name"] == "spec.draws"


def test_expensive_gets_share_a_per_client_rate_limit(tiny_db: Path) -> None:
    with make_client(tiny_db, expensive_rate_limit=2) as c:
        codes = [
            c.get("/api/v1/criticality", params={"method": "eu", "uncertainty": 10, "seed": s})
            for s in range(3)
        ]
    assert [r.status_code for r in codes][:2] != [429, 429] and codes[2].status_code == 429
    assert codes[2].headers["Retry-After"]


def test_openapi_declares_the_caps(client: TestClient) -> None:
    from trust_minerals.caps import cap

    doc = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/criticality"]["get"]["parameters"]}
    assert params["uncertainty"]["schema"]["maximum"] == cap("uncertainty").max
    plan = {p["name"]: p for p in doc["paths"]["/api/v1/outlook/demand"]["get"]["parameters"]}
    assert plan["plan"]["schema"]["type"] == ["string", "null"]  # optional: the pattern or null
    assert "pattern" in plan["plan"]["schema"]
