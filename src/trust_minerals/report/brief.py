"""Printable commodity briefs: ``trust report commodity lithium --for IND --format html|pdf``.

A brief is one self-contained HTML page (static SVG charts, no scripts, no external files) laid
out for A4 in 2-4 pages: key figures, a world map of the production share, top producers per
stage, concentration, reserves, dependence of the consumer, export controls and source notes. The
PDF is that page printed by headless Chromium.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections import OrderedDict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from trust_minerals._extras import require
from trust_minerals._tables import AGGREGATES, YearLike, records
from trust_minerals.countries import ConsumerLike
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, TrustMineralsError
from trust_minerals.report import fmt, svg

FORMATS = ("html", "pdf")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class ChromiumNotFoundError(TrustMineralsError, RuntimeError):
    """Headless Chromium, needed to print a PDF, is not installed."""


TOPICS = {
    "dependence": "Dependence",
    "concentration": "Concentration",
    "scenario": "Scenario",
    "alternatives": "Alternatives",
    "recovery": "Recovery",
    "outlook": "Outlook",
}


def template_env() -> Any:
    """The jinja2 environment of the brief templates, with the shared formatters as filters."""
    jinja2 = require("jinja2", "HTML briefs (trust report)")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            str(resources.files("trust_minerals.report").joinpath("templates"))
        ),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    env.filters["pct"] = fmt.share
    env.filters["num"] = fmt.number
    env.filters["hhi"] = fmt.hhi
    env.globals["hhi_range"] = fmt.hhi_range
    env.filters["year"] = fmt.year
    return env


def brief_html(
    ds: SupplyDataset,
    commodity: str,
    *,
    consumer: ConsumerLike = "IND",
    year: YearLike = None,
    view: str | None = None,
) -> str:
    """The two-page brief on ``commodity`` for ``consumer`` (ISO3, group or USA+IND), as HTML.

    Page 1: key messages generated from the data (:mod:`trust_minerals.report.messages`), key
    figures and the world map; page 2: concentration, the consumer's import sources, the most
    relevant preset scenario, alternative suppliers, export controls and sources. ``view`` is the
    worldview of the map (:mod:`trust_minerals.geo`); by default India's official view where the
    consumer is India, else Natural Earth's.

    Examples
    --------
    >>> html = brief_html(ds, "lithium", consumer="IND")      # doctest: +SKIP
    >>> "Key messages" in html                             # doctest: +SKIP
    True
    """
    from trust_minerals.geo import VIEW_SOURCES, check_view, default_view, view_label
    from trust_minerals.outlook.balance import commodity_outlook
    from trust_minerals.report.messages import commodity_messages

    b = commodity_messages(ds, commodity, consumer, year=year)
    p = b.profile
    labels = b.labels
    view = check_view(view) if view else default_view(b.consumer.members)
    maps: dict[str, str] = {}
    bars: dict[str, str] = {}
    for stage in p.stages:
        if not maps:
            rows = p.production[p.production["stage"] == stage]
            named = rows[~rows["country"].isin(AGGREGATES)].dropna(subset=["share"])
            shares = dict(zip(named["country"], named["share"].astype(float), strict=True))
            maps[stage] = svg.world_map(
                shares,
                title=f"{p.name} {stage} share {p.year}",
                view=view,
                width=560,
                names=dict(labels.countries),
            )
        top = p.top_producers(stage, 4)
        bars[stage] = svg.bar_chart([(labels.country(c), float(v)) for c, v in top.items()])
    focus = p.dependence[p.dependence["consumer"] == b.consumer.name]
    by_topic = {m.topic: m.source_ids for m in b.messages}
    # the source line of each section: the ids of the rows that section's result read
    cite = {
        "map": (*by_topic.get("concentration", ()), *VIEW_SOURCES[view]),
        "suppliers": by_topic.get("dependence", ()),
        "alternatives": by_topic.get("alternatives", ()),
        "scenario": by_topic.get("scenario", ()),
        "controls": p.part_sources.get("export_controls", ()),
    }
    used = {
        *p.sources["source_id"],
        *(sid for m in b.messages for sid in m.source_ids),
        *VIEW_SOURCES[view],
    }
    sources = ds.sources[ds.sources["source_id"].isin(used)]
    return (
        template_env()
        .get_template("brief.html")
        .render(
            p=p,
            b=b,
            labels=labels,
            topics=TOPICS,
            today=date.today().isoformat(),
            maps=maps,
            bars=bars,
            conc=records(p.concentration),
            focus=records(focus),
            suppliers=records(b.suppliers),
            alternatives=records(b.alternatives),
            controls=records(p.export_controls),
            control_countries=[
                labels.country(c) for c in dict.fromkeys(p.export_controls.get("country", []))
            ],
            sources=records(sources),
            view=view,
            view_label=view_label(view),
            cite={k: ", ".join(dict.fromkeys(v)) or "none" for k, v in cite.items()},
            outlook=records(_brief_outlook(commodity_outlook(ds, commodity, consumer=b.consumer))),
        )
    )


def _brief_outlook(rows: pd.DataFrame) -> pd.DataFrame:
    """The consumer's rows first, then the world's in 2030 and 2040 (the brief has room for four)."""
    if rows.empty:
        return rows
    own = rows[rows["consumer"] != "World"]
    world = rows[(rows["consumer"] == "World") & rows["year"].isin([2030, 2040])]
    return pd.concat([own, world], ignore_index=True)


def find_chromium() -> str:
    """Path of a headless Chromium; raise :class:`ChromiumNotFoundError` if there is none."""
    for candidate in CHROMIUM_CANDIDATES:
        found = (
            candidate
            if os.path.isabs(candidate) and os.access(candidate, os.X_OK)
            else shutil.which(candidate)
        )
        if found:
            return found
    raise ChromiumNotFoundError(
        "printing a PDF needs headless Chromium (/usr/bin/chromium), which is not installed; "
        "install it (Debian: apt-get install chromium) or use --format html"
    )


class _PdfRenderer:
    """The one way briefs become PDFs: at most ``caps.csv pdf_renders`` print jobs at once in
    the process's one shared Chromium (others wait, up to the timeout), and the last
    ``caps.csv pdf_cache`` PDFs kept by a hash of their HTML, so repeated requests print nothing."""

    def __init__(self) -> None:
        from trust_minerals.caps import cap

        self.slots = threading.BoundedSemaphore(cap("pdf_renders").max)
        self.size = cap("pdf_cache").max
        self.cache: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.renders = 0  # pages printed (for tests and monitoring)
        self.inflight: dict[str, threading.Event] = {}

    def __call__(self, html: str, timeout_s: float) -> bytes:
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        while True:
            with self.lock:
                if key in self.cache:
                    self.cache.move_to_end(key)
                    return self.cache[key]
                printing = self.inflight.get(key)
                if printing is None:  # this request prints; the same page's others wait for it
                    printing = self.inflight[key] = threading.Event()
                    break
            if not printing.wait(timeout_s):
                raise ChromiumNotFoundError(f"the PDF was not printed within {timeout_s:g} s")
        try:
            if not self.slots.acquire(timeout=timeout_s):
                raise ChromiumNotFoundError(
                    f"the PDF printer is busy (caps.csv pdf_renders); retry in {timeout_s:g} s "
                    "or use HTML"
                )
            try:
                with self.lock:
                    self.renders += 1
                data = _print_pdf(html, timeout_s=timeout_s)
            finally:
                self.slots.release()
            with self.lock:
                self.cache[key] = data
                while len(self.cache) > self.size:
                    self.cache.popitem(last=False)
            return data
        finally:
            with self.lock:
                self.inflight.pop(key, None)
            printing.set()


_RENDERER: _PdfRenderer | None = None
_RENDERER_LOCK = threading.Lock()


def pdf_renderer() -> _PdfRenderer:
    """The process's one PDF renderer (created on first use)."""
    global _RENDERER
    with _RENDERER_LOCK:
        if _RENDERER is None:
            _RENDERER = _PdfRenderer()
        return _RENDERER


def html_to_pdf(html: str, *, timeout_s: float = 60.0) -> bytes:
    """Print ``html`` to PDF bytes with headless Chromium (no network, no GPU), through the
    process's one renderer: one shared browser, a bounded number of print jobs at once, and a
    cache."""
    return pdf_renderer()(html, timeout_s)


def _print_pdf(html: str, *, timeout_s: float = 60.0) -> bytes:
    """Print ``html`` with the process's one headless Chromium (:mod:`.browser`), started on
    first use and reused; raise :class:`ChromiumNotFoundError` if none is installed."""
    from trust_minerals.report.browser import shared_browser

    return shared_browser().print_pdf(html, timeout_s)


def write_brief(
    ds: SupplyDataset,
    commodity: str,
    *,
    consumer: ConsumerLike = "IND",
    fmt: str = "html",
    out: Path | str,
) -> Path:
    """Write the brief on ``commodity`` for ``consumer`` to ``out`` as ``html`` or ``pdf``.

    Examples
    --------
    >>> write_brief(ds, "lithium", consumer="IND", fmt="pdf", out="lithium.pdf")  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise InputError(f"format={fmt!r} is not supported; choose one of {', '.join(FORMATS)}")
    html = brief_html(ds, commodity, consumer=consumer)
    path = Path(out)
    data = html_to_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
