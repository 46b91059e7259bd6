"""GET endpoints over the dataset: names, tables, production, concentration, overview, status.

Every endpoint is read-only and calls one public library function; computed tables are cached
per parameters in the app state (the dataset never changes while the app runs).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from trust_minerals.api.models import (
    StatusReport,
    concentration_row_model,
    concentration_table_model,
    overview_row_model,
    production_row_model,
    row_model,
)
from trust_minerals.api.params import NAME_PATTERN
from trust_minerals.server.problems import problem_responses
from trust_minerals.server.state import AppState, json_bytes, records, state_of

_JSON = "application/json"
COMMODITY_Q = Query(
    ..., description="Commodity id, e.g. cobalt", min_length=1, max_length=64, pattern=NAME_PATTERN
)
STAGE_Q = Query(
    ...,
    description="mine, refinery, smelter, processing, metal or pigment",
    min_length=1,
    max_length=32,
    pattern=NAME_PATTERN,
)
MEASURES = ("production", "capacity", "reserves")


def _rows(model: Any) -> Any:
    """``list[model]`` for a model built at run time (from the table specs)."""
    return list[model]  # type: ignore[valid-type]


def _cached_json(st: AppState, key: tuple[Any, ...], compute: Any) -> Response:
    body = st.cached(key, lambda: json_bytes(compute()))
    return Response(body, media_type=_JSON)


def register(router: APIRouter) -> None:
    errs = problem_responses(404, 422)

    @router.get("/commodities", response_model=_rows(row_model("commodities")), tags=["data"])
    def commodities(st: AppState = Depends(state_of)) -> Response:
        """Every commodity: id, name, stages with data, list memberships."""
        return _cached_json(st, ("commodities",), lambda: records(st.ds.commodities))

    @router.get("/countries", response_model=_rows(row_model("countries")), tags=["data"])
    def countries(st: AppState = Depends(state_of)) -> Response:
        """Every country: ISO3, name, region, WGI governance, partner groups."""
        return _cached_json(st, ("countries",), lambda: records(st.ds.countries))

    @router.get("/sources", response_model=_rows(row_model("sources")), tags=["data"])
    def sources(st: AppState = Depends(state_of)) -> Response:
        """Every data source with its vintage, licence and citation."""
        return _cached_json(st, ("sources",), lambda: records(st.ds.sources))

    @router.get(
        "/export-controls",
        response_model=_rows(row_model("export_controls")),
        responses=errs,
        tags=["data"],
    )
    def export_controls(
        commodity: str | None = Query(None, min_length=1, max_length=64, pattern=NAME_PATTERN),
        country: str | None = Query(
            None,
            min_length=1,
            max_length=8,
            pattern=NAME_PATTERN,
            description="ISO3 of the controlling country",
        ),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Export controls in force (USGS MCS 2026 table T4), optionally for one commodity/country."""

        def compute() -> list[dict[str, Any]]:
            return records(st.ds.select(commodity=commodity, country=country).export_controls)

        return _cached_json(st, ("export_controls", commodity, country), compute)

    @router.get(
        "/reserves", response_model=_rows(row_model("reserves")), responses=errs, tags=["data"]
    )
    def reserves(commodity: str = COMMODITY_Q, st: AppState = Depends(state_of)) -> Response:
        """Reserve rows of one commodity (aggregates keep their names, withheld values their status)."""
        return _cached_json(
            st, ("reserves", commodity), lambda: records(st.ds.select(commodity=commodity).reserves)
        )

    @router.get(
        "/production", response_model=_rows(production_row_model()), responses=errs, tags=["data"]
    )
    def production(
        commodity: str = COMMODITY_Q,
        stage: str | None = Query(None, min_length=1, max_length=32, pattern=NAME_PATTERN),
        year: int | None = Query(None, ge=1900, le=2100),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Production rows with each country's share of the stage's world total."""
        from trust_minerals.production import production_table

        return _cached_json(
            st,
            ("production", commodity, stage, year),
            lambda: records(production_table(st.ds, commodity, stage=stage, year=year)),
        )

    @router.get(
        "/overview", response_model=_rows(overview_row_model()), responses=errs, tags=["metrics"]
    )
    def overview(
        year: int | None = Query(None, ge=1900, le=2100, description="Default: the latest year"),
        include_all: bool = Query(
            False, description="Every commodity, not only the US 2025 / India 2023 lists"
        ),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Concentration of every listed critical mineral, stage by stage."""
        from trust_minerals.overview import overview as _overview

        return _cached_json(
            st,
            ("overview", year, include_all),
            lambda: records(_overview(st.ds, year=year, include_all=include_all)),
        )

    @router.get(
        "/concentration", response_model=concentration_row_model(), responses=errs, tags=["metrics"]
    )
    def concentration(
        commodity: str = COMMODITY_Q,
        stage: str = STAGE_Q,
        year: int = Query(..., ge=1900, le=2100),
        measure: str = Query(
            "production",
            description="production, capacity or reserves",
            min_length=1,
            max_length=16,
        ),
        form: str | None = Query(
            None,
            min_length=1,
            max_length=64,
            pattern=NAME_PATTERN,
            description="Only where several forms are published",
        ),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Concentration (HHI lower/upper bound, top shares, coverage) of one commodity × stage × year."""
        from trust_minerals.metrics.concentration import concentration as _concentration

        def compute() -> dict[str, Any]:
            return _concentration(
                st.ds, commodity, stage, year, measure=measure, form=form
            ).to_row()

        return _cached_json(st, ("concentration", commodity, stage, year, measure, form), compute)

    @router.get(
        "/concentration/table",
        response_model=_rows(concentration_table_model()),
        responses=errs,
        tags=["metrics"],
    )
    def concentration_table(
        year: int | None = Query(None, ge=1900, le=2100),
        measure: str = Query("production", min_length=1, max_length=16, pattern=NAME_PATTERN),
        st: AppState = Depends(state_of),
    ) -> Response:
        """Concentration of every commodity × stage × form × year group of one measure."""
        from trust_minerals.metrics.concentration import concentration_table as _table

        return _cached_json(
            st,
            ("concentration_table", year, measure),
            lambda: records(_table(st.ds, year=year, measure=measure)),
        )

    @router.get("/status", response_model=StatusReport, tags=["data"])
    def status(st: AppState = Depends(state_of)) -> Response:
        """What the store holds: build metadata, rows per table, vintages, value statuses."""
        from trust_minerals.data.store import status as _status

        return _cached_json(
            st, ("status",), lambda: {k: records(v) for k, v in _status(st.db_path).items()}
        )
