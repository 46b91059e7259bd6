"""``optimize_sourcing`` on a hand-made lithium dataset, and infeasibility explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.optimize.infeasibility import explain_infeasibility
from trust_minerals.optimize.model import SourcingProblem, cvar
from trust_minerals.optimize.solve import optimize_sourcing
from trust_minerals.optimize.spec import SourcingSpec, parameters

BASE = {"consumer": "IND", "commodity": "lithium", "demand": 20000.0}


def test_capacity_is_the_documented_fraction_of_production(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(lithium_ds, loss=lithium_loss, **BASE)
    cap = r.portfolio.set_index("supplier")["capacity"]
    f = parameters()["exportable_fraction"]
    assert cap["AUS"] == pytest.approx(80000 * f)
    assert cap["ARG"] == pytest.approx(20000 * f)
    assert set(r.portfolio["capacity_basis"]) == {"exportable_fraction_assumption"}


def test_withheld_producer_is_named_not_dropped(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(lithium_ds, loss=lithium_loss, **BASE)
    assert "USA" not in set(r.portfolio["supplier"])
    assert any(n.startswith("USA: production withheld") for n in r.notes)
    with_override = optimize_sourcing(
        lithium_ds, loss=lithium_loss, capacities={"USA": 1000.0}, **BASE
    )
    row = with_override.portfolio.set_index("supplier").loc["USA"]
    assert row["capacity"] == 1000.0 and row["capacity_basis"] == "override"


def test_optimum_respects_shares_and_beats_the_status_quo(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(
        lithium_ds, loss=lithium_loss, max_supplier_share=0.65, min_partner_share=0.5, **BASE
    )
    assert r.status == "optimal"
    pf = r.portfolio.set_index("supplier")
    assert pf["flow_opt"].sum() == pytest.approx(20000.0)
    assert (pf["share"] <= 0.65 + 1e-9).all()
    assert pf.loc[pf["partner"], "flow_opt"].sum() >= 0.5 * 20000 - 1e-6
    # the status quo (AUS 44%) misses the 50% partner share, so it may even be less risky
    assert not r.status_quo_feasible
    # status quo = production shares of the named producers with a number (AUS 80 of 180 kt)
    assert pf.loc["AUS", "status_quo_share"] == pytest.approx(80000 / 180000)
    # CVaR before, recomputed by hand from the status-quo shares and the loss draws
    sq = pf["status_quo_share"].reindex(lithium_loss.columns).to_numpy()
    by_hand = cvar(lithium_loss.to_numpy() @ (20000 * sq), 0.95)
    assert r.cvar_before == pytest.approx(by_hand)


def test_optimum_is_no_riskier_than_a_feasible_status_quo(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(lithium_ds, loss=lithium_loss, max_supplier_share=0.65, **BASE)
    assert r.status_quo_feasible
    assert r.cvar_after <= r.cvar_before + 1e-9


def test_binding_constraints_carry_shadow_prices(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(
        lithium_ds, loss=lithium_loss, max_supplier_share=0.65, min_partner_share=0.5, **BASE
    )
    assert "demand" in set(r.binding["constraint"])
    aus = r.binding[
        (r.binding["constraint"] == "max_supplier_share") & (r.binding["supplier"] == "AUS")
    ]
    # AUS is the least disrupted supplier: the 65% cap binds and relaxing it would lower the risk
    assert len(aus) == 1 and aus["shadow_price"].iloc[0] < 0


def test_crma_benchmark_comes_from_the_data_file() -> None:
    spec = SourcingSpec.create(**BASE, max_supplier_share="crma")
    assert spec.max_supplier_share == parameters()["eu_crma_max_supplier_share"]


def test_infeasible_partner_share_is_explained_with_the_numbers(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    # MSP partners here: only AUS, with 80,000 × f exportable; ask for 90% of 50,000 t
    f = parameters()["exportable_fraction"]
    r = optimize_sourcing(
        lithium_ds, loss=lithium_loss, consumer="IND", commodity="lithium", demand=50000,
        min_partner_share=0.9,
    )  # fmt: skip
    assert r.status == "infeasible" and r.portfolio["flow_opt"].isna().all()
    (conflict,) = r.conflicts
    assert conflict.constraints == ("supply_limit", "min_partner_share")
    assert conflict.available == pytest.approx(80000 * f)
    assert conflict.required == pytest.approx(45000)
    assert f"{80000 * f:,.0f}" in r.explanation and "45,000" in r.explanation
    assert f"short by {45000 - 80000 * f:,.0f}" in r.explanation


def test_conflicting_contracts_are_explained() -> None:
    p = SourcingProblem(
        ("AUS", "CHN"), np.array([10.0, 10.0]), np.zeros((1, 2)), 10.0,
        is_partner=np.array([True, False]), contract=np.array([0.0, 6.0]), min_partner_share=0.5,
        max_supplier_share=0.55,
    )  # fmt: skip
    conflicts = explain_infeasibility(p)
    kinds = {c.constraints for c in conflicts}
    assert ("contract", "max_supplier_share") in kinds  # 6 > 0.55 × 10
    assert ("contract", "demand", "min_partner_share") in kinds  # 10 − 6 < 5
    crowd = next(
        c for c in conflicts if c.constraints == ("contract", "demand", "min_partner_share")
    )
    assert crowd.gap == pytest.approx(1.0)


def test_share_cap_too_tight_for_the_supplier_count_is_explained() -> None:
    p = SourcingProblem(
        ("A", "B", "C"), np.full(3, 100.0), np.zeros((1, 3)), 10.0, max_supplier_share=0.3
    )
    (conflict,) = explain_infeasibility(p)
    assert conflict.constraints == ("supply_limit", "max_supplier_share", "demand")
    assert conflict.gap == pytest.approx(1.0)
    assert "3 suppliers each at most 0.3" in conflict.message


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"demand": -1.0}, "demand"),
        ({"max_supplier_share": 1.2}, "max_supplier_share"),
        ({"min_partner_share": -0.5}, "min_partner_share"),
        ({"max_supplier_share": "most"}, "max_supplier_share"),
        ({"alpha": 1.0}, "alpha"),
        ({"contracts": {"AUS": -3.0}}, "contracts"),
    ],
)
def test_bad_spec_raises_input_error(fields: dict, word: str) -> None:
    with pytest.raises(InputError, match=word):
        SourcingSpec.create(**{**BASE, **fields})


def test_empty_supplier_set_raises_input_error(lithium_ds: SupplyDataset) -> None:
    with pytest.raises(InputError, match="supplier set is empty"):
        optimize_sourcing(
            lithium_ds, loss=pd.DataFrame(), consumer="IND", commodity="cobalt", demand=1.0
        )


def test_unknown_names_are_listed(lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="XXX"):
        optimize_sourcing(lithium_ds, loss=lithium_loss, contracts={"XXX": 1.0}, **BASE)
    with pytest.raises(UnknownNameError, match="'narnia'"):
        optimize_sourcing(lithium_ds, loss=lithium_loss, partners="narnia", **BASE)
    with pytest.raises(UnknownNameError, match="unobtainium"):
        optimize_sourcing(
            lithium_ds, loss=lithium_loss, consumer="IND", commodity="unobtainium", demand=1
        )


def test_known_domestic_use_is_subtracted(lithium_loss: pd.DataFrame) -> None:
    from tests.factories import countries_table, production_rows, tiny_dataset

    prod = production_rows([("USA", 5000.0), ("AUS", 80000.0)], commodity="lithium")
    salient = pd.DataFrame(
        [
            {
                "commodity": "lithium", "commodity_name": "Lithium", "statistic": "Consumption",
                "detail": "Consumption, apparent", "year": 2025, "value": 3000.0,
                "unit": "metric tons", "status": "estimated", "qualifier": "=",
                "value_text": "3,000", "note": None, "source_id": "test",
            }
        ]
    )  # fmt: skip
    ds = tiny_dataset(
        production=prod,
        us_salient=salient,
        countries=countries_table(["USA", "AUS", "IND"], msp=["USA", "AUS", "IND"]),
    )
    r = optimize_sourcing(ds, loss=lithium_loss, consumer="IND", commodity="lithium", demand=100.0)
    usa = r.portfolio.set_index("supplier").loc["USA"]
    assert usa["capacity"] == 2000.0 and usa["capacity_basis"] == "production_minus_domestic_use"


def test_consumer_production_counts_in_full_and_fraction_is_overridable(
    lithium_ds: SupplyDataset, lithium_loss: pd.DataFrame
) -> None:
    r = optimize_sourcing(
        lithium_ds, loss=lithium_loss, consumer="AUS", commodity="lithium", demand=100.0,
        exportable_fraction=0.25,
    )  # fmt: skip
    pf = r.portfolio.set_index("supplier")
    assert pf.loc["AUS", "capacity"] == 80000 * parameters()["domestic_fraction"]
    assert pf.loc["AUS", "capacity_basis"] == "own_production" and pf.loc["AUS", "partner"]
    assert pf.loc["CHL", "capacity"] == 40000 * 0.25


def test_recovery_is_a_supplier_with_its_own_capacity() -> None:
    from tests.factories import countries_table, production_rows, tiny_dataset
    from trust_minerals.outlook.recovery import recovery_supply

    prod = production_rows([("CHN", 270000.0), ("IND", 2900.0)], commodity="rare_earths")
    ds = tiny_dataset(production=prod, countries=countries_table(["CHN", "IND"], msp=["IND"]))
    loss = pd.DataFrame({"CHN": np.r_[np.ones(10), np.zeros(90)], "IND": np.zeros(100)})
    expected = recovery_supply("IND", "rare_earths", seed=0).p50
    assert expected > 0
    r = optimize_sourcing(
        ds,
        loss=loss,
        consumer="IND",
        commodity="rare_earths",
        demand=2900 + expected,
        recovery=True,
    )
    pf = r.portfolio.set_index("supplier")
    assert pf.loc["recovery", "capacity"] == pytest.approx(expected)
    assert pf.loc["recovery", "partner"]
    # CHN is fully disrupted in 10% of draws: the optimum uses IND and recovery to capacity
    assert pf.loc["recovery", "flow_opt"] == pytest.approx(expected)
    assert any("recovery" in n and "undisrupted" in n for n in r.notes)


def test_recovery_supplier_names_the_sources_of_its_residue_figures() -> None:
    """The recovery row's source id comes from the residue figures it was computed from: the
    IND rare-earth streams of recovery_streams.csv that cite rows of residue_streams.csv, each
    cited column mapped to its source in column_sources.csv (both files read here by hand)."""
    import csv
    from importlib import resources

    from tests.factories import countries_table, production_rows, sources_table, tiny_dataset
    from trust_minerals.optimize.solve import prepare
    from trust_minerals.optimize.spec import SourcingSpec
    from trust_minerals.outlook.recovery import recovery_supply

    package = resources.files("trust_minerals")
    with package.joinpath("outlook", "data", "recovery_streams.csv").open(encoding="utf-8") as fh:
        streams = [r for r in csv.DictReader(fh) if r["country"] == "IND"]
    with package.joinpath("data", "spec", "column_sources.csv").open(encoding="utf-8") as fh:
        mapped = {r["column"]: r["source_id"] for r in csv.DictReader(fh)
                  if r["table"] == "recovery_streams"}  # fmt: skip
    used = set(recovery_supply("IND", "rare_earths", seed=0).streams)
    expected = {
        mapped[r["parameter"]]
        for r in streams
        if r["commodity"] == "rare_earths" and r["stream"] in used and r["residue_rows"]
    }
    assert expected  # the streams summed cite published rows
    prod = production_rows([("CHN", 270000.0), ("IND", 2900.0)], commodity="rare_earths")
    ids = sorted({*expected, "test"})
    ds = tiny_dataset(
        production=prod,
        countries=countries_table(["CHN", "IND"], msp=["IND"]),
        sources=sources_table(ids),
    )
    loss = pd.DataFrame({"CHN": np.zeros(20), "IND": np.zeros(20)})
    spec = SourcingSpec.create(
        consumer="IND", commodity="rare_earths", demand=3000.0, recovery=True
    )
    prep = prepare(ds, spec, loss=loss)
    row = prep.capacity.set_index("supplier").loc["recovery"]
    assert set(str(row["source_id"]).split(", ")) == expected
    assert expected <= set(prep.source_ids)
    # a recovery capacity given by the caller was computed from nothing: no residue source
    given = prepare(ds, SourcingSpec.create(
        consumer="IND", commodity="rare_earths", demand=3000.0, recovery=True,
        capacities={"recovery": 50.0},
    ), loss=loss)  # fmt: skip
    assert pd.isna(given.capacity.set_index("supplier").loc["recovery", "source_id"])
    assert not expected & set(given.source_ids)


def test_loss_draws_come_from_the_scenario_engine(lithium_ds: SupplyDataset) -> None:
    a = optimize_sourcing(lithium_ds, draws=500, seed=3, **BASE)
    b = optimize_sourcing(lithium_ds, draws=500, seed=3, **BASE)
    assert a.status == "optimal" and a.cvar_before > 0
    assert a.objective == b.objective  # seeded


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 10.0), min_size=2, max_size=5),
    st.lists(st.booleans(), min_size=5, max_size=5),
    st.lists(st.sampled_from([0.0, 0.0, 1.0, 3.0]), min_size=5, max_size=5),
    st.sampled_from([None, 0.3, 0.5, 0.9]),
    st.sampled_from([0.0, 0.4, 0.8, 1.0]),
)
def test_an_explanation_is_given_exactly_when_scipy_finds_no_solution(
    cap: list[float], partner: list[bool], contract: list[float], share: float | None, need: float
) -> None:
    n = len(cap)
    p = SourcingProblem(
        tuple("ABCDE"[:n]), np.array(cap), np.zeros((1, n)), 10.0,
        is_partner=np.array(partner[:n]), contract=np.array(contract[:n]),
        max_supplier_share=share, min_partner_share=need,
    )  # fmt: skip
    res = linprog(
        np.zeros(n),
        A_ub=-np.asarray(partner[:n], float)[None, :],
        b_ub=[-need * 10.0],
        A_eq=np.ones((1, n)),
        b_eq=[10.0],
        bounds=list(zip(contract[:n], p.upper, strict=True)),
        method="highs",
    )
    assert bool(explain_infeasibility(p)) == (res.status == 2)


def test_all_withheld_producers_are_named_in_the_empty_set_error() -> None:
    from tests.factories import countries_table, production_rows, tiny_dataset

    prod = production_rows([("CHN", None), ("BEL", None)], commodity="germanium", stage="refinery")
    ds = tiny_dataset(
        production=prod, countries=countries_table(["CHN", "BEL", "IND"], msp=["IND"])
    )
    spec = {"consumer": "IND", "commodity": "germanium", "stage": "refinery", "demand": 1.0}
    with pytest.raises(InputError, match="CHN withheld, BEL withheld"):
        optimize_sourcing(ds, loss=pd.DataFrame(), **spec)
    r = optimize_sourcing(
        ds, loss=pd.DataFrame({"CHN": [0.0, 1.0]}), capacities={"BEL": 5.0}, **spec
    )
    assert r.flow_opt["BEL"] == pytest.approx(1.0)
