"""Small static SVG charts for the printable briefs (no JavaScript needed to print them)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from trust_minerals.report import fmt

#: colour steps for shares (upper bounds of each bucket, as fractions)
_STEPS = (
    (0.01, "#fff5eb"),
    (0.05, "#fdd0a2"),
    (0.15, "#fd8d3c"),
    (0.35, "#d94801"),
    (1.01, "#7f2704"),
)


def _colour(share: float | None) -> str:
    if share is None or math.isnan(share):
        return "#e2e8f0"
    for bound, colour in _STEPS:
        if share < bound:
            return colour
    return _STEPS[-1][1]


def world_map(
    shares: dict[str, float],
    *,
    width: int = 640,
    title: str = "",
    view: str = "natural_earth",
    names: dict[str, str] | None = None,
) -> str:
    """An equirectangular world map (1:110m, worldview ``view``) shading countries by share.

    Antarctica is left out (no producer; it pushed the legend off the land); the legend and the
    name of the worldview sit below the map.
    """
    from trust_minerals.geo import outer_rings, view_label

    scale = width / 360.0
    height = int(143 * scale)  # latitudes 85N..58S
    paths = []
    names = names or {}
    for iso3, rings in outer_rings(view):
        if iso3 == "ATA":
            continue
        d = " ".join(
            "M"
            + " L".join(f"{(x + 180) * scale:.1f},{(85 - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings
        )
        share = shares.get(iso3)
        label = names.get(iso3, iso3)
        tip = (
            f"{label}: {share * 100:.1f}%" if share is not None and not math.isnan(share) else label
        )
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
    legend.append(
        f'<text x="10" y="{height + 30}" font-size="8" fill="#4a5568" class="view">{escape(view_label(view))}</text>'
    )
    head = f"<title>{escape(title)}</title>" if title else ""
    return f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {height + 34}" width="{width}" height="{height + 34}">{head}{"".join(paths)}{"".join(legend)}</svg>'


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
    label_w = 112
    bar_w = width - label_w - 70
    parts = []
    for i, ((label, _), v) in enumerate(zip(items, vals, strict=True)):
        y = 3 + i * row
        short = str(label) if len(str(label)) <= 20 else str(label)[:19] + "…"
        parts.append(f'<text x="0" y="{y + 12}" font-size="10">{escape(short)}</text>')
        if v is None:
            parts.append(f'<text x="{label_w}" y="{y + 12}" font-size="10">–</text>')
            continue
        w = bar_w * v / top
        text = fmt.share(v) if percent else f"{fmt.number(v)} {unit}".strip()
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#2b6cb0"/>'
        )
        parts.append(
            f'<text x="{label_w + 4 + w:.1f}" y="{y + 12}" font-size="10">{escape(text)}</text>'
        )
    return f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(parts)}</svg>'
