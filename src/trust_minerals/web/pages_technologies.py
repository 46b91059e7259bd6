"""Dashboard page: TRUST technologies (sector -> technology -> commodity) coloured by exposure,
with a scenario selector.

The page calls :func:`trust_minerals.technologies.exposure.sector_exposure` and, when a preset is
chosen, :func:`trust_minerals.technologies.impact.sector_impact` on the preset's run; it formats
their tables and a sunburst (Plotly, bundled). Consumers and presets are chosen from fixed lists,
so every computation is bounded and cached.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Query
from starlette.responses import HTMLResponse

from trust_minerals.errors import TrustMineralsError
from trust_minerals.report.fmt import Labels
from trust_minerals.server.security import check_not_path_like
from trust_minerals.server.state import AppState, records, state_of

CONSUMERS = {"IND": "India", "USA": "United States", "usa_ind": "US + India", "MSP": "MSP"}
#: colours of the exposure scale (low -> high criticality score)
SCALE = [[0.0, "#2f855a"], [0.5, "#ecc94b"], [1.0, "#c53030"]]


def _colour(score: Any) -> str:
    """Background colour of a criticality score in [0, 1] (grey when missing)."""
    if score is None or pd.isna(score):
        return "#e2e8f0"
    s = min(max(float(score), 0.0), 1.0)
    hue = 120 * (1 - s)  # green (low) -> red (high)
    return f"hsl({hue:.0f}, 60%, 82%)"


def sunburst(
    links: pd.DataFrame,
    title: str,
    source: str,
    names: Labels | None = None,
    sector_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Sector -> technology -> commodity, each node coloured by its weakest link's score; nodes
    named from ``sector_names`` and the commodity names of ``names`` (ids where absent)."""
    names = names or Labels()
    sector_names = sector_names or {}
    ids, labels, parents, colours = [], [], [], []
    for sector, s in links.groupby("sector", sort=False):
        ids.append(sector)
        labels.append(sector_names.get(str(sector), str(sector)))
        parents.append("")
        colours.append(s["score"].max())
        for tech, t in s.groupby("technology", sort=False):
            tid = f"{sector}/{tech}"
            ids.append(tid)
            labels.append(str(t["technology_name"].iloc[0]))
            parents.append(str(sector))
            colours.append(t["score"].max())
            for row in t.itertuples():
                ids.append(f"{tid}/{row.commodity}")
                labels.append(
                    names.commodity(row.commodity)
                    + (" (qualitative)" if row.link == "qualitative" else "")
                )
                parents.append(tid)
                colours.append(row.score)
    colours = [None if pd.isna(c) else round(float(c), 3) for c in colours]
    return {
        "data": [
            {
                "type": "sunburst",
                "ids": ids,
                "labels": labels,
                "parents": parents,
                "marker": {
                    "colors": [-0.05 if c is None else c for c in colours],
                    "colorscale": [[0.0, "#cbd5e0"], *SCALE[1:]]
                    if any(c is None for c in colours)
                    else SCALE,
                    "cmin": -0.05 if any(c is None for c in colours) else 0.0,
                    "cmax": 1.0,
                    "showscale": True,
                    "colorbar": {"title": {"text": "score"}},
                },
                "maxdepth": 2,
                "hovertemplate": "%{label}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
            "height": 520,
        },
        "meta": {"source": source},
    }


def register(router: APIRouter) -> None:
    from trust_minerals.web import charts
    from trust_minerals.web.pages import labels_of, render

    @router.get("/technologies", response_class=HTMLResponse)
    def technologies_page(
        consumer: str = Query("IND", max_length=16),
        scenario: str = Query("", max_length=80),
        st: AppState = Depends(state_of),
    ) -> HTMLResponse:
        check_not_path_like("consumer", consumer)
        check_not_path_like("scenario", scenario)
        if consumer not in CONSUMERS:
            consumer = "IND"
        error = impact_error = None
        exposure = impact = None
        try:
            from trust_minerals.technologies.exposure import sector_exposure

            exposure = st.cached(
                ("page_sectors", consumer), lambda: sector_exposure(st.ds, consumer)
            )
        except TrustMineralsError as exc:
            error = f"{type(exc).__name__}: {exc}"
        presets: list[dict[str, Any]] = []
        try:
            from trust_minerals.simulate.presets import scenarios_table

            presets = records(st.cached(("page_presets",), lambda: scenarios_table(st.ds)))
        except TrustMineralsError as exc:
            impact_error = f"{type(exc).__name__}: {exc}"
        names = {p["name"] for p in presets}
        if scenario and scenario in names:
            try:
                from trust_minerals.simulate.presets import preset
                from trust_minerals.simulate.propagate import propagate
                from trust_minerals.technologies.impact import sector_impact

                impact = st.cached(
                    ("page_sector_impact", scenario, consumer),
                    lambda: sector_impact(propagate(st.ds, preset(scenario), [consumer])),
                )
            except TrustMineralsError as exc:
                impact_error = f"{type(exc).__name__}: {exc}"
        elif scenario:
            scenario = ""
        ids = set(exposure.source_ids) if exposure is not None else set()
        source = (
            charts.source_line(st.ds.sources, ids)
            + "; links: USGS MCS 2026 T6 and material_intensity.csv (see trust technologies)"
        )
        links_rows: list[dict[str, Any]] = []
        sectors_rows: list[dict[str, Any]] = []
        fig = None
        if exposure is not None:
            from trust_minerals.technologies.impact import links_with_impact

            links = links_with_impact(exposure.links, impact)
            order = {s: i for i, s in enumerate(exposure.sectors["sector"])}
            links = links.assign(_o=links["sector"].map(order)).sort_values(
                ["_o", "technology", "score"], ascending=[True, True, False], na_position="last"
            )
            links_rows = records(links.drop(columns="_o"))
            for r in links_rows:
                r["colour"] = _colour(r.get("score"))
            sectors_rows = records(exposure.sectors)
            for r in sectors_rows:
                r["colour"] = _colour(r.get("score"))
            fig = sunburst(
                links,
                f"TRUST sectors for {CONSUMERS[consumer]}: weakest-link criticality",
                source,
                labels_of(st),
                {r["sector"]: r["sector_name"] for r in sectors_rows},
            )
        return render(
            "technologies.html",
            labels=labels_of(st),
            technology_names={r["technology"]: r["technology_name"] for r in links_rows},
            sector_names={r["sector"]: r["sector_name"] for r in sectors_rows},
            title="TRUST technologies",
            consumers=CONSUMERS,
            consumer=consumer,
            presets=presets,
            scenario=scenario,
            sectors=sectors_rows,
            links=links_rows,
            impact=records(impact) if impact is not None else [],
            notes=list(exposure.notes) if exposure is not None else [],
            figure=fig,
            error=error,
            impact_error=impact_error,
            source=source,
        )
