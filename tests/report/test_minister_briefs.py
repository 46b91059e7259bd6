"""Minister's briefs: key messages from the data, two pages (commodity) and one page (country)."""

from __future__ import annotations

import io
import os

import pytest

from trust_minerals.report.messages import commodity_messages

chromium = pytest.mark.skipif(
    not os.access("/usr/bin/chromium", os.X_OK), reason="needs /usr/bin/chromium"
)


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_key_messages_cover_the_six_topics_from_the_data(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    b = commodity_messages(tiny_ds, "cobalt", "IND")
    assert [m.topic for m in b.messages] == [
        "dependence",
        "concentration",
        "scenario",
        "alternatives",
        "recovery",
        "outlook",
    ]
    text = {m.topic: m.text for m in b.messages}
    # tiny store: cobalt mine COD 60 / IDN 20 / AUS 10 / other 10 -> HHI 0.41 = 4,100
    assert "Congo (Kinshasa) 60.0%" in text["concentration"]
    assert "HHI 4,100" in text["concentration"]
    assert "refinery: China 70.0%" in text["concentration"]
    assert "India" in text["dependence"] and "IND " not in text["dependence"]


def test_missing_trade_says_why_instead_of_zero(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    b = commodity_messages(tiny_ds, "gallium", "IND")
    dep = next(m.text for m in b.messages if m.topic == "dependence")
    assert "unknown" in dep and "0.0%" not in dep
    assert b.suppliers.empty


@pytest.mark.slow
@chromium
def test_commodity_brief_pdf_is_two_numbered_pages_with_key_messages(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.brief import brief_html, html_to_pdf

    pages, text = _pdf_text(html_to_pdf(brief_html(tiny_ds, "cobalt", consumer="IND")))
    assert pages == 2
    assert "Cobalt: supply brief for India" in text[0]
    assert "Key messages" in text[0] and "Dependence." in text[0]
    assert "Page 1 of 2" in text[0] and "Page 2 of 2" in text[1]
    assert "Sources" in text[1] and "usgs_mcs2026" in text[1]
    assert "Congo (Kinshasa)" in " ".join(text)


@pytest.mark.slow
@chromium
def test_country_brief_pdf_is_one_page_with_the_ranking(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.brief import html_to_pdf
    from trust_minerals.report.country_brief import country_brief_html, country_exposure

    exposure = country_exposure(tiny_ds, "IND")
    assert 1 <= len(exposure.table) <= 10
    assert exposure.table["score"].is_monotonic_decreasing
    pages, text = _pdf_text(html_to_pdf(country_brief_html(tiny_ds, "IND")))
    assert pages == 1
    assert "India: the ten most exposed critical minerals" in text[0]
    assert "Page 1 of 1" in text[0]
    first = exposure.table.iloc[0]
    assert f"{first['score']:.2f}" in text[0]
