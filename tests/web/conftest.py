"""A live server (uvicorn in a background thread, free loopback port) and a headless Chromium page.

Browser tests drive Debian's chromium (``/usr/bin/chromium``, installed by ``make test``); they are
skipped with a clear reason where it is missing. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.tiny_store import build_tiny_store

CHROMIUM = "/usr/bin/chromium"
KEY = "browser-test-key"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_store(tmp_path_factory.mktemp("web") / "trust.duckdb")


@pytest.fixture(scope="session")
def live_server(web_db: Path) -> Iterator[str]:
    import uvicorn

    from trust_minerals.api import ApiSettings, create_app

    app = create_app(web_db, ApiSettings(api_key=KEY, max_draws=20_000))
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


class PageWatch:
    """A page that records console errors, page errors and every request leaving the server."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
                r.continue_()
            else:
                self.external.append(url)
                r.abort()

        page.route("**/*", route)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture()
def watched(browser: Any, live_server: str) -> Iterator[PageWatch]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield PageWatch(page, live_server)
    context.close()
