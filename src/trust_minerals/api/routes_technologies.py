"""Endpoints over :mod:`trust_minerals.technologies`: the technology graph, sector exposure,
scenario and Monte Carlo results by sector, and user-defined chains.

Read-only analyses are GET; endpoints that run a scenario or a Monte Carlo job, or evaluate a
chain sent in the request, are POST and need the API key. Each endpoint calls one public library
function and returns its table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from starlette.responses import Response

from trust_minerals.api.bodies import MonteCarloRequest, scenario_choice
from trust_minerals.api.bodies_technologies import (
    ChainEvaluateRequest,
    ChainSimulateRequest,
    SectorImpactRequest,
    chain_choice,
)
from trust_minerals.api.models import JobInfo
from trust_minerals.api.params import name_query, year_query
from trust_minerals.api.routes_work import start_montecarlo
from trust_minerals.caps import check_size
from trust_minerals.server.problems import problem_responses
from trust_minerals.server.state import AppState, json_response, records, require_key, state_of

if TYPE_CHECKING:
    Method = str
    ExposureLevel = str
else:  # closed sets of the library, as enums in the OpenAPI schema
    from trust_minerals.metrics.criticality import METHODS
    from trust_minerals.technologies.exposure import LEVELS

    Method = Literal[tuple(METHODS)]
    ExposureLevel = Literal[tuple(LEVELS)]

Rows = list[dict[str, Any]]
GET_ERRORS = problem_responses(404, 422)
POST_ERRORS = problem_responses(401, 403, 404, 413, 422, 429)


def _scenario(st: AppState, req: Any) -> Any:
    spec = scenario_choice(req)
    check_size("horizon_months", spec.horizon_months, maximum=st.settings.max_horizon_months)
    return spec


def register(router: APIRouter) -> None:
    @router.get("/technologies", response_model=Rows, responses=GET_ERRORS, tags=["technologies"])
    def technologies(
        sector: str | None = name_query(None, "A TRUST sector", 40),
        st: AppState = Depends(state_of),
    ) -> Response:
        """The technology graph: sector -> technology -> commodity, each link with its source row."""
        from trust_minerals.technologies.graph import technology_table

        return json_response(
            st.cached(("technologies", sector), lambda: records(technology_table(sector)))
        )

    @router.get("/sectors", response_model=Rows, responses=GET_ERRORS, tags=["technologies"])
    def sectors(
        consumer: str = name_query("IND", "Consumer: ISO3, usa_ind, MSP, Quad, G7, EU"),
        partners: str | None = name_query(None, "Partner set (default: the consumer)", 200),
        year: int | None = year_query(None),
        method: Method = Query("trust", description="Criticality method"),
        sector: str | None = name_query(None, "A TRUST sector", 40),
        level: ExposureLevel = Query("sector", description="Rows per sector, technology, ..."),
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
        req: Annotated[SectorImpactRequest, Body()],
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
        req: Annotated[ChainEvaluateRequest, Body()],
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """Each input of a chain measured for a consumer (``trust chain evaluate``)."""
        from trust_minerals.technologies.chains import chain_table, evaluate_chain

        r = evaluate_chain(
            st.ds, chain_choice(req), req.consumer, partners=req.partners, year=req.year
        )
        return json_response(records(chain_table(r, req.level)))

    @router.post(
        "/chains/simulate", response_model=Rows, responses=POST_ERRORS, tags=["technologies"]
    )
    def chain_simulate(
        req: Annotated[ChainSimulateRequest, Body()],
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """A scenario's effect on each input of a chain (``trust simulate --chain``)."""
        from trust_minerals.technologies.chains import simulate_chain

        spec = _scenario(st, req)
        return json_response(records(simulate_chain(st.ds, chain_choice(req), spec, req.consumers)))
