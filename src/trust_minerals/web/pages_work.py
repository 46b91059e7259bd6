"""Dashboard pages over the analysis packages: scenario builder, sourcing, outlook.

The scenario builder runs scenarios and Monte Carlo jobs through the API (POST, with the API key
that ``trust serve`` prints); sourcing and outlook pages render library tables server-side. The
sourcing page's optimiser is a bounded, read-only GET computed on the server
(:mod:`trust_minerals.web.sourcing`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse

from trust_minerals.errors import TrustMineralsError
from trust_minerals.server.problems import Problem
from trust_minerals.server.security import check_not_path_like
from trust_minerals.server.state import AppState, records, state_of
from trust_minerals.web import charts, sourcing


def _try(compute: Any) -> tuple[Any, str | None]:
    """``(value, None)``, or ``(None, message)`` where the library refuses (e.g. no data)."""
    try:
        return compute(), None
    except TrustMineralsError as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _page_max_draws(st: AppState) -> int:
    return min(st.settings.max_draws, sourcing.PAGE_MAX_DRAWS)


def _shared(params: dict[str, list[str]], name: str, default: str, max_length: int) -> str:
    """``commodity`` / ``consumer``, shared by the optimiser form and the screen (path-like → 400)."""
    values = params.get(name) or []
    value = values[-1].strip() if values and values[-1].strip() else default
    value = value[:max_length]
    check_not_path_like(name, value)
    return value


def register(router: APIRouter) -> None:
    from trust_minerals.web.pages import labels_of, render

    @router.get("/scenarios", response_class=HTMLResponse)
    def scenarios_page(st: AppState = Depends(state_of)) -> HTMLResponse:
        def presets() -> pd.DataFrame:
            from trust_minerals.simulate.presets import scenarios_table

            return scenarios_table(st.ds)

        table, error = _try(lambda: st.cached(("page_presets",), presets))
        rows = records(table) if table is not None else []
        return render(
            "scenarios.html",
            labels=labels_of(st),
            title="Scenario builder",
            presets=rows,
            error=error,
            max_draws=st.settings.max_draws,
            source=charts.source_line(
                st.ds.sources,
                set(table["source_id"].dropna()) if table is not None else set(),
            ),
        )

    @router.get("/sourcing", response_class=HTMLResponse)
    def sourcing_page(request: Request, st: AppState = Depends(state_of)) -> HTMLResponse:
        """Optimiser form (portfolio, summary, frontier), asset screen, US-India complementarity.

        Every query parameter is parsed and bounded by :func:`sourcing.parse_sourcing_form`; the
        optimisation runs only when ``demand`` is given.
        """
        from trust_minerals.optimize.spec import parameters

        params = {k: request.query_params.getlist(k) for k in request.query_params}
        commodity = _shared(params, "commodity", "lithium", 64)
        consumer = _shared(params, "consumer", "IND", 80)
        status_code, problem, opt = 200, None, None
        values = sourcing.form_values(params, max_draws=_page_max_draws(st))
        try:
            form = sourcing.parse_sourcing_form(params, max_draws=_page_max_draws(st))
            if form.demand is not None:
                gate = sourcing.gate_of(
                    request.app.state, st.settings.rate_limit, st.settings.rate_window_s
                )
                client = request.client.host if request.client else "unknown"
                run = st.cached(
                    form.key(),
                    lambda: gate.run(client, lambda: sourcing.run_sourcing(st.ds, form)),
                )
                opt = sourcing.page_context(st.ds, run)
        except (Problem, TrustMineralsError) as exc:  # shown on the page, never a stack trace
            problem = sourcing.problem_of(exc)
            status_code = problem.status

        def screen() -> Any:
            from trust_minerals.optimize.screen import screen_assets

            return screen_assets(st.ds, commodity, consumer=consumer)

        def complement() -> Any:
            from trust_minerals.optimize.complement import complementarity

            return complementarity(st.ds, ("USA", "IND"))

        screened, screen_error = _try(
            lambda: st.cached(("page_screen", commodity, consumer), screen)
        )
        comp, comp_error = _try(lambda: st.cached(("page_complement",), complement))
        ranking = screened.ranking.head(15) if screened is not None else pd.DataFrame()
        screen_ids = set(screened.source_ids) if screened is not None else set()
        fig = None
        if len(ranking) and "country" in ranking and "score" in ranking:
            labels = labels_of(st)
            fig = charts.bar(
                [labels.country(c) for c in ranking["country"]],
                ranking["score"].tolist(),
                title=(
                    f"Overseas-asset screen for {labels.commodity(commodity)}"
                    f" (for {labels.consumer(consumer)})"
                ),
                source=charts.source_line(st.ds.sources, screen_ids),
                percent=False,
                axis="score",
            )
        from trust_minerals.schema import vocabulary

        response = render(
            "sourcing.html",
            labels=labels_of(st),
            title="Sourcing",
            commodity=commodity,
            consumer=consumer,
            values=values,
            opt=opt,
            problem=problem,
            crma_share=parameters()["eu_crma_max_supplier_share"],
            crma_source=charts.source_line(st.ds.sources, set(sourcing.CRMA_SOURCE_IDS)),
            stages=vocabulary("stage"),
            partner_choices=sourcing.PARTNER_CHOICES,
            countries=st.ds.country_ids(),
            share_cols=sourcing.SHARE_COLUMNS,
            commodities=st.ds.commodity_ids(),
            ranking=records(ranking),
            ranking_cols=[c for c in ranking.columns if c not in ("explanation",)][:10]
            if len(ranking)
            else [],
            screen_error=screen_error,
            screen_source=charts.source_line(st.ds.sources, screen_ids),
            complement=records(comp.opportunities.head(30)) if comp is not None else [],
            complement_cols=list(comp.opportunities.columns[:9]) if comp is not None else [],
            comp_error=comp_error,
            figures={"screen": fig},
            max_draws=_page_max_draws(st),
            max_points=sourcing.PAGE_MAX_POINTS,
        )
        response.status_code = status_code
        return response

    @router.get("/backtest", response_class=HTMLResponse)
    def backtest_page(st: AppState = Depends(state_of)) -> HTMLResponse:
        """Presets against the observed export-control episodes (``trust backtest``)."""

        def run() -> Any:
            from trust_minerals.simulate.backtest import backtest

            return backtest(st.ds)

        from trust_minerals.simulate.backtest import DISPLAY_COLUMNS

        result, error = _try(lambda: st.cached(("page_backtest",), run))
        figures: dict[str, Any] = {}
        table: list[dict[str, Any]] = []
        loo: list[dict[str, Any]] = []
        summary: dict[str, Any] = {}
        source = ""
        if result is not None:
            table = records(result.table)
            loo = records(result.leave_one_out_by_episode)
            summary = dict(result.summary)
            model = charts.source_line(st.ds.sources, set(result.source_ids))
            source = f"{model}; {result.observation_source}"
            figures["backtest"] = charts.observed_vs_model(
                records(result.table[result.table["comparable"]]), source=source
            )
        return render(
            "backtest.html",
            labels=labels_of(st),
            title="Backtest: scenarios against what happened",
            error=error,
            bt_rows=table,
            table_cols=list(DISPLAY_COLUMNS),
            loo=loo,
            loo_cols=list(result.leave_one_out_by_episode.columns) if result is not None else [],
            summary=summary,
            figures=figures,
            source=source,
        )

    @router.get("/outlook", response_class=HTMLResponse)
    def outlook_page(
        consumer: str = Query("IND", max_length=16),
        year: int = Query(2030, ge=2023, le=2050),
        scenario: str = Query("STEPS", max_length=8),
        st: AppState = Depends(state_of),
    ) -> HTMLResponse:
        check_not_path_like("consumer", consumer)
        check_not_path_like("scenario", scenario)

        from trust_minerals.outlook.results import balance_result, recovery_result

        rec, rec_error = _try(
            lambda: st.cached(("page_recovery", consumer), lambda: recovery_result(st.ds, consumer))
        )
        world, bal_error = _try(
            lambda: st.cached(
                ("page_balance", year, scenario),
                lambda: balance_result(st.ds, year=year, scenario=scenario),
            )
        )
        need, need_error = _try(
            lambda: st.cached(
                ("page_need", consumer, year, scenario),
                lambda: balance_result(st.ds, consumer=consumer, year=year, scenario=scenario),
            )
        )
        figures: dict[str, Any] = {}
        shown = [r for r in (rec, world, need) if r is not None]
        src = charts.source_line(st.ds.sources, {i for r in shown for i in r.source_ids})
        bal = world.table if world is not None else None
        if bal is not None and len(bal):
            b = bal[bal["comparison"] != "none"].dropna(subset=["demand_share_of_supply"])
            names = labels_of(st)
            b = b.assign(
                label=[
                    f"{names.commodity(c)} ({s})"
                    for c, s in zip(b["commodity"], b["stage"].astype(str), strict=True)
                ]
            )
            figures["balance"] = {
                "data": [
                    {
                        "type": "bar",
                        "name": "total demand against total supply",
                        "x": b.loc[b["comparison"] == "gap", "label"].tolist(),
                        "y": b.loc[b["comparison"] == "gap", "demand_share_of_supply"].tolist(),
                    },
                    {
                        "type": "bar",
                        "name": "clean-tech demand (or other scope) as a share of supply",
                        "x": b.loc[b["comparison"] == "share", "label"].tolist(),
                        "y": b.loc[b["comparison"] == "share", "demand_share_of_supply"].tolist(),
                    },
                ],
                "layout": {
                    "title": {
                        "text": f"World demand as a share of supply ({year}, IEA {scenario}); "
                        "1 = demand equals supply",
                        "font": {"size": 14},
                    },
                    "yaxis": {"type": "log", "title": {"text": "demand / supply"}},
                    "height": 380,
                    "margin": {"l": 60, "r": 10, "t": 36, "b": 110},
                },
                "meta": {"source": src},
            }
        return render(
            "outlook.html",
            labels=labels_of(st),
            title="Outlook: balance, import need and recovery",
            consumer=consumer,
            year=year,
            scenario=scenario,
            recovery=records(rec.table[list(rec.columns)]) if rec is not None else [],
            rec_cols=list(rec.columns) if rec is not None else [],
            rec_error=rec_error,
            balance=records(world.table[list(world.columns)]) if world is not None else [],
            bal_cols=list(world.columns) if world is not None else [],
            bal_error=bal_error,
            need=records(need.table[list(need.columns)]) if need is not None else [],
            need_cols=list(need.columns) if need is not None else [],
            need_error=need_error,
            figures=figures,
            source=src,
        )
