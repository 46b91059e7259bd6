"""Sourcing commands: ``optimize``, ``frontier``, ``screen``, ``complement`` (thin adapters over
:mod:`trust_minerals.optimize`)."""

from __future__ import annotations

from typing import Any

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset
from trust_minerals.errors import InputError


def _pairs(values: list[str] | None, option: str) -> dict[str, float]:
    """``["AUS=5000", "CHL=100"]`` → ``{"AUS": 5000.0, "CHL": 100.0}``."""
    out: dict[str, float] = {}
    for item in values or []:
        for part in item.split(","):
            name, sep, number = part.partition("=")
            try:
                if not sep:
                    raise ValueError
                out[name.strip()] = float(number)
            except ValueError:
                raise InputError(f"{option}: expected NAME=NUMBER, got {part!r}") from None
    return out


CONSUMER = typer.Option(..., "--for", help="Consumer: ISO3 code(s), comma-separated")
COMMODITY = typer.Option(..., "--commodity", help="Commodity id, e.g. lithium")
STAGE = typer.Option("mine", "--stage", help="mine, refinery, smelter, ...")
DEMAND = typer.Option(
    ..., "--demand", help="Quantity to source (production unit); one per commodity"
)
COMMODITIES = typer.Option(
    ..., "--commodity", help="Commodity id(s), comma-separated, e.g. lithium"
)
MAX_SHARE = typer.Option(
    None, "--max-supplier-share", help="Cap per supplier in [0, 1], or 'crma' (EU CRMA 65%)"
)
MIN_PARTNER = typer.Option("0", "--min-partner-share", help="Minimum partner share in [0, 1]")
PARTNERS = typer.Option("msp", "--partners", help="msp, quad, g7, eu, oecd, usa_ind or ISO3 list")
DRAWS = typer.Option(10000, "--draws", help="Monte Carlo disruption draws")
SEED = typer.Option(0, "--seed")
ALPHA = typer.Option(None, "--alpha", help="CVaR level (default in optimize/data/parameters.csv)")
COST_WEIGHT = typer.Option(None, "--cost-weight", help="λ on the relative cost term")
YEAR = typer.Option(None, "--year", help="Production year (default: latest)")
FORM = typer.Option(None, "--form", help="Production form when a stage has several")
CONTRACT = typer.Option(None, "--contract", help="Existing contract NAME=QUANTITY (repeatable)")
CAPACITY = typer.Option(None, "--capacity", help="Capacity override NAME=QUANTITY (repeatable)")
FRACTION = typer.Option(None, "--exportable-fraction", help="Override the exportable fraction")
RECOVERY = typer.Option(False, "--recovery", help="Add the consumer's recovery/recycling supply")


def _floats(text: str, option: str) -> list[float]:
    """``"20000,5000"`` → ``[20000.0, 5000.0]``."""
    try:
        return [float(d) for d in text.split(",") if d.strip()]
    except ValueError:
        raise InputError(f"{option}: expected numbers separated by commas, got {text!r}") from None


def _spec_fields(**kw: Any) -> dict[str, Any]:
    from trust_minerals.optimize.spec import resolve_share

    fields = {k: v for k, v in kw.items() if v is not None}
    fields["contracts"] = _pairs(kw.get("contracts"), "--contract")
    fields["capacities"] = _pairs(kw.get("capacities"), "--capacity")
    fields["max_supplier_share"] = resolve_share(kw.get("max_supplier_share"), "max_supplier_share")
    fields["min_partner_share"] = resolve_share(kw.get("min_partner_share"), "min_partner_share")
    return fields


def _spec(**kw: Any) -> Any:
    from trust_minerals.optimize.spec import SourcingSpec

    return SourcingSpec.create(**_spec_fields(**kw))


def register(app: typer.Typer) -> None:
    @app.command("optimize")
    def optimize_cmd(
        consumer: str = CONSUMER,
        commodity: str = COMMODITIES,
        stage: str = STAGE,
        demand: str = DEMAND,
        max_supplier_share: str | None = MAX_SHARE,
        min_partner_share: str = MIN_PARTNER,
        partners: str = PARTNERS,
        draws: int = DRAWS,
        seed: int = SEED,
        alpha: float | None = ALPHA,
        cost_weight: float | None = COST_WEIGHT,
        year: int | None = YEAR,
        form: str | None = FORM,
        contract: list[str] | None = CONTRACT,
        capacity: list[str] | None = CAPACITY,
        exportable_fraction: float | None = FRACTION,
        recovery: bool = RECOVERY,
        summary: bool = typer.Option(False, "--summary", help="Print the summary table only"),
        binding: bool = typer.Option(False, "--binding", help="Print binding constraints"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """CVaR-optimal sourcing portfolio: flow_opt by supplier, risk before and after.

        Several commodities: --commodity lithium,graphite --demand 20000,30000 (solved one by one).
        """
        from trust_minerals.optimize.solve import optimize_many, results_table

        names = [c.strip() for c in commodity.split(",") if c.strip()]
        amounts = _floats(demand, "demand")
        if len(names) != len(amounts):
            raise InputError(
                f"demand: give one number per commodity ({len(names)} commodities, demand={demand!r})"
            )
        common = _spec_fields(
            consumer=consumer, stage=stage,
            max_supplier_share=max_supplier_share, min_partner_share=min_partner_share,
            partners=partners, draws=draws, seed=seed, alpha=alpha, cost_weight=cost_weight,
            year=year, form=form, contracts=contract, capacities=capacity,
            exportable_fraction=exportable_fraction, recovery=recovery,
        )  # fmt: skip
        results = optimize_many(_dataset(), dict(zip(names, amounts, strict=True)), **common)
        view = "summary" if summary else "binding" if binding else "portfolio"
        table, ok = results_table(results, view)
        if not ok:
            emit(table, fmt, title="Infeasible: conflicting constraints")
            raise typer.Exit(1)
        basis = "; ".join(
            r.supply_basis if len(results) == 1 else f"{name}: {r.supply_basis}"
            for name, r in results.items()
        )
        ids = sorted({i for r in results.values() for i in r.source_ids})
        emit(table, fmt, title=f"Sourcing {view} (suppliers: {basis})", sources=ids)

    @app.command("frontier")
    def frontier_cmd(
        consumer: str = CONSUMER,
        commodity: str = COMMODITY,
        stage: str = STAGE,
        demand: float = DEMAND,
        max_supplier_share: str | None = MAX_SHARE,
        min_partner_share: str = MIN_PARTNER,
        partners: str = PARTNERS,
        draws: int = DRAWS,
        seed: int = SEED,
        alpha: float | None = ALPHA,
        year: int | None = YEAR,
        form: str | None = FORM,
        contract: list[str] | None = CONTRACT,
        capacity: list[str] | None = CAPACITY,
        exportable_fraction: float | None = FRACTION,
        recovery: bool = RECOVERY,
        against: str = typer.Option("cost", "--against", help="cost or partner_share"),
        points: int = typer.Option(20, "--points", help="Number of frontier points"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Efficient frontier: minimum CVaR against a cost budget or a partner share."""
        from trust_minerals.optimize.frontier import efficient_frontier

        spec = _spec(
            consumer=consumer, commodity=commodity, stage=stage, demand=demand,
            max_supplier_share=max_supplier_share, min_partner_share=min_partner_share,
            partners=partners, draws=draws, seed=seed, alpha=alpha, year=year, form=form,
            contracts=contract, capacities=capacity, exportable_fraction=exportable_fraction,
            recovery=recovery,
        )  # fmt: skip
        result = efficient_frontier(_dataset(), spec, against=against, points=points)  # type: ignore[arg-type]
        emit(result.points, fmt, title=f"Efficient frontier (CVaR against {against})")

    @app.command("screen")
    def screen_cmd(
        commodity: str = COMMODITY,
        consumer: str | None = typer.Option(
            None, "--for", help="Consumer ISO3 (left out of the ranking)"
        ),
        partners: str = PARTNERS,
        weights: list[str] | None = typer.Option(
            None,
            "--weight",
            help="Component weight NAME=W (repeatable); see optimize/data/screen_weights.csv",
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Overseas-asset screening: countries ranked for a commodity, each rank explained."""
        from trust_minerals.optimize.screen import screen_assets

        result = screen_assets(
            _dataset(),
            commodity,
            consumer=consumer,
            partners=partners,
            weights=_pairs(weights, "--weight") or None,
        )
        emit(result.ranking, fmt, title=f"Overseas-asset screening: {commodity}")

    @app.command("complement")
    def complement_cmd(
        consumers: str = typer.Option(
            "USA,IND", "--for", help="The two countries compared, comma-separated (ISO3)"
        ),
        commodity: list[str] | None = typer.Option(
            None, "--commodity", help="Limit to these (repeatable)"
        ),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Complementarity: where one partner produces or holds reserves and the other imports."""
        from trust_minerals.optimize.complement import complementarity

        result = complementarity(_dataset(), consumers, commodities=commodity or None)
        emit(
            result.opportunities,
            fmt,
            title=f"Complementarity {'–'.join(result.consumers)}",
            sources=result.source_ids,
        )
