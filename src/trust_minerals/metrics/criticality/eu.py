"""EU CRM supply risk: SR = [HHI_WGI,GS × IR/2 + HHI_WGI,sourcing × (1 − IR/2)] × (1 − EoL_RIR) × SI.

As the EU does, SR is computed at the extraction stage and at the processing stage where both have
production data, and the higher (the bottleneck) is kept (:func:`prepare_bottleneck`).

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

from trust_minerals.countries import CountrySet
from trust_minerals.dataset import SupplyDataset
from trust_minerals.metrics.criticality.base import Method, join_notes
from trust_minerals.metrics.criticality.inputs import build_indicators

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


EXTRACTION = "mine"


def prepare_bottleneck(
    ds: SupplyDataset,
    consumer: CountrySet,
    year: int,
    partners: CountrySet,
    params: Mapping[str, float],
) -> pd.DataFrame:
    """EU inputs at the commodity's bottleneck stage: SR at extraction and at processing, the higher.

    The EU computes supply risk at the extraction stage and at the processing stage and keeps the
    higher. A commodity with production data at ``mine`` and at a later stage (refinery, smelter,
    processing, metal, pigment; the first with data) is scored at both: ``sr_extraction`` and
    ``sr_processing`` give the two values and the row's inputs and ``stage`` are those of the
    higher. Other commodities are scored at their one primary stage (the other column missing).
    """
    ind = build_indicators(ds, consumer, year, partners=partners)
    first = _with_basis(prepare(ind, params), ind)
    sr1 = _sr(first, params)
    prod = ds.production
    prod = prod[(prod["year"] <= year) & prod["quantity"].notna()]
    stages = prod.groupby("commodity")["stage"].agg(lambda s: set(s))
    both = stages[stages.map(lambda s: EXTRACTION in s and len(s - {EXTRACTION}) > 0)].index
    out = first.copy()
    out["sr_extraction"] = np.where(first["stage"].eq(EXTRACTION), sr1, np.nan)
    out["sr_processing"] = np.where(first["stage"].ne(EXTRACTION), sr1, np.nan)
    if len(both) == 0:
        return out
    sub = ds.select(commodity=list(both))
    later = sub.production[sub.production["stage"].ne(EXTRACTION)]
    ind2 = build_indicators(sub.replace(production=later), consumer, year, partners=partners)
    second = _with_basis(prepare(ind2, params), ind2)
    second = second.set_index("commodity").reindex(first["commodity"])
    second = second.reset_index().set_axis(first.index)
    sr2 = _sr(second, params)
    at_processing = first["commodity"].isin(both) & second["stage"].fillna(EXTRACTION).ne(
        EXTRACTION
    )
    at_processing &= second["stage"].fillna("").ne("")
    out["sr_processing"] = np.where(at_processing, sr2, out["sr_processing"])
    take = at_processing & (np.nan_to_num(sr2, nan=-np.inf) > np.nan_to_num(sr1, nan=-np.inf))
    for col in first.columns:
        picked = np.where(
            take, second[col].to_numpy(dtype=object), first[col].to_numpy(dtype=object)
        )
        out[col] = pd.Series(picked, index=first.index).astype(first[col].dtype)
    return out


def _with_basis(frame: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    """The prepared inputs with the indicators' assessability and sourcing basis
    (``import_basis``, ``import_note``: where the consumer's import mix comes from)."""
    return frame.assign(
        assessable=ind["assessable"],
        import_basis=ind["import_basis"],
        import_note=ind["import_note"],
    )


def _sr(frame: pd.DataFrame, params: Mapping[str, float]) -> np.ndarray:
    return score({k: frame[k].to_numpy(dtype=float) for k in INPUTS}, params)


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
