"""Small static SVG charts for the printable briefs (no JavaScript needed to print them)."""

from __future__ import annotations

import json
import math
from functools import cache
from html import escape
from importlib import resources
from typing import Any

#: colour steps for shares (upper bounds of each bucket, as fractions)
_STEPS = (
    (0.01, "#fff5eb"),
    (0.05, "#fdd0a2"),
    (0.15, "#fd8d3c"),
    (0.35, "#d94801"),
    (1.01, "#7f2704"),
)


@cache
def _world() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "natural_earth", "ne_110m_admin_0_countries.geojson"
    )
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in raw["features"]:
        p = f["properties"]
        iso3 = p.get("ISO_A3_EH") if p.get("ISO_A3_EH") not in (None, "-99") else p.get("ADM0_A3")
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = tuple(tuple((float(x), float(y)) for x, y in poly[0]) for poly in polys)
        out.append((str(iso3), rings))
    return tuple(out)


def _colour(share: float | None) -> str:
    if share is None or math.isnan(share):
        return "#e2e8f0"
    for bound, colour in _STEPS:
        if share < bound:
            return colour
    return _STEPS[-1][1]


def world_map(shares: dict[str, float], *, width: int = 640, title: str = "") -> str:
    """An equirectangular world map (Natural Earth 1:110m) shading countries by share."""
    scale = width / 360.0
    height = int(150 * scale)  # latitudes 85N..65S
    paths = []
    for iso3, rings in _world():
        d = " ".join(
            "M"
            + " L".join(f"{(x + 180) * scale:.1f},{(85 - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings
        )
        share = shares.get(iso3)
        tip = f"{iso3}: {share * 100:.1f}%" if share is not None and not math.isnan(share) else iso3
        paths.append(
            f'<path d="{d}" fill="{_colour(share)}" stroke="#718096" stroke-width="0.3"><title>{escape(tip)}</title></path>'
        )
    legend = []
    lower = 0.0
    for i, (bound, colour) in enumerate(_STEPS):
        label = f"{lower * 100:.0f}–{min(bound, 1) * 100:.0f}%"
        legend.append(
            f'<rect x="{10 + i * 90}" y="{height + 6}" width="14" height="10" fill="{colour}" stroke="#718096" stroke-width="0.3"/><text x="{28 + i * 90}" y="{height + 15}" font-size="9">{label}</text>'
        )
        lower = bound
    legend.append(
        f'<rect x="{10 + len(_STEPS) * 90}" y="{height + 6}" width="14" height="10" fill="#e2e8f0"/><text x="{28 + len(_STEPS) * 90}" y="{height + 15}" font-size="9">no data</text>'
    )
    head = f"<title>{escape(title)}</title>" if title else ""
    return f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height + 22}" width="{width}" height="{height + 22}">{head}{"".join(paths)}{"".join(legend)}</svg>'


def bar_chart(
    items: list[tuple[str, Any]], *, width: int = 320, unit: str = "%", percent: bool = True
) -> str:
    """Horizontal bars for ``(label, value)`` (value a fraction when ``percent``); missing values show as '–'."""
    row = 18
    height = row * len(items) + 6
    vals = [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        for _, v in items
    ]
    top = max([v for v in vals if v is not None] or [1.0]) or 1.0
    bar_w = width - 150
    parts = []
    for i, ((label, _), v) in enumerate(zip(items, vals, strict=True)):
        y = 3 + i * row
        parts.append(f'<text x="0" y="{y + 12}" font-size="10">{escape(str(label))}</text>')
        if v is None:
            parts.append(f'<text x="80" y="{y + 12}" font-size="10">–</text>')
            continue
        w = bar_w * v / top
        text = f"{v * 100:.1f}%" if percent else f"{v:,.4g} {unit}".strip()
        parts.append(
            f'<rect x="80" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#2b6cb0"/>'
        )
        parts.append(f'<text x="{84 + w:.1f}" y="{y + 12}" font-size="10">{escape(text)}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(parts)}</svg>'
