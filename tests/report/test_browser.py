"""The one shared Chromium that prints PDF briefs: one browser process per server process,
reused by concurrent requests, replaced when it dies, stopped when the app shuts down."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

with warnings.catch_warnings():  # starlette's TestClient warns about httpx on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from trust_minerals.report import brief, browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.access("/usr/bin/chromium", os.X_OK), reason="needs /usr/bin/chromium"
    ),
]
#: six different briefs (the country briefs and gallium's need no map package)
BRIEFS = [
    *(f"/country/{c}/brief?format=pdf" for c in ("CHN", "COD", "IND", "USA")),
    *(f"/commodity/gallium/brief?consumer={c}&format=pdf" for c in ("IND", "USA")),
]


def _chromium_children() -> set[int]:
    """PIDs of Chromium processes started directly by this (test) process."""
    out = set()
    for p in psutil.Process().children():
        try:
            if "chrom" in p.name():
                out.add(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _pages(pdf: bytes) -> int:
    """Page objects of a complete PDF (Chromium's Skia writes them uncompressed)."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[browser.SharedBrowser]:
    """A new shared browser and an empty PDF cache for this test (closed afterwards)."""
    shared = browser.SharedBrowser()
    monkeypatch.setattr(browser, "_SHARED", shared)
    monkeypatch.setattr(brief, "_RENDERER", brief._PdfRenderer())
    yield shared
    shared.close()


def test_concurrent_pdf_requests_share_one_chromium_and_a_dead_one_is_replaced(
    tiny_db_path: Path, fresh: browser.SharedBrowser
) -> None:
    from trust_minerals.api.app import create_app

    earlier = _chromium_children()  # the session's own shared browser, if an earlier test used it
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:  # every Chromium this process starts while the requests run
        while not done.is_set():
            seen.update(_chromium_children() - earlier)
            time.sleep(0.02)

    with TestClient(create_app(tiny_db_path)) as client:
        results: dict[str, object] = {}

        def get(url: str) -> None:
            results[url] = client.get(url)

        watcher = threading.Thread(target=watch)
        watcher.start()
        threads = [threading.Thread(target=get, args=(url,)) for url in BRIEFS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done.set()
        watcher.join()
        for key, res in results.items():
            assert res.status_code == 200, (key, res.text[:300])  # type: ignore[attr-defined]
            pdf = res.content  # type: ignore[attr-defined]
            assert pdf.startswith(b"%PDF") and _pages(pdf) >= 1
        assert len({r.content for r in results.values()}) == len(BRIEFS)  # type: ignore[attr-defined]
        assert fresh.starts == 1 and len(seen) == 1 and seen == {fresh.pid}
        assert brief.pdf_renderer().renders == len(BRIEFS)

        first = fresh.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        brief.pdf_renderer().cache.clear()
        res = client.get("/country/AUS/brief", params={"format": "pdf"})
        assert res.status_code == 200 and res.content.startswith(b"%PDF")
        assert fresh.starts == 2 and fresh.pid not in (None, first)
        assert _chromium_children() - earlier == {fresh.pid}
        running = fresh.pid
    # the app's shutdown stops the browser
    assert running is not None and not psutil.pid_exists(running)
    assert fresh.pid is None and not _chromium_children() - earlier


def test_a_browser_killed_during_a_print_is_replaced_and_the_print_retried(
    fresh: browser.SharedBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = "<html><body><h1>retry</h1></body></html>"
    assert fresh.print_pdf(html, 30).startswith(b"%PDF")
    real = browser._Connection.print_pdf
    killed: list[int] = []

    def dying(self: browser._Connection, page: str, timeout_s: float) -> bytes:
        if not killed:  # the first print after this point loses its browser mid-way
            killed.append(self.proc.pid)
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        return real(self, page, timeout_s)

    monkeypatch.setattr(browser._Connection, "print_pdf", dying)
    assert fresh.print_pdf(html, 30).startswith(b"%PDF")
    assert fresh.starts == 2 and fresh.pid != killed[0]


def test_a_print_that_times_out_is_a_named_error_and_the_next_gets_a_new_browser(
    fresh: browser.SharedBrowser,
) -> None:
    assert fresh.print_pdf("<p>first</p>", 30).startswith(b"%PDF")
    stuck = fresh.pid
    with pytest.raises(browser.BrowserError, match="did not answer .* within 1e-06 s"):
        fresh.print_pdf("<p>slow</p>", 0.000001)
    assert stuck is not None and not psutil.pid_exists(stuck)  # an unanswering browser is stopped
    assert fresh.print_pdf("<p>fine</p>", 30).startswith(b"%PDF") and fresh.starts == 2


def test_a_browser_that_cannot_start_is_a_named_error(
    fresh: browser.SharedBrowser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(brief, "CHROMIUM_CANDIDATES", (str(fake),))
    with pytest.raises(browser.BrowserError, match="ended twice.*cannot open display"):
        fresh.print_pdf("<p>x</p>", 30)


def test_no_chromium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief, "CHROMIUM_CANDIDATES", ("/nonexistent/chromium",))
    with pytest.raises(brief.ChromiumNotFoundError, match="apt-get install chromium"):
        browser.SharedBrowser().print_pdf("<p>x</p>")
