"""The TRUST composite: a transparent weighted mean of normalised indicators for a consumer and a
partner set.

Indicators (each a fraction in [0, 1], so scaling every quantity leaves them unchanged):

* ``stage_concentration`` — HHI of the primary stage;
* ``governance_risk`` — share-weighted instability of the producers (PV and RL, 0–1 scale);
* ``non_partner_dependence`` — share of the stage not produced by the partner set;
* ``export_control_exposure`` — share produced by countries with an export control in force;
* ``import_reliance`` — the consumer's import reliance (its basis is reported);
* ``reserve_concentration`` — HHI of reserves.

score = Σ w_k x_k / Σ w_k over the indicators a commodity has; a commodity missing any indicator is
flagged ``incomplete`` and the missing ones are named. Where the indicators a commodity has carry
less than ``trust_min_weight_share`` of the total weight (an assumption, ``parameters.csv``) there
is no score (NaN, unranked): a mean of one or two indicators is not comparable with a mean of six
(scandium and yttrium, whose production is entirely withheld, would otherwise top the list). Weights default to 1 each; negative weights,
weights summing to zero and unknown indicator names are errors.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from trust_minerals.errors import InputError, UnknownNameError
from trust_minerals.metrics.criticality.base import Method, join_notes

INDICATORS = (
    "stage_concentration",
    "governance_risk",
    "non_partner_dependence",
    "export_control_exposure",
    "import_reliance",
    "reserve_concentration",
)
_SOURCE = {
    "stage_concentration": "hhi",
    "governance_risk": "governance_risk",
    "non_partner_dependence": "non_partner_share",
    "export_control_exposure": "export_control_share",
    "import_reliance": "import_reliance",
    "reserve_concentration": "reserve_hhi",
}


def check_weights(weights: Mapping[str, float] | None) -> np.ndarray:
    """Weights in :data:`INDICATORS` order; missing names get 0 when others are given, 1 when none are.

    Examples
    --------
    >>> check_weights({"stage_concentration": 2, "import_reliance": 1}).tolist()
    [2.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    """
    if weights is None:
        return np.ones(len(INDICATORS))
    unknown = [k for k in weights if k not in INDICATORS]
    if unknown:
        raise UnknownNameError("weight", unknown, list(INDICATORS))
    w = np.array([float(weights.get(k, 0.0)) for k in INDICATORS])
    bad = {k: v for k, v in weights.items() if not np.isfinite(float(v)) or float(v) < 0}
    if bad:
        raise InputError(f"weights must be finite and non-negative; got {bad}")
    if w.sum() <= 0:
        raise InputError(f"weights must not sum to zero; got {dict(weights)}")
    return w


def prepare(ind: pd.DataFrame, params: Mapping[str, float]) -> pd.DataFrame:
    out = ind[["commodity", "stage", "year", "coverage_share", "incomplete"]].copy()
    for name, col in _SOURCE.items():
        out[name] = ind[col].astype(float).clip(0.0, 1.0)
    out["reliance_basis"] = ind["reliance_basis"]
    lacking = out[list(INDICATORS)].isna()
    names = lacking.apply(lambda r: ", ".join(k for k, v in r.items() if v), axis=1).astype(str)
    out["incomplete"] = out["incomplete"] | lacking.any(axis=1)
    out["missing"] = join_notes(ind["missing"], names.where(names == "", "no " + names))
    return out


def score(
    x: Mapping[str, np.ndarray], params: Mapping[str, float], weights: np.ndarray | None = None
) -> np.ndarray:
    w = np.ones(len(INDICATORS)) if weights is None else np.asarray(weights, dtype=float)
    xs = np.stack([np.asarray(x[name], dtype=float) for name in INDICATORS], axis=-1)
    if w.ndim == 2:  # one weight vector per draw: (draws, 1, indicators)
        w = w[:, None, :]
    present = ~np.isnan(xs)
    num = (np.where(present, xs, 0.0) * w).sum(axis=-1)
    den = (present * w).sum(axis=-1)
    total = w.sum(axis=-1)
    enough = (den > 0) & (den >= params["trust_min_weight_share"] * total - 1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough, num / np.where(den > 0, den, 1.0), np.nan)


METHOD = Method(
    name="trust",
    description="TRUST composite: weighted mean of six normalised indicators for a consumer and partner set",
    inputs=INDICATORS,
    prepare=prepare,
    score=score,
    bounded=INDICATORS,
    weight_names=INDICATORS,
    parameters=("missing_instability", "trust_min_weight_share"),
)
