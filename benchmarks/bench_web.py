"""Web benchmarks: API throughput and latency under load from a second process, dashboard render.

* ``web_overview_rps`` / ``web_concentration_rps``: a uvicorn server (one process) on a free
  loopback port serves the real store (``$TRUST_DB`` or the default store); a separate Python
  process runs a closed-loop load generator (httpx, ``CONCURRENCY`` keep-alive connections from
  threads) for ``SECONDS`` seconds and reports requests/s and latency percentiles.
* ``web_sourcing_page``: the Sourcing page with an optimisation, uncached and cached.
* ``web_dashboard_first_render``: headless Chromium (Playwright, /usr/bin/chromium) opens the
  overview page with a fresh browser context (empty cache) and measures the time until the page
  has loaded and the table is visible.
* ``web_pages_first_render``: every page the same way, until it is rendered: the load event, the
  page's main element visible and every chart on it drawn (``data-drawn`` set by app.js when
  plotly's ``newPlot`` promise resolves, i.e. after the map's GeoJSON has loaded and been drawn).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

SECONDS = 8.0
CONCURRENCY = 4

LOAD_SCRIPT = r"""
import json, sys, threading, time
import httpx
url, seconds, conc = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
lat, errors = [], [0]
lock = threading.Lock()
def worker():
    with httpx.Client(timeout=10) as c:
        c.get(url)  # warm the connection
        end = time.perf_counter() + seconds
        mine = []
        while time.perf_counter() < end:
            t = time.perf_counter()
            r = c.get(url)
            mine.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors[0] += 1
        with lock:
            lat.extend(mine)
t0 = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(conc)]
[t.start() for t in threads]; [t.join() for t in threads]
wall = time.perf_counter() - t0
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print(json.dumps({"requests": len(lat), "rps": round(len(lat) / wall, 1), "p50_ms": round(q(0.5), 2),
                  "p99_ms": round(q(0.99), 2), "errors": errors[0], "concurrency": conc}))
"""

SERVER_SCRIPT = r"""
import sys, uvicorn
from trust_minerals.api import create_app
app = create_app()
app.state.trust.ds
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_server(fn: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    import httpx

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(base + "/api/v1/commodities", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("benchmark server did not start") from None
                time.sleep(0.2)
        return fn(base)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _load(path: str) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        def inner(base: str) -> dict[str, Any]:
            import httpx

            warm = httpx.get(base + path, timeout=60)  # first call computes and caches
            if warm.status_code != 200:
                raise RuntimeError(f"{path}: {warm.status_code} {warm.text[:200]}")
            out = subprocess.run(
                [sys.executable, "-c", LOAD_SCRIPT, base + path, str(SECONDS), str(CONCURRENCY)],
                capture_output=True,
                text=True,
                check=True,
            )
            return dict(json.loads(out.stdout))

        return _with_server(inner)

    return run


def _concentration_path() -> str:
    from trust_minerals.data.store import load_dataset
    from trust_minerals.metrics.concentration import concentration_table

    table = concentration_table(load_dataset())
    row = (
        table[table["commodity"] == "cobalt"].sort_values("year").iloc[-1]
        if (table["commodity"] == "cobalt").any()
        else table.iloc[0]
    )
    return (
        f"/api/v1/concentration?commodity={row['commodity']}&stage={row['stage']}&year={int(row['year'])}"
        + (f"&form={row['form']}" if row["form"] else "")
    )


def _dashboard() -> dict[str, Any]:
    def inner(base: str) -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                ],
            )
            browser.new_page().goto(
                base + "/", wait_until="load"
            )  # server-side cache warm (overview computed)
            for _ in range(3):
                context = browser.new_context()
                page = context.new_page()
                t = time.perf_counter()
                page.goto(base + "/", wait_until="load")
                page.wait_for_selector("#overview-table tbody tr")
                times.append(time.perf_counter() - t)
                context.close()
            browser.close()
        return {
            "first_render_s": round(min(times), 3),
            "median_s": round(sorted(times)[1], 3),
            "runs": len(times),
        }

    return _with_server(inner)


SOURCING_QUERY = (
    "/sourcing?consumer=IND&commodity=lithium&stage=mine&demand=20000&cap=crma"
    "&min_partner_share=0.5&partners=msp&seed={seed}&against=partner_share&points=8&draws={draws}"
)


def _sourcing_page() -> dict[str, Any]:
    """The Sourcing page with an optimisation (lithium, IND, CRMA cap, 8 frontier points): time of
    an uncached request (optimisation + frontier on the server) at two draw counts, and of the same
    request again (cached)."""

    def inner(base: str) -> dict[str, Any]:
        import httpx

        out: dict[str, Any] = {}
        with httpx.Client(timeout=300) as c:
            c.get(base + "/sourcing")  # dataset loaded, screen and complementarity cached
            for draws in (2000, 20000):
                url = base + SOURCING_QUERY.format(seed=1, draws=draws)
                t = time.perf_counter()
                r = c.get(url)
                out[f"uncached_{draws}_draws_s"] = round(time.perf_counter() - t, 3)
                if r.status_code != 200 or 'id="portfolio-table"' not in r.text:
                    raise RuntimeError(f"sourcing page: {r.status_code}")
                t = time.perf_counter()
                c.get(url)
                out[f"cached_{draws}_draws_s"] = round(time.perf_counter() - t, 4)
        return out

    return _with_server(inner)


#: every dashboard page, the API reference and the trend view (lithium for India)
PAGES = {
    "overview": ("/", "#overview-table tbody tr"),
    "commodity": ("/commodity/lithium", "#chart-map_mine .choroplethlocation"),
    "trends": ("/commodity/lithium/trends?consumer=IND", "#chart-trend_share .scatterlayer"),
    "country": ("/country/IND", "#production-table tbody tr"),
    "scenarios": ("/scenarios", "#presets-table tbody tr"),
    "sourcing": ("/sourcing", "#screen-table tbody tr"),
    "outlook": ("/outlook", "#balance-table tbody tr"),
    "backtest": ("/backtest", "#backtest-table tbody tr"),
    "technologies": ("/technologies", "#sectors-table tbody tr"),
    "api_docs": ("/api/v1/docs", ".swagger-ui .opblock"),
    "api_redoc": ("/api/v1/redoc", "#redoc h1"),
}

#: true once every chart embedded in the page has been drawn (app.js marks each with data-drawn)
CHARTS_DRAWN = (
    "() => Array.from(document.querySelectorAll('.chart[data-fig]'))"
    ".every((d) => d.dataset.drawn === 'true')"
)


def _pages() -> dict[str, Any]:
    """First render of every page in a fresh browser context (empty browser cache; the server's
    computed tables warm, as for any user after the first): from navigation until the load event
    has fired, the page's main element is visible and every chart on the page is drawn. Best of two
    runs per page, with the machine's load average before and after. ``BENCH_PAGES=commodity,api_docs``
    measures only those pages."""

    def inner(base: str) -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        out: dict[str, Any] = {"load_average": [round(v, 1) for v in os.getloadavg()]}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                ],
            )
            only = [n for n in os.environ.get("BENCH_PAGES", "").split(",") if n]
            for name, (path, selector) in PAGES.items():
                if only and name not in only:
                    continue
                warm = browser.new_page()
                warm.goto(base + path, wait_until="load")  # server-side cache warm
                warm.close()
                times = []
                for _ in range(2):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    t = time.perf_counter()
                    page.goto(base + path, wait_until="load")
                    page.wait_for_selector(selector, timeout=60_000)
                    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
                    times.append(time.perf_counter() - t)
                    context.close()
                out[name] = round(min(times), 3)
            browser.close()
        out["load_average_after"] = [round(v, 1) for v in os.getloadavg()]
        return out

    return _with_server(inner)


BENCHMARKS = [
    ("web_overview_rps", ">=200 req/s, p99<=50 ms", _load("/api/v1/overview")),
    ("web_concentration_rps", ">=200 req/s, p99<=50 ms", lambda: _load(_concentration_path())()),
    ("web_dashboard_first_render", "<=1.5 s headless Chromium", _dashboard),
    ("web_sourcing_page", "bounded: one optimisation + frontier per uncached page", _sourcing_page),
    ("web_pages_first_render", "<=1.5 s each page, headless Chromium", _pages),
]

if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for name, goal, fn in BENCHMARKS:
        print(name, goal, fn())
