"""``POST /api/v1/optimize`` and ``/optimize/frontier`` on the tiny store: the library's result,
infeasible explanations, caps and refused fields named as ``spec.<field>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import KEY, make_client

HEADERS = {"X-API-Key": KEY}
SPEC = {"consumer": "IND", "commodity": "lithium", "demand": 20, "draws": 300}


@pytest.fixture(scope="module")
def opt_client(tiny_db: Path) -> Any:
    with make_client(tiny_db, rate_limit=100) as c:
        yield c


@pytest.fixture(scope="module")
def tiny_ds(tiny_db: Path) -> Any:
    from trust_minerals.data.store import load_dataset

    return load_dataset(tiny_db)


def test_optimize_returns_the_library_portfolio(opt_client: Any, tiny_ds: Any) -> None:
    from trust_minerals.optimize.solve import optimize_sourcing

    body = {"spec": {**SPEC, "max_supplier_share": "crma", "min_partner_share": 0.3}}
    r = opt_client.post("/api/v1/optimize", json=body, headers=HEADERS)
    assert r.status_code == 200
    got = r.json()
    lib = optimize_sourcing(tiny_ds, **body["spec"])
    assert got["status"] == "optimal"
    flows = {row["supplier"]: row["flow_opt"] for row in got["portfolio"]}
    want = dict(zip(lib.portfolio["supplier"], lib.portfolio["flow_opt"], strict=True))
    assert flows == pytest.approx(want)
    assert got["cvar_after"] == pytest.approx(lib.cvar_after)
    assert got["spec"]["max_supplier_share"] == lib.spec.max_supplier_share


def test_infeasible_spec_is_a_result_with_the_explanation(opt_client: Any, tiny_ds: Any) -> None:
    from trust_minerals.optimize.solve import optimize_sourcing

    spec = {**SPEC, "max_supplier_share": 0.2, "min_partner_share": 0.9}
    r = opt_client.post("/api/v1/optimize", json={"spec": spec}, headers=HEADERS)
    assert r.status_code == 200
    got = r.json()
    assert got["status"] == "infeasible"
    assert got["explanation"] == optimize_sourcing(tiny_ds, **spec).explanation
    assert all(row["flow_opt"] is None for row in got["portfolio"])  # no flows, not zeros


def test_frontier_points_and_against(opt_client: Any) -> None:
    body = {"spec": SPEC, "against": "partner_share", "points": 3}
    r = opt_client.post("/api/v1/optimize/frontier", json=body, headers=HEADERS)
    assert r.status_code == 200
    points = r.json()["points"]
    assert [p["point"] for p in points] == [0, 1, 2]
    cvar = [p["cvar_opt"] for p in points]
    assert cvar == sorted(cvar)  # a higher required partner share never lowers the risk
    bad = opt_client.post(
        "/api/v1/optimize/frontier", json={**body, "against": "price"}, headers=HEADERS
    )
    assert bad.status_code == 422
    assert bad.json()["invalid_params"][0]["name"] == "against"


@pytest.mark.parametrize(
    "spec,names",
    [
        ({**SPEC, "draws": 5000}, ["spec.draws"]),
        ({**SPEC, "demand": -1}, ["spec.demand"]),
        (
            {**SPEC, "max_supplier_share": 2, "alpha": 1.5},
            ["spec.max_supplier_share", "spec.alpha"],
        ),
        ({**SPEC, "max_supplier_share": "half"}, ["spec.max_supplier_share"]),
        ({**SPEC, "bogus": 1, "other": 2}, ["spec.bogus", "spec.other"]),
    ],
)
def test_refused_spec_fields_are_named(
    opt_client: Any, spec: dict[str, Any], names: list[str]
) -> None:
    r = opt_client.post("/api/v1/optimize", json={"spec": spec}, headers=HEADERS)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [p["name"] for p in r.json()["invalid_params"]] == names


def test_optimize_needs_the_key(opt_client: Any) -> None:
    assert opt_client.post("/api/v1/optimize", json={"spec": SPEC}).status_code == 401
    wrong = {"X-API-Key": "wrong"}
    assert (
        opt_client.post("/api/v1/optimize", json={"spec": SPEC}, headers=wrong).status_code == 403
    )
