"""EU CRM supply risk: SR = [HHI_WGI,GS × IR/2 + HHI_WGI,sourcing × (1 − IR/2)] × (1 − EoL_RIR) × SI.

HHI_WGI uses the EU's inverted 0–10 governance scale (mean of the bundled PV and RL scores) times
the trade adjustment ``t``; GS = global supply (production shares at the primary stage); the
sourcing mix is the consumer's domestic supply (1 − IR) plus imports IR × import share (BACI).
Where the sourcing mix is unknown (no import reliance, or no import mix) the global mix stands in
(then IR drops out of the formula), the row is flagged ``incomplete`` and ``missing`` says which. EoL_RIR comes from ``ds.eol_rir`` (EU 2023 rates) or the ``eu_eol_rir_default``
assumption; SI and t are neutral assumptions (``parameters.csv``), reported with the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from trust_minerals.metrics.criticality.base import Method, join_notes

UNKNOWN_SOURCING = " unknown: sourcing mix = global supply"
INPUTS = ("hhi_wgi_global", "hhi_wgi_sourcing", "import_reliance_used", "eol_rir_used")


def supply_risk(
    hhi_wgi_global: np.ndarray,
    hhi_wgi_sourcing: np.ndarray,
    import_reliance: np.ndarray,
    eol_rir: np.ndarray,
    *,
    substitution_index: float = 1.0,
    trade_adjustment: float = 1.0,
) -> np.ndarray:
    """The EU supply-risk formula on arrays (any broadcastable shapes).

    Examples
    --------
    >>> import numpy as np
    >>> float(supply_risk(np.array(4.0), np.array(2.0), np.array(0.5), np.array(0.25)))
    1.875
    """
    ir = np.clip(import_reliance, 0.0, 1.0)
    mix = hhi_wgi_global * ir / 2 + hhi_wgi_sourcing * (1 - ir / 2)
    return mix * trade_adjustment * (1 - eol_rir) * substitution_index


def prepare(ind: pd.DataFrame, params: Mapping[str, float]) -> pd.DataFrame:
    out = ind[["commodity", "stage", "year", "coverage_share", "incomplete"]].copy()
    out["hhi_wgi_global"] = ind["hhi_wgi_eu"]
    sourcing = ind["hhi_wgi_sourcing_eu"]
    out["sourcing_basis"] = np.where(sourcing.notna(), "consumer_mix", "global (no import mix)")
    out["hhi_wgi_sourcing"] = sourcing.fillna(ind["hhi_wgi_eu"])
    out["import_reliance"] = ind["import_reliance"]
    out["reliance_basis"] = ind["reliance_basis"]
    out["import_reliance_used"] = ind["import_reliance"].where(sourcing.notna(), 0.0).clip(0.0, 1.0)
    out["eol_rir"] = ind["eol_rir"]
    out["eol_rir_used"] = ind["eol_rir"].fillna(params["eu_eol_rir_default"])
    out["eol_rir_basis"] = np.where(ind["eol_rir"].notna(), "eol_rir (EU 2023)", "assumption")
    out["substitution_index"] = params["eu_substitution_index"]
    out["trade_adjustment"] = params["eu_trade_adjustment"]
    # the sourcing term is half the formula or more: a stand-in for it leaves the row incomplete
    out["incomplete"] = out["incomplete"] | sourcing.isna()
    reason = np.where(ind["import_reliance"].isna(), "import reliance", "import mix")
    notes = pd.Series(
        np.where(sourcing.isna(), np.char.add(reason.astype(str), UNKNOWN_SOURCING), ""),
        index=ind.index,
    )
    out["missing"] = join_notes(ind["missing"], notes)
    return out


def score(
    x: Mapping[str, np.ndarray], params: Mapping[str, float], weights: np.ndarray | None = None
) -> np.ndarray:
    return supply_risk(
        x["hhi_wgi_global"],
        x["hhi_wgi_sourcing"],
        x["import_reliance_used"],
        x["eol_rir_used"],
        substitution_index=params["eu_substitution_index"],
        trade_adjustment=params["eu_trade_adjustment"],
    )


METHOD = Method(
    name="eu",
    description="EU CRM supply risk (HHI_WGI global and sourcing, import reliance, EoL-RIR, SI)",
    inputs=INPUTS,
    prepare=prepare,
    score=score,
    bounded=("import_reliance_used", "eol_rir_used"),
    parameters=(
        "eu_substitution_index",
        "eu_trade_adjustment",
        "eu_eol_rir_default",
        "eu_wgi_scale",
        "missing_instability",
    ),
)
