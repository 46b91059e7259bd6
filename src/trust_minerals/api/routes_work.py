"""Endpoints over the analysis packages: risk, criticality, scenarios (run, Monte Carlo jobs),
trade suppliers, recovery, demand, balance.

Read-only analyses are GET; endpoints that start work (a scenario run, a Monte Carlo job) are POST
and need the API key. Draws and horizons are capped by the app's settings (422 naming the limit).
Each endpoint calls one public library function; a capability whose package is missing is simply
not registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from trust_minerals.api.bodies import (
    FrontierRequest,
    MonteCarloRequest,
    ScenarioRunRequest,
    SourcingRequest,
    scenario_choice,
)
from trust_minerals.api.bodies_plans import PlanBody
from trust_minerals.api.models import JobInfo
from trust_minerals.api.params import name_query, size_query, year_query
from trust_minerals.api.result_models import (
    balance_rows,
    criticality_rows,
    risk_rows,
    screen_model,
    suppliers_model,
)
from trust_minerals.api.uploads import (
    is_yaml,
    parse_json_body,
    plan_request_body,
    validate_body,
)
from trust_minerals.caps import check_size
from trust_minerals.countries import resolve_consumer
from trust_minerals.outlook.plans import PLAN_ID_PATTERN
from trust_minerals.server.problems import Problem, problem_responses
from trust_minerals.server.state import (
    AppState,
    expensive,
    json_response,
    records,
    require_key,
    state_of,
)

Rows = list[dict[str, Any]]
if TYPE_CHECKING:
    OutlookYear = int
    IeaScenario = str
else:  # the years and scenarios of the bundled IEA outlook, as enums in the OpenAPI schema
    from enum import IntEnum

    from trust_minerals.outlook.demand import SCENARIOS, outlook_years

    OutlookYear = IntEnum("OutlookYear", {f"Y{y}": y for y in outlook_years()})
    IeaScenario = Literal[SCENARIOS]
GET_ERRORS = problem_responses(404, 422)
EXPENSIVE_ERRORS = problem_responses(404, 422, 429, 503)
POST_ERRORS = problem_responses(401, 403, 404, 413, 422, 429)


class ScenarioRunResult(BaseModel):
    summary: Rows
    monthly: Rows
    notes: list[str]
    market: Rows = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list, description="Sources of the rows read")


class BacktestResult(BaseModel):
    """Presets against observed export-control episodes (``trust backtest``)."""

    table: Rows = Field(description="one row per observation: observed, model, ratio, difference")
    summary: dict[str, float | int | None]
    leave_one_out: Rows
    leave_one_out_by_episode: Rows
    price_response: dict[str, Any]
    source_ids: list[str] = Field(description="Sources of the model runs")
    observation_source: str = Field(description="Where the observed figures come from")


def register(router: APIRouter) -> None:
    _register_metrics(router)
    _register_trade(router)
    _register_scenarios(router)
    _register_jobs(router)
    _register_outlook(router)
    _register_optimize(router)


def result_dict(result: Any) -> Any:
    """A frozen ``*Result`` (or a value inside one) as JSON-ready data (frames become row lists)."""
    import dataclasses
    import math

    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return records(result)
    if isinstance(result, pd.Series):
        return {str(k): result_dict(v) for k, v in result.items()}
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {f.name: result_dict(getattr(result, f.name)) for f in dataclasses.fields(result)}
    if isinstance(result, dict):
        return {str(k): result_dict(v) for k, v in result.items()}
    if isinstance(result, list | tuple | set | frozenset):
        return [result_dict(v) for v in result]
    if hasattr(result, "item"):
        result = result.item()
    if isinstance(result, float) and not math.isfinite(result):
        return None
    return result


def _sourcing_spec(body: SourcingRequest, st: AppState) -> Any:
    """The library's ``SourcingSpec`` of a request; a refused field is named as ``spec.<field>``."""
    from trust_minerals.optimize.spec import SourcingSpec, SpecFieldError

    given = body.spec.fields()
    if "draws" in given:  # the server's own limit may be lower than caps.csv
        check_size("draws", given["draws"], field="spec.draws", maximum=st.settings.max_draws)
    try:
        return SourcingSpec.create(**given)
    except SpecFieldError as exc:
        text = str(exc)
        fields = [f"spec.{n}" for n in exc.fields] or ["spec"]
        raise Problem(
            422, "Invalid input", text, params=[(f, text) for f in dict.fromkeys(fields)]
        ) from None


def _register_optimize(router: APIRouter) -> None:
    @router.post(
        "/optimize", response_model=dict[str, Any], responses=POST_ERRORS, tags=["optimize"]
    )
    def optimize(
        req: SourcingRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """The CVaR-optimal sourcing portfolio of a consumer for one commodity at one stage."""
        from trust_minerals.optimize.solve import optimize_sourcing

        return json_response(result_dict(optimize_sourcing(st.ds, _sourcing_spec(req, st))))

    @router.post(
        "/optimize/frontier",
        response_model=dict[str, Any],
        responses=POST_ERRORS,
        tags=["optimize"],
    )
    def frontier(
        req: FrontierRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Minimum CVaR along a cost budget or a required partner share."""
        from trust_minerals.optimize.frontier import efficient_frontier

        spec = _sourcing_spec(req, st)
        return json_response(
            result_dict(efficient_frontier(st.ds, spec, against=req.against, points=req.points))
        )

    @router.get("/screen", response_model=screen_model(), responses=GET_ERRORS, tags=["optimize"])
    def screen(
        commodity: str = name_query(..., "Commodity id", 64),
        consumer: str | None = name_query(None, "The buying consumer (ISO3 or group)"),
        partners: str = name_query("msp", "Partner set", 200),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Rank countries as overseas-asset destinations for a commodity."""
        from trust_minerals.optimize.screen import screen_assets

        key = ("screen", commodity, consumer, partners)
        return json_response(
            st.cached(
                key,
                lambda: result_dict(
                    screen_assets(st.ds, commodity, consumer=consumer, partners=partners)
                ),
            )
        )

    @router.get(
        "/complement", response_model=dict[str, Any], responses=GET_ERRORS, tags=["optimize"]
    )
    def complement(
        consumers: str = name_query("USA,IND", "Two ISO3 codes, e.g. USA,IND", 20),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Where one of two countries can supply what the other imports."""
        from trust_minerals.optimize.complement import complementarity

        return json_response(
            st.cached(
                ("complement", consumers),
                lambda: result_dict(complementarity(st.ds, consumers)),
            )
        )


def _register_metrics(router: APIRouter) -> None:
    @router.get("/risk", response_model=risk_rows(), responses=GET_ERRORS, tags=["metrics"])
    def risk(
        consumer: str = name_query("USA", "ISO3, USA+IND, MSP, Quad, G7, EU or a list"),
        partners: str | None = name_query(None, "Partner set (default: the consumer)", 200),
        year: int | None = year_query(None),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Supply-risk indicators for every commodity × stage, for a consumer and partner set."""
        from trust_minerals.metrics.risk import risk_table

        body = st.cached(
            ("risk", consumer, partners, year),
            lambda: records(risk_table(st.ds, consumer, partners=partners, year=year)),
        )
        return json_response(body)

    @router.get(
        "/criticality",
        response_model=criticality_rows(),
        responses=EXPENSIVE_ERRORS,
        tags=["metrics"],
        dependencies=[Depends(expensive)],
    )
    def criticality(
        method: str = name_query(..., "eu, geopolrisk, usgs2022 or trust", 32),
        consumer: str = name_query("USA", "ISO3, USA+IND, MSP, Quad, G7, EU or a list"),
        partners: str | None = name_query(None, "Partner set", 200),
        year: int | None = year_query(None),
        uncertainty: int = size_query("uncertainty", 0, "Monte Carlo draws for rank intervals"),
        seed: int = Query(0, ge=0, le=2**32 - 1),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Score every commodity with one criticality method, with a rank interval under uncertainty.

        Every row carries the method's ``verdict`` (never ``critical`` where an axis of its rule is
        not bundled), ``score_axis`` (what the score ranks) and ``method_note`` (how the method
        was adapted to a single consumer).
        The ``X-Source-Ids`` header names the sources of the rows the scores read.
        """
        from trust_minerals.metrics.criticality import criticality as _criticality

        check_size("uncertainty", uncertainty, maximum=st.settings.max_draws)

        def compute() -> tuple[Rows, tuple[str, ...]]:
            r = _criticality(
                st.ds,
                method,
                consumer,
                partners=partners,
                year=year,
                uncertainty=uncertainty,
                seed=seed,
            )
            return records(r.annotated()), r.source_ids

        rows, ids = st.cached(
            ("criticality", method, consumer, partners, year, uncertainty, seed),
            lambda: st.gate.run(compute),
        )
        return json_response(rows, source_ids=ids)


def _latest_trade_year(st: AppState) -> int | None:
    years = st.ds.trade["year"]
    return int(years.max()) if len(years) else None


def _register_trade(router: APIRouter) -> None:
    @router.get(
        "/trade/suppliers", response_model=suppliers_model(), responses=GET_ERRORS, tags=["metrics"]
    )
    def suppliers(
        commodity: str = name_query(..., "Commodity id", 64),
        consumer: str = name_query(..., "ISO3, USA+IND, MSP or a list", 200),
        year: int | None = year_query(None, "Default: the latest"),
        stage: str | None = name_query(None, "Stage", 32),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Suppliers of a consumer for a commodity per stage: value (USD), quantity (t) and shares.

        BACI trade in each stage's own forms; without ``stage`` the rows come per stage (the
        ``stage`` column), each stage's shares of its own imports, never summed across stages.
        ``basis`` names the forms whose values are added; ``quantity_basis`` the content basis of
        ``quantity`` (missing where the forms share none). An empty ``rows`` comes with ``note`` saying why (no traded form of the commodity, a year
        outside the trade data, or no recorded imports that year).
        """
        from trust_minerals.metrics.trade import import_suppliers
        from trust_minerals.metrics.trade_coverage import why_no_imports

        def compute() -> dict[str, Any]:
            members = list(resolve_consumer(st.ds, consumer).members)
            rows = import_suppliers(st.ds, commodity, consumer, year, stage)
            used = year if year is not None else _latest_trade_year(st)
            note = "" if len(rows) else why_no_imports(st.ds, commodity, members, used or 0, stage)
            return {
                "commodity": commodity,
                "consumer": consumer,
                "members": members,
                "year": used,
                "stage": stage,
                "rows": records(rows),
                "note": note,
            }

        return json_response(st.cached(("suppliers", commodity, consumer, year, stage), compute))


def _register_scenarios(router: APIRouter) -> None:
    @router.get("/scenarios/presets", response_model=Rows, tags=["scenarios"])
    def presets(st: AppState = Depends(state_of)) -> Response:
        """Every preset scenario with its source (the export-control row it comes from)."""
        from trust_minerals.simulate.presets import scenarios_table

        return json_response(st.cached(("presets",), lambda: records(scenarios_table(st.ds))))

    @router.get(
        "/backtest", response_model=BacktestResult, responses=GET_ERRORS, tags=["scenarios"]
    )
    def backtest(st: AppState = Depends(state_of)) -> Response:
        """Every preset with observed episodes against what happened: observation, model figure
        for the same quantity, period and destination, error, and leave-one-episode-out."""
        from trust_minerals.simulate.backtest import backtest as run_backtest

        return json_response(st.cached(("backtest",), lambda: result_dict(run_backtest(st.ds))))

    @router.post(
        "/scenarios/run",
        response_model=ScenarioRunResult,
        responses=POST_ERRORS,
        tags=["scenarios"],
    )
    def run_scenario(
        req: Annotated[ScenarioRunRequest, Body()],
        st: AppState = Depends(state_of),
        _key: str = Depends(require_key),
    ) -> Response:
        """Run one scenario month by month: shortfall and price response per consumer.

        The body names a preset or holds a scenario (exactly one of ``preset`` or ``scenario``).
        """
        from trust_minerals.simulate.propagate import propagate

        spec = scenario_choice(req)
        check_size("horizon_months", spec.horizon_months, maximum=st.settings.max_horizon_months)
        result = propagate(st.ds, spec, req.consumers, use_recovery=req.recovery)
        return json_response(
            {
                "summary": records(result.summary),
                "monthly": records(result.monthly),
                "notes": list(result.notes),
                "market": records(result.market),
                "source_ids": list(result.source_ids),
            }
        )

    @router.post(
        "/scenarios/montecarlo",
        response_model=JobInfo,
        status_code=202,
        responses=POST_ERRORS,
        tags=["scenarios"],
    )
    def montecarlo(
        req: MonteCarloRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Start a Monte Carlo job; poll ``GET /jobs/{id}`` for progress and the result."""
        return start_montecarlo(
            req,
            st,
            "montecarlo",
            lambda r: {
                "table": records(r.table),
                "n_draws": r.n_draws,
                "seed": r.seed,
                "backend": r.backend,
                "source_ids": list(r.source_ids),
            },
        )


def start_montecarlo(
    req: MonteCarloRequest, st: AppState, kind: str, body: Callable[[Any], dict[str, Any]]
) -> Response:
    """Check ``req``, start a ``kind`` job running :func:`shortfall_risk` on it, answer 202;
    ``body`` turns the result into the job's result."""
    from trust_minerals.simulate.montecarlo import shortfall_risk

    check_size("draws", req.draws, maximum=st.settings.max_draws)
    ds = st.ds

    def work(progress: Any) -> dict[str, Any]:
        progress(0.05)
        r = shortfall_risk(
            ds,
            req.consumers,
            n_draws=req.draws,
            seed=req.seed,
            commodities=req.commodities,
            stages=req.stages,
            year=req.year,
            severity=req.severity,  # type: ignore[arg-type]
            on_chunk=lambda fraction: progress(0.05 + 0.9 * fraction),
        )
        return body(r)

    job = st.jobs.submit(kind, work)
    return json_response(job.info(with_result=False), status_code=202)


def _register_jobs(router: APIRouter) -> None:
    @router.get(
        "/jobs/{job_id}", response_model=JobInfo, responses=problem_responses(404), tags=["jobs"]
    )
    def job(job_id: str, st: AppState = Depends(state_of)) -> Response:
        """A background job: status (queued, running, done, failed), progress and, when done, its result."""
        return json_response(st.jobs.get(job_id).info())


PLAN_QUERY = Query(
    None,
    pattern=PLAN_ID_PATTERN,
    max_length=64,
    description="Id of a plan shipped in the package (e.g. india-2030); never a file path. "
    "To use your own plan, POST it to /outlook/plan-demand.",
)


def _plan(plan_id: str | None) -> Any:
    from trust_minerals.outlook.plans import shipped_plan

    return None if plan_id is None else shipped_plan(plan_id)


def _register_outlook(router: APIRouter) -> None:
    @router.get("/outlook/recovery", response_model=Rows, responses=GET_ERRORS, tags=["outlook"])
    def recovery(
        country: str = name_query(..., "ISO3, e.g. IND", 8),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Recovery per residue stream in three levels: contained, technically recoverable, capacity.

        The ``X-Source-Ids`` header names the sources of the rows read.
        """
        from trust_minerals.outlook.results import recovery_result

        r = st.cached(("recovery", country), lambda: recovery_result(st.ds, country))
        return json_response(records(r.table), source_ids=r.source_ids)

    @router.get("/outlook/demand", response_model=Rows, responses=GET_ERRORS, tags=["outlook"])
    def demand(
        scenario: IeaScenario = Query("STEPS", description="IEA scenario"),
        year: OutlookYear = Query(2030, description="An IEA outlook year"),
        commodity: str | None = name_query(None, "Commodity id or IEA name", 64),
        plan: str | None = PLAN_QUERY,
        st: AppState = Depends(state_of),
    ) -> Response:
        """IEA demand outlook (kt, as published) or the bottom-up demand of a shipped plan (t)."""
        if plan is not None:
            from trust_minerals.outlook.plans import plan_demand

            return json_response(
                st.cached(("plan", plan), lambda: records(plan_demand(_plan(plan))))
            )
        from trust_minerals.outlook.demand import demand_outlook

        return json_response(
            st.cached(
                ("demand", scenario, int(year), commodity),
                lambda: records(demand_outlook(scenario, int(year), commodity)),
            )
        )

    @router.post(
        "/outlook/plan-demand",
        response_model=Rows,
        responses={
            **POST_ERRORS,
            **problem_responses(400),
        },
        tags=["outlook"],
        openapi_extra={"requestBody": plan_request_body()},
    )
    async def demand_of_upload(request: Request, _key: str = Depends(require_key)) -> Response:
        """Bottom-up demand (t) of an uploaded plan; needs the API key.

        The plan is the body: JSON (``application/json``, the schema below) or the YAML file
        itself (``application/yaml``, the same structure, at most caps.csv 'plan_bytes'). A YAML
        body that is not valid YAML or not a mapping is a 400 naming the line (never echoing the
        text), one that does not match the schema a 400 naming the field; a plan whose factor
        units do not multiply to the deployment's unit is a 400 naming the entry (a rule the
        schema cannot state).
        """
        from trust_minerals.outlook.plans import parse_plan, plan_demand, plan_mapping_from_text

        raw = await request.body()
        if is_yaml(request.headers.get("content-type")):
            check_size("plan_bytes", len(raw), field="body")  # the YAML text's own cap
            body = validate_body(PlanBody, plan_mapping_from_text(raw))
        else:
            body = parse_json_body(PlanBody, raw)
        return json_response(
            records(plan_demand(parse_plan(body.as_mapping(), path="uploaded plan")))
        )

    @router.get(
        "/outlook/balance", response_model=balance_rows(), responses=GET_ERRORS, tags=["outlook"]
    )
    def balance(
        consumer: str | None = name_query(
            None, "Consumer (IND, USA+IND, usa_ind, MSP ...); omit for the world", 64
        ),
        year: OutlookYear | None = Query(None, description="An IEA outlook year; omit for all"),
        scenario: IeaScenario = Query("STEPS", description="IEA scenario"),
        plan: str | None = PLAN_QUERY,
        include_potential: bool = Query(
            False, description="Count technically recoverable recovery (default: capacity only)"
        ),
        *,
        request: Request,
        st: AppState = Depends(state_of),
    ) -> Response:
        """Demand against supply on the same scope and basis; for a consumer, its import need.

        The ``X-Source-Ids`` header names the sources of the rows read.
        """
        from trust_minerals.outlook.results import balance_result

        if "country" in request.query_params:  # the old spelling: refused, never ignored
            raise Problem(
                422, "Invalid parameter", "country= was renamed consumer=", field="country"
            )
        who = consumer
        year = None if year is None else int(year)
        key = ("balance", who, year, scenario, plan, include_potential)
        r = st.cached(
            key,
            lambda: balance_result(
                st.ds,
                consumer=who,
                year=year,
                scenario=scenario,
                plan=_plan(plan),
                include_potential=include_potential,
            ),
        )
        return json_response(records(r.table), source_ids=r.source_ids)
