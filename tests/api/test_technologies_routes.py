"""``/api/v1/technologies``, ``/sectors``, ``/sectors/impact``, ``/sectors/montecarlo``,
``/chains/*`` on the real store: each returns its library function's table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import KEY, make_client

HEADERS = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def real(built_db: Path) -> Any:
    with make_client(built_db, rate_limit=100, max_draws=2000) as c:
        yield c


def test_technologies_and_sectors_are_the_library_tables(real: Any, ds: Any) -> None:
    from trust_minerals.technologies.exposure import sector_exposure
    from trust_minerals.technologies.graph import technology_table

    r = real.get("/api/v1/technologies", params={"sector": "quantum"})
    assert r.status_code == 200
    assert len(r.json()) == len(technology_table("quantum"))
    r = real.get("/api/v1/sectors", params={"consumer": "IND"})
    assert r.status_code == 200
    lib = sector_exposure(ds, "IND").sectors
    assert [x["weakest_commodity"] for x in r.json()] == list(lib["weakest_commodity"])
    r = real.get("/api/v1/sectors", params={"consumer": "Atlantis"})
    assert r.status_code == 404 and "Atlantis" in r.text


def test_sector_impact_needs_the_key_and_reads_the_scenario_by_sector(real: Any) -> None:
    body = {"preset": "china-rare-earths-2025", "consumers": ["IND"], "level": "sector"}
    assert real.post("/api/v1/sectors/impact", json=body).status_code == 401
    r = real.post("/api/v1/sectors/impact", json=body, headers=HEADERS)
    assert r.status_code == 200
    assert {"defence", "biotech_medical", "clean_energy_ev"} <= {x["sector"] for x in r.json()}


def test_chain_routes(real: Any) -> None:
    r = real.post("/api/v1/chains/evaluate", json={"name": "lithium-ion-battery"}, headers=HEADERS)
    assert r.status_code == 200 and len(r.json()) == 7
    r = real.post(
        "/api/v1/chains/evaluate", json={"name": "penicillin-antibiotic"}, headers=HEADERS
    )
    # a shipped chain whose HS codes have no trade in the store: no data (404), and how to import it
    assert r.status_code == 404 and r.json()["title"] == "No data" and "import-baci" in r.text
    r = real.post("/api/v1/chains/evaluate", json={"name": "../../etc/passwd"}, headers=HEADERS)
    assert r.status_code == 422 and r.json()["invalid_params"][0]["name"] == "name"
    chain = {
        "name": "gallium wafer",
        "product": "GaAs wafer",
        "tiers": [
            {
                "name": "metal",
                "inputs": [{"name": "gallium", "commodity": "gallium", "stage": "refinery"}],
            }
        ],
    }
    r = real.post(
        "/api/v1/chains/simulate",
        json={"chain": chain, "preset": "china-gallium-2023", "consumers": ["USA"]},
        headers=HEADERS,
    )
    assert r.status_code == 200 and r.json()[0]["input"] == "gallium"


def test_montecarlo_by_sector_job(real: Any) -> None:
    body = {"draws": 300, "consumers": ["IND"], "commodities": ["gallium"]}
    r = real.post("/api/v1/sectors/montecarlo", json=body, headers=HEADERS)
    assert r.status_code == 202
    job_id = r.json()["id"]
    for _ in range(200):
        job = real.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert "semiconductors_ai" in {x["sector"] for x in job["result"]["sectors"]}
