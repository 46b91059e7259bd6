"""Report routes: briefs (HTML or PDF), ``compare-lists`` and ``data check``.

Each endpoint calls one library function (the brief builders of :mod:`trust_minerals.report`,
:func:`~trust_minerals.metrics.criticality.validation.compare_with_lists` on a criticality
result, :func:`~trust_minerals.data.check.check_totals`) and returns its result.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from starlette.responses import Response

from trust_minerals.api.params import NAME_PATTERN
from trust_minerals.api.result_models import check_rows, list_comparison_rows
from trust_minerals.server.problems import problem_responses
from trust_minerals.server.state import AppState, json_response, records, state_of

ERRORS = problem_responses(404, 422)
BRIEF_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The brief (HTML page or PDF document)",
        "content": {"text/html": {}, "application/pdf": {}},
    }
}


def _brief_response(html: str, fmt: str, name: str) -> Response:
    from trust_minerals.report.brief import html_to_pdf

    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "pdf":
        return Response(html_to_pdf(html), media_type="application/pdf", headers=headers)
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


def register(router: APIRouter) -> None:
    @router.get(
        "/briefs/commodity/{commodity}",
        responses={**ERRORS, **BRIEF_CONTENT},
        response_class=Response,
        tags=["reports"],
    )
    def commodity_brief(
        commodity: str = Path(..., min_length=1, max_length=64, pattern=NAME_PATTERN),
        consumer: str = Query("IND", min_length=1, max_length=80, pattern=NAME_PATTERN),
        format: str = Query("html", pattern="^(html|pdf)$"),
        view: str | None = Query(None, pattern="^(natural_earth|india)$"),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Two-page brief on a commodity for a consumer: key messages, figures, sources."""
        from trust_minerals.report.brief import brief_html

        html = st.cached(
            ("brief", commodity, consumer, view),
            lambda: brief_html(st.ds, commodity, consumer=consumer, view=view),
        )
        return _brief_response(html, format, f"trust-brief-{commodity}-{consumer}")

    @router.get(
        "/briefs/country/{consumer}",
        responses={**ERRORS, **BRIEF_CONTENT},
        response_class=Response,
        tags=["reports"],
    )
    def country_brief(
        consumer: str = Path(..., min_length=1, max_length=80, pattern=NAME_PATTERN),
        format: str = Query("html", pattern="^(html|pdf)$"),
        st: AppState = Depends(state_of),
    ) -> Response:
        """One-page brief: the consumer's ten most exposed critical minerals."""
        from trust_minerals.report.country_brief import country_brief_html

        html = st.cached(("country_brief", consumer), lambda: country_brief_html(st.ds, consumer))
        return _brief_response(html, format, f"trust-country-brief-{consumer}")

    @router.get(
        "/compare-lists",
        response_model=list_comparison_rows(),
        responses=ERRORS,
        tags=["metrics"],
    )
    def compare_lists(
        method: str = Query(
            ...,
            min_length=1,
            max_length=32,
            pattern=NAME_PATTERN,
            description="eu, geopolrisk, usgs2022 or trust",
        ),
        consumer: str = Query("USA", min_length=1, max_length=80, pattern=NAME_PATTERN),
        year: int | None = Query(None, ge=1900, le=2100),
        st: AppState = Depends(state_of),
    ) -> Response:
        """A method's top-N against the US 2025, US 2022 and India 2023 lists (precision, recall)."""
        from trust_minerals.metrics.criticality import criticality
        from trust_minerals.metrics.criticality.validation import compare_with_lists

        def compute() -> list[dict[str, object]]:
            table = criticality(st.ds, method, consumer, year=year).table
            return records(compare_with_lists(table, st.ds))

        return json_response(st.cached(("compare_lists", method, consumer, year), compute))

    @router.get("/data/check", response_model=check_rows(), tags=["data"])
    def data_check(st: AppState = Depends(state_of)) -> Response:
        """World totals against the listed rows, with the kind of each difference."""
        from trust_minerals.data.check import check_totals

        return json_response(st.cached(("data_check",), lambda: records(check_totals(st.ds))))
