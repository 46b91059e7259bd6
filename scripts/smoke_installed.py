"""Smoke run of an installed trust-minerals (run by scripts/check_wheel.py in a fresh venv).

Runs from a folder outside the checkout with ``TRUST_DB`` pointing at a temporary store: builds
the store, runs the overview, one preset scenario and one optimisation through the ``trust``
command, loads the store from Python and builds the linopy model (an ``[all]`` extra), and checks
that each gave rows. Exits non-zero on the first failure.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path


def trust(*args: str) -> str:
    out = subprocess.run(["trust", *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"trust {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out.stdout


def main() -> None:
    import trust_minerals

    here = Path(trust_minerals.__file__).resolve()
    if "site-packages" not in here.parts:
        sys.exit(f"trust_minerals imported from {here}, not from the installed wheel")
    print(f"trust_minerals from {here.parent} (Python {sys.version.split()[0]})")
    db = Path(os.environ["TRUST_DB"])

    trust("data", "build", "--force")
    assert db.is_file(), db
    overview = list(csv.DictReader(io.StringIO(trust("overview", "-f", "csv"))))
    assert len(overview) > 20, len(overview)
    print(f"overview: {len(overview)} rows")

    sim = json.loads(
        trust("simulate", "--preset", "drc-cobalt-quota-2025", "--for", "USA", "-f", "json")
    )
    assert sim, "simulate gave no rows"
    print(f"simulate drc-cobalt-quota-2025 --for USA: {len(sim)} rows")

    opt = json.loads(
        trust("optimize", "--for", "IND", "--commodity", "lithium", "--demand", "20000",
              "--draws", "500", "--seed", "1", "-f", "json")
    )  # fmt: skip
    assert opt, "optimize gave no rows"
    print(f"optimize --for IND --commodity lithium: {len(opt)} rows")

    from trust_minerals.data.store import load_dataset
    from trust_minerals.optimize.model import SourcingProblem, build_model

    ds = load_dataset(db)
    assert len(ds.trade) > 1_000_000, len(ds.trade)
    # the optional backends of the [all] install import and work
    import numpy as np

    p = SourcingProblem(suppliers=("A", "B"), capacity=np.array([8.0, 8.0]),
                        loss=np.array([[0.5, 0.0]]), demand=10.0)  # fmt: skip
    assert sorted(build_model(p).constraints) == [
        "cvar_excess", "demand", "shortfall_balance", "supply_limit"
    ]  # fmt: skip
    import distributed  # noqa: F401
    import fastapi  # noqa: F401
    import SALib  # noqa: F401

    print("smoke run passed")


if __name__ == "__main__":
    main()
