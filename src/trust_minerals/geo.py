"""Country shapes for maps in two worldviews: Natural Earth's and India's official view.

Natural Earth (1:110m) draws de-facto control: Aksai Chin inside China and Pakistan-administered
Kashmir inside Pakistan. A map published for or by the Government of India must show India's
official boundary. The ``india`` worldview is built from the DataMeet files bundled in
``data/raw/natural_earth/india_official_view/`` (PROVENANCE, section "India's official boundary view")::

    claim  = Aksai Chin ∪ Siachen-Saltoro ∪ Demchok ∪ Kalapani ∪ CH-IN middle sector   (LSIB)
             ∪ Pakistan-administered Kashmir (Alhasan Systems) ∪ Shaksgam (Natural Earth)
    India  = Natural Earth India ∪ claim
    X      = Natural Earth X − claim          for every other country X (China, Pakistan, Nepal)

Both views keep one feature per ISO3 code (``ISO_A3_EH``, else ``ADM0_A3``), so the same data
colours either map. Every map names its view (:func:`view_label`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from trust_minerals._extras import require
from trust_minerals.errors import UnknownNameError

WORLDVIEWS = {
    "natural_earth": "Natural Earth (de facto boundaries)",
    "india": "India's official view (Survey of India boundary)",
}
#: source ids (sources table) behind each view's boundaries
VIEW_SOURCES = {
    "natural_earth": ("natural_earth",),
    "india": ("natural_earth", "datameet_india_boundary"),
}
_INDIA_FILES = ("india-disputed-lsib.geojson", "pok-alhasan.geojson", "shaksgam-ne.geojson")
_SIMPLIFY_DEG = 0.02  # the claim polygons are far more detailed than 1:110m; match that scale


@dataclass(frozen=True)
class CountryShape:
    """One country's geometry (a shapely (Multi)Polygon) in one worldview."""

    iso3: str
    name: str
    geometry: Any


def check_view(view: str) -> str:
    """``view`` if it is a known worldview, else :class:`UnknownNameError` naming the choices."""
    if view not in WORLDVIEWS:
        raise UnknownNameError("worldview", [view], list(WORLDVIEWS))
    return view


def view_label(view: str) -> str:
    """The words that name ``view`` on a map, e.g. ``"Boundaries: India's official view ..."``."""
    return f"Boundaries: {WORLDVIEWS[check_view(view)]}"


def default_view(consumer_members: frozenset[str] | set[str] | tuple[str, ...] | None) -> str:
    """``"india"`` where the consumer is India alone, else ``"natural_earth"``.

    >>> default_view({"IND"}), default_view({"USA", "IND"})
    ('india', 'natural_earth')
    """
    return (
        "india"
        if consumer_members is not None and set(consumer_members) == {"IND"}
        else ("natural_earth")
    )


def _shapely() -> None:
    """shapely (extra ``web``) is needed for the map views; a clear error names the extra."""
    require("shapely", "map views (India's official boundary)")


def _raw(*parts: str) -> Any:
    path = resources.files("trust_minerals").joinpath("data", "raw", "natural_earth", *parts)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _natural_earth() -> tuple[CountryShape, ...]:
    _shapely()
    from shapely.geometry import shape

    out = []
    for f in _raw("ne_110m_admin_0_countries.geojson")["features"]:
        p = f["properties"]
        iso3 = p.get("ISO_A3_EH") if p.get("ISO_A3_EH") not in (None, "-99") else p.get("ADM0_A3")
        out.append(CountryShape(str(iso3), str(p.get("NAME")), shape(f["geometry"])))
    return tuple(out)


@cache
def india_claim() -> Any:
    """The union of the areas India's official boundary adds to Natural Earth's India."""
    _shapely()
    from shapely import make_valid, union_all
    from shapely.geometry import shape

    parts = [
        make_valid(shape(f["geometry"]))
        for name in _INDIA_FILES
        for f in _raw("india_official_view", name)["features"]
    ]
    return union_all(parts).simplify(_SIMPLIFY_DEG, preserve_topology=True)


@cache
def countries(view: str = "natural_earth") -> tuple[CountryShape, ...]:
    """Every country's shape in ``view`` (``natural_earth`` or ``india``)."""
    check_view(view)
    base = _natural_earth()
    if view == "natural_earth":
        return base
    _shapely()
    from shapely import make_valid

    claim = india_claim()
    out = []
    for c in base:
        if c.iso3 == "IND":
            geom = make_valid(c.geometry.union(claim))
        elif c.geometry.intersects(claim):
            geom = make_valid(c.geometry.difference(claim))
        else:
            geom = c.geometry
        out.append(CountryShape(c.iso3, c.name, geom))
    return tuple(out)


def country_at(lon: float, lat: float, view: str = "natural_earth") -> str | None:
    """ISO3 code of the country whose shape in ``view`` contains the point, or ``None`` (sea).

    >>> country_at(79.0, 35.0, "india"), country_at(79.0, 35.0, "natural_earth")   # Aksai Chin
    ('IND', 'CHN')
    """
    _shapely()
    from shapely.geometry import Point

    point = Point(lon, lat)
    for c in countries(view):
        if c.geometry.covers(point):
            return c.iso3
    return None


def _rounded(coords: Any, digits: int) -> Any:
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(v), digits) for v in coords]
    return [_rounded(c, digits) for c in coords]


@cache
def countries_geojson(view: str = "natural_earth", digits: int = 2) -> bytes:
    """The countries of ``view`` as compact GeoJSON (feature ``id`` and ``properties.iso3`` = ISO3)."""
    _shapely()
    from shapely.geometry import mapping

    features = []
    for c in countries(view):
        geom = mapping(c.geometry)
        features.append(
            {
                "type": "Feature",
                "id": c.iso3,
                "properties": {"iso3": c.iso3, "name": c.name},
                "geometry": {
                    "type": geom["type"],
                    "coordinates": _rounded(geom["coordinates"], digits),
                },
            }
        )
    collection = {"type": "FeatureCollection", "view": view, "features": features}
    return json.dumps(collection, separators=(",", ":")).encode()


def outer_rings(view: str = "natural_earth") -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """``(iso3, rings)`` per country for drawing: each polygon's exterior ring as ``(x, y)`` pairs."""
    out = []
    for c in countries(view):
        geom = c.geometry
        polys = list(getattr(geom, "geoms", [geom]))
        rings = tuple(
            tuple((float(x), float(y)) for x, y in p.exterior.coords)
            for p in polys
            if p.geom_type == "Polygon"
        )
        out.append((c.iso3, rings))
    return tuple(out)
