"""A country's position in a traded form: the negligible-exports rule (hand cases)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.optimize.position import NetTrade, negligible_exports


def test_exports_below_the_share_of_production_bar_the_country() -> None:
    nt = NetTrade(imports=0.01, exports=0.02, year=2024, exports_t=0.02)
    why = negligible_exports(nt, 800.0, "metric tons", 0.01)
    assert why.startswith("negligible exports: 0.02 t") and "BACI 2024" in why
    # production in thousand metric tons is converted: 6,669 t < 1 % of 870,000 t
    zinc = NetTrade(imports=0.0, exports=6669.0, year=2024, exports_t=6669.0)
    assert negligible_exports(zinc, 870.0, "thousand metric tons", 0.01)
    assert not negligible_exports(zinc, 87.0, "thousand metric tons", 0.01)


def test_no_judgement_without_tonnes_or_a_mass_unit() -> None:
    unknown = NetTrade(imports=1.0, exports=2.0, year=2024, measure="USD")  # exports_t NaN
    assert negligible_exports(unknown, 800.0, "metric tons", 0.01) == ""
    nt = NetTrade(imports=0.0, exports=0.0, year=2024, exports_t=0.0)
    assert negligible_exports(nt, 800.0, "thousand carats", 0.01) == ""
    assert negligible_exports(nt, math.nan, "metric tons", 0.01) == ""
    assert negligible_exports(None, 800.0, "metric tons", 0.01) == ""


@given(
    exports=st.floats(0, 1e7, allow_nan=False),
    production=st.floats(1e-3, 1e7, allow_nan=False),
    share=st.floats(1e-4, 1.0),
)
def test_barred_exactly_when_exports_fall_below_the_share(
    exports: float, production: float, share: float
) -> None:
    nt = NetTrade(imports=0.0, exports=exports, year=2024, exports_t=exports)
    barred = bool(negligible_exports(nt, production, "metric tons", share))
    assert barred == (exports < share * production)
