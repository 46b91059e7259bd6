"""CLI: trust technologies / sectors / chain (thin adapters over trust_minerals.technologies)."""

from __future__ import annotations

import io

import pandas as pd
from typer.testing import CliRunner

from trust_minerals.cli import app

runner = CliRunner()


def _csv(args: list[str]) -> pd.DataFrame:
    res = runner.invoke(app, [*args, "-f", "csv"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), keep_default_na=False)


def test_technologies_lists_one_sector_with_source_rows() -> None:
    t = _csv(["technologies", "--sector", "defence"])
    assert set(t["sector"]) == {"defence"}
    assert {"neodymium", "germanium", "lead"} <= set(t["commodity"])
    assert (t["source_row"] > 1).all()


def test_technologies_unknown_sector_is_one_error_line() -> None:
    res = runner.invoke(app, ["technologies", "--sector", "defense"])
    assert res.exit_code == 2
    assert "defence" in res.output


def test_data_describe_documents_the_technologies_table() -> None:
    t = _csv(["data", "describe", "technologies"])
    assert {"sector", "technology", "commodity", "link", "source_row"} <= set(t["column"])


def test_sectors_for_india_ranks_every_sector(built_db) -> None:  # type: ignore[no-untyped-def]
    t = _csv(["sectors", "--for", "IND"])
    assert len(t) == 7
    assert t.iloc[0]["weakest_commodity"] != ""
    t = _csv(["sectors", "--for", "usa_ind", "--level", "technology", "--sector", "defence"])
    assert set(t["sector"]) == {"defence"}


def test_simulate_by_sector(built_db) -> None:  # type: ignore[no-untyped-def]
    t = _csv(["simulate", "--preset", "china-rare-earths-2025", "--for", "IND", "--by-sector"])
    assert {"defence", "biotech_medical", "clean_energy_ev"} <= set(t["sector"])
    lost = pd.to_numeric(t["shortfall_share"].replace("", None))
    ree = (t["supply_commodity"] == "rare_earths") & (t["stage"] == "mine")
    assert (lost[ree] > 0).all()
    assert (t.loc[lost.isna(), "note"] != "").all()  # a missing shortfall says why


def test_montecarlo_by_sector(built_db) -> None:  # type: ignore[no-untyped-def]
    t = _csv(
        ["montecarlo", "--draws", "300", "--for", "IND", "--commodity", "gallium", "--by-sector"]
    )
    assert "semiconductors_ai" in set(t["sector"])


def test_chain_evaluate_shipped_example(built_db) -> None:  # type: ignore[no-untyped-def]
    t = _csv(["chain", "evaluate", "lithium-ion-battery", "--for", "IND"])
    assert {"lithium chemicals", "graphite"} <= set(t["input"])
    tiers = _csv(["chain", "evaluate", "permanent-magnet", "--for", "USA", "--level", "tier"])
    assert list(tiers["tier"]) == ["refined rare earths", "mining"]


def test_chain_evaluate_pharmaceutical_without_import_is_one_error(built_db) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["chain", "evaluate", "penicillin-antibiotic", "--for", "IND"])
    assert res.exit_code == 2
    assert "import-baci" in res.output and "294110" in res.output


def test_simulate_with_a_chain(built_db) -> None:  # type: ignore[no-untyped-def]
    t = _csv(
        [
            "simulate",
            "--preset",
            "china-rare-earths-2025",
            "--chain",
            "permanent-magnet",
            "--for",
            "IND",
        ]
    )
    ores = t[t["input"] == "rare-earth ores and concentrates"].iloc[0]
    assert float(ores["shortfall_share"]) > 0


def test_import_baci_hs6_then_the_pharmaceutical_chain_evaluates(
    built_db, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from tests.technologies.test_chains import _baci_file

    db = tmp_path / "store.duckdb"
    shutil.copy(built_db, db)
    _baci_file(tmp_path / "rel", 2024)
    res = runner.invoke(
        app,
        ["data", "import-baci", str(tmp_path / "rel"), "--db", str(db), "--hs6", "294110,300410"],
    )
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("TRUST_DB", str(db))
    t = _csv(["chain", "evaluate", "penicillin-antibiotic", "--for", "IND"])
    assert list(t["basis"]) == ["trade", "trade"]
    assert (t["year"] == 2024).all()
