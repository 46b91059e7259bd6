"""Browser: every page fits windows from 1,280 to 1,920 px (no horizontal scrolling) and shows
names, not codes."""

from __future__ import annotations

import pytest

from tests.web.conftest import PageWatch
from tests.web.test_browser import CHARTS_DRAWN, PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (1280, 1920)

#: the words (runs of letters and digits) of table cells that a line break splits: a word whose
#: glyphs lie on more than one line. Cells may wrap between words, at "-", and at the "_" and "/"
#: of ids (<wbr>), never inside a word.
SPLIT_WORDS = r"""() => {
  const split = [];
  for (const cell of document.querySelectorAll('table.data th, table.data td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[\p{L}\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects())
          .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""
#: number cells (missing marks included) and number headers that the browser does not right-align
NUMBERS_NOT_RIGHT = """() => Array.from(document.querySelectorAll(
    'table.data td.num, table.data th.num'))
  .filter((c) => getComputedStyle(c).textAlign !== 'right')
  .map((c) => (c.closest('table').id || '') + ': ' + c.textContent.trim())"""
#: the tables wider than their box (the box scrolls sideways)
SCROLLING_TABLES = """() => Array.from(document.querySelectorAll('.table-wrap'))
  .filter((w) => w.scrollWidth > w.clientWidth + 0.5)
  .map((w) => (w.querySelector('table') || {}).id)"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_horizontal_overflow(
    watched: PageWatch, live_server: str, name: str, width: int
) -> None:
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + PAGES[name], wait_until="networkidle")
    page.wait_for_function(CHARTS_DRAWN)  # charts lay out after load
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{name}: page is {scroll} px wide in a {client} px window"
    wide = page.evaluate(
        """(w) => Array.from(document.querySelectorAll('main *'))
             .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > w + 0.5)
             .map((e) => e.tagName + (e.id ? '#' + e.id : ''))""",
        client,
    )
    assert wide == [], f"{name}: elements past the window's right edge at {width} px: {wide[:5]}"
    assert page.evaluate(SCROLLING_TABLES) == [], f"{name}: tables scroll sideways at {width} px"
    # number cells, their missing marks and headers align right (the HTML-level audit checks
    # that each "–" of a number column carries the class; this checks what the browser draws)
    left = page.evaluate(NUMBERS_NOT_RIGHT)
    assert left == [], f"{name}: number cells not right-aligned at {width} px: {left[:5]}"
    split = page.evaluate(SPLIT_WORDS)
    assert split == [], (
        f"{name}: words split across lines in table cells at {width} px: {split[:8]}"
    )
    watched.shot(f"layout-{name}-{width}")
    assert watched.errors == []


def test_commodity_page_uses_names_units_and_scales(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="networkidle")
    heads = page.locator("#concentration-table th").all_inner_texts()
    assert any(h.startswith("Top-3 share") for h in heads)
    assert not any("top3_share" in h or "hhi_upper" in h for h in heads)
    hhi = page.locator("#concentration-table th[data-name=hhi]").get_attribute("title")
    assert hhi is not None and "0–10,000" in hhi
    cells = page.locator("#concentration-table tbody tr").first.locator("td").all_inner_texts()
    assert "Congo (Kinshasa)" in cells  # the top producer by name
    hhi_cell = page.locator("#concentration-table tbody tr").first.locator("td").nth(7)
    assert hhi_cell.inner_text() == "4,100"  # 0.6² + 0.2² + 0.1² on the 0–10,000 scale
    assert "e+" not in page.inner_text("main")
