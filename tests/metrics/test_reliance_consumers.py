"""Consumers, import reliance with its basis, and the risk table on the small dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trust_minerals.countries import resolve_consumer
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.reliance import (
    import_reliance_table,
    import_source_shares,
    india_published_reliance,
    us_net_import_reliance,
)
from trust_minerals.metrics.risk import risk_table


def test_groups_and_custom_lists_resolve(small_ds):
    assert resolve_consumer(small_ds, "MSP").members == ("AUS", "IND", "JPN", "USA")
    assert resolve_consumer(small_ds, "usa+ind").members == ("IND", "USA")
    assert resolve_consumer(small_ds, "AUS,chl").members == ("AUS", "CHL")
    with pytest.raises(InputError):
        resolve_consumer(small_ds, " ")
    with pytest.raises(UnknownNameError, match="(?i)quad"):
        resolve_consumer(small_ds, "Atlantis")


def test_us_reliance_keeps_status_and_basis(small_ds):
    nir = us_net_import_reliance(small_ds).set_index("commodity")
    assert nir.loc["cobalt", "import_reliance"] == pytest.approx(0.76)
    assert np.isnan(nir.loc["lithium", "import_reliance"])
    assert nir.loc["lithium", "status"] == "withheld"
    t = import_reliance_table(small_ds, resolve_consumer(small_ds, "USA"), 2025).set_index(
        "commodity"
    )
    assert t.loc["cobalt", "basis"] == "usgs_nir"
    assert t.loc["copper", "basis"] == "unknown" and np.isnan(t.loc["copper", "import_reliance"])


def test_india_published_reliance_comes_from_the_bundled_file(small_ds):
    t = india_published_reliance(small_ds.commodities).set_index("commodity")
    assert t.loc["cobalt", "basis"] == "india_published"
    assert 0 < t.loc["cobalt", "import_reliance"] <= 1
    ind = import_reliance_table(small_ds, resolve_consumer(small_ds, "IND"), 2025).set_index(
        "commodity"
    )
    assert ind.loc["copper", "basis"] == "india_published"
    assert ind.loc["gallium", "basis"] == "unknown"


def test_reliance_reads_consumer_text_and_year_text_like_a_country_set(small_ds):
    by_set = import_reliance_table(small_ds, resolve_consumer(small_ds, "IND"), 2025)
    by_text = import_reliance_table(small_ds, "IND", "2025")
    assert by_text.equals(by_set)
    latest = import_reliance_table(small_ds, "ind", None)
    assert latest.equals(by_set)  # 2025 is the small dataset's latest year
    with pytest.raises(InputError, match="year"):
        import_reliance_table(small_ds, "IND", "last year")


def test_import_source_shares_by_value(small_ds):
    s = import_source_shares(small_ds, "cobalt", resolve_consumer(small_ds, "USA"), 2025)
    assert s.to_dict() == pytest.approx({"COD": 0.6, "AUS": 0.4})


def test_risk_table_has_every_indicator(small_ds):
    t = risk_table(small_ds, "USA", "msp", year=2025).set_index("commodity")
    assert t.loc["cobalt", "partner_share"] == pytest.approx(0.1)
    # cobalt is produced at the mine stage only and traded only as a refined form (282200):
    # refined trade never stands in for the mine stage, so the mix is world mine shares without
    # the consumer (COD 0.7, IDN 0.1, AUS 0.05), and the partner (AUS) share is 0.05
    assert t.loc["cobalt", "import_basis"] == "world 2025"
    assert t.loc["cobalt", "import_note"] == (
        "no BACI cobalt mine imports in the trade table; allocated in proportion to the world market"
    )
    assert t.loc["cobalt", "import_partner_share"] == pytest.approx(0.05)
    assert pd.isna(t.loc["cobalt", "trade_year"])
    assert t.loc["cobalt", "reserve_hhi"] == pytest.approx(0.44)
    assert t.loc["cobalt", "reserves_to_production_years"] == pytest.approx(1.0)
    assert t.loc["gallium", "export_control_share"] == pytest.approx(0.99)
    assert bool(t.loc["lithium", "incomplete"])
    with pytest.raises(UnknownNameError, match="2025"):
        risk_table(small_ds, "USA", year=1900)


def test_us_rare_earth_reliance_is_the_headline_row_not_the_heavy_one(ds) -> None:  # type: ignore[no-untyped-def]
    nir = us_net_import_reliance(ds, 2025).set_index("commodity")
    sal = ds.us_salient
    rows = sal[
        (sal["commodity"] == "rare_earths")
        & (sal["year"] == 2025)
        & sal["statistic"].str.lower().str.contains("net import reliance")
    ]
    heavy = rows[rows["commodity_name"].str.contains("Heavy")]
    whole_chapter = rows[rows["commodity_name"].eq("Rare Earths")]
    refined = whole_chapter[whole_chapter["detail"].str.contains("Compounds and metals")]
    assert len(heavy) == 1 and len(refined) == 1
    re = nir.loc["rare_earths"]
    assert re["import_reliance"] == pytest.approx(refined["value"].iloc[0] / 100)
    assert re["import_reliance"] < heavy["value"].iloc[0] / 100
    assert re["headline_rule"] == "refined_form"
    assert "Heavy" in re["other_rows"] and "= E" in re["other_rows"]  # E kept beside it


def test_headline_rule_prefers_the_commodity_as_a_whole(ds) -> None:  # type: ignore[no-untyped-def]
    nir = us_net_import_reliance(ds, 2025).set_index("commodity")
    assert nir.loc["aluminum", "headline_rule"] == "whole"
    assert nir.loc["aluminum", "detail"].startswith("Aluminum:")
    assert "Bauxite" in nir.loc["aluminum", "other_rows"]
    assert nir.loc["zinc", "headline_rule"] == "refined_form"
    table = import_reliance_table(ds, resolve_consumer(ds, "USA"), 2025).set_index("commodity")
    assert table.loc["rare_earths", "import_reliance"] == nir.loc["rare_earths", "import_reliance"]
    assert "Heavy" in table.loc["rare_earths", "other_rows"]
