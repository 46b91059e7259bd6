"""Dashboard pages: server-rendered (jinja2) with Plotly figures rendered by the bundled plotly.js.

Each page calls the library (one profile or table function) and formats the result; nothing is
loaded from a CDN: plotly.js is a bundle vendored in the package (``static/vendor``, only the trace
types the pages draw; see its README) and the map is the bundled Natural Earth GeoJSON. Static files
are served with versioned URLs, year-long cache headers and gzip (:mod:`trust_minerals.server.assets`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from trust_minerals._extras import require
from trust_minerals.countries import resolve_consumer
from trust_minerals.geo import VIEW_SOURCES, WORLDVIEWS
from trust_minerals.labels import group_labels
from trust_minerals.report import fmt
from trust_minerals.report.fmt import Labels
from trust_minerals.server.assets import Asset, file_asset
from trust_minerals.server.problems import Problem
from trust_minerals.server.security import check_not_path_like
from trust_minerals.server.state import AppState, records, state_of
from trust_minerals.web import charts

#: URL name -> (file under ``web/static``, media type)
STATIC_FILES = {
    "app.js": ("app.js", "text/javascript"),
    "scenarios.js": ("scenarios.js", "text/javascript"),
    "style.css": ("style.css", "text/css"),
    "plotly-trust.min.js": ("vendor/plotly-trust.min.js", "text/javascript"),
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
    env.filters["pct"] = fmt.share
    env.filters["num"] = fmt.number
    env.filters["year"] = fmt.year
    env.filters["hhi"] = fmt.hhi
    env.filters["wgi"] = fmt.wgi
    env.filters["tojson_safe"] = _script_json
    env.filters["breakable"] = breakable
    env.globals["column_heads"] = column_heads
    env.globals["asset_url"] = asset_url
    return env


def static_asset(name: str) -> Asset:
    """The static file served at ``/static/<name>`` (read, hashed and compressed once)."""
    if name not in STATIC_FILES:
        raise Problem(404, "Not found", f"no static file {name!r}")
    file, media_type = STATIC_FILES[name]
    path = Path(str(resources.files("trust_minerals.web").joinpath("static", file)))
    return file_asset(f"/static/{name}", path, media_type)


def asset_url(name: str) -> str:
    """The versioned URL of the static file ``name`` (``/static/app.js?v=<hash>``)."""
    return static_asset(name).url


def _script_json(value: Any) -> Any:
    """JSON safe to place inside a ``<script>`` element (no ``<``, ``>`` or ``&`` left raw)."""
    from markupsafe import Markup

    text = json.dumps(value, allow_nan=False, default=_json_default)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def breakable(text: Any) -> Any:
    """``text`` escaped, with a line-break opportunity (``<wbr>``) after each ``_``, ``/`` and ``;``.

    Table cells wrap only between words (never inside one); an id such as
    ``spent_li_ion_batteries``, a period ``2024-10/2025-02`` or a list of source rows
    ``a.csv:3;a.csv:4`` may then wrap at its separators instead of widening its column. The text
    itself (and what a download holds) is unchanged.

    >>> str(breakable("spent_li_ion<b>;a.csv:3"))
    'spent_<wbr>li_<wbr>ion&lt;b&gt;;<wbr>a.csv:3'
    """
    from markupsafe import Markup, escape

    marked = re.sub(r"([_/;])", "\\1\x00", str(text).replace("\x00", ""))  # \x00: a break
    return Markup(str(escape(marked)).replace("\x00", "<wbr>"))


@dataclass(frozen=True)
class ColumnHead:
    """A table header: the column id, the text shown and its tooltip (empty for none)."""

    name: str
    text: str
    title: str
    numeric: bool = False


_RANGE_END = re.compile(r"^(?P<stem>.+)_(?P<end>low|high)(?P<unit>_[a-z]+)?$")


def column_heads(
    labels: Labels, columns: list[str], rows: list[dict[str, Any]] | None = None
) -> list[ColumnHead]:
    """The headers of a table with ``columns``: each column's label and help (its unit or scale);
    a range's ends that follow their central column (``contained_t``, ``contained_low_t``,
    ``contained_high_t``) are headed ``low`` and ``high``, with the full label in the tooltip, so
    that a table of ranges fits the window without splitting words.

    A column is ``numeric`` (its cells, missing marks included, align right) where its kind in
    ``labels.csv`` is a number kind or, for a column without a label, any of ``rows`` holds a
    number there.

    >>> [h.text for h in column_heads(Labels(), ["stream", "contained_t", "contained_low_t",
    ...                                          "contained_high_t", "demand_low_t"])]
    ['Stream', 'Contained t', 'low', 'high', 'Demand low t']
    """
    heads = []
    for i, c in enumerate(columns):
        text, title = labels.header(c), labels.help(c)
        m = _RANGE_END.match(c)
        if (
            m
            and i
            and columns[i - 1]
            in {
                m["stem"] + (m["unit"] or ""),
                f"{m['stem']}_low{m['unit'] or ''}",
            }
        ):
            title = "; ".join(p for p in (text, title) if p)
            text = m["end"]
        heads.append(ColumnHead(c, text, title, _is_numeric(labels, c, rows or [])))
    return heads


def _is_numeric(labels: Labels, column: str, rows: list[dict[str, Any]]) -> bool:
    values = [r.get(column) for r in rows]
    if labels.is_numeric(column):  # unless this table holds text there (a backtest quantity)
        return not any(isinstance(v, str) for v in values)
    if column in fmt.column_labels():  # a labelled text, bool, country ... column
        return False
    return any(_is_number(v) for v in values)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and not fmt.is_missing(value)
    )


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(type(value).__name__)


def labels_of(st: AppState) -> Labels:
    """Country and commodity names of the app's dataset, with the column labels (cached)."""
    return st.cached(("labels",), lambda: Labels.from_dataset(st.ds))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Citation:
    """Where a source line stands on a page: its number and whether this is its first use."""

    number: int
    first: bool


class PageSources:
    """The distinct source lines of one rendered page, numbered in the order they first appear.

    The table and chart macros print a source line in full the first time the page shows it and a
    link back to it afterwards, so blocks computed from the same sources do not repeat the line.

    Examples
    --------
    >>> sources = PageSources()
    >>> sources.cite("Source: USGS"), sources.cite("Source: BACI"), sources.cite("Source: USGS")
    (Citation(number=1, first=True), Citation(number=2, first=True), Citation(number=1, first=False))
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, text: str) -> Citation:
        """The citation of ``text`` (a new number the first time, the same number after)."""
        number = self._numbers.get(text)
        if number is not None:
            return Citation(number, first=False)
        number = self._numbers[text] = len(self._numbers) + 1
        return Citation(number, first=True)


def render(name: str, **context: Any) -> HTMLResponse:
    """Render the template ``name`` with the navigation and ``context``.

    ``labels`` (a :class:`~trust_minerals.report.fmt.Labels`) names countries, commodities and
    columns in tables; without it codes and column names are shown as they are. Each render gets
    its own :class:`PageSources`, so a source line is printed once per page.
    """
    context.setdefault("labels", Labels())
    html = _env().get_template(name).render(nav=NAV, page_sources=PageSources(), **context)
    return HTMLResponse(html)


def _safe(name: str, value: str) -> str:
    check_not_path_like(name, value)
    return value


@cache
def map_countries() -> list[str]:
    """ISO3 codes of every country on the map."""
    from trust_minerals.geo import countries

    return [c.iso3 for c in countries("natural_earth")]


@cache
def geojson_asset(view: str) -> Asset:
    """The countries GeoJSON of ``view`` as a static asset (built, hashed and compressed once)."""
    from trust_minerals.geo import countries_geojson

    return Asset.from_bytes(
        charts.geojson_url(view), countries_geojson(view), "application/geo+json"
    )


def web_router() -> APIRouter:
    from trust_minerals.web import pages_technologies, pages_work

    router = APIRouter(include_in_schema=False)

    @router.get("/static/countries.geojson")
    def countries_geojson(request: Request) -> Response:
        return geojson_asset("natural_earth").response(request)

    @router.get("/static/countries-{view}.geojson")
    def countries_geojson_view(view: str, request: Request) -> Response:
        if view not in WORLDVIEWS:
            raise Problem(
                404, "Not found", f"no worldview {view!r}; choose {', '.join(WORLDVIEWS)}"
            )
        return geojson_asset(view).response(request)

    @router.get("/static/{name}")
    def static(name: str, request: Request) -> Response:
        return static_asset(name).response(request)

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
            labels=labels_of(st),
            charts=False,
            title="Critical minerals overview",
            rows=records(table),
            has_scores=result.has_scores,
            score_note=result.score_note,
            partners=partners,
            partner_sets=PARTNER_SETS,
            stages=sorted({s for s in table["stage"] if s}),
            year=int(table["year"].max()) if len(table) else year,
            source=charts.source_line(st.ds.sources, set(result.source_ids)),
            notes=result.notes,
        )

    @router.get("/commodity/{commodity}", response_class=HTMLResponse)
    def commodity_page(
        commodity: str,
        consumer: str = Query("IND", max_length=80),
        view: str | None = Query(None, pattern="^(natural_earth|india)$"),
        st: AppState = Depends(state_of),
    ) -> HTMLResponse:
        from trust_minerals.report.profile import commodity_profile

        _safe("commodity", commodity)
        _safe("consumer", consumer)
        profile = st.cached(("profile", commodity), lambda: commodity_profile(st.ds, commodity))
        view = view or map_view(st, consumer)
        return render(
            "commodity.html",
            labels=labels_of(st),
            title=profile.name,
            p=profile,
            figures=commodity_figures(
                profile, view=view, labels=labels_of(st), sources=st.ds.sources
            ),
            records=records,
            consumer=consumer,
            view=view,
            worldviews=WORLDVIEWS,
            part_sources=_part_sources(st, profile.part_sources),
        )

    @router.get("/commodity/{commodity}/brief")
    def brief_download(
        commodity: str,
        consumer: str = Query("IND", max_length=32),
        format: str = Query("html", pattern="^(html|pdf)$"),
        view: str | None = Query(None, pattern="^(natural_earth|india)$"),
        st: AppState = Depends(state_of),
    ) -> Response:
        from trust_minerals.report.brief import brief_html, html_to_pdf

        _safe("commodity", commodity)
        _safe("consumer", consumer)
        html = st.cached(
            ("brief", commodity, consumer, view),
            lambda: brief_html(st.ds, commodity, consumer=consumer, view=view),
        )
        name = f"trust-brief-{commodity}-{consumer}.{format}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if format == "pdf":
            return Response(html_to_pdf(html), media_type="application/pdf", headers=headers)
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    @router.get("/commodity/{commodity}/trends", response_class=HTMLResponse)
    def trends_page(
        commodity: str,
        consumer: str = Query("IND", max_length=80),
        stage: str | None = Query(None, max_length=32),
        st: AppState = Depends(state_of),
    ) -> HTMLResponse:
        from trust_minerals.trends import commodity_trends
        from trust_minerals.web.trends import trend_figures

        _safe("commodity", commodity)
        _safe("consumer", consumer)
        if stage:
            _safe("stage", stage)
        t = st.cached(
            ("trends", commodity, consumer, stage or None),
            lambda: commodity_trends(st.ds, commodity, consumer, stage=stage or None),
        )
        labels = labels_of(st)
        sources = {
            part: charts.source_line(st.ds.sources, set(t.source_ids.get(part, ())))
            for part in ("concentration", "imports", "events")
        }
        conc = t.concentration

        def years(source: str) -> str:
            y = conc.loc[conc["source"] == source, "year"]
            return f"{int(y.min())}–{int(y.max())}" if len(y) else "no data"

        return render(
            "trends.html",
            labels=labels,
            title=f"{labels.commodity(commodity)}: trends",
            commodity=commodity,
            consumer=consumer,
            figures=trend_figures(t, labels, sources),
            events=records(t.events),
            concentration=records(conc),
            stage=stage or "",
            imports=records(t.import_sources),
            import_stages=records(t.import_stages),
            usgs_years=years("USGS"),
            wmd_years=years("WMD"),
            sources=sources,
        )

    @router.get("/country/{country}/brief")
    def country_brief_download(
        country: str,
        format: str = Query("html", pattern="^(html|pdf)$"),
        st: AppState = Depends(state_of),
    ) -> Response:
        from trust_minerals.report.brief import html_to_pdf
        from trust_minerals.report.country_brief import country_brief_html

        _safe("country", country)
        html = st.cached(("country_brief", country), lambda: country_brief_html(st.ds, country))
        name = f"trust-country-brief-{country}.{format}"
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
        labels = labels_of(st)
        fig = charts.bar(
            [
                f"{labels.commodity(c)} ({s}{', ' + f if f else ''})"
                for c, s, f in zip(
                    profile.production["commodity"],
                    profile.production["stage"],
                    profile.production["form"].fillna(""),
                    strict=True,
                )
            ][:15],
            profile.production["share"].tolist()[:15],
            title=f"{profile.name}: share of world production (latest year)",
            source=source,
        )
        return render(
            "country.html",
            labels=labels_of(st),
            title=profile.name,
            p=profile,
            figures={"shares": fig},
            records=records,
            source=source,
            part_sources=_part_sources(st, profile.part_sources),
        )

    pages_work.register(router)
    pages_technologies.register(router)
    return router


def _part_sources(st: AppState, parts: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each part's source line, from the source ids the result gives it."""
    return {k: charts.source_line(st.ds.sources, set(ids)) for k, ids in parts.items()}


def map_view(st: AppState, consumer: str) -> str:
    """The default worldview of a page for ``consumer``: India's official view for India."""
    from trust_minerals.geo import default_view

    members = st.cached(("consumer", consumer), lambda: resolve_consumer(st.ds, consumer).members)
    return default_view(members)


def commodity_figures(
    p: Any,
    *,
    view: str = "natural_earth",
    labels: Labels | None = None,
    sources: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Figures of the commodity page (maps per stage, top producers, reserves, Sankey)."""
    labels = labels or Labels()
    figs: dict[str, Any] = {}
    prod_sources = set(p.production["source_id"]) if len(p.production) else set()
    map_sources = p.sources if sources is None else sources
    src = charts.source_line(map_sources, prod_sources | set(VIEW_SOURCES[view]))
    for stage in p.stages:
        rows = p.production[p.production["stage"] == stage]
        year = int(rows["year"].max()) if len(rows) else p.year  # an IEA stage keeps its year
        figs[f"map_{stage}"] = charts.choropleth(
            rows,
            title=f"{p.name}: {stage} production share, {year}",
            source=src,
            base=map_countries(),
            view=view,
            names=dict(labels.countries),
        )
        top = p.top_producers(stage, 10)
        figs[f"top_{stage}"] = charts.bar(
            [labels.country(c) for c in top.index],
            top.tolist(),
            title=f"Top {stage} producers, {year}",
            source=charts.source_line(p.sources, prod_sources),
        )
    res = p.reserves
    if len(res):
        top_res = p.top_reserves(10)
        unit = str(res["unit"].iloc[0])
        figs["reserves"] = charts.bar(
            [labels.country(c) for c in top_res.index],
            top_res.tolist(),
            title=f"Reserves ({unit}), {fmt.year(res['year'].iloc[0])}",
            source=charts.source_line(p.sources, set(res["source_id"])),
            percent=False,
            axis=unit,
        )
    sankey = (
        charts.stage_sankey(
            p,
            names=dict(labels.countries),
            title=f"{p.name}: mine → refinery (stage shares, %)",
            source=charts.source_line(p.sources, prod_sources),
        )
        if len(p.production)
        else None
    )
    if sankey is not None:
        figs["sankey"] = sankey
    return figs
