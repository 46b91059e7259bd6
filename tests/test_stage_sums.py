"""No view adds trade across two stages (issue 10, item 7), checked on the real store.

India and the US import aluminium as bauxite (mine) and as unwrought metal (smelter), and
tungsten as ore (mine) and as powders (refinery), in the same year. Each view below is compared
with an independent per-stage calculation from the raw trade rows and the forms table, and the
all-stages sum is shown to differ, so a view that added the stages would fail here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from trust_minerals.dataset import SupplyDataset

YEAR = 2024


def _stage_codes(ds: SupplyDataset, commodity: str, stage: str) -> set[str]:
    f = ds.forms
    return set(f.loc[(f["commodity"] == commodity) & (f["stage"] == stage), "hs6"])


def _imports(
    ds: SupplyDataset, commodity: str, members: list[str], codes: set[str] | None
) -> pd.DataFrame:
    """Raw import rows (flows inside the group left out), optionally of some HS6 codes only."""
    t = ds.trade
    rows = t[
        (t["commodity"] == commodity)
        & t["importer"].isin(members)
        & ~t["exporter"].isin(members)
        & (t["year"] == YEAR)
    ]
    return rows if codes is None else rows[rows["hs6"].isin(codes)]


def _value_shares(rows: pd.DataFrame) -> pd.Series:
    by = rows.groupby("exporter")["value_usd"].sum()
    return (by / by.sum()).sort_index()


CASES = [("IND", "aluminum", ("mine", "smelter")), ("USA", "tungsten", ("mine", "refinery"))]


@pytest.mark.parametrize(("consumer", "commodity", "stages"), CASES)
def test_the_case_has_trade_at_two_stages_whose_sum_differs(
    ds, consumer, commodity, stages
) -> None:  # type: ignore[no-untyped-def]
    everything = _value_shares(_imports(ds, commodity, [consumer], None))
    for stage in stages:
        one = _value_shares(_imports(ds, commodity, [consumer], _stage_codes(ds, commodity, stage)))
        assert len(one) > 0
        joined = pd.concat([one, everything], axis=1).fillna(0.0)
        assert (joined.iloc[:, 0] - joined.iloc[:, 1]).abs().max() > 0.01


@pytest.mark.parametrize(("consumer", "commodity", "stages"), CASES)
def test_import_suppliers_gives_each_stage_its_own_shares(ds, consumer, commodity, stages) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.metrics.trade import import_suppliers

    df = import_suppliers(ds, commodity, consumer, YEAR)
    assert tuple(dict.fromkeys(df["stage"])) == stages
    for stage in stages:
        got = df[df["stage"] == stage].set_index("exporter")["share"].sort_index()
        codes = _stage_codes(ds, commodity, stage)
        expected = _value_shares(_imports(ds, commodity, [consumer], codes))
        pd.testing.assert_series_equal(got, expected, check_names=False, rtol=1e-12)


@pytest.mark.parametrize(("consumer", "commodity", "stages"), CASES)
def test_trend_shares_are_of_one_stage_each_year(ds, consumer, commodity, stages) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.trends import import_source_trend

    trend = import_source_trend(ds, commodity, consumer, top=1000)  # every exporter named
    assert tuple(dict.fromkeys(trend["stage"])) == stages
    for stage in stages:
        got = trend[(trend["stage"] == stage) & (trend["year"] == YEAR)]
        codes = _stage_codes(ds, commodity, stage)
        expected = _value_shares(_imports(ds, commodity, [consumer], codes))
        pd.testing.assert_series_equal(
            got.set_index("exporter")["share"].sort_index(),
            expected,
            check_names=False,
            rtol=1e-12,
        )
        assert got["basis"].str.contains(f"{stage} forms").all()


def test_balance_supplier_columns_use_the_stage_mix(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.outlook.balance import balance

    b = balance(ds, consumer="IND", year=2030)
    row = b[(b["commodity"] == "aluminum") & (b["stage"] == "smelter")].iloc[0]
    assert row["exposure_basis"].startswith("smelter supply mix: trade 2024")
    rows = _imports(ds, "aluminum", ["IND"], _stage_codes(ds, "aluminum", "smelter"))
    # the mix counts tonnes where every flow has one (as the exposure_basis says)
    column = "quantity" if "(quantity)" in row["exposure_basis"] else "value_usd"
    by = rows.groupby("exporter")[column].sum()
    shares = by / by.sum()
    assert row["top_supplier"] == shares.idxmax()
    assert row["top_supplier_share"] == pytest.approx(shares.max(), rel=1e-12)
    assert row["china_share"] == pytest.approx(shares.get("CHN", 0.0), rel=1e-12)
    # bauxite (the mine stage) would change the answer if it were added
    everything = _imports(ds, "aluminum", ["IND"], None).groupby("exporter")[column].sum()
    assert abs(everything.max() / everything.sum() - shares.max()) > 0.01


def test_brief_main_source_of_each_stage_is_that_stage_mix(ds) -> None:  # type: ignore[no-untyped-def]
    from trust_minerals.report.messages import commodity_messages

    b = commodity_messages(ds, "tungsten", "USA")
    text = next(m.text for m in b.messages if m.topic == "dependence")
    for stage in ("mine", "refinery"):
        block = b.suppliers[b.suppliers["stage"] == stage]
        assert block["basis"].iloc[0].startswith("trade 2024")
        codes = _stage_codes(ds, "tungsten", stage)
        rows = _imports(ds, "tungsten", ["USA"], codes)
        column = "quantity" if "(quantity)" in block["basis"].iloc[0] else "value_usd"
        by = rows.groupby("exporter")[column].sum()
        expected = (by / by.sum()).sort_values(ascending=False).head(len(block))
        assert block["exporter"].tolist() == expected.index.tolist()
        assert block["share"].tolist() == pytest.approx(expected.tolist(), rel=1e-12)
        assert f"{stage}: " in text and block["basis"].iloc[0] in text
