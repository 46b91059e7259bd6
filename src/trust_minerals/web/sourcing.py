"""The optimiser on the Sourcing page: validated query parameters → portfolio, summary, frontier.

The page is a same-origin, server-rendered GET (``/sourcing?commodity=…&demand=…``): no API key
is involved, so every parameter is parsed here with explicit bounds (draws capped by
``min(ApiSettings.max_draws, PAGE_MAX_DRAWS)``, frontier points by ``PAGE_MAX_POINTS``, text by
length and the path-like check), each computation is cached per parameters, at most one runs at
a time (on one solver thread), and computations (not cache hits) count against the per-client rate limit of the app's
settings. The analysis itself is the library's: :class:`~trust_minerals.optimize.spec.SourcingSpec`
(``create``), :func:`~trust_minerals.optimize.solve.optimize_sourcing` and
:func:`~trust_minerals.optimize.frontier.efficient_frontier`, called as ``trust optimize`` and
``trust frontier`` call them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from trust_minerals.errors import UnknownNameError
from trust_minerals.report.fmt import Labels
from trust_minerals.server.problems import Problem
from trust_minerals.server.security import RateLimiter, check_not_path_like
from trust_minerals.sources import column_sources
from trust_minerals.web import charts

#: safety bounds of the page (an unauthenticated GET): not data, not assumptions about minerals
PAGE_MAX_DRAWS = 20_000
PAGE_MAX_POINTS = 20
PAGE_WAIT_S = 120.0

CAP_CHOICES = ("none", "crma", "custom")
AGAINST_CHOICES = ("partner_share", "cost")
PARTNER_CHOICES = ("msp", "quad", "g7", "eu", "oecd", "usa_ind")
#: query parameters of the optimiser form (``commodity`` and ``consumer`` are shared with the screen)
FORM_FIELDS = (
    "commodity",
    "consumer",
    "stage",
    "demand",
    "cap",
    "max_supplier_share",
    "min_partner_share",
    "partners",
    "draws",
    "seed",
    "cost_weight",
    "against",
    "points",
)
PORTFOLIO_VIEW = ["supplier", "flow_opt", "share", "capacity", "partner", "status_quo_share"]
SUMMARY_VIEW = [
    "objective",
    "cvar_before",
    "cvar_after",
    "expected_shortfall_before",
    "expected_shortfall_after",
    "partner_share_opt",
    "cost_opt",
    "alpha",
    "demand",
    "unit",
    "year",
    "supply_basis",
    "status_quo_basis",
    "status_quo_feasible",
]
BINDING_VIEW = ["constraint", "supplier", "activity", "lower", "upper", "shadow_price"]
FRONTIER_VIEW = [
    "point",
    "max_cost",
    "min_partner_share",
    "cvar_opt",
    "cost_opt",
    "partner_share_opt",
    "expected_shortfall_opt",
    "status",
]
SHARE_COLUMNS = ("share", "status_quo_share", "partner_share_opt", "min_partner_share")


@dataclass(frozen=True)
class SourcingForm:
    """The optimiser inputs of the Sourcing page, parsed and bounded.

    ``demand`` is ``None`` until the user asks for an optimisation (the page then shows the form
    only). ``max_supplier_share`` is ``'crma'`` (the EU CRMA benchmark), a number, or ``None``.
    """

    commodity: str = "lithium"
    consumer: str = "IND"
    stage: str = "mine"
    demand: float | None = None
    cap: str = "none"
    max_supplier_share: float | str | None = None
    min_partner_share: float = 0.0
    partners: str = "msp"
    draws: int = 2000
    seed: int = 0
    cost_weight: float | None = None
    against: str = "partner_share"
    points: int = 8

    def spec_fields(self) -> dict[str, Any]:
        """The :class:`~trust_minerals.optimize.spec.SourcingSpec` fields of this form."""
        if self.demand is None:
            raise Problem(422, "Invalid input", "demand is required", field="demand")
        fields: dict[str, Any] = {
            "consumer": self.consumer,
            "commodity": self.commodity,
            "stage": self.stage,
            "demand": self.demand,
            "max_supplier_share": self.max_supplier_share,
            "min_partner_share": self.min_partner_share,
            "partners": self.partners,
            "draws": self.draws,
            "seed": self.seed,
        }
        if self.cost_weight is not None:
            fields["cost_weight"] = self.cost_weight
        return fields

    def key(self) -> tuple[Any, ...]:
        """A hashable key for the app's cache."""
        return ("page_sourcing", *asdict(self).values())


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise Problem(422, "Invalid input", f"{name} is given {len(values)} times", field=name)
    if not values or not values[0].strip():
        return None
    return values[0].strip()


def _text(value: str | None, name: str, default: str, max_length: int) -> str:
    if value is None:
        return default
    if len(value) > max_length:
        raise Problem(
            422, "Invalid input", f"{name} is longer than {max_length} characters", field=name
        )
    check_not_path_like(name, value)
    return value


def _choice(value: str | None, name: str, default: str, choices: Sequence[str]) -> str:
    if value is None:
        return default
    if value not in choices:
        raise UnknownNameError(name, [value], list(choices), f"{name}=")
    return value


def _number(value: str | None, name: str, lo: float, hi: float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value[:64])
    except ValueError:
        raise Problem(
            422, "Invalid input", f"{name}={value[:64]!r} is not a number", field=name
        ) from None
    if not math.isfinite(number) or number < lo or (hi is not None and number > hi):
        bound = f"[{lo:g}, {hi:g}]" if hi is not None else f"≥ {lo:g}"
        raise Problem(
            422, "Invalid input", f"{name}={number:g} must be a finite number {bound}", field=name
        )
    return number


def _integer(value: str | None, name: str, default: int, lo: int, hi: int, limit: str) -> int:
    if value is None:
        return default
    if not value.lstrip("+").isdigit() or len(value) > 12:
        raise Problem(
            422, "Invalid input", f"{name}={value[:64]!r} is not a whole number", field=name
        )
    number = int(value)
    if number < lo:
        raise Problem(422, "Invalid input", f"{name}={number} must be at least {lo}", field=name)
    if number > hi:
        raise Problem(
            422,
            "Over the limit",
            f"{name}={number} exceeds the limit {limit}={hi} of this page",
            field=name,
        )
    return number


def parse_sourcing_form(params: Mapping[str, Sequence[str]], *, max_draws: int) -> SourcingForm:
    """Parse the Sourcing page's query parameters (each a list of values) into a bounded form.

    Unknown parameter names raise :class:`~trust_minerals.errors.UnknownNameError`; values that
    are not numbers, out of range, over a cap or path-like raise an API ``Problem`` (422, or 400
    for path-like input) naming the field. Empty values mean "the default".

    Examples
    --------
    >>> f = parse_sourcing_form({"demand": ["20000"], "cap": ["crma"]}, max_draws=20000)
    >>> f.demand, f.max_supplier_share, f.draws
    (20000.0, 'crma', 2000)
    """
    unknown = sorted(set(params) - set(FORM_FIELDS))
    if unknown:
        raise UnknownNameError("parameter", unknown, list(FORM_FIELDS), "/sourcing")
    get = {name: _one(params, name) for name in FORM_FIELDS}
    defaults = SourcingForm()
    cap = _choice(get["cap"], "cap", defaults.cap, CAP_CHOICES)
    share = _number(get["max_supplier_share"], "max_supplier_share", 0.0, 1.0)
    if cap == "custom" and share is None:
        raise Problem(
            422,
            "Invalid input",
            "max_supplier_share is required with cap=custom (a share in [0, 1])",
            field="max_supplier_share",
        )
    if cap != "custom" and share is not None:
        raise Problem(
            422,
            "Invalid input",
            f"max_supplier_share={share:g} is only used with cap=custom (cap={cap})",
            field="max_supplier_share",
        )
    max_share: float | str | None = {"none": None, "crma": "crma", "custom": share}[cap]
    min_partner = _number(get["min_partner_share"], "min_partner_share", 0.0, 1.0)
    demand = _number(get["demand"], "demand", 0.0, None)
    if demand == 0:
        raise Problem(422, "Invalid input", "demand=0 must be positive", field="demand")
    return SourcingForm(
        commodity=_text(get["commodity"], "commodity", defaults.commodity, 64),
        consumer=_text(get["consumer"], "consumer", defaults.consumer, 80),
        stage=_text(get["stage"], "stage", defaults.stage, 32),
        demand=demand,
        cap=cap,
        max_supplier_share=max_share,
        min_partner_share=min_partner if min_partner is not None else defaults.min_partner_share,
        partners=_text(get["partners"], "partners", defaults.partners, 200),
        draws=_integer(
            get["draws"], "draws", min(defaults.draws, max_draws), 1, max_draws, "max_draws"
        ),
        seed=_integer(get["seed"], "seed", defaults.seed, 0, 2**32 - 1, "max_seed"),
        cost_weight=_number(get["cost_weight"], "cost_weight", 0.0, None),
        against=_choice(get["against"], "against", defaults.against, AGAINST_CHOICES),
        points=_integer(get["points"], "points", defaults.points, 2, PAGE_MAX_POINTS, "max_points"),
    )


def form_values(params: Mapping[str, Sequence[str]], *, max_draws: int) -> dict[str, str]:
    """What the form shows: the defaults overlaid with what the user sent (last value each,
    truncated), so a refused value stays visible next to its error."""
    from trust_minerals.optimize.spec import parameters

    d = SourcingForm()
    values = {
        "commodity": d.commodity,
        "consumer": d.consumer,
        "stage": d.stage,
        "demand": "",
        "cap": d.cap,
        "max_supplier_share": "",
        "min_partner_share": f"{d.min_partner_share:g}",
        "partners": d.partners,
        "draws": str(min(d.draws, max_draws)),
        "seed": str(d.seed),
        "cost_weight": f"{parameters()['cost_weight']:g}",
        "against": d.against,
        "points": str(d.points),
    }
    for name in FORM_FIELDS:
        sent = params.get(name) or []
        if sent:
            values[name] = sent[-1][:200]
    return values


@dataclass(frozen=True, eq=False)
class SourcingRun:
    """What the page shows for one form: the library's results (or why there are none)."""

    form: SourcingForm
    result: Any  # SourcingResult
    frontier: Any | None  # FrontierResult
    frontier_error: str | None


def run_sourcing(ds: Any, form: SourcingForm) -> SourcingRun:
    """Optimise and trace the frontier for ``form`` with the library (as the CLI does).

    Library errors (unknown names, impossible values) propagate; an infeasible problem is a
    result (``status == 'infeasible'`` with the library's explanation), not an error.
    """
    from trust_minerals.errors import TrustMineralsError
    from trust_minerals.optimize.frontier import efficient_frontier
    from trust_minerals.optimize.solve import optimize_sourcing
    from trust_minerals.optimize.spec import SourcingSpec

    spec = SourcingSpec.create(**form.spec_fields())
    result = optimize_sourcing(ds, spec)
    try:
        frontier = efficient_frontier(ds, spec, against=form.against, points=form.points)  # type: ignore[arg-type]
    except TrustMineralsError as exc:
        return SourcingRun(form, result, None, str(exc))
    return SourcingRun(form, result, frontier, None)


class ComputeGate:
    """Page optimisations run one at a time on one long-lived solver thread, and each client's
    computations count against a rate limit.

    One persistent thread (rather than the server's pool threads, which come and go) also keeps
    HiGHS' per-thread scheduler on a thread that never exits.
    """

    def __init__(self, limit: int, window_s: float) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.limiter = RateLimiter(limit, window_s)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trust-page-solver")

    def run(self, client: str, compute: Any) -> Any:
        """``compute()`` on the solver thread once the client is within its rate (else 429);
        503 when it has not finished within ``PAGE_WAIT_S`` (queue included)."""
        from concurrent.futures import TimeoutError as FutureTimeout

        self.limiter.hit(f"page:{client}")
        future = self.executor.submit(compute)
        try:
            return future.result(timeout=PAGE_WAIT_S)
        except FutureTimeout:
            future.cancel()
            raise Problem(
                503,
                "Busy",
                f"the optimisation did not finish within {PAGE_WAIT_S:g} s (other optimisations "
                "may be queued); try again shortly",
                headers={"Retry-After": "10"},
            ) from None


_GATE_LOCK = threading.Lock()


def gate_of(app_state: Any, limit: int, window_s: float) -> ComputeGate:
    """The :class:`ComputeGate` of one app (created on first use, stored on ``app.state``)."""
    with _GATE_LOCK:
        gate = getattr(app_state, "sourcing_gate", None)
        if gate is None:
            gate = ComputeGate(limit, window_s)
            app_state.sourcing_gate = gate
        return gate  # type: ignore[no-any-return]


#: the source of the EU CRMA single-supplier benchmark (``data/spec/column_sources.csv``)
CRMA_SOURCE_IDS = column_sources("optimize_parameters", ["eu_crma_max_supplier_share"])


def source_ids(run: SourcingRun) -> set[str]:
    """The sources the result names, plus the EU CRMA where the form chose its benchmark."""
    ids = set(run.result.source_ids)
    if run.form.cap == "crma":
        ids.update(CRMA_SOURCE_IDS)
    return ids


def vintage_line(run: SourcingRun) -> str:
    """Vintage and method of a result: production year, status-quo basis, draws, CVaR level."""
    r, form = run.result, run.form
    return (
        f"Production year {r.year}; suppliers: {r.supply_basis}; status quo: {r.status_quo_basis}; "
        f"{form.draws} disruption "
        f"draws (seed {form.seed}); CVaR at α = {r.spec.alpha:g}; capacities and defaults from "
        "optimize/data/parameters.csv (assumptions labelled there)."
    )


def portfolio_figure(
    run: SourcingRun, source: str, labels: Labels | None = None
) -> dict[str, Any] | None:
    """Grouped bars: optimal share against status-quo share, by supplier (``None`` if infeasible);
    suppliers, consumer and commodity named by ``labels``."""
    r, form = run.result, run.form
    if r.status != "optimal" or r.portfolio.empty:
        return None
    labels = labels or Labels()
    p = r.portfolio
    return charts.grouped_bar(
        [labels.country(c) for c in p["supplier"]],
        {
            "optimal share": p["share"].tolist(),
            "status-quo share": p["status_quo_share"].tolist(),
        },
        title=(
            f"{labels.consumer(form.consumer)}: optimal vs status-quo "
            f"{labels.commodity(form.commodity).lower()} {form.stage} shares "
            f"(demand {form.demand:,.6g} {r.unit}, {r.year})"
        ),
        source=source,
        axis="% of demand",
    )


def frontier_figure(run: SourcingRun, source: str) -> dict[str, Any] | None:
    """CVaR of the shortfall against cost or partner share, with the chosen portfolio marked."""
    f, r, form = run.frontier, run.result, run.form
    if f is None:
        return None
    pts = f.points[f.points["status"] == "optimal"].dropna(subset=["cvar_opt"])
    if pts.empty:
        return None
    x_col = "partner_share_opt" if form.against == "partner_share" else "cost_opt"
    scale = 100.0 if form.against == "partner_share" else 1.0
    series = {"efficient frontier": ([v * scale for v in pts[x_col]], pts["cvar_opt"].tolist())}
    if r.status == "optimal":
        x_opt = r.partner_share_opt if form.against == "partner_share" else r.cost_opt
        series["this portfolio"] = ([x_opt * scale], [r.cvar_after])
    fig = charts.lines(
        series,
        title=(
            f"Efficient frontier: CVaR({r.spec.alpha:g}) of the shortfall against "
            f"{'partner share' if form.against == 'partner_share' else 'cost'}"
        ),
        source=source,
        xaxis="partner share (% of demand)"
        if form.against == "partner_share"
        else "cost (relative units: unit cost / mean × flow)",
        yaxis=f"CVaR of shortfall ({r.unit})",
    )
    if "this portfolio" in series:
        fig["data"][1]["mode"] = "markers"
        fig["data"][1]["marker"] = {"size": 12, "symbol": "star"}
    return fig


def page_context(ds: Any, run: SourcingRun) -> dict[str, Any]:
    """Template context for one run: tables (as rows), figures, source and vintage lines."""
    from trust_minerals._tables import records

    r = run.result
    source = charts.source_line(ds.sources, source_ids(run))
    vintage = vintage_line(run)
    summary = r.summary()
    ctx: dict[str, Any] = {
        "status": r.status,
        "explanation": r.explanation,
        "conflicts": records(r.conflicts_frame()),
        "conflict_cols": list(r.conflicts_frame().columns),
        "portfolio": records(r.portfolio[PORTFOLIO_VIEW]),
        "portfolio_cols": PORTFOLIO_VIEW,
        "summary": records(summary[[c for c in SUMMARY_VIEW if c in summary]]),
        "summary_cols": [c for c in SUMMARY_VIEW if c in summary],
        "binding": records(r.binding) if len(r.binding) else [],
        "binding_cols": [c for c in BINDING_VIEW if c in r.binding],
        "notes": list(r.notes),
        "source": source,
        "vintage": vintage,
        "unit": r.unit,
        "frontier_error": run.frontier_error,
        "frontier": [],
        "frontier_cols": [],
        "frontier_notes": [],
    }
    caption = f"{source}. {vintage}"
    figures = {"portfolio": portfolio_figure(run, caption, Labels.from_dataset(ds))}
    if run.frontier is not None:
        fr = run.frontier.points
        ctx["frontier"] = records(fr[[c for c in FRONTIER_VIEW if c in fr]])
        ctx["frontier_cols"] = [c for c in FRONTIER_VIEW if c in fr]
        ctx["frontier_notes"] = [n for n in run.frontier.notes if n not in r.notes]
        figures["frontier"] = frontier_figure(run, caption)
    ctx["figures"] = figures
    return ctx


def problem_of(exc: Exception) -> Problem:
    """The problem (status, title, message naming the field) for an error of the optimiser form."""
    from trust_minerals.server.problems import from_library_error

    if isinstance(exc, Problem):
        return exc
    problem = from_library_error(exc)
    if problem.status == 500:  # e.g. a capability of the platform that is not installed
        return Problem(503, "Not available", f"{type(exc).__name__}: {exc}")
    return problem
