"""The trend page of a commodity: figures over years with export-control events on the time axis.

Formatting only: :func:`trend_figures` turns a :class:`~trust_minerals.trends.CommodityTrends`
into Plotly figure specs (names from the country table, HHI on the 0–10,000 scale, shares in %).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from trust_minerals.report.fmt import Labels
from trust_minerals.trends import OTHER_EXPORTERS, CommodityTrends


def _event_marks(events: pd.DataFrame, labels: Labels) -> dict[str, list[dict[str, Any]]]:
    """Vertical dashed lines at each control's first year, labelled with the country and type."""
    shapes, notes = [], []
    for i, r in enumerate(events.to_dict(orient="records")):
        year = int(r["year"])
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": year,
                "x1": year,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#c53030", "width": 1.5, "dash": "dash"},
            }
        )
        notes.append(
            {
                "x": year,
                "xref": "x",
                "yref": "paper",
                "y": 1 - 0.09 * (i % 4),
                "yanchor": "top",
                "xanchor": "left",
                "text": f"{labels.country(r['country'])}: {str(r['control_type']).lower()}",
                "showarrow": False,
                "font": {"size": 10, "color": "#c53030"},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    return {"shapes": shapes, "annotations": notes}


def _layout(title: str, yaxis: str, marks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "xaxis": {"title": {"text": "year"}, "dtick": 1, "tickformat": "d"},
        "yaxis": {"title": {"text": yaxis}},
        "margin": {"l": 60, "r": 10, "t": 36, "b": 40},
        "height": 340,
        "legend": {"orientation": "h", "y": -0.2},
        **marks,
        **extra,
    }


def trend_figures(t: CommodityTrends, labels: Labels, sources: dict[str, str]) -> dict[str, Any]:
    """Figures of the trend page: top share, HHI, and the consumer's import sources by year, one
    figure per stage (``trend_imports_<stage>``) with its basis under it."""
    figs: dict[str, Any] = {}
    marks = _event_marks(t.events, labels)
    name = labels.commodity(t.commodity)
    if len(t.concentration):
        share_lines, hhi_lines = [], []
        for series, g in t.concentration.groupby("series", sort=False):
            g = g.sort_values("year")
            share_lines.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": str(series),
                    "x": g["year"].tolist(),
                    "y": [None if pd.isna(v) else round(float(v) * 100, 2) for v in g["top_share"]],
                    "text": [labels.country(c) for c in g["top_country"]],
                    "hovertemplate": "%{x}: %{text} %{y:.1f}%<extra>%{fullData.name}</extra>",
                }
            )
            hhi_lines.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": str(series),
                    "x": g["year"].tolist(),
                    "y": [None if pd.isna(v) else round(float(v) * 10_000) for v in g["hhi"]],
                }
            )
        figs["trend_share"] = {
            "data": share_lines,
            "layout": _layout(f"{name}: top producer's share of world output", "% of world", marks),
            "meta": {"source": sources["concentration"]},
        }
        figs["trend_hhi"] = {
            "data": hhi_lines,
            "layout": _layout(
                f"{name}: concentration (HHI, 0–10,000; 10,000 = one producer)", "HHI", marks
            ),
            "meta": {"source": sources["concentration"]},
        }
    for stage, rows in t.import_sources.groupby("stage", sort=False):
        bars = []
        order = [e for e in dict.fromkeys(rows["exporter"]) if e != OTHER_EXPORTERS]
        for exporter in [*order, OTHER_EXPORTERS]:
            g = rows[rows["exporter"] == exporter]
            if g.empty:
                continue
            bars.append(
                {
                    "type": "bar",
                    "name": labels.country(exporter),
                    "x": g["year"].tolist(),
                    "y": [None if pd.isna(v) else round(float(v) * 100, 2) for v in g["share"]],
                }
            )
        basis = str(rows["basis"].iloc[0])
        figs[f"trend_imports_{stage}"] = {
            "data": bars,
            "layout": _layout(
                f"{labels.consumer(t.consumer)}: import sources of {name.lower()}, "
                f"{stage} forms, by year",
                f"% of {stage}-stage import value",
                marks,
                barmode="stack",
            ),
            "meta": {"source": f"{sources['imports']} Basis: {basis}."},
        }
    return figs
