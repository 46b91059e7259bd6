"""Backtests: the presets against what happened after the export controls they describe.

Each observation of ``simulate/data/episode_observations.csv`` is one number read from a row of
``data/raw/outlook/export_control_episodes.csv`` (its ``row``; the arithmetic is in
``derivation``) and one quantity the model also produces for the same period and destination:

* ``export_fall`` -- the fall of the restricting country's exports against pre-shock, averaged
  over the period's months (model: ``1 − allowed share`` of its exports to that destination;
  months before the effective date count as unrestricted);
* ``lag_months`` -- months until volumes partly recover (model: the first month with exports
  allowed again);
* ``price_change_outside`` / ``price_change_inside`` -- the price change outside and inside the
  restricting country in the period's month (model: :mod:`trust_minerals.simulate.price`);
* ``pre_buying_months`` -- pre-buying before the controls (not modelled month by month: it is the
  price buffer, so it is listed and never scored).

An observed export fall of the restricting country is **not** a consumer's shortfall (a consumer
also buys from other suppliers): the table gives the modelled US shortfall in the same months as
context only. Rows the model cannot reproduce (another form, beyond the horizon, no pre-shock
figure) are listed with ``comparable = False`` and the reason, and are not scored.

The error is ``ratio = model / observed`` and ``difference = model − observed``; the summary
gives the share of scored observations within a factor of 2 and with the right direction.
:func:`leave_one_out` refits the preset parameters (licence delay, share shipped after
licensing: ``episode_parameters.csv``) and the price response without one episode and scores
that episode with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import ParseError
from trust_minerals.schema import vocabulary
from trust_minerals.simulate.params import data_path
from trust_minerals.simulate.presets import load_presets
from trust_minerals.simulate.price import PriceResponse, price_paths, price_response
from trust_minerals.simulate.propagate import ScenarioResult, propagate
from trust_minerals.simulate.spec import ExportRestriction, ScenarioSpec

#: the observed quantities, with their display labels, are the ``backtest_quantity`` vocabulary
#: of ``data/spec/vocabulary.csv``
QUANTITIES = vocabulary("backtest_quantity")
#: tolerance below which a change counts as no change (for the direction check)
_ZERO = 0.005
#: consumer whose shortfall is shown as context next to an export fall
_CONTEXT_CONSUMER = "USA"

TABLE_COLUMNS = [
    "id",
    "episode",
    "row",
    "preset",
    "commodity",
    "quantity",
    "destination",
    "period",
    "observed",
    "observed_low",
    "observed_high",
    "qualifier",
    "model",
    "ratio",
    "difference",
    "within_factor_2",
    "direction",
    "comparable",
    "comparability",
    "model_quantity",
    "context",
    "derivation",
]


@cache
def observations() -> pd.DataFrame:
    """The observations (``simulate/data/episode_observations.csv``), validated.

    Examples
    --------
    >>> set(observations()["quantity"]) <= set(QUANTITIES)
    True
    """
    path = data_path("episode_observations.csv")
    df = pd.read_csv(path, dtype={"period": str}, keep_default_na=False, na_values=[""])
    episodes = _episodes()
    presets = load_presets()
    named_episodes = vocabulary("export_control_episode")
    for line, row in enumerate(df.itertuples(index=False), start=2):
        if row.quantity not in QUANTITIES:
            raise ParseError(
                "unknown quantity", path=path, line=line, field="quantity", value=row.quantity
            )
        if not 2 <= int(str(row.row)) <= len(episodes) + 1:
            raise ParseError(
                "no such row in export_control_episodes.csv",
                path=path,
                line=line,
                field="row",
                value=row.row,
            )
        if episodes.iloc[int(str(row.row)) - 2]["episode"] != row.episode:
            raise ParseError(
                "row belongs to another episode", path=path, line=line, field="episode"
            )
        if row.preset not in presets:
            raise ParseError("unknown preset", path=path, line=line, field="preset")
        if row.episode not in named_episodes:  # each episode has a display name
            raise ParseError(
                "episode missing from the export_control_episode vocabulary "
                "(data/spec/vocabulary.csv)",
                path=path,
                line=line,
                field="episode",
                value=row.episode,
            )
    df["comparable"] = df["not_comparable"].isna() & df["value"].notna()
    df["not_comparable"] = df["not_comparable"].fillna("")
    df["caveat"] = df["caveat"].fillna("")
    return df


@cache
def _episodes() -> pd.DataFrame:
    from importlib import resources

    path = resources.files("trust_minerals").joinpath(
        "data", "raw", "outlook", "export_control_episodes.csv"
    )
    return pd.read_csv(str(path), dtype=str)


@cache
def episode_parameters() -> pd.DataFrame:
    """Preset parameters set from the episodes (``simulate/data/episode_parameters.csv``)."""
    path = data_path("episode_parameters.csv")
    df = pd.read_csv(path)
    bad = df[df["source"].isna() | (df["source"].str.strip() == "")]
    if len(bad):
        raise ParseError(
            "every parameter needs a source", path=path, line=int(bad.index[0]) + 2, field="source"
        )
    df["observed"] = ~df["source"].str.startswith("assumption")
    return df


def _month_index(period: str, effective: str) -> list[int]:
    """Months of ``period`` (``YYYY-MM`` or ``YYYY-MM/YYYY-MM``) counted from the effective month."""
    start, _, end = period.partition("/")
    y0, m0 = int(effective[:4]), int(effective[5:7]) if len(effective) >= 7 else 1

    def index(text: str) -> int:
        return (int(text[:4]) - y0) * 12 + int(text[5:7]) - m0

    first = index(start)
    last = index(end) if end else first
    return list(range(first, last + 1))


def _restriction(spec: ScenarioSpec, commodity: str) -> ExportRestriction | None:
    for s in spec.shocks:
        if isinstance(s, ExportRestriction) and s.commodity == commodity:
            return s
    return None


def _allowed(shock: ExportRestriction, destination: str, month: int, spared: set[str]) -> float:
    if month < 0:
        return 1.0
    if destination in spared:
        return 1.0
    if shock.targets and destination not in shock.targets:
        return 1.0
    return shock.allowed_share(month)


def _spared(ds: SupplyDataset, shock: ExportRestriction) -> set[str]:
    """Destinations (ISO3 or the group names used in the observations) a shock exempts."""
    if not shock.spare:
        return set()
    from trust_minerals.countries import resolve_consumer

    members = resolve_consumer(ds, list(shock.spare), role="spared countries").members
    return set(shock.spare) | set(members)


def _model_figure(
    ds: SupplyDataset,
    obs: pd.Series,
    spec: ScenarioSpec,
    result: ScenarioResult,
    response: PriceResponse,
) -> tuple[float, str, str, str]:
    """``(model value, what the model quantity is, context, reason it is not comparable)``."""
    horizon = spec.horizon_months
    effective = spec.effective or f"{spec.year}-01"
    shock = _restriction(spec, str(obs["commodity"]))
    quantity = str(obs["quantity"])
    nan = float("nan")
    names = dict(zip(ds.countries["country"], ds.countries["name"], strict=True))
    who = names.get(shock.country, shock.country) if shock is not None else ""
    if quantity == "pre_buying_months":
        return nan, "not modelled (the price buffer, buffer_months)", "", ""
    if shock is None:
        return nan, "", "", f"preset {obs['preset']} has no export restriction on this commodity"
    if quantity == "lag_months":
        months = [t for t in range(horizon) if shock.allowed_share(t) > 0]
        if not months:
            return nan, "", "", "no month in the horizon with exports allowed again"
        return (
            float(months[0]),
            f"first month with {who}'s exports allowed again",
            "",
            "",
        )
    months = _month_index(str(obs["period"]), effective)
    if max(months) >= horizon:
        return nan, "", "", f"period beyond the {horizon}-month horizon"
    if quantity == "export_fall":
        spared = _spared(ds, shock)
        dest = str(obs["destination"])
        fall = float(np.mean([1.0 - _allowed(shock, dest, t, spared) for t in months]))
        in_horizon = [t for t in months if t >= 0]
        monthly = result.monthly
        us = monthly[
            (monthly["consumer"] == _CONTEXT_CONSUMER)
            & (monthly["commodity"] == obs["commodity"])
            & monthly["month"].isin(in_horizon)
        ]
        context = ""
        if len(us):
            short = float(us.groupby("stage")["shortfall_share"].mean().max())
            context = (
                f"modelled {names.get(_CONTEXT_CONSUMER, _CONTEXT_CONSUMER)} shortfall in the "
                f"same months {short:.2f}: not "
                "comparable (a consumer also buys from other suppliers)"
            )
        what = (
            f"1 - allowed share of {who}'s exports to "
            f"{'non-exempt destinations' if dest == 'WLD' else names.get(dest, dest)}, mean over "
            "months "
            f"{min(months)}..{max(months)}"
        )
        return fall, what, context, ""
    # a quoted price is for the refined form where the preset restricts one (metal, oxide)
    market = result.market
    stages = [
        s.stage
        for s in spec.shocks
        if isinstance(s, ExportRestriction) and s.commodity == obs["commodity"]
    ]
    price_stage = next((s for s in stages if s != "mine"), shock.stage)
    rows = market[(market["commodity"] == obs["commodity"]) & (market["stage"] == price_stage)]
    if rows.empty or not np.isfinite(rows["market_loss_share"]).all():
        return nan, "", "", "no outside-market share for the restricting country"
    _, outside, inside = price_paths(rows["market_loss_share"].to_numpy(), response)
    path = outside if quantity == "price_change_outside" else inside
    month = max(0, months[-1])
    side = "outside" if quantity == "price_change_outside" else "inside"
    return (
        float(path[month]),
        f"price change {side} {who} in month {month}, {price_stage} stage "
        f"({rows['price_basis'].iloc[0]})",
        "",
        "",
    )


def _score(observed: float, model: float) -> tuple[float, float, bool | None, str]:
    if not (np.isfinite(observed) and np.isfinite(model)):
        return float("nan"), float("nan"), None, "n.a."
    diff = model - observed
    ratio = model / observed if abs(observed) > 1e-12 else float("nan")
    so = 0 if abs(observed) < _ZERO else int(np.sign(observed))
    sm = 0 if abs(model) < _ZERO else int(np.sign(model))
    if so == 0 and sm == 0:
        within = True
    elif so == 0 or sm == 0 or so != sm:
        within = False
    else:
        within = bool(0.5 <= ratio <= 2.0)
    return ratio, diff, within, "right" if so == sm else "wrong"


def backtest_table(
    ds: SupplyDataset,
    *,
    specs: dict[str, ScenarioSpec] | None = None,
    response: PriceResponse | None = None,
    episodes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per observation: observed, model, ratio, difference, and whether comparable.

    ``specs`` replaces presets by name and ``response`` the price response (both for
    :func:`leave_one_out`); ``episodes`` keeps only those episodes.

    Examples
    --------
    >>> t = backtest_table(ds)  # doctest: +SKIP
    """
    return _backtest_rows(ds, specs, response, episodes)[0]


def _backtest_rows(
    ds: SupplyDataset,
    specs: dict[str, ScenarioSpec] | None,
    response: PriceResponse | None,
    episodes: Iterable[str] | None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """:func:`backtest_table` and the sources of the model runs it read."""
    obs = observations()
    if episodes is not None:
        obs = obs[obs["episode"].isin(list(episodes))]
    response = price_response() if response is None else response
    presets = {name: p.spec for name, p in load_presets().items()} | (specs or {})
    results: dict[str, ScenarioResult] = {}
    rows = []
    for _, o in obs.iterrows():
        spec = presets[str(o["preset"])]
        if o["preset"] not in results:
            results[str(o["preset"])] = propagate(ds, spec, [_CONTEXT_CONSUMER])
        model, what, context, reason = _model_figure(
            ds, o, spec, results[str(o["preset"])], response
        )
        comparable = bool(o["comparable"]) and not reason and what != ""
        why = o["not_comparable"] or reason
        if pd.isna(o["value"]) and not why:
            why = "no observed figure"
        observed = float(o["value"]) if pd.notna(o["value"]) else float("nan")
        ratio, diff, within, direction = (
            _score(observed, model) if comparable else (float("nan"), float("nan"), None, "n.a.")
        )
        rows.append(
            {
                "id": o["id"],
                "episode": o["episode"],
                "row": int(o["row"]),
                "preset": o["preset"],
                "commodity": o["commodity"],
                "quantity": o["quantity"],
                "destination": o["destination"],
                "period": o["period"] if pd.notna(o["period"]) else "",
                "observed": observed,
                "observed_low": o["low"],
                "observed_high": o["high"],
                "qualifier": o["qualifier"],
                "model": model,
                "ratio": ratio,
                "difference": diff,
                "within_factor_2": within,
                "direction": direction,
                "comparable": comparable,
                "comparability": (
                    ("comparable" + (f", with a caveat: {o['caveat']}" if o["caveat"] else ""))
                    if comparable
                    else f"not comparable: {why}"
                ),
                "model_quantity": what,
                "context": context,
                "derivation": o["derivation"],
            }
        )
    ids = sorted({i for r in results.values() for i in r.source_ids})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS), tuple(ids)


def summarise(table: pd.DataFrame) -> dict[str, float | int]:
    """Counts and shares over the scored (comparable) observations of a backtest table."""
    scored = table[table["comparable"] & table["within_factor_2"].notna()]
    n = len(scored)
    logs = np.log(scored["ratio"].where(scored["ratio"] > 0).dropna().astype(float))
    return {
        "observations": int(len(table)),
        "scored": n,
        "not_comparable": int((~table["comparable"]).sum()),
        "within_factor_2": int(scored["within_factor_2"].astype(bool).sum()),
        "within_factor_2_share": float(scored["within_factor_2"].astype(bool).mean())
        if n
        else float("nan"),
        "direction_right": int((scored["direction"] == "right").sum()),
        "direction_wrong": int((scored["direction"] == "wrong").sum()),
        "median_abs_log_ratio": float(np.median(np.abs(logs))) if len(logs) else float("nan"),
    }


def fit_price_response(
    ds: SupplyDataset,
    *,
    exclude: Sequence[str] = (),
    specs: dict[str, ScenarioSpec] | None = None,
    base: PriceResponse | None = None,
) -> PriceResponse:
    """Fit ``slope``, ``inside_ratio`` and ``max_loss_share`` to the price observations.

    ``slope`` is the geometric mean of ``observed / effective loss`` over the comparable
    outside-price observations (a line through the origin fitted in log space);
    ``inside_ratio`` the mean of ``inside / outside`` over episodes observing both;
    ``max_loss_share`` the largest effective loss among the observations fitted to. Episodes in
    ``exclude`` are left out; ``buffer_months`` is kept from ``base``.

    Examples
    --------
    >>> fit_price_response(ds).slope  # doctest: +SKIP
    """
    base = price_response() if base is None else base
    unit = base.replace(slope=1.0, inside_ratio=1.0)
    obs = observations()
    obs = obs[~obs["episode"].isin(list(exclude))]
    prices = obs[obs["quantity"].isin(["price_change_outside", "price_change_inside"])]
    table = backtest_table(ds, specs=specs, response=unit, episodes=set(prices["episode"]))
    table = table[table["id"].isin(set(prices["id"]))]
    out = table[(table["quantity"] == "price_change_outside") & table["comparable"]]
    out = out[(out["model"] > 0) & (out["observed"] > 0)]
    if out.empty:
        return base
    slope = float(np.exp(np.mean(np.log(out["observed"] / out["model"]))))
    ratios = []
    inside = table[(table["quantity"] == "price_change_inside") & table["comparable"]]
    for _, row in inside.iterrows():
        match = out[
            (out["episode"] == row["episode"])
            & (out["commodity"] == row["commodity"])
            & (out["period"] == row["period"])
        ]
        if len(match):
            ratios.append(row["observed"] / float(match["observed"].mean()))
    return base.replace(
        slope=slope,
        inside_ratio=float(np.mean(ratios)) if ratios else base.inside_ratio,
        max_loss_share=float(out["model"].max()),
    )


def _loo_specs(episode: str) -> dict[str, ScenarioSpec]:
    """Presets of ``episode`` with delay and after-share from the other episodes' observations."""
    params = episode_parameters()
    others = params[(params["episode"] != episode) & params["observed"]]
    mine = params[params["episode"] == episode]
    presets = load_presets()
    out: dict[str, ScenarioSpec] = {}
    for name in dict.fromkeys(mine["preset"]):
        spec = presets[name].spec
        shocks = []
        for s in spec.shocks:
            if isinstance(s, ExportRestriction) and s.kind == "licensing":
                changes: dict[str, float | int] = {}
                for key in ("delay_months", "after_share"):
                    values = others.loc[others["parameter"] == key, "value"]
                    if len(values):
                        mean = float(values.mean())
                        changes[key] = int(round(mean)) if key == "delay_months" else mean
                s = s.model_copy(update=changes)
            shocks.append(s)
        out[name] = spec.model_copy(update={"shocks": shocks})
    return out


def leave_one_out(ds: SupplyDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each episode scored with parameters fitted without it.

    Returns ``(by_observation, by_episode)``: per observation the in-sample and leave-one-out
    model figures and ratios; per episode the scored count and the share within a factor of 2,
    in sample and left out.
    """
    full = backtest_table(ds)
    rows, per_episode = [], []
    for episode in dict.fromkeys(observations()["episode"]):
        specs = _loo_specs(episode)
        response = fit_price_response(ds, exclude=[episode])
        loo = backtest_table(ds, specs=specs, response=response, episodes=[episode])
        ins = full[full["episode"] == episode].set_index("id")
        for _, r in loo.iterrows():
            rows.append(
                {
                    "id": r["id"],
                    "episode": episode,
                    "quantity": r["quantity"],
                    "observed": r["observed"],
                    "model_in_sample": ins.loc[r["id"], "model"],
                    "model_left_out": r["model"],
                    "ratio_in_sample": ins.loc[r["id"], "ratio"],
                    "ratio_left_out": r["ratio"],
                    "within_factor_2_left_out": r["within_factor_2"],
                    "comparable": r["comparable"],
                }
            )
        s_in, s_out = summarise(ins.reset_index()), summarise(loo)
        per_episode.append(
            {
                "episode": episode,
                "scored": s_out["scored"],
                "within_factor_2_in_sample": s_in["within_factor_2"],
                "within_factor_2_left_out": s_out["within_factor_2"],
                "median_abs_log_ratio_in_sample": s_in["median_abs_log_ratio"],
                "median_abs_log_ratio_left_out": s_out["median_abs_log_ratio"],
                "price_slope_left_out": response.slope,
                "delay_months_left_out": "; ".join(
                    f"{n}: {s.shocks[0].delay_months}"  # type: ignore[union-attr]
                    for n, s in specs.items()
                    if isinstance(s.shocks[0], ExportRestriction)
                ),
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(per_episode)


@dataclass(frozen=True)
class BacktestResult:
    """``table`` (one row per observation), ``summary``, and the leave-one-out tables;
    ``source_ids`` name the sources of the model runs, ``observation_source`` where the observed
    figures come from (not in the sources table: secondary reporting, cited row by row)."""

    table: pd.DataFrame
    summary: dict[str, float | int]
    leave_one_out: pd.DataFrame
    leave_one_out_by_episode: pd.DataFrame
    price_response: PriceResponse
    source_ids: tuple[str, ...] = ()
    observation_source: str = ""


def backtest(ds: SupplyDataset) -> BacktestResult:
    """Run every preset with observations and compare model with observation.

    Examples
    --------
    >>> r = backtest(ds)  # doctest: +SKIP
    >>> r.summary["within_factor_2_share"]  # doctest: +SKIP
    """
    table, ids = _backtest_rows(ds, None, None, None)
    by_obs, by_episode = leave_one_out(ds)
    summary = summarise(table)
    left = by_obs[by_obs["comparable"] & by_obs["within_factor_2_left_out"].notna()]
    summary["within_factor_2_share_left_out"] = (
        float(left["within_factor_2_left_out"].astype(bool).mean()) if len(left) else float("nan")
    )
    return BacktestResult(
        table, summary, by_obs, by_episode, price_response(), ids, OBSERVATION_SOURCE
    )


#: the backtest table's columns as the CLI and the dashboard show them
DISPLAY_COLUMNS = (
    "id",
    "quantity",
    "destination",
    "period",
    "observed",
    "model",
    "ratio",
    "difference",
    "within_factor_2",
    "direction",
    "comparability",
    "model_quantity",
    "context",
)

#: where the observed figures come from (each observation cites its row of the file)
OBSERVATION_SOURCE = (
    "observations read from data/raw/outlook/export_control_episodes.csv (trade press, "
    "secondary; each row cites its source_location)"
)
