"""Parsing ``concordance/forms.csv``: bad rows name the line and field."""

from __future__ import annotations

import pytest

from trust_minerals.data.concordance import read_concordance
from trust_minerals.data.ingest import forms as forms_mod
from trust_minerals.errors import ParseError


def _rows_with(change: dict[str, str]) -> list[dict[str, str]]:
    rows = [dict(r) for r in read_concordance("forms.csv")]
    rows[1].update(change)
    return rows


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hs6": "2617"}, "hs6"),
        ({"content_factor": "1.5", "factor_source": "x"}, "content_factor"),
        ({"content_factor": "0.5", "factor_source": ""}, "factor_source"),
        ({"stage": "smelting"}, "stage"),
    ],
)
def test_a_bad_row_names_line_and_field(monkeypatch, change, field) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(forms_mod, "read_concordance", lambda _name: _rows_with(change))
    with pytest.raises(ParseError, match=f"line 3, field '{field}'"):
        forms_mod.parse_forms()


def test_one_code_under_two_stages_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = [dict(r) for r in read_concordance("forms.csv")]
    dup = dict(rows[0], stage="refinery")
    monkeypatch.setattr(forms_mod, "read_concordance", lambda _name: [*rows, dup])
    with pytest.raises(ParseError, match="already listed"):
        forms_mod.parse_forms()


def test_the_bundled_file_parses() -> None:
    f = forms_mod.parse_forms({"261710"})
    assert f.loc[f["hs6"] == "261710", "in_bundled_baci"].tolist() == [True]
    assert not f.loc[f["hs6"] == "811000", "in_bundled_baci"].any()
