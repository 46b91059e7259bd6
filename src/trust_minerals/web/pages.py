"""Dashboard pages: server-rendered (jinja2) with Plotly figures rendered by the bundled plotly.js.

Each page calls the library (one profile or table function) and formats the result; nothing is
loaded from a CDN: plotly.js is served from the installed ``plotly`` package and the map from the
bundled Natural Earth GeoJSON.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Query
from starlette.responses import FileResponse, HTMLResponse, Response

from trust_minerals._extras import require
from trust_minerals.labels import group_labels
from trust_minerals.server.problems import Problem
from trust_minerals.server.security import check_not_path_like
from trust_minerals.server.state import AppState, records, state_of
from trust_minerals.web import charts

STATIC_FILES = {
    "app.js": "text/javascript",
    "scenarios.js": "text/javascript",
    "style.css": "text/css",
}
PARTNER_SETS = group_labels()
SCORE_METHOD, SCORE_CONSUMER = "trust", "USA+IND"
NAV = [
    ("/", "Overview"),
    ("/scenarios", "Scenarios"),
    ("/backtest", "Backtest"),
    ("/sourcing", "Sourcing"),
    ("/outlook", "Outlook"),
    ("/technologies", "Technologies"),
]


@cache
def _env() -> Any:
    jinja2 = require("jinja2", "the dashboard pages")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            str(resources.files("trust_minerals.web").joinpath("templates"))
        ),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    env.filters["pct"] = _pct
    env.filters["num"] = _numfmt
    env.filters["tojson_safe"] = _script_json
    return env


def _script_json(value: Any) -> Any:
    """JSON safe to place inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left raw)."""
    from markupsafe import Markup

    text = json.dumps(value, allow_nan=False, default=_json_default)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(type(value).__name__)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _pct(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def _numfmt(value: Any) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def render(name: str, **context: Any) -> HTMLResponse:
    """Render the template ``name`` with the navigation and ``context``."""
    html = _env().get_template(name).render(nav=NAV, **context)
    return HTMLResponse(html)


def _safe(name: str, value: str) -> str:
    check_not_path_like(name, value)
    return value


@cache
def _plotly_js() -> Path:
    plotly = require("plotly", "the dashboard charts")
    path = Path(str(plotly.__file__)).parent / "package_data" / "plotly.min.js"
    if not path.exists():  # pragma: no cover - a broken plotly install
        raise Problem(503, "plotly.js missing", f"{path} is not installed")
    return path


@cache
def _countries_geojson() -> bytes:
    """The bundled Natural Earth countries, keyed by ISO3 (``ISO_A3_EH``, else ``ADM0_A3``), trimmed."""
    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "natural_earth", "ne_110m_admin_0_countries.geojson"
    )
    raw = json.loads(path.read_text(encoding="utf-8"))

    def rounded(coords: Any) -> Any:
        if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
            return [round(c, 2) for c in coords]
        return [rounded(c) for c in coords]

    features = []
    for f in raw["features"]:
        p = f["properties"]
        iso3 = p.get("ISO_A3_EH") if p.get("ISO_A3_EH") not in (None, "-99") else p.get("ADM0_A3")
        geom = {"type": f["geometry"]["type"], "coordinates": rounded(f["geometry"]["coordinates"])}
        features.append(
            {
                "type": "Feature",
                "id": iso3,
                "properties": {"iso3": iso3, "name": p.get("NAME")},
                "geometry": geom,
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode()


@cache
def map_countries() -> list[str]:
    """ISO3 codes of every country on the map."""
    return [f["id"] for f in json.loads(_countries_geojson())["features"]]


def web_router() -> APIRouter:
    from trust_minerals.web import pages_technologies, pages_work

    router = APIRouter(include_in_schema=False)

    @router.get("/static/plotly.min.js")
    def plotly_js() -> FileResponse:
        return FileResponse(
            _plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    @router.get("/static/countries.geojson")
    def countries_geojson() -> Response:
        return Response(
            _countries_geojson(),
            media_type="application/geo+json",
            headers={"Cache-Control": "max-age=86400"},
        )

    @router.get("/static/{name}")
    def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise Problem(404, "Not found", f"no static file {name!r}")
        path = Path(str(resources.files("trust_minerals.web").joinpath("static", name)))
        return FileResponse(path, media_type=STATIC_FILES[name])

    @router.get("/", response_class=HTMLResponse)
    def overview_page(
        year: int | None = Query(None, ge=1900, le=2100),
        partners: str = Query("msp"),
        st: AppState = Depends(state_of),
    ) -> HTMLResponse:
        from trust_minerals.overview import overview_with_exposure

        if partners not in PARTNER_SETS:
            raise Problem(
                404,
                "Unknown partner set",
                f"partners={partners!r}; choose one of {', '.join(PARTNER_SETS)}",
                field="partners",
            )
        result = st.cached(
            ("page_overview", year, partners),
            lambda: overview_with_exposure(
                st.ds,
                year=year,
                partners=partners,
                score_method=SCORE_METHOD,
                score_consumer=SCORE_CONSUMER,
            ),
        )
        table = result.table
        return render(
            "overview.html",
            charts=False,
            title="Critical minerals overview",
            rows=records(table),
            has_scores=result.has_scores,
            partners=partners,
            partner_sets=PARTNER_SETS,
            stages=sorted({s for s in table["stage"] if s}),
            year=int(table["year"].max()) if len(table) else year,
            source=charts.source_line(st.ds.sources, set(result.source_ids)),
            notes=result.notes,
        )

    @router.get("/commodity/{commodity}", response_class=HTMLResponse)
    def commodity_page(commodity: str, st: AppState = Depends(state_of)) -> HTMLResponse:
        from trust_minerals.report.profile import commodity_profile

        _safe("commodity", commodity)
        profile = st.cached(("profile", commodity), lambda: commodity_profile(st.ds, commodity))
        return render(
            "commodity.html",
            title=profile.name,
            p=profile,
            figures=commodity_figures(profile),
            records=records,
        )

    @router.get("/commodity/{commodity}/brief")
    def brief_download(
        commodity: str,
        consumer: str = Query("IND", max_length=32),
        format: str = Query("html", pattern="^(html|pdf)$"),
        st: AppState = Depends(state_of),
    ) -> Response:
        from trust_minerals.report.brief import brief_html, html_to_pdf

        _safe("commodity", commodity)
        _safe("consumer", consumer)
        html = st.cached(
            ("brief", commodity, consumer), lambda: brief_html(st.ds, commodity, consumer=consumer)
        )
        name = f"trust-brief-{commodity}-{consumer}.{format}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if format == "pdf":
            return Response(html_to_pdf(html), media_type="application/pdf", headers=headers)
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    @router.get("/country/{country}", response_class=HTMLResponse)
    def country_page(country: str, st: AppState = Depends(state_of)) -> HTMLResponse:
        from trust_minerals.report.profile import country_profile

        _safe("country", country)
        profile = st.cached(("country", country), lambda: country_profile(st.ds, country))
        source = charts.source_line(profile.sources, set(profile.sources["source_id"]))
        fig = charts.bar(
            profile.production["label"].tolist()[:15],
            profile.production["share"].tolist()[:15],
            title=f"{profile.name}: share of world production (latest year)",
            source=source,
        )
        return render(
            "country.html",
            title=profile.name,
            p=profile,
            figures={"shares": fig},
            records=records,
            source=source,
        )

    pages_work.register(router)
    pages_technologies.register(router)
    return router


def commodity_figures(p: Any) -> dict[str, Any]:
    """Figures of the commodity page (maps per stage, top producers, reserves, Sankey)."""
    figs: dict[str, Any] = {}
    prod_sources = set(p.production["source_id"]) if len(p.production) else set()
    src = charts.source_line(p.sources, prod_sources | {"natural_earth"})
    for stage in p.stages:
        rows = p.production[p.production["stage"] == stage]
        year = int(rows["year"].max()) if len(rows) else p.year  # an IEA stage keeps its year
        figs[f"map_{stage}"] = charts.choropleth(
            rows,
            title=f"{p.name}: {stage} production share, {year}",
            source=src,
            base=map_countries(),
        )
        top = p.top_producers(stage, 10)
        figs[f"top_{stage}"] = charts.bar(
            top.index.tolist(),
            top.tolist(),
            title=f"Top {stage} producers, {year}",
            source=charts.source_line(p.sources, prod_sources),
        )
    res = p.reserves
    if len(res):
        top_res = p.top_reserves(10)
        unit = str(res["unit"].iloc[0])
        figs["reserves"] = charts.bar(
            top_res.index.tolist(),
            top_res.tolist(),
            title=f"Reserves ({unit}), {int(res['year'].iloc[0])}",
            source=charts.source_line(p.sources, set(res["source_id"])),
            percent=False,
            axis=unit,
        )
    sankey = (
        charts.stage_sankey(
            p,
            title=f"{p.name}: mine → refinery (stage shares, %)",
            source=charts.source_line(p.sources, prod_sources),
        )
        if len(p.production)
        else None
    )
    if sankey is not None:
        figs["sankey"] = sankey
    return figs
