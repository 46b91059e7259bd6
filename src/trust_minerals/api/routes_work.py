"""Endpoints over the analysis packages: risk, criticality, scenarios (run, Monte Carlo jobs),
trade suppliers, recovery, demand, balance.

Read-only analyses are GET; endpoints that start work (a scenario run, a Monte Carlo job) are POST
and need the API key. Draws and horizons are capped by the app's settings (422 naming the limit).
Each endpoint calls one public library function; a capability whose package is missing is simply
not registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from trust_minerals.api.models import JobInfo
from trust_minerals.api.params import name_query, size_query, year_query
from trust_minerals.api.result_models import (
    balance_rows,
    criticality_rows,
    risk_rows,
    screen_model,
    suppliers_model,
)
from trust_minerals.caps import cap, check_size
from trust_minerals.countries import resolve_consumer
from trust_minerals.outlook.plans import PLAN_ID_PATTERN
from trust_minerals.schema import vocabulary
from trust_minerals.server.problems import Problem, problem_responses
from trust_minerals.server.security import check_not_path_like
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
    StageName = str
else:  # the stage vocabulary (data/spec/vocabulary.csv) as an enum in the OpenAPI schema
    StageName = Literal[tuple(vocabulary("stage"))]
GET_ERRORS = problem_responses(404, 422)
EXPENSIVE_ERRORS = problem_responses(404, 422, 429, 503)
POST_ERRORS = problem_responses(401, 403, 404, 413, 422, 429)


class ScenarioRunRequest(BaseModel):
    """Run one scenario: a preset by name, or a scenario composed in the request."""

    model_config = ConfigDict(extra="forbid", strict=True)

    preset: str | None = Field(
        None, max_length=80, description="Preset name (GET /scenarios/presets)"
    )
    scenario: dict[str, Any] | None = Field(
        None, description="A scenario (ScenarioSpec: shocks, horizon_months, ...)"
    )
    consumers: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=lambda: ["USA", "IND"],
        min_length=1,
        max_length=cap("consumers").max,
        description="ISO3 codes or groups",
    )
    recovery: bool = Field(False, description="Count secondary supply from recovery shocks")


class MonteCarloRequest(BaseModel):
    """A Monte Carlo of country-level disruptions (runs as a background job)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    consumers: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=lambda: ["USA", "IND"], min_length=1, max_length=cap("consumers").max
    )
    draws: int = Field(
        10_000,
        ge=cap("draws").min,
        le=cap("draws").max,
        description="Number of draws (caps.csv 'draws'; the server's max_draws may be lower)",
    )
    seed: int = Field(1, ge=0, le=2**32 - 1)
    commodities: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None,
        min_length=1,
        max_length=cap("commodities").max,
        description="Default: every commodity",
    )
    stages: list[StageName] = Field(
        default_factory=lambda: ["mine", "refinery"], min_length=1, max_length=6
    )
    year: int | None = Field(None, ge=cap("year").min, le=cap("year").max)
    severity: Literal["default", "full"] | Annotated[float, Field(ge=0, le=1, strict=True)] = Field(
        "default", description="default, full, or a fixed share in [0, 1]"
    )


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


class SourcingRequest(BaseModel):
    """A sourcing problem: the fields of the library's ``SourcingSpec`` (consumer, commodity, demand, ...)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    spec: dict[str, Any] = Field(
        description="SourcingSpec fields, e.g. {consumer: IND, commodity: lithium, demand: 20000}"
    )
    against: str = Field("cost", description="Frontier only: cost or partner_share")
    points: int = Field(
        10,
        ge=cap("points").min,
        le=cap("points").max,
        description="Frontier only: number of points",
    )


def _sourcing_spec(req: SourcingRequest, st: AppState) -> Any:
    """The library's ``SourcingSpec`` of a request; a refused field is named as ``spec.<field>``."""
    from trust_minerals.optimize.spec import SourcingSpec, SpecFieldError

    check_not_path_like("body", req.model_dump())
    unknown = sorted(set(req.spec) - set(SourcingSpec.model_fields))
    if unknown:
        raise Problem(
            422,
            "Invalid input",
            f"unknown spec field(s): {', '.join(unknown)}; valid fields: "
            f"{', '.join(SourcingSpec.model_fields)}",
            params=[(f"spec.{name}", "unknown field") for name in unknown],
        )
    given = dict(req.spec)
    for name in ("draws", "n_draws", "scenarios"):
        if name in given:  # ints, floats such as 300000.0 and strings such as "300000" alike
            given[name] = check_size(
                "draws", given[name], field=f"spec.{name}", maximum=st.settings.max_draws
            )
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
        req: SourcingRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Minimum CVaR along a cost budget or a required partner share."""
        from trust_minerals.optimize.frontier import efficient_frontier

        if req.against not in ("cost", "partner_share"):
            raise Problem(
                422,
                "Invalid input",
                f"against={req.against!r}; choose cost or partner_share",
                field="against",
            )
        check_size("points", req.points)
        spec = _sourcing_spec(req, st)
        return json_response(
            result_dict(
                efficient_frontier(st.ds, spec, against=cast(Any, req.against), points=req.points)
            )
        )  # type: ignore[arg-type]

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
        """Suppliers of a consumer for a commodity: value (USD), quantity (t) and shares (BACI).

        An empty ``rows`` comes with ``note`` saying why (no traded form of the commodity, a year
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
        req: ScenarioRunRequest, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Run one scenario month by month: shortfall and price response per consumer."""
        from trust_minerals.simulate.presets import preset
        from trust_minerals.simulate.propagate import propagate
        from trust_minerals.simulate.spec import scenario_from_dict

        check_not_path_like("body", req.model_dump())
        if (req.preset is None) == (req.scenario is None):
            raise Problem(
                422, "Invalid request", "give exactly one of preset or scenario", field="preset"
            )
        spec = (
            preset(req.preset)
            if req.preset is not None
            else scenario_from_dict(req.scenario, where="scenario")
        )
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

    check_not_path_like("body", req.model_dump())
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


class PlanUpload(BaseModel):
    """A deployment plan uploaded as YAML text (the format of ``outlook/plans/india-2030.yaml``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    plan_yaml: str = Field(
        min_length=1,
        max_length=cap("plan_bytes").max,
        description="The plan as YAML text (caps.csv 'plan_bytes')",
    )


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
        scenario: str = name_query("STEPS", "IEA scenario: STEPS, APS or NZE", 16),
        year: int = year_query(2030),
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
                ("demand", scenario, year, commodity),
                lambda: records(demand_outlook(scenario, year, commodity)),
            )
        )

    @router.post(
        "/outlook/plan-demand", response_model=Rows, responses=POST_ERRORS, tags=["outlook"]
    )
    def demand_of_upload(
        req: PlanUpload, st: AppState = Depends(state_of), _key: str = Depends(require_key)
    ) -> Response:
        """Bottom-up demand (t) of an uploaded plan (YAML text in the body; needs the API key)."""
        from trust_minerals.outlook.plans import plan_demand, plan_from_text

        return json_response(records(plan_demand(plan_from_text(req.plan_yaml))))

    @router.get(
        "/outlook/balance", response_model=balance_rows(), responses=GET_ERRORS, tags=["outlook"]
    )
    def balance(
        consumer: str | None = name_query(
            None, "Consumer (IND, USA+IND, usa_ind, MSP ...); omit for the world", 64
        ),
        country: str | None = name_query(None, "Deprecated spelling of consumer", 64),
        year: int | None = year_query(None),
        scenario: str = name_query("STEPS", "IEA scenario: STEPS, APS or NZE", 16),
        plan: str | None = PLAN_QUERY,
        include_potential: bool = Query(
            False, description="Count technically recoverable recovery (default: capacity only)"
        ),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Demand against supply on the same scope and basis; for a consumer, its import need.

        The ``X-Source-Ids`` header names the sources of the rows read.
        """
        from trust_minerals.outlook.results import balance_result

        if consumer is not None and country is not None:
            raise Problem(422, "Invalid parameter", "give consumer or country, not both")
        who = consumer if consumer is not None else country
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
