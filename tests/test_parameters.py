"""The one parameter reader: one layout, every row with a source or the label 'assumption'."""

from __future__ import annotations

from pathlib import Path

import pytest

import trust_minerals.parameters as params
from trust_minerals.errors import ParseError

GOOD = "key,value,unit,status,source,note\nx,0.5,,assumption,assumption,\n"


def _with_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "parameters.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(params, "parameter_file", lambda subpackage: str(path))
    params._table.cache_clear()


@pytest.mark.parametrize("subpackage", ["metrics", "optimize", "simulate"])
def test_every_bundled_file_has_the_one_layout_and_a_source_per_row(subpackage: str) -> None:
    t = params.parameter_table(subpackage)
    assert tuple(t.columns) == params.LAYOUT and len(t) > 0
    assert t["source"].str.strip().ne("").all()
    assert set(t["status"]) <= set(params.STATUSES)
    assert (t.loc[t["source"] == "assumption", "status"] == "assumption").all()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("key,value,source,note\nx,1,assumption,\n", "header"),
        ("key,value,unit,status,source,note\nx,1,,assumption,,\n", "source"),
        ("key,value,unit,status,source,note\nx,1,,published,assumption,\n", "source"),
        ("key,value,unit,status,source,note\nx,abc,,assumption,assumption,\n", "value"),
        ("key,value,unit,status,source,note\nx,1,,guess,assumption,\n", "status"),
    ],
)
def test_a_bad_row_is_refused_naming_file_line_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, field: str
) -> None:
    _with_file(tmp_path, monkeypatch, text)
    try:
        with pytest.raises(ParseError, match=field) as err:
            params.read_parameters("any")
        assert "parameters.csv" in str(err.value)
    finally:
        params._table.cache_clear()


def test_a_good_file_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_file(tmp_path, monkeypatch, GOOD)
    try:
        assert params.read_parameters("any") == {"x": 0.5}
    finally:
        params._table.cache_clear()
