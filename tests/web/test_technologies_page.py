"""The Technologies page in headless Chromium: sector -> technology -> commodity coloured by
exposure, and the scenario selector."""

from __future__ import annotations

import pytest

from tests.web.conftest import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_technologies_page_draws_the_graph_and_runs_a_scenario(
    watched: PageWatch, live_server: str
) -> None:
    page = watched.page
    response = page.goto(live_server + "/technologies", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.locator("nav a", has_text="Technologies").count() == 1
    page.wait_for_selector("#chart-sunburst .sunburstlayer path")
    assert page.locator("#chart-sunburst .sunburstlayer path").count() >= 7  # sectors at least
    sectors = page.locator("#sectors-table tbody tr")
    assert sectors.count() == 7
    # cells are coloured by the criticality score: scored cells are not the 'missing' grey
    colours = page.locator("#links-table td.commodity").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).backgroundColor)"
    )
    assert len(set(colours)) >= 2
    assert page.locator("#links-table td i", has_text="qualitative").count() > 0
    watched.shot("technologies")
    page.select_option("#scenario", "drc-cobalt-quota-2025")
    page.wait_for_url("**/technologies?consumer=IND&scenario=drc-cobalt-quota-2025")
    lost = [t for t in page.locator("#links-table td.lost").all_inner_texts() if t != "–"]
    assert lost and all(t.endswith("%") for t in lost)
    cobalt = page.locator("#links-table tr", has=page.locator("td.commodity", has_text="cobalt"))
    assert cobalt.count() > 0
    assert cobalt.first.locator("td.lost").inner_text() != "–"
    page.select_option("#consumer", "USA")
    page.wait_for_url("**consumer=USA**")
    assert page.locator("#sectors-table tbody tr").count() == 7
    watched.shot("technologies-scenario")
    assert watched.errors == []
    assert watched.external == []
