"""The commodity brief carries the outlook figures (balance on the same basis, import need)."""

from __future__ import annotations

import pytest

from trust_minerals.report.brief import brief_html


@pytest.mark.slow
def test_brief_has_the_like_for_like_outlook_and_india_need(ds) -> None:  # type: ignore[no-untyped-def]
    html = brief_html(ds, "lithium", consumer="IND")
    section = html[html.index("Outlook: demand against supply on the same basis") :]
    section = section[: section.index("</section>")]
    assert "total demand against total supply, same basis" in section
    assert "plan deployments" in section and "India" in section  # names, not ISO3 (issue 16)


@pytest.mark.slow
def test_brief_of_a_commodity_without_iea_outlook_says_so(ds) -> None:  # type: ignore[no-untyped-def]
    html = brief_html(ds, "antimony", consumer="USA")
    assert "no IEA outlook for this commodity" in html
