"""Maps name their worldview; India's official view is the default for India and selectable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import PageWatch


@pytest.fixture()
def page_client(web_db: Any) -> Any:
    from tests.api.conftest import make_client

    with make_client(web_db) as c:
        yield c


def test_geojson_is_served_in_both_views(page_client: Any) -> None:
    india = page_client.get("/static/countries-india.geojson").json()
    default = page_client.get("/static/countries.geojson").json()
    assert india["view"] == "india" and default["view"] == "natural_earth"
    assert page_client.get("/static/countries-x.geojson").status_code == 404


def test_commodity_page_defaults_to_india_view_for_india(page_client: Any) -> None:
    india = page_client.get("/commodity/cobalt").text
    assert "countries-india.geojson" in india
    assert "India&#39;s official view" in india or "India's official view" in india
    usa = page_client.get("/commodity/cobalt", params={"consumer": "USA"}).text
    assert "/static/countries.geojson" in usa
    chosen = page_client.get("/commodity/cobalt", params={"view": "natural_earth"}).text
    assert "countries-india.geojson" not in chosen


def test_brief_for_india_draws_the_india_view(page_client: Any) -> None:
    html = page_client.get("/commodity/cobalt/brief", params={"consumer": "IND"}).text
    assert "India&#39;s official view" in html
    usa = page_client.get("/commodity/cobalt/brief", params={"consumer": "USA"}).text
    assert "Natural Earth (de facto boundaries)" in usa


@pytest.mark.browser
@pytest.mark.slow
def test_map_shows_its_view_and_switches(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="networkidle")
    page.wait_for_selector("#chart-map_mine .choroplethlocation")
    assert "India's official view" in page.inner_text("#chart-map_mine")
    page.select_option("#view", "natural_earth")
    page.wait_for_url("**view=natural_earth")
    page.wait_for_selector("#chart-map_mine .choroplethlocation")
    assert "Natural Earth (de facto" in page.inner_text("#chart-map_mine")
    watched.shot("commodity-view-switch")
    assert watched.errors == [] and watched.external == []


def test_trends_page_marks_export_controls_on_the_time_axis(page_client: Any) -> None:
    import json
    import re

    r = page_client.get("/commodity/cobalt/trends", params={"consumer": "IND"})
    assert r.status_code == 200
    fig = json.loads(
        re.search(r'id="fig-trend_share">(.*?)</script>', r.text, re.S).group(1)  # type: ignore[union-attr]
    )
    years = sorted({s["x0"] for s in fig["layout"]["shapes"]})
    assert years  # the tiny store's cobalt controls (CHN, COD) are drawn as vertical lines
    assert 'id="events-table"' in r.text and 'id="trend-concentration-table"' in r.text
    assert page_client.get("/commodity/cobal/trends").status_code == 404
