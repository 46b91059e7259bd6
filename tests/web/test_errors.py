"""Browser routes answer errors with an HTML page naming the closest valid names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import PageWatch


@pytest.fixture()
def page_client(web_db: Any) -> Any:
    from tests.api.conftest import make_client

    with make_client(web_db) as c:
        yield c


def test_unknown_commodity_page_is_html_with_a_suggestion(page_client: Any) -> None:
    r = page_client.get("/commodity/cobal")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Did you mean" in r.text
    assert 'href="/commodity/cobalt"' in r.text


def test_unknown_commodity_far_from_any_name_still_gets_the_closest(page_client: Any) -> None:
    r = page_client.get("/commodity/unobtanium")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "unknown commodity: &#39;unobtanium&#39;" in r.text
    assert "Did you mean" in r.text  # the closest names, though none is close enough for the API


def test_unknown_route_is_an_html_page(page_client: Any) -> None:
    r = page_client.get("/no-such-page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in r.text


def test_api_routes_keep_problem_documents(page_client: Any) -> None:
    r = page_client.get(
        "/api/v1/concentration", params={"commodity": "cobal", "stage": "mine", "year": 2025}
    )
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "cobalt" in r.json()["detail"]


def test_sourcing_form_keeps_an_unknown_commodity_selected(page_client: Any) -> None:
    r = page_client.get("/sourcing", params={"commodity": "cobal", "demand": "100"})
    assert r.status_code == 404
    assert '<option value="cobal" selected>cobal (unknown)</option>' in r.text


@pytest.mark.browser
@pytest.mark.slow
def test_bad_commodity_url_shows_a_page_with_a_link(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    response = page.goto(live_server + "/commodity/cobal", wait_until="networkidle")
    assert response is not None and response.status == 404
    page.click("#error-suggestions a")
    page.wait_for_url("**/commodity/cobalt")
    assert page.locator("h1").inner_text().strip().lower() == "cobalt"
    assert watched.external == []


@pytest.mark.browser
@pytest.mark.slow
def test_invalid_scenario_json_shows_a_message(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/scenarios", wait_until="networkidle")
    page.fill("#api-key", "anything")
    page.select_option("#preset", "")
    page.fill("#scenario-json", '{"name": "broken",')
    page.click("#run-scenario")
    status = page.locator("#scenario-status")
    status.wait_for()
    assert "not valid JSON" in status.inner_text()
    assert page.input_value("#scenario-json") == '{"name": "broken",'  # the text is kept
    assert watched.errors == []
