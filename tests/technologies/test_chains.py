"""User-defined chains: shipped examples, errors, and the BACI import path end to end."""

from __future__ import annotations

import csv
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from trust_minerals.data.ingest.trade import import_baci
from trust_minerals.data.store import load_dataset
from trust_minerals.errors import InputError, ParseError, UnknownNameError
from trust_minerals.metrics.risk import risk_table
from trust_minerals.simulate.presets import preset
from trust_minerals.simulate.propagate import propagate
from trust_minerals.technologies.chain_spec import load_chain, parse_chain, shipped_chains
from trust_minerals.technologies.chains import evaluate_chain, simulate_chain

MI = Path(str(resources.files("trust_minerals").joinpath("data", "raw", "outlook"))) / (
    "material_intensity.csv"
)
COUNTRIES = [(36, "AUS"), (156, "CHN"), (699, "IND"), (842, "USA"), (276, "DEU")]


def test_shipped_examples_are_the_three_documented_chains() -> None:
    assert shipped_chains() == ["lithium-ion-battery", "penicillin-antibiotic", "permanent-magnet"]


@pytest.mark.parametrize("name", ["permanent-magnet", "lithium-ion-battery"])
def test_bundled_examples_evaluate_for_india_and_the_us(ds, name: str) -> None:  # type: ignore[no-untyped-def]
    spec, path = load_chain(name)
    for consumer in ("IND", "USA"):
        r = evaluate_chain(ds, spec, consumer, path=path)
        n_inputs = sum(len(t.inputs) for t in spec.tiers)
        assert len(r.inputs) == n_inputs
        assert set(r.inputs["basis"]) <= {"trade", "world production"}
        assert r.weakest_input in set(r.inputs["input"])
        traded = r.inputs[r.inputs["basis"] == "trade"]
        assert ((traded["hhi"] > 0) & (traded["hhi"] <= 1)).all()


def test_battery_intensities_are_the_cited_material_intensity_rows() -> None:
    spec, _ = load_chain("lithium-ion-battery")
    with open(MI, encoding="utf-8", newline="") as fh:
        rows = {i: r for i, r in enumerate(csv.DictReader(fh), start=2)}
    for tier in spec.tiers:
        for inp in tier.inputs:
            line = int(str(inp.source).split("line ")[1].split()[0])
            assert float(rows[line]["intensity"]) == inp.intensity
            assert rows[line]["scenario_or_variant"] == "NMC 811"


def test_ore_without_an_hs_code_falls_back_to_world_production_and_says_so(ds) -> None:  # type: ignore[no-untyped-def]
    spec, path = load_chain("permanent-magnet")
    r = evaluate_chain(ds, spec, "IND", path=path).inputs.set_index("input")
    ores = r.loc["rare-earth ores and concentrates"]
    assert ores["basis"] == "world production" and "no HS6 code" in ores["note"]
    world = risk_table(ds, "IND")
    row = world[(world["commodity"] == "rare_earths") & (world["stage"] == "mine")].iloc[0]
    assert ores["hhi"] == pytest.approx(row["hhi"]) and ores["top_country"] == row["top_country"]


def test_import_shares_cross_check_with_the_trade_table(ds) -> None:  # type: ignore[no-untyped-def]
    spec, path = load_chain("permanent-magnet")
    r = evaluate_chain(ds, spec, "IND", path=path).inputs.set_index("input")
    metals = r.loc["rare-earth metals"]
    t = ds.trade
    f = t[(t["hs6"] == "280530") & (t["importer"] == "IND") & (t["year"] == metals["year"])]
    by = f.groupby("exporter")["value_usd"].sum()
    shares = by / by.sum()
    assert metals["hhi"] == pytest.approx(float((shares**2).sum()))
    assert metals["top_country"] == shares.idxmax()
    assert metals["import_value_usd"] == pytest.approx(by.sum())


def test_pharmaceutical_chain_names_hs_codes_and_the_import_command(ds) -> None:  # type: ignore[no-untyped-def]
    spec, path = load_chain("penicillin-antibiotic")
    with pytest.raises(InputError) as err:
        evaluate_chain(ds, spec, "IND", path=path)
    msg = str(err.value)
    assert "294110" in msg and "300410" in msg and "trust data import-baci" in msg


def test_bad_chains_are_refused_naming_the_input(ds) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParseError, match="six digits"):
        parse_chain(
            {
                "name": "x",
                "product": "y",
                "tiers": [{"name": "t", "inputs": [{"name": "a", "hs6": ["2941"]}]}],
            }
        )
    with pytest.raises(ParseError, match="source"):
        parse_chain(
            {
                "name": "x",
                "product": "y",
                "tiers": [
                    {"name": "t", "inputs": [{"name": "a", "hs6": ["294110"], "share": 0.5}]}
                ],
            }
        )
    spec = parse_chain(
        {
            "name": "x",
            "product": "y",
            "tiers": [
                {
                    "name": "t",
                    "inputs": [
                        {
                            "name": "a",
                            "commodity": "rare_earths",
                            "stage": "refinery",
                            "form": "magnets",
                        }
                    ],
                }
            ],
        }
    )
    with pytest.raises(UnknownNameError, match="rare-earth metals"):
        evaluate_chain(ds, spec, "IND")
    spec = parse_chain(
        {
            "name": "x",
            "product": "y",
            "tiers": [
                {
                    "name": "t",
                    "inputs": [
                        {"name": "a", "hs6": ["294110"], "share": 0.7, "assumption": "a"},
                        {"name": "b", "hs6": ["300410"], "share": 0.6, "assumption": "b"},
                    ],
                }
            ],
        }
    )
    with pytest.raises(InputError, match="add up"):
        evaluate_chain(ds, spec, "IND")


def test_rare_earth_scenario_reaches_the_magnet_chain_where_modelled(ds) -> None:  # type: ignore[no-untyped-def]
    spec, path = load_chain("permanent-magnet")
    scenario = preset("china-rare-earths-2025")
    t = simulate_chain(ds, spec, scenario, ["IND"], path=path).set_index("input")
    summary = propagate(ds, scenario, ["IND"]).summary.set_index(["commodity", "stage"])
    assert t.loc["rare-earth ores and concentrates", "shortfall_share"] > 0
    for name, stage in [
        ("rare-earth ores and concentrates", "mine"),
        ("rare-earth metals", "refinery"),
    ]:
        if ("rare_earths", stage) in summary.index:  # the platform's result for that stage
            assert (
                t.loc[name, "shortfall_share"]
                == summary.loc[("rare_earths", stage), "shortfall_share"]
            )
        else:
            assert (
                np.isnan(t.loc[name, "shortfall_share"]) and "not modelled" in t.loc[name, "note"]
            )
    assert t.loc["borates", "shortfall_share"] == 0 and "does not shock" in t.loc["borates", "note"]


# --- the import path: a small file in BACI's format made here --------------------------------
def _baci_file(folder: Path, year: int) -> pd.DataFrame:
    """A BACI HS92 year file (header t,i,j,k,v,q) with pharmaceutical and mineral rows."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in ("294110", "300410", "283691", "010111"):
        for i, _ in COUNTRIES:
            for j, _ in COUNTRIES:
                if i != j:
                    rows.append((year, i, j, k, round(float(rng.uniform(1, 900)), 3), 2.5))
    df = pd.DataFrame(rows, columns=["t", "i", "j", "k", "v", "q"])
    df.to_csv(folder / f"BACI_HS92_Y{year}_V202401b.csv", index=False)
    with open(folder / "country_codes_V202401b.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        w.writerows([[c, iso, iso[:2], iso] for c, iso in COUNTRIES])
    return df


@pytest.fixture(scope="module")
def imported(built_db: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("baci")
    db = tmp / "store.duckdb"
    shutil.copy(built_db, db)
    rows = _baci_file(tmp / "rel", 2024)
    n = import_baci([tmp / "rel"], db, products=["294110", "300410"]).rows
    return load_dataset(db), rows, n, db


def test_imported_pharmaceutical_trade_lands_in_product_trade(imported) -> None:  # type: ignore[no-untyped-def]
    ds, rows, n, _ = imported
    p = ds.table("product_trade")
    pharma = rows[rows["k"].isin(["294110", "300410"])]
    assert len(p) == len(pharma)
    assert n == len(pharma) + int((rows["k"] == "283691").sum())
    assert set(p["hs6"]) == {"294110", "300410"}
    assert p["value_usd"].sum() == pytest.approx(pharma["v"].sum() * 1000)


def test_pharmaceutical_chain_works_end_to_end_after_the_import(imported) -> None:  # type: ignore[no-untyped-def]
    ds, rows, _, _ = imported
    spec, path = load_chain("penicillin-antibiotic")
    r = evaluate_chain(ds, spec, "IND", path=path).inputs.set_index("input")
    api = r.loc["penicillins and derivatives (API)"]
    assert api["basis"] == "trade" and api["year"] == 2024
    iso = dict(COUNTRIES)
    f = rows[(rows["k"] == "294110") & (rows["j"] == 699)]
    by = f.groupby(f["i"].map(iso))["v"].sum()
    shares = by / by.sum()
    assert api["hhi"] == pytest.approx(float((shares**2).sum()))
    assert api["top_country"] == shares.idxmax()
    assert np.isnan(api["export_control_share"]) and "export controls not known" in api["note"]


def test_import_refuses_codes_that_are_not_six_digits(imported) -> None:  # type: ignore[no-untyped-def]
    _, _, _, db = imported
    with pytest.raises(ParseError, match="six digits"):
        import_baci([db.parent / "rel"], db, products=["2941"])


def test_chain_yaml_round_trip(tmp_path: Path) -> None:
    spec, _ = load_chain("permanent-magnet")
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump(spec.model_dump(exclude_none=True)), encoding="utf-8")
    assert load_chain(p)[0] == spec
