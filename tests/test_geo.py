"""India's official worldview, checked by points and by area (shapely, the bundled DataMeet files)."""

from __future__ import annotations

import json

import pytest

from trust_minerals import geo
from trust_minerals.errors import UnknownNameError

AKSAI_CHIN = (79.0, 35.0)  # lon, lat
GILGIT_BALTISTAN = (74.3, 35.9)


def _shape(view: str, iso3: str):  # type: ignore[no-untyped-def]
    return next(c.geometry for c in geo.countries(view) if c.iso3 == iso3)


def test_aksai_chin_is_china_by_default_and_india_in_the_india_view() -> None:
    from shapely.geometry import Point

    point = Point(*AKSAI_CHIN)
    assert _shape("natural_earth", "CHN").covers(point)
    assert not _shape("natural_earth", "IND").covers(point)
    assert _shape("india", "IND").covers(point)
    assert not _shape("india", "CHN").covers(point)
    assert geo.country_at(*AKSAI_CHIN, "natural_earth") == "CHN"
    assert geo.country_at(*AKSAI_CHIN, "india") == "IND"


def test_gilgit_baltistan_is_pakistan_by_default_and_india_in_the_india_view() -> None:
    from shapely.geometry import Point

    point = Point(*GILGIT_BALTISTAN)
    assert _shape("natural_earth", "PAK").covers(point)
    assert _shape("india", "IND").covers(point)
    assert not _shape("india", "PAK").covers(point)
    assert geo.country_at(*GILGIT_BALTISTAN, "india") == "IND"


def test_india_gains_what_china_and_pakistan_lose_and_no_country_overlaps_india() -> None:
    gained = _shape("india", "IND").area - _shape("natural_earth", "IND").area
    assert gained > 0
    lost = sum(
        _shape("natural_earth", c).area - _shape("india", c).area for c in ("CHN", "PAK", "NPL")
    )
    assert lost > 0
    india = _shape("india", "IND")
    for c in geo.countries("india"):
        if c.iso3 != "IND":
            assert c.geometry.intersection(india).area < 1e-6, c.iso3


def test_views_keep_the_same_countries_and_geojson_names_the_view() -> None:
    a = [c.iso3 for c in geo.countries("natural_earth")]
    b = [c.iso3 for c in geo.countries("india")]
    assert a == b
    doc = json.loads(geo.countries_geojson("india"))
    assert doc["view"] == "india"
    assert {f["id"] for f in doc["features"]} == set(a)


def test_default_view_is_india_only_for_india() -> None:
    assert geo.default_view(("IND",)) == "india"
    assert geo.default_view(("IND", "USA")) == "natural_earth"
    assert geo.default_view(None) == "natural_earth"


def test_unknown_view_names_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="natural_earth"):
        geo.check_view("pakistan")
    assert "India's official view" in geo.view_label("india")
