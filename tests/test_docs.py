"""The worked example of docs/python.md runs as written, block by block, on the bundled data."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_guide_has_blocks_that_use_the_top_level_api() -> None:
    blocks = _blocks()
    assert len(blocks) >= 4
    assert "import trust_minerals as tm" in blocks[0]


def test_the_python_guide_runs(built_db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    namespace: dict[str, object] = {}
    for i, block in enumerate(_blocks()):
        exec(compile(block, f"{DOC.name} block {i + 1}", "exec"), namespace)  # noqa: S102
    out = capsys.readouterr().out
    assert out.startswith("SupplyDataset(")
    assert str(built_db) in out.splitlines()[0]


def test_the_glossary_defines_each_term_once_including_the_core_vocabulary() -> None:
    text = (DOC.parent / "glossary.md").read_text(encoding="utf-8")
    # every bold term at the start of an entry or after "/" or ";" in one
    defined = re.findall(r"(?:^- |/ |; )\*\*(.+?)\*\*", text, flags=re.M)
    assert len(defined) == len(set(defined)), sorted(t for t in defined if defined.count(t) > 1)
    for word in ("consumer", "consumers", "country", "commodity", "stage", "year", "source_id"):
        assert word in defined
