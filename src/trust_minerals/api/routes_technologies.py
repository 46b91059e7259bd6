"""Endpoints over :mod:`trust_minerals.technologies`: the technology graph, sector exposure,
scenario and Monte Carlo results by sector, and user-defined chains.

Read-only analyses are GET; endpoints that run a scenario or a Monte Carlo job, or evaluate a
chain sent in the request, are POST and need the API key. Each endpoint calls one public library
function and returns its table.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from trust_minerals.api.models import JobInfo
from trust_minerals.api.routes_work import MonteCarloRequest, start_montecarlo
from trust_minerals.caps import check_size
from trust_minerals.server.problems import Problem, problem_responses
from trust_minerals.server.security import check_not_path_like
from trust_minerals.server.state import AppState, json_response, records, require_key, state_of

Rows = list[dict[str, Any]]
GET_ERRORS = problem_responses(404, 422)
POST_ERRORS = problem_responses(401, 403, 404, 413, 422, 429)
CONSUMER_Q = Query(
    "IND", min_length=1, max_length=80, description="Consumer: ISO3, usa_ind, MSP, Quad, G7, EU"
)


class ScenarioSpecRequest(BaseModel):
    """A preset by name, or a scenario composed in the request."""

    model_config = ConfigDict(extra="forbid")
    preset: str | None = Field(None, max_length=80, description="Preset name")
    scenario: dict[str, Any] | None = Field(None, description="A scenario (ScenarioSpec)")
    consumers: list[str] = Field(default_factory=lambda: ["IND"], max_length=20)


class SectorImpactRequest(ScenarioSpecRequest):
    level: str = Field("link", max_length=16, description="link or sector")


class ChainRequest(BaseModel):
    """A chain: a shipped example by name, or the chain's YAML content as an object."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(
        None, max_length=80, description="Shipped chain, e.g. permanent-magnet"
    )
    chain: dict[str, Any] | None = Field(None, description="Chain spec (name, product, tiers)")


class ChainEvaluateRequest(ChainRequest):
    consumer: str = Field("IND", min_length=1, max_length=80)
    partners: str | None = Field(None, max_length=200)
    year: int | None = Field(None, ge=1900, le=2100)
    level: str = Field("input", max_length=16, description="input or tier")


class ChainSimulateRequest(ChainRequest, ScenarioSpecRequest):
    pass


def _scenario(st: AppState, req: ScenarioSpecRequest) -> Any:
    from trust_minerals.simulate.presets import preset
    from trust_minerals.simulate.spec import scenario_from_dict

    check_not_path_like("body", req.model_dump())
    if (req.preset is None) == (req.scenario is None):
        raise Problem(
            422, "Invalid request", "give exactly one of preset or scenario", field="preset"
        )
    spec = preset(req.preset) if req.preset else scenario_from_dict(req.scenario, where="scenario")
    check_size("horizon_months", spec.horizon_months, maximum=st.settings.max_horizon_months)
    return spec


def _chain(req: ChainRequest) -> Any:
    from trust_minerals.technologies.chain_spec import load_chain, parse_chain, shipped_chains

    if (req.name is None) == (req.chain is None):
        raise Problem(422, "Invalid request", "give exactly one of name or chain", field="name")
    if req.name is not None:
        if req.name not in shipped_chains():  # only shipped names: never a path on the server
            from trust_minerals.errors import UnknownNameError

            raise UnknownNameError("chain", [req.name], shipped_chains())
        return load_chain(req.name)[0]
    return parse_chain(req.chain or {}, path="request body")


def register(router: APIRouter) -> None:
    @router.get("/technologies", response_model=Rows, responses=GET_ERRORS, tags=["technologies"])
    def technologies(
        sector: str | None = Query(None, min_length=1, max_length=40),
        st: AppState = Depends(state_of),
    ) -> Response:
        """The technology graph: sector -> technology -> commodity, each link with its source row."""
        from trust_minerals.technologies.graph import technology_table

        return json_response(
            st.cached(("technologies", sector), lambda: records(technology_table(sector)))
        )

    @router.get("/sectors", response_model=Rows, responses=GET_ERRORS, tags=["technologies"])
    def sectors(
        consumer: str = CONSUMER_Q,
        partners: str | None = Query(None, min_length=1, max_length=200),
        year: int | None = Query(None, ge=1900, le=2100),
        method: str = Query("trust", min_length=1, max_length=32),
        sector: str | None = Query(None, min_length=1, max_length=40),
        level: str = Query("sector", min_length=1, max_length=16),
        st: AppState = Depends(state_of),
    ) -> Response:
        """TRUST sectors ranked by the exposure of the commodities they need (level: sector,
        technology, link or stage)."""
        from trust_minerals.technologies.exposure import exposure_level, sector_exposure

        def compute() -> Rows:
            r = sector_exposure(
                st.ds, consumer, partners=partners, year=year, method=method, sector=sector
            )
            return records(exposure_level(r, level))

        key = ("sectors", consumer, partners, year, method, sector, level)
        return json_response(st.cached(key, compute))

    @router.post(
        "/sectors/impact", response_model=Rows, responses=POST_ERRORS, tags=["technologies"]
    )
    def sector_impact_route(
        req: SectorImpactRequest,
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """Run a scenario and read it by TRUST sector (``trust simulate --by-sector``)."""
        from trust_minerals.simulate.propagate import propagate
        from trust_minerals.technologies.impact import sector_impact

        spec = _scenario(st, req)
        result = propagate(st.ds, spec, req.consumers)
        return json_response(records(sector_impact(result, level=req.level)))

    @router.post(
        "/sectors/montecarlo",
        response_model=JobInfo,
        status_code=202,
        responses=POST_ERRORS,
        tags=["technologies"],
    )
    def sector_montecarlo(
        req: MonteCarloRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Start a Monte Carlo job whose result is read by TRUST sector; poll ``GET /jobs/{id}``."""
        from trust_minerals.technologies.impact import montecarlo_by_sector

        return start_montecarlo(
            req,
            st,
            "montecarlo-by-sector",
            lambda r: {
                "sectors": records(montecarlo_by_sector(r)),
                "links": records(montecarlo_by_sector(r, level="link")),
                "n_draws": r.n_draws,
                "seed": r.seed,
                "source_ids": list(r.source_ids),
            },
        )

    @router.post(
        "/chains/evaluate", response_model=Rows, responses=POST_ERRORS, tags=["technologies"]
    )
    def chain_evaluate(
        req: ChainEvaluateRequest,
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """Each input of a chain measured for a consumer (``trust chain evaluate``)."""
        from trust_minerals.technologies.chains import chain_table, evaluate_chain

        check_not_path_like("body", req.model_dump())
        r = evaluate_chain(st.ds, _chain(req), req.consumer, partners=req.partners, year=req.year)
        return json_response(records(chain_table(r, req.level)))

    @router.post(
        "/chains/simulate", response_model=Rows, responses=POST_ERRORS, tags=["technologies"]
    )
    def chain_simulate(
        req: ChainSimulateRequest,
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """A scenario's effect on each input of a chain (``trust simulate --chain``)."""
        from trust_minerals.technologies.chains import simulate_chain

        spec = _scenario(st, req)
        return json_response(records(simulate_chain(st.ds, _chain(req), spec, req.consumers)))
