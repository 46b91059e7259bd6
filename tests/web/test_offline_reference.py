"""Browser: the API reference renders in Chromium with every non-localhost request blocked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_swagger_ui_renders_with_the_network_blocked(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/api/v1/docs", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() >= 10  # one block per operation
    assert "trust-minerals API" in page.locator(".swagger-ui .title").first.inner_text()
    watched.shot("api-swagger")
    assert watched.external == []
    assert watched.errors == []


def test_swagger_ui_authorize_dialog_and_operations_work(
    watched: PageWatch, live_server: str
) -> None:
    """The page skips resolving the (``$ref``-free) security schemes on load; the Authorize dialog
    still shows the API key scheme and an expanded operation still resolves and renders."""
    page = watched.page
    page.goto(live_server + "/api/v1/docs", wait_until="load")
    page.wait_for_selector(".swagger-ui .opblock")
    page.click(".swagger-ui button.authorize")
    dialog = page.locator(".swagger-ui .dialog-ux")
    dialog.wait_for()
    assert "X-API-Key" in dialog.inner_text()
    page.click(".swagger-ui .dialog-ux button.close-modal")
    block = page.locator(".swagger-ui .opblock-get").first
    block.locator(".opblock-summary").click()
    block.locator(".responses-wrapper").wait_for()
    assert "200" in block.locator(".responses-wrapper").inner_text()
    assert watched.external == []
    assert watched.errors == []


def test_reference_pages_forbid_other_origins(watched: PageWatch, live_server: str) -> None:
    for path in ("/api/v1/docs", "/api/v1/redoc"):
        response = watched.page.goto(live_server + path)
        assert response is not None
        assert "default-src 'self'" in response.headers["content-security-policy"]


#: Redoc always tries its "API docs by Redocly" logo from its CDN (and hides it when that fails);
#: the page's Content-Security-Policy refuses it before any request is made, which Chromium reports
REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini"


def test_redoc_renders_with_the_network_blocked(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/api/v1/redoc", wait_until="networkidle")
    page.wait_for_selector("#redoc h1")
    assert "trust-minerals API" in page.locator("#redoc h1").first.inner_text()
    menu = page.locator("#redoc").get_by_text("metrics", exact=True).first
    assert menu.is_visible()  # the side menu lists the tags
    watched.shot("api-redoc")
    assert watched.external == []
    assert [e for e in watched.errors if REDOC_LOGO not in e] == []


def test_redoc_menu_deep_link_and_search_work_offline(watched: PageWatch, live_server: str) -> None:
    """An operation opens from the menu at a hash link that reproduces it on a fresh load; search
    finds the operation by its parameter; no action offers to send the page to another site."""
    page = watched.page
    page.goto(live_server + "/api/v1/redoc", wait_until="load")
    page.wait_for_selector("#redoc h1")
    page.locator("#redoc").get_by_text("metrics", exact=True).first.click()
    page.locator("#redoc").get_by_text("Risk", exact=True).first.click()
    page.wait_for_url("**/api/v1/redoc#/metrics/*")
    link = page.url
    page.goto(live_server + "/", wait_until="load")
    page.goto(link, wait_until="load")
    # the link opens the operation's section in view (Redoc may draw its neighbours around it)
    heading = page.locator("#redoc h2").filter(has_text=re.compile(r"^Risk$")).first
    heading.wait_for()
    expect(heading).to_be_in_viewport()
    assert page.url == link
    assert "consumer" in page.locator("#redoc").inner_text()
    for button in page.locator("[data-testid=page-actions] button").all():
        button.click()
    assert page.get_by_text("Open in", exact=False).count() == 0
    page.keyboard.press("Escape")
    page.locator("#redoc").get_by_text("Search", exact=False).first.click()
    page.keyboard.type("criticality")
    page.get_by_text("/api/v1/criticality").first.wait_for()
    assert watched.external == []
    assert [e for e in watched.errors if REDOC_LOGO not in e] == []
