"""Dashboard page plumbing (no browser): the vendored plotly.js bundle and the static files,
their versioned URLs and cache headers, the trace types the charts use, one source line per page."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import make_client
from trust_minerals.web import charts
from trust_minerals.web.pages import STATIC_FILES, PageSources, static_asset

VENDOR = Path(charts.__file__).parent / "static" / "vendor"

#: pages whose figures are built on the server (the scenario builder draws in the browser)
FIGURE_PAGES = [
    "/commodity/cobalt",
    "/commodity/cobalt/trends",
    "/country/COD",
    "/outlook",
    "/backtest",
    "/technologies",
    "/sourcing?demand=20&cap=crma&min_partner_share=0.3&draws=300&points=4",
]


@pytest.fixture(scope="module")
def page_client(web_db: Path) -> Iterator[Any]:
    with make_client(web_db, max_draws=1000, rate_limit=100) as c:
        yield c


def test_pages_load_the_vendored_bundle_deferred_by_versioned_url(page_client: Any) -> None:
    text = page_client.get("/commodity/cobalt").text
    for name in ("plotly-trust.min.js", "app.js"):
        url = static_asset(name).url
        assert re.search(rf'<script src="{re.escape(url)}" defer></script>', text), name
    assert f'href="{static_asset("style.css").url}"' in text
    assert "plotly.min.js" not in text  # the full 4.8 MB plotly.js is no longer served
    assert page_client.get("/static/plotly.min.js").status_code == 404
    overview = page_client.get("/").text
    assert "plotly-trust" not in overview  # a page without charts loads no plotly.js


@pytest.mark.parametrize("name", sorted(STATIC_FILES))
def test_static_files_are_cached_for_a_year_at_their_version_and_gzipped(
    page_client: Any, name: str
) -> None:
    asset = static_asset(name)
    on_disk = Path(charts.__file__).parent / "static" / STATIC_FILES[name][0]
    r = page_client.get(asset.url, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == on_disk.read_bytes()  # httpx decodes the gzip body
    plain = page_client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert plain.headers["cache-control"] == "no-cache" and "content-encoding" not in plain.headers
    assert plain.content == on_disk.read_bytes()
    again = page_client.get(f"/static/{name}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_unknown_static_file_is_404(page_client: Any) -> None:
    assert page_client.get("/static/nothing.js").status_code == 404


def test_bundle_is_much_smaller_than_full_plotly_and_gzips() -> None:
    bundle = (VENDOR / "plotly-trust.min.js").read_bytes()
    assert len(bundle) < 2_000_000  # the full plotly.js 4.1.1 is 4.8 MB
    assert len(gzip.compress(bundle)) < 700_000


def test_bundle_provenance_and_licences_are_recorded() -> None:
    banner = (VENDOR / "plotly-trust.min.js").read_text(encoding="utf-8").split("\n", 1)[0]
    assert banner.startswith("/*! plotly.js v4.1.1 (MIT licence")
    listed = re.search(r"with the traces ([a-z, ]+);", banner)
    assert listed and set(listed.group(1).split(", ")) == charts.TRACE_TYPES
    assert "MIT License" in (VENDOR / "plotly.js.LICENSE").read_text(encoding="utf-8")
    third = (VENDOR / "plotly-trust.THIRD_PARTY.txt").read_text(encoding="utf-8").splitlines()[1:]
    assert third and all(
        re.match(r"^\S+ \d+\.\d+\.\d+\S*: (MIT|BSD-3-Clause|ISC|Zlib)$", t) for t in third
    )
    assert "plotly.js 4.1.1: MIT" in third
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    import hashlib

    assert hashlib.sha256((VENDOR / "plotly-trust.min.js").read_bytes()).hexdigest() in readme


def _trace_types(fig: dict[str, Any]) -> set[str]:
    return {str(trace.get("type", "scatter")) for trace in fig["data"]}


def test_every_chart_uses_a_trace_type_in_the_bundle(page_client: Any) -> None:
    """The server-built figures of every page and the browser-built ones (scenarios.js) use only
    the trace types the vendored bundle registers (an independent list: the bundle's banner)."""
    banner = (VENDOR / "plotly-trust.min.js").read_text(encoding="utf-8").split("\n", 1)[0]
    listed = re.search(r"with the traces ([a-z, ]+);", banner)
    assert listed
    bundled = set(listed.group(1).split(", "))
    used: set[str] = set()
    for path in FIGURE_PAGES:
        r = page_client.get(path)
        assert r.status_code == 200, path
        figures = re.findall(
            r'<script type="application/json" id="fig-[^"]+">(.*?)</script>', r.text, re.S
        )
        for raw in figures:
            used |= _trace_types(json.loads(raw))
    scripts = (Path(charts.__file__).parent / "static" / "scenarios.js").read_text(encoding="utf-8")
    used |= set(re.findall(r'type: "(\w+)", (?:mode|name)', scripts))
    assert {"choropleth", "bar", "scatter", "sankey", "sunburst"} <= used  # the pages were read
    assert used <= bundled, sorted(used - bundled)


def test_page_sources_number_distinct_lines_in_order() -> None:
    sources = PageSources()
    first = [sources.cite(t) for t in ("a", "b", "a", "c", "b")]
    assert [c.number for c in first] == [1, 2, 1, 3, 2]
    assert [c.first for c in first] == [True, True, False, True, False]


def test_a_source_line_is_printed_once_per_page(page_client: Any) -> None:
    """The commodity page's map and bar chart of one stage share their source: the second links
    back to the first; every render starts its numbering afresh."""
    for _ in range(2):
        text = page_client.get("/commodity/cobalt").text
        full = re.findall(r'<span id="(source-\d+)">(.*?)</span>', text, re.S)
        assert [n for n, _ in full] == [f"source-{i}" for i in range(1, len(full) + 1)]
        assert len({line for _, line in full}) == len(full)  # no line printed in full twice
        refs = re.findall(r'<span class="source-ref">Source: <a href="#(source-\d+)">', text)
        assert refs and set(refs) <= {n for n, _ in full}
