from __future__ import annotations

import pandas as pd
import pytest

from tests.factories import countries_table, production_rows, tiny_dataset
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import SchemaError, UnknownNameError


def _ds() -> SupplyDataset:
    prod = pd.concat(
        [
            production_rows([("COD", 10.0), ("IDN", 5.0), ("World total", 15.0)]),
            production_rows(
                [("CHN", 8.0), ("World total", 8.0)],
                commodity="gallium",
                stage="refinery",
                year=2024,
            ),
        ]
    )
    return tiny_dataset(production=prod, countries=countries_table(["COD", "IDN", "CHN"]))


def test_select_returns_a_new_dataset_and_leaves_the_original() -> None:
    ds = _ds()
    sub = ds.select(commodity="cobalt")
    assert sub is not ds
    assert set(sub.production["commodity"]) == {"cobalt"}
    assert len(ds.production) == 5


def test_select_by_country_drops_aggregates_and_by_year_and_stage() -> None:
    ds = _ds()
    assert ds.select(country="COD").production["country"].tolist() == ["COD"]
    assert set(ds.select(year=2024).production["commodity"]) == {"gallium"}
    assert set(ds.select(stage="refinery").production["commodity"]) == {"gallium"}


def test_tables_handed_out_cannot_change_the_dataset() -> None:
    ds = _ds()
    df = ds.production
    df.loc[0, "quantity"] = -1.0
    assert ds.production.loc[0, "quantity"] == 10.0


def test_unknown_names_raise_naming_them() -> None:
    ds = _ds()
    with pytest.raises(UnknownNameError, match="'XXX'"):
        ds.select(country="XXX")
    with pytest.raises(UnknownNameError, match="unobtainium"):
        ds.select(commodity=["cobalt", "unobtainium"])
    with pytest.raises(UnknownNameError, match="quarry"):
        ds.select(stage="quarry")


def test_replace_validates() -> None:
    ds = _ds()
    with pytest.raises(SchemaError, match="stage"):
        ds.replace(production=ds.production.assign(stage="quarry"))
    new = ds.replace(production=ds.production.iloc[:1])
    assert len(new.production) == 1 and len(ds.production) == 5


def test_from_tables_rejects_a_missing_column() -> None:
    with pytest.raises(SchemaError, match="missing column"):
        SupplyDataset.from_tables(
            {"production": production_rows([("COD", 1.0)]).drop(columns="unit")}
        )


def test_repr_is_one_short_line_of_row_counts() -> None:
    ds = _ds()
    text = repr(ds)
    assert text.startswith("SupplyDataset(") and "\n" not in text
    assert f"production={len(ds.production)}" in text
    assert "countries=3" in text
    assert len(text) < 400
