"""Briefs and profiles on the tiny store (values by hand: see tests/api/tiny_store.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.report import brief


def test_profile_gathers_stages_controls_and_sources(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.profile import commodity_profile

    p = commodity_profile(tiny_ds, "cobalt")
    assert p.year == 2025 and p.stages == ["mine", "refinery"]
    mine = p.concentration.set_index("stage").loc["mine"]
    assert mine["top_country"] == "COD" and mine["hhi"] == pytest.approx(0.41)
    assert set(p.export_controls["country"]) == {"CHN", "COD"}
    assert {"usgs_mcs2026", "usgs_mcs2026_trends", "natural_earth"} <= set(p.sources["source_id"])
    assert list(p.dependence["consumer"]) == ["USA", "IND"]


def test_profile_of_a_commodity_without_production_keeps_it(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.profile import commodity_profile

    p = commodity_profile(tiny_ds, "gallium")
    assert p.year is None and p.stages == [] and p.name == "Gallium"


def test_country_profile_shares(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.profile import country_profile

    p = country_profile(tiny_ds, "IND")
    assert p.groups == ("MSP",)
    row = p.production.set_index(["commodity", "stage"]).loc[("cobalt", "refinery")]
    assert row["share"] == pytest.approx(0.05)
    with pytest.raises(UnknownNameError):
        country_profile(tiny_ds, "XXX")


def test_brief_html_has_charts_tables_and_source_notes(tiny_ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.brief import brief_html

    html = brief_html(tiny_ds, "cobalt", consumer="IND")
    assert html.count("<svg") >= 3  # map + a bar chart per stage
    assert "60.0%" in html and "Congo (Kinshasa)" in html  # country names, not ISO3 codes
    assert "Sources" in html and "usgs_mcs2026" in html
    assert "supply brief for India" in html
    assert "<script" not in html and not re.search(r"(src|href)=\"https?:", html)  # self-contained


def test_brief_rejects_unknown_format_and_commodity(tiny_ds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.brief import write_brief

    with pytest.raises(InputError, match="format"):
        write_brief(tiny_ds, "cobalt", fmt="docx", out=tmp_path / "x.docx")
    with pytest.raises(UnknownNameError, match="cobal"):
        write_brief(tiny_ds, "cobal", out=tmp_path / "x.html")


def test_pdf_without_chromium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from trust_minerals.report import brief

    monkeypatch.setattr(brief, "CHROMIUM_CANDIDATES", ("/nonexistent/chromium",))
    with pytest.raises(brief.ChromiumNotFoundError, match="apt-get install chromium"):
        brief.html_to_pdf("<p>x</p>")


@pytest.mark.slow
@pytest.mark.skipif(not os.access("/usr/bin/chromium", os.X_OK), reason="needs /usr/bin/chromium")
def test_cli_writes_a_pdf_brief_of_two_pages(
    tiny_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trust_minerals.cli import app

    monkeypatch.setenv("TRUST_DB", str(tiny_db_path))
    out = tmp_path / "cobalt.pdf"
    result = CliRunner().invoke(
        app, ["report", "commodity", "cobalt", "--for", "IND", "--format", "pdf", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages == 2


def test_cli_unknown_commodity_exits_2(
    tiny_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trust_minerals.cli import app

    monkeypatch.setenv("TRUST_DB", str(tiny_db_path))
    result = CliRunner().invoke(
        app, ["report", "commodity", "unobtainium", "--out", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2
    assert "unobtainium" in result.output


def test_pdf_renderer_bounds_concurrent_prints_and_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from trust_minerals.caps import cap

    running, peak = 0, 0
    lock = threading.Lock()

    def fake_print(html: str, *, timeout_s: float) -> bytes:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return html.encode()

    monkeypatch.setattr(brief, "_print_pdf", fake_print)
    renderer = brief._PdfRenderer()
    monkeypatch.setattr(brief, "_RENDERER", renderer)
    pages = [f"<p>{i % 3}</p>" for i in range(12)]
    threads = [threading.Thread(target=brief.html_to_pdf, args=(p,)) for p in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak <= cap("pdf_renders").max
    assert renderer.renders == 3  # one print per distinct page, the rest from the cache
    assert brief.html_to_pdf("<p>1</p>") == b"<p>1</p>" and renderer.renders == 3


def test_country_chart_labels_never_add_two_forms_together(ds) -> None:  # type: ignore[no-untyped-def]
    """China's silicon is published as ferrosilicon and silicon metal: two bars, each <= 100 %."""
    from trust_minerals.report.profile import country_profile

    p = country_profile(ds, "CHN").production
    silicon = p[p["commodity"] == "silicon"]
    assert len(silicon) >= 2 and silicon["label"].is_unique
    assert p.groupby("label")["share"].sum().max() <= 1.0 + 1e-9


def test_commodity_profile_shows_the_iea_refinery_stage(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.profile import commodity_profile

    p = commodity_profile(ds, "lithium")
    assert set(p.stages) >= {"mine", "refinery"}
    ref = p.concentration.set_index("stage").loc["refinery"]
    assert ref["top_country"] == "CHN" and ref["source_id"] == "iea_cmde_2024"
    assert "iea_cmde_2024" in set(p.sources["source_id"])
