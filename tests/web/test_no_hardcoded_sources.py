"""Results carry the ``source_ids`` of the rows they read and adapters only display them: no
source id is written into web/ (the dashboard) or report/ (the briefs) code or templates."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

from trust_minerals.geo import WORLDVIEWS

PACKAGE = Path(str(resources.files("trust_minerals")))
CHECKED = ("web", "report")


def _source_ids() -> set[str]:
    path = resources.files("trust_minerals").joinpath("data", "raw", "sources.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["source_id"] for r in csv.DictReader(fh)}


def _files() -> list[Path]:
    return sorted(
        p
        for folder in CHECKED
        for p in (PACKAGE / folder).rglob("*")
        if p.suffix in (".py", ".js", ".html") and "vendor" not in p.parts and p.is_file()
    )


def test_every_checked_folder_has_files() -> None:
    for folder in CHECKED:
        assert any(p.is_relative_to(PACKAGE / folder) for p in _files()), folder


def test_no_source_id_is_written_in_web_or_report_code() -> None:
    # a map view is named after its boundary source ("natural_earth"): a view, not a citation
    ids = _source_ids() - set(WORLDVIEWS)
    assert ids and _files()
    found = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for sid in ids:
            for m in re.finditer(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {sid}")
    assert not found, (
        "source ids written into web/ or report/ (take them from the result):\n" + "\n".join(found)
    )


def test_the_check_finds_a_written_source_id(tmp_path: Path) -> None:
    """The pattern used above matches a source id in a set literal (so the test can fail)."""
    text = 'charts.source_line(ds.sources, {"usgs_mcs2026", "wgi_2023"})'
    assert re.search(r"(?<![\w-])wgi_2023(?![\w-])", text)
    assert not re.search(r"(?<![\w-])wgi_2023(?![\w-])", "wgi_2023x")
