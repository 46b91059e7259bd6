"""The top-level API: every public function reads a consumer the same way, whatever its spelling.

``"USA+IND"``, ``"usa_ind"`` and ``CountrySet("pair", ("USA", "IND"))`` are one pooled consumer,
so every function gives the same numbers for the three; ``"MSP"`` is read from the countries
table. (``complementarity`` compares two single countries and the outlook functions take one
``country``; they are not in this list.)
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import trust_minerals as tm

PAIR = ["USA+IND", "usa_ind", tm.CountrySet("pair", ("USA", "IND"))]


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.select_dtypes("number").reset_index(drop=True)


CALLS: dict[str, Callable[[Any, Any], pd.DataFrame]] = {
    "import_reliance_table": lambda ds, c: tm.import_reliance_table(ds, c),
    "import_suppliers": lambda ds, c: tm.import_suppliers(ds, "lithium", c),
    "risk_table": lambda ds, c: tm.risk_table(ds, c, "msp"),
    "criticality": lambda ds, c: tm.criticality(ds, "eu", c).to_frame(),
    "propagate": lambda ds, c: tm.propagate(ds, tm.preset("china-gallium-2023"), [c]).to_frame(),
    "shortfall_risk": lambda ds, c: tm.shortfall_risk(
        ds, [c], n_draws=500, seed=1, commodities=["cobalt"]
    ).to_frame(),
    "optimize_sourcing": lambda ds, c: (
        tm.optimize_sourcing(
            ds, consumer=c, commodity="lithium", demand=1000.0, draws=200
        ).portfolio
    ),
    "screen_assets": lambda ds, c: tm.screen_assets(ds, "lithium", consumer=c).to_frame(),
    "commodity_profile": lambda ds, c: tm.commodity_profile(ds, "cobalt", consumers=[c]).dependence,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_spelling_of_a_consumer_gives_the_same_result(ds, name: str) -> None:  # type: ignore[no-untyped-def]
    call = CALLS[name]
    frames = [_numbers(call(ds, c)) for c in PAIR]
    assert len(frames[0]) > 0, f"{name} returned no rows for the US-India pair"
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)
    msp = call(ds, "MSP")
    assert len(msp) > 0


def test_every_name_in_all_resolves() -> None:
    for name in tm.__all__:
        assert getattr(tm, name) is not None
    with pytest.raises(AttributeError, match="no_such_function"):
        tm.no_such_function  # noqa: B018


def test_importing_the_package_loads_no_analysis_module() -> None:
    code = (
        "import sys, trust_minerals; "
        "print(sorted(m for m in sys.modules if m.startswith('trust_minerals.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_results_show_their_table_and_notes_in_a_notebook(ds) -> None:  # type: ignore[no-untyped-def]
    r = tm.concentration(ds, "cobalt", "mine")
    html = r._repr_html_()
    assert "<b>ConcentrationResult</b>" in html and "<table" in html
    assert r.to_frame().loc[0, "top_country"] == r.top_country
    for note in r.notes:
        assert note.replace("'", "&#x27;") in html
