"""The dashboard in headless Chromium: pages load cleanly, charts render, forms run, briefs download."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import KEY, PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "overview": "/",
    "commodity": "/commodity/cobalt",
    "trends": "/commodity/cobalt/trends",
    "country": "/country/COD",
    "scenarios": "/scenarios",
    "sourcing": "/sourcing",
    "outlook": "/outlook",
    "backtest": "/backtest",
    "technologies": "/technologies",
}

#: true once every chart embedded in the page is drawn (app.js sets data-drawn on each)
CHARTS_DRAWN = (
    "() => Array.from(document.querySelectorAll('.chart[data-fig]'))"
    ".every((d) => d.dataset.drawn === 'true')"
)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_loads_without_console_errors_or_external_requests(
    watched: PageWatch, live_server: str, name: str
) -> None:
    response = watched.page.goto(live_server + PAGES[name], wait_until="networkidle")
    assert response is not None and response.status == 200
    watched.shot(f"page-{name}")
    assert watched.errors == []
    assert watched.external == []  # nothing from a CDN
    assert watched.page.locator("h1").inner_text().strip() != ""


def test_vendored_plotly_bundle_registers_exactly_the_dashboard_trace_types(
    watched: PageWatch, live_server: str
) -> None:
    from trust_minerals.web.charts import TRACE_TYPES

    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="load")
    page.wait_for_function(CHARTS_DRAWN)
    registered = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    assert set(registered) == TRACE_TYPES
    scripts = page.evaluate(
        "Array.from(document.scripts).filter((s) => s.src).map((s) => [s.src, s.defer])"
    )
    assert scripts and all(defer for _, defer in scripts)  # no script blocks the HTML parser
    assert any("/static/plotly-trust.min.js?v=" in src for src, _ in scripts)
    assert watched.errors == [] and watched.external == []


def test_commodity_map_and_charts_render_as_svg(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="networkidle")
    page.wait_for_selector("#chart-map_mine .choroplethlocation")
    # one shape per producing country with a share: COD, IDN, AUS (USA is withheld, not zero)
    locations = page.evaluate("document.getElementById('chart-map_mine').data[1].locations")
    assert sorted(locations) == ["AUS", "COD", "IDN"]
    assert page.locator("#chart-map_mine .choroplethlocation").count() >= 3  # drawn shapes
    assert page.locator("#chart-top_mine svg .bars .point path").count() == 3
    assert page.locator("#chart-sankey svg .sankey-node").count() >= 4
    assert page.locator("#chart-reserves svg .bars .point path").count() == 2
    captions = page.locator("figcaption.source").all_inner_texts()
    assert captions and all(c.startswith("Source:") for c in captions)
    watched.shot("commodity-charts")
    assert watched.errors == []


def test_overview_table_sorts_and_filters(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/", wait_until="networkidle")
    rows = page.locator("#overview-table tbody tr")
    assert rows.count() == 4
    page.select_option("#filter-stage", "refinery")
    visible = [r for r in rows.all() if r.is_visible()]
    assert [r.locator("td").nth(0).inner_text() for r in visible] == ["Cobalt"]
    page.select_option("#filter-stage", "")
    page.locator(
        "#overview-table th[data-name=top_share]"
    ).click()  # ascending: 0.4, 0.6, 0.7, missing last
    first = [r.locator("td").nth(4).inner_text() for r in rows.all()]
    assert first == ["40.0%", "60.0%", "70.0%", "–"]
    page.select_option("#partners", "quad")  # reloads with the partner share of another set
    page.wait_for_url("**/?partners=quad")
    assert watched.errors == []


def test_preset_scenario_runs_through_the_form(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/scenarios", wait_until="networkidle")
    page.fill("#api-key", KEY)
    page.select_option("#preset", "drc-cobalt-quota-2025")
    page.click("#run-scenario")
    page.wait_for_selector("#scenario-table tbody tr")
    assert page.locator("#chart-shortfall svg .scatterlayer .trace").count() >= 1
    assert page.locator("#chart-price svg .scatterlayer .trace").count() >= 1
    assert "done" in page.inner_text("#scenario-status")
    watched.shot("scenario-run")
    assert watched.errors == []


def test_monte_carlo_job_reports_progress_and_result(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/scenarios", wait_until="networkidle")
    page.fill("#api-key", KEY)
    page.fill("#mc-draws", "5000")
    page.fill("#mc-commodities", "cobalt")
    page.click("#run-mc")
    page.wait_for_function("document.getElementById('mc-status').textContent.startsWith('done')")
    assert page.locator("#chart-mc svg .barlayer .trace").count() == 3
    watched.shot("montecarlo")
    assert watched.errors == []


def test_scenario_without_key_shows_the_problem(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/scenarios", wait_until="networkidle")
    page.evaluate("localStorage.clear()")
    page.fill("#api-key", "")
    page.select_option("#preset", "drc-cobalt-quota-2025")
    page.click("#run-scenario")
    page.wait_for_function(
        "document.getElementById('scenario-status').textContent.includes('API key required')"
    )


@pytest.mark.parametrize("link,marker", [("#brief-html", b"<svg"), ("#brief-pdf", b"%PDF")])
def test_brief_downloads_from_the_commodity_page(
    watched: PageWatch, live_server: str, tmp_path: Path, link: str, marker: bytes
) -> None:
    page = watched.page
    page.goto(live_server + "/commodity/cobalt", wait_until="networkidle")
    with page.expect_download(timeout=60_000) as info:
        page.click(link)
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("trust-brief-cobalt-IND")
    assert target.read_bytes().startswith(marker) or marker in target.read_bytes()[:200_000]


def test_sourcing_optimiser_runs_through_the_form(watched: PageWatch, live_server: str) -> None:
    page = watched.page
    page.goto(live_server + "/sourcing", wait_until="networkidle")
    page.select_option("#opt-commodity", "lithium")
    page.fill("#opt-consumer", "IND")
    page.fill("#opt-demand", "20")
    page.select_option("#opt-cap", "crma")
    page.fill("#opt-min-partner", "0.3")
    page.fill("#opt-draws", "400")
    page.select_option("#opt-against", "partner_share")
    page.fill("#opt-points", "5")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#run-optimise")
    assert "cap=crma" in page.url and "demand=20" in page.url
    # tiny store, lithium mine: AUS, CHL, CHN offered; one bar trace each for optimal and status quo
    rows = page.locator("#portfolio-table tbody tr")
    assert sorted(r.locator("td").nth(0).get_attribute("data-value") for r in rows.all()) == [
        "AUS",
        "CHL",
        "CHN",
    ]
    shown = sorted(r.locator("td").nth(0).inner_text() for r in rows.all())
    assert shown == ["Australia", "Chile", "China"]  # names, not ISO3 codes
    assert page.locator("#chart-portfolio svg .barlayer .trace").count() == 2
    assert page.locator("#chart-portfolio svg .barlayer .point path").count() == 6
    assert page.locator("#chart-frontier svg .scatterlayer .trace").count() == 2
    assert page.locator("#chart-frontier svg .scatterlayer .point").count() >= 2
    assert page.locator("#summary-table tbody tr").count() == 1
    assert page.locator("#frontier-table tbody tr").count() == 5
    captions = page.locator("figcaption.source").all_inner_texts()
    assert len(captions) >= 2 and all(c.startswith("Source:") for c in captions)
    # the summary table above prints the run's source line; the charts link back to it
    target = page.locator("#chart-portfolio ~ figcaption a").get_attribute("href")
    assert target is not None and target.startswith("#source-")
    assert "Production year 2025" in page.locator(target).inner_text()
    watched.shot("sourcing-optimised")
    assert watched.errors == []
    assert watched.external == []


def test_sourcing_infeasible_input_shows_the_explanation(
    watched: PageWatch, live_server: str
) -> None:
    page = watched.page
    page.goto(live_server + "/sourcing", wait_until="networkidle")
    page.fill("#opt-demand", "20")
    page.select_option("#opt-cap", "custom")
    page.fill("#opt-max-share", "0.2")  # 3 suppliers × 0.2 < 100% of demand
    page.fill("#opt-min-partner", "0.9")
    page.fill("#opt-draws", "200")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#run-optimise")
    text = page.inner_text("#optimise-explanation")
    assert "No portfolio meets these constraints" in text
    assert "short by 8" in text  # capacity 3 × 0.2 × 20 = 12 against a demand of 20
    assert "Traceback" not in page.content()
    assert page.locator("#conflicts-table tbody tr").count() == 2
    assert page.locator("#chart-portfolio").count() == 0
    watched.shot("sourcing-infeasible")
    assert watched.errors == []
