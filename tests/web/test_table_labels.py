"""Every dashboard page's tables, on the real bundled data, show names, units and plain numbers:
no raw ids, no True/False, no scientific notation, no year with a separator, no excess digits,
and missing marks aligned like the numbers of their column with a tooltip (tests/web/table_audit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import make_client
from tests.web.table_audit import RawIds, audit_tables, raw_ids

pytestmark = pytest.mark.slow

#: every page, for lithium and gallium and both consumers where the page takes them
PAGES = [
    "/",
    "/commodity/lithium?consumer=IND",
    "/commodity/gallium?consumer=USA",
    "/commodity/lithium/trends?consumer=USA",
    "/commodity/gallium/trends?consumer=IND",
    "/country/IND",
    "/country/USA",
    "/scenarios",
    "/sourcing?commodity=lithium&consumer=IND&demand=20&cap=crma&min_partner_share=0.3"
    "&draws=300&points=4",
    "/sourcing?commodity=gallium&consumer=USA",
    "/outlook?consumer=IND",
    "/outlook?consumer=USA",
    "/backtest",
    "/technologies?consumer=IND&scenario=china-gallium-2023",
    "/technologies?consumer=USA",
]


@pytest.fixture(scope="module")
def real_client(built_db: Path) -> Iterator[Any]:
    with make_client(built_db, max_draws=1000, rate_limit=100) as c:
        yield c


@pytest.fixture(scope="module")
def ids(ds: Any) -> RawIds:
    return raw_ids(ds)


@pytest.mark.parametrize("url", PAGES)
def test_page_tables_show_names_and_plain_numbers(real_client: Any, ids: RawIds, url: str) -> None:
    r = real_client.get(url)
    assert r.status_code == 200, r.text[:500]
    audit = audit_tables(r.text, ids)
    assert audit.cells > 0, f"{url}: no table cell was checked"
    assert audit.defects == [], f"{url}: {len(audit.defects)} defects: {audit.defects[:12]}"


def test_the_audit_finds_each_kind_of_defect(ids: RawIds) -> None:
    """The scanner itself: a table with one defect of each kind fails on each."""
    iso3 = next(iter(ids.countries))
    commodity = next(iter(ids.commodities))
    vocab = next(iter(ids.vocabulary))
    column = sorted(ids.columns)[0]
    html = f"""<table id="t"><tr><th>Year</th><th>Value</th><th>{column}</th></tr>
    <tr><td>2,025</td><td class="num">9e+05</td><td>{iso3}</td></tr>
    <tr><td>2024</td><td class="num">12.345</td><td>{commodity}</td></tr>
    <tr><td>2023</td><td>–</td><td>{vocab} 2021</td></tr>
    <tr><td>2022</td><td class="num">61.25%</td><td>True</td></tr>
    <tr><td>2021</td><td class="num">1.5</td><td>see {column}</td></tr></table>"""
    found = " | ".join(audit_tables(html, ids).defects)
    for expected in (
        "year with a separator",
        "scientific notation",
        "ISO3 code",
        "more digits than meaningful",
        "commodity id",
        "vocabulary id",
        "not aligned like the numbers",
        "without a tooltip",
        ": True",
        "column id",
        "raw header",
    ):
        assert expected in found, expected
    clean = """<table><tr><th>Year</th><th class="num">Share</th></tr>
    <tr><td>2025</td><td class="num">61.2%</td></tr>
    <tr><td>2024</td><td class="num missing" title="withheld (W), not zero">–</td></tr></table>"""
    audit = audit_tables(clean, ids)
    assert audit.defects == [] and audit.cells == 6
