"""USGS 2022-style supply risk: disruption potential × trade exposure × economic vulnerability.

* disruption potential = governance-weighted production concentration HHI_WGI (0–1 instability
  scale, PV and RL) at the primary stage;
* trade exposure = net import reliance of the consumer (USGS NIR for the USA, with ``E`` → 0; India's
  published figures; else apparent consumption; unknown → no score, flagged ``incomplete``);
* economic vulnerability = a parameter (``usgs_economic_vulnerability``, neutral 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from trust_minerals.metrics.criticality.base import Method, join_notes

INPUTS = ("disruption_potential", "trade_exposure")


def prepare(ind: pd.DataFrame, params: Mapping[str, float]) -> pd.DataFrame:
    out = ind[["commodity", "stage", "year", "coverage_share", "incomplete"]].copy()
    out["disruption_potential"] = ind["hhi_wgi"]
    out["trade_exposure"] = ind["import_reliance"].clip(0.0, 1.0)
    out["reliance_basis"] = ind["reliance_basis"]
    out["reliance_status"] = ind["reliance_status"]
    out["economic_vulnerability"] = params["usgs_economic_vulnerability"]
    unknown = out["trade_exposure"].isna()
    out["incomplete"] = out["incomplete"] | unknown
    notes = pd.Series(np.where(unknown, "import reliance unknown", ""), index=ind.index)
    out["missing"] = join_notes(ind["missing"], notes)
    return out


def score(
    x: Mapping[str, np.ndarray], params: Mapping[str, float], weights: np.ndarray | None = None
) -> np.ndarray:
    return x["disruption_potential"] * x["trade_exposure"] * params["usgs_economic_vulnerability"]


METHOD = Method(
    name="usgs2022",
    description="USGS 2022 style: disruption potential x trade exposure x economic vulnerability",
    inputs=INPUTS,
    prepare=prepare,
    score=score,
    bounded=("trade_exposure",),
    parameters=("usgs_economic_vulnerability", "missing_instability"),
)
