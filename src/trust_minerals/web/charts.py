"""Plotly figure specs (plain dicts, rendered in the browser by the bundled plotly.js).

Formatting only: each function turns rows that a library function returned into a figure. Every
figure carries a ``meta.source`` line (source and vintage) that the page prints under the chart.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from trust_minerals.report.fmt import Labels

if TYPE_CHECKING:
    from trust_minerals.report.profile import CommodityProfile

#: the plotly trace types the dashboard draws: exactly those in the vendored bundle
#: (static/vendor/plotly-trust.min.js, built from scripts/plotly_bundle/entry.js); a chart of another
#: type needs the bundle rebuilt (see static/vendor/README.md)
TRACE_TYPES = frozenset({"scatter", "bar", "histogram", "choropleth", "sankey", "sunburst"})
GEOJSON_URL = "/static/countries.geojson"
FEATURE_ID = "properties.iso3"


def geojson_url(view: str) -> str:
    """URL of the countries GeoJSON in ``view`` (Natural Earth's keeps the plain name)."""
    return GEOJSON_URL if view == "natural_earth" else f"/static/countries-{view}.geojson"


def source_line(sources: pd.DataFrame, ids: set[str] | list[str]) -> str:
    """``Source: <title> (<publisher>, <year>); ...`` for the given source ids, in the table's order."""
    rows = sources[sources["source_id"].isin(list(ids))]
    parts = []
    for r in rows.to_dict(orient="records"):
        y: Any = r["year"]
        year = "" if y is None or pd.isna(y) else f", {int(y)}"
        parts.append(f"{r['title']} ({r['publisher']}{year}) [{r['source_id']}]")
    missing = sorted(set(ids) - set(rows["source_id"]))
    parts.extend(f"[{m}]" for m in missing)
    return "Source: " + "; ".join(parts) if parts else "Source: not recorded"


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def choropleth(
    rows: pd.DataFrame,
    *,
    value: str = "share",
    title: str,
    source: str,
    base: list[str] | None = None,
    view: str = "natural_earth",
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """World map of ``value`` by ISO3 ``country`` (aggregate rows and missing values left out).

    ``base`` lists every country of the map, drawn in grey beneath the data ("no data"); ``view``
    is the worldview of the boundaries (:mod:`trust_minerals.geo`), named on the map.
    """
    from trust_minerals.geo import view_label

    geojson = geojson_url(view)
    named = (
        rows[~rows["is_aggregate"]]
        if "is_aggregate" in rows
        else rows[rows["country"].str.fullmatch(r"[A-Z]{3}")]
    )
    named = named[named[value].notna()] if value in named else named.iloc[0:0]
    return {
        "data": [
            {
                "type": "choropleth",
                "geojson": geojson,
                "featureidkey": FEATURE_ID,
                "locations": list(base or []),
                "z": [0] * len(base or []),
                "colorscale": [[0, "#e2e8f0"], [1, "#e2e8f0"]],
                "showscale": False,
                "hoverinfo": "skip",
                "marker": {"line": {"color": "#a0aec0", "width": 0.3}},
            },
            {
                "type": "choropleth",
                "geojson": geojson,
                "featureidkey": FEATURE_ID,
                "locations": named["country"].tolist(),
                "z": [round(float(v) * 100, 2) for v in named[value]],
                "text": [(names or {}).get(c, c) for c in named["country"]],
                "colorscale": "YlOrRd",
                "reversescale": True,
                "zmin": 0,
                "colorbar": {"title": {"text": "% of world"}, "thickness": 12},
                "hovertemplate": "%{text}: %{z:.1f}%<extra></extra>",
                "marker": {"line": {"color": "#777", "width": 0.4}},
            },
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "geo": {
                "fitbounds": False,
                "projection": {"type": "natural earth"},
                "showframe": False,
                "showcoastlines": False,
                "showland": False,
                "showcountries": False,
                "showocean": False,
                "showlakes": False,
                "lataxis": {"range": [-58, 85]},
            },
            "margin": {"l": 0, "r": 0, "t": 36, "b": 18},
            "height": 360,
            "annotations": [
                {
                    "text": view_label(view),
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": -0.04,
                    "xanchor": "left",
                    "font": {"size": 10, "color": "#4a5568"},
                }
            ],
        },
        "meta": {"source": source, "view": view},
    }


def bar(
    labels: list[str],
    values: list[Any],
    *,
    title: str,
    source: str,
    percent: bool = True,
    axis: str = "",
) -> dict[str, Any]:
    """Horizontal bar chart (largest first); ``values`` that are missing are shown as gaps."""
    vals = [_num(v) for v in values]
    if percent:
        vals = [None if v is None else round(v * 100, 2) for v in vals]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels[::-1],
                "x": vals[::-1],
                "marker": {"color": "#2b6cb0"},
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "xaxis": {"title": {"text": axis or ("% of world" if percent else "")}},
            "margin": {"l": 120, "r": 10, "t": 36, "b": 40},
            "height": max(220, 28 * len(labels) + 80),
        },
        "meta": {"source": source},
    }


def lines(
    series: dict[str, tuple[list[Any], list[Any]]],
    *,
    title: str,
    source: str,
    xaxis: str = "",
    yaxis: str = "",
) -> dict[str, Any]:
    """Line chart: ``name -> (x, y)``."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": n,
            "x": list(x),
            "y": [_num(v) for v in y],
        }
        for n, (x, y) in series.items()
    ]
    return {
        "data": data,
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "xaxis": {"title": {"text": xaxis}},
            "yaxis": {"title": {"text": yaxis}},
            "margin": {"l": 60, "r": 10, "t": 36, "b": 40},
            "height": 320,
        },
        "meta": {"source": source},
    }


def histogram(values: list[float], *, title: str, source: str, xaxis: str = "") -> dict[str, Any]:
    return {
        "data": [{"type": "histogram", "x": values, "marker": {"color": "#c05621"}}],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "xaxis": {"title": {"text": xaxis}},
            "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
            "height": 300,
        },
        "meta": {"source": source},
    }


def stage_sankey(
    profile: CommodityProfile,
    *,
    upstream: str = "mine",
    downstream: str = "refinery",
    top: int = 6,
    title: str,
    source: str,
    names: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    """Sankey of stage shares: top ``upstream`` producers → stage → stage → top ``downstream`` producers.

    No bilateral ore flows are published with production, so the middle link joins the two world
    stages; the outer links are each country's share of its stage. ``None`` when either stage is
    missing.
    """
    stages = set(profile.production["stage"])
    if upstream not in stages or downstream not in stages:
        return None
    labels: list[str] = []
    src: list[int] = []
    dst: list[int] = []
    val: list[float] = []

    def node(label: str) -> int:
        if label not in labels:
            labels.append(label)
        return labels.index(label)

    up_node = node(f"world {upstream}")
    down_node = node(f"world {downstream}")
    for stage, is_up in ((upstream, True), (downstream, False)):
        named = profile.top_producers(stage, top)
        rest = profile.listed_share(stage) - float(named.sum())
        parts = [
            (f"{(names or {}).get(str(c), str(c))} ({stage})", float(s)) for c, s in named.items()
        ]
        if rest > 1e-9:
            parts.append((f"others ({stage})", rest))
        for label, share in parts:
            if is_up:
                src.append(node(label))
                dst.append(up_node)
            else:
                src.append(down_node)
                dst.append(node(label))
            val.append(round(share * 100, 2))
    src.append(up_node)
    dst.append(down_node)
    val.append(100.0)
    return {
        "data": [
            {
                "type": "sankey",
                "node": {"label": labels, "pad": 12},
                "link": {"source": src, "target": dst, "value": val},
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
            "height": 380,
        },
        "meta": {"source": source},
    }


def grouped_bar(
    labels: list[str],
    series: dict[str, list[Any]],
    *,
    title: str,
    source: str,
    percent: bool = True,
    axis: str = "",
) -> dict[str, Any]:
    """Vertical bars, one group per label and one bar per series (``name -> values``).

    Missing values are gaps, never zero.
    """
    data = []
    for name, values in series.items():
        vals = [_num(v) for v in values]
        if percent:
            vals = [None if v is None else round(v * 100, 2) for v in vals]
        data.append({"type": "bar", "name": name, "x": list(labels), "y": vals})
    return {
        "data": data,
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "barmode": "group",
            "yaxis": {"title": {"text": axis or ("%" if percent else "")}},
            "margin": {"l": 60, "r": 10, "t": 36, "b": 60},
            "height": 340,
        },
        "meta": {"source": source},
    }


def observed_vs_model(rows: list[dict[str, Any]], *, source: str) -> dict[str, Any]:
    """Scatter of observed against model figures (one marker per observation), with the
    line of equality and the factor-of-2 band."""
    xs = [_num(r.get("observed")) for r in rows]
    ys = [_num(r.get("model")) for r in rows]
    known = [v for v in xs + ys if v is not None]
    lo, hi = (min(known + [0.0]), max(known + [1.0])) if known else (0.0, 1.0)
    guide = [lo, hi]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": "observation",
                "x": xs,
                "y": ys,
                "text": [
                    f"{r.get('id')} ({Labels().value_label('quantity', str(r.get('quantity')))})"
                    for r in rows
                ],
                "marker": {"size": 9, "color": "#2b6cb0"},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "model = observed",
                "x": guide,
                "y": guide,
                "line": {"color": "#444", "dash": "dot"},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "factor 2",
                "x": [0, hi],
                "y": [0, 2 * hi],
                "line": {"color": "#bbb", "dash": "dash"},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "factor 1/2",
                "x": [0, hi],
                "y": [0, hi / 2],
                "line": {"color": "#bbb", "dash": "dash"},
                "showlegend": False,
            },
        ],
        "layout": {
            "title": {"text": "Model against observation (comparable rows)", "font": {"size": 14}},
            "xaxis": {"title": {"text": "observed"}},
            "yaxis": {"title": {"text": "model"}},
            "height": 380,
            "margin": {"l": 60, "r": 10, "t": 36, "b": 50},
        },
        "meta": {"source": source},
    }
