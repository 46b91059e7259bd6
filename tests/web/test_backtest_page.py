"""The backtest page on the real store in headless Chromium: summary, chart and table render."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import KEY, PageWatch, free_port
from trust_minerals.simulate.backtest import observations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_server(built_db: Path) -> Iterator[str]:
    import uvicorn

    from trust_minerals.api import ApiSettings, create_app

    app = create_app(built_db, ApiSettings(api_key=KEY))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_backtest_page_shows_summary_chart_and_every_observation(
    browser: Any, real_server: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    watched = PageWatch(page, real_server)
    response = page.goto(real_server + "/backtest", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert watched.errors == [] and watched.external == []
    assert "within a factor of 2" in page.locator("#backtest-summary").inner_text()
    rows = page.locator("#backtest-table tbody tr")
    assert rows.count() == len(observations())
    assert page.locator("#chart-backtest svg").count() > 0
    assert page.locator("#loo-table tbody tr").count() == observations()["episode"].nunique()
    watched.shot("page-backtest-real")
    context.close()
