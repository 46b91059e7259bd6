"""Table downloads (CSV, XLSX) and links that reproduce a scenario or sourcing run."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import KEY, PageWatch
from trust_minerals.web.downloads import table_from_html


@pytest.fixture()
def page_client(web_db: Any) -> Any:
    from tests.api.conftest import make_client

    with make_client(web_db) as c:
        yield c


def test_table_parser_reads_raw_values_not_formatted_text() -> None:
    html = (
        '<table class="data" id="t"><thead><tr><th data-name="country">Country</th>'
        '<th data-name="share">Share</th></tr></thead><tbody>'
        '<tr><td data-value="IND"><a href="/country/IND">India</a></td><td data-value="0.25">25.0%</td></tr>'
        '<tr><td data-value="CHN">China</td><td data-value="">–</td></tr></tbody></table>'
    )
    assert table_from_html(html, "t") == (["country", "share"], [["IND", "0.25"], ["CHN", ""]])
    assert table_from_html(html, "other") is None


def test_csv_download_is_the_pages_table(page_client: Any) -> None:
    page = page_client.get("/commodity/cobalt").text
    r = page_client.get("/commodity/cobalt", params={"download": "concentration-table.csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    shown = table_from_html(page, "concentration-table")
    assert shown is not None
    assert [list(row.values()) for row in rows] == shown[1]
    assert {row["stage"] for row in rows} == {"mine", "refinery"}
    mine = next(row for row in rows if row["stage"] == "mine")
    assert mine["top_country"] == "COD" and float(mine["top_share"]) == pytest.approx(0.6)


def test_xlsx_download_has_typed_cells(page_client: Any) -> None:
    from openpyxl import load_workbook

    r = page_client.get("/", params={"partners": "quad", "download": "overview-table.xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = list(ws.values)
    header, body = values[0], values[1:]
    assert "partner_share" in header and "commodity" in header
    assert len(body) == 4  # the tiny store's overview rows
    shares = [row[header.index("top_share")] for row in body]
    assert all(v is None or isinstance(v, float) for v in shares)  # missing stays empty, not 0


def test_download_of_a_missing_table_or_bad_name(page_client: Any) -> None:
    assert page_client.get("/", params={"download": "nope.csv"}).status_code == 404
    assert page_client.get("/", params={"download": "../x.exe"}).status_code == 422
    # an error page stays an error page
    assert page_client.get("/commodity/cobal", params={"download": "x.csv"}).status_code == 404


@pytest.mark.browser
@pytest.mark.slow
def test_browser_download_returns_the_tables_rows(
    watched: PageWatch, live_server: str, tmp_path: Path
) -> None:
    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="networkidle")
    shown = page.locator("#concentration-table tbody tr").count()
    with page.expect_download() as info:
        page.click("#concentration-table-csv")
    path = tmp_path / "table.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == shown
    assert [r["stage"] for r in rows] == [
        td.get_attribute("data-value")
        for td in page.locator("#concentration-table tbody tr td:first-child").all()
    ]
    assert watched.errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_scenario_link_reproduces_the_run(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/scenarios", wait_until="networkidle")
    page.fill("#api-key", KEY)
    page.select_option("#preset", "drc-cobalt-quota-2025")
    page.fill("#consumers", "IND")
    page.click("#run-scenario")
    page.wait_for_selector("#scenario-table tbody tr")
    first = page.locator("#scenario-table tbody").inner_text()
    link = page.get_attribute("#run-link", "href")
    assert link is not None and "preset=drc-cobalt-quota-2025" in link and "consumers=IND" in link
    other = page.context.new_page()  # same browser profile: the saved API key
    other.goto(live_server + link, wait_until="networkidle")
    other.wait_for_selector("#scenario-table tbody tr")
    assert other.input_value("#preset") == "drc-cobalt-quota-2025"
    assert other.locator("#scenario-table tbody").inner_text() == first
    other.close()
    assert watched.errors == []
