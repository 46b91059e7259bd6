"""Both briefs, on the real bundled data, read as a minister would: names and plain numbers in
every table and key message (tests/web/table_audit.py), and a sources section that lists every
source whose rows the brief read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.table_audit import RawIds, audit_tables, raw_ids

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ids(ds: Any) -> RawIds:
    return raw_ids(ds)


def _listed_sources(html: str) -> set[str]:
    section = html[html.index("<h2>Sources</h2>") :]
    return set(re.findall(r"<li><b>([^<]+)</b>", section))


def _messages(html: str) -> list[str]:
    section = html[html.index('id="key-messages"') :]
    section = section[: section.index("</ol>")]
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)]


@pytest.mark.parametrize("commodity", ["lithium", "gallium"])
@pytest.mark.parametrize("consumer", ["IND", "USA"])
def test_commodity_brief_shows_names_and_plain_numbers(
    ds: Any, ids: RawIds, commodity: str, consumer: str
) -> None:
    from trust_minerals.report.brief import brief_html

    html = brief_html(ds, commodity, consumer=consumer)
    audit = audit_tables(html, ids)
    assert audit.cells > 0
    assert audit.defects == [], audit.defects[:12]
    messages = " ".join(_messages(html))
    assert messages
    raw = [w for w in re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", messages) if w in ids.vocabulary]
    assert raw == [], f"vocabulary ids in the key messages: {raw}"
    assert not re.search(r"\d(?:\.\d+)?e[+-]?\d", messages)
    # the screen's partner column reads MSP membership: its source is listed
    if "MSP partner" in html:
        assert "msp_2025" in _listed_sources(html)


@pytest.mark.parametrize("consumer", ["IND", "USA", "MSP"])
def test_country_brief_lists_the_sources_of_the_rows_it_read(
    ds: Any, ids: RawIds, consumer: str
) -> None:
    """The sources section is the result's own list: the criticality inputs, the producers'
    rows, and the group columns of the countries table where the consumer names a group
    (MSP → msp_2025); a brief for a single country reads no group column."""
    from trust_minerals.report.country_brief import country_brief_html, country_exposure
    from trust_minerals.sources import group_source_ids

    e = country_exposure(ds, consumer)
    html = country_brief_html(ds, consumer)
    listed = _listed_sources(html)
    assert listed == set(e.source_ids)
    assert set(group_source_ids(consumer)) <= listed
    assert ("msp_2025" in listed) == (consumer == "MSP")
    assert {"usgs_mcs2026", "wgi_2023"} <= listed  # producers' rows and governance are read
    audit = audit_tables(html, ids)
    assert audit.cells > 0
    assert audit.defects == [], audit.defects[:12]
