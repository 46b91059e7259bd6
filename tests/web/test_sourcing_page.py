"""The Sourcing page's optimiser (server side, no browser): parsing and bounds of the form, the
page against the library, infeasible inputs, caps, rate limit, sources."""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import make_client
from trust_minerals.errors import UnknownNameError
from trust_minerals.server.problems import Problem
from trust_minerals.web.sourcing import (
    FORM_FIELDS,
    PAGE_MAX_POINTS,
    SourcingForm,
    parse_sourcing_form,
)

FEASIBLE = "/sourcing?demand=20&cap=crma&min_partner_share=0.3&draws=300&points=4"
INFEASIBLE = "/sourcing?demand=20&cap=custom&max_supplier_share=0.2&min_partner_share=0.9&draws=200"


def q(**kw: str) -> dict[str, list[str]]:
    return {k: [v] for k, v in kw.items()}


@pytest.fixture(scope="module")
def page_client(web_db: Path) -> Any:
    with make_client(web_db, max_draws=1000, rate_limit=100) as c:
        yield c


def table_rows(text: str, table_id: str) -> list[list[str]]:
    """``data-value`` cells of each body row of the table with ``table_id``."""
    m = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', text, re.S)
    assert m, f"no table {table_id}"
    return [
        [html.unescape(v) for v in re.findall(r'data-value="([^"]*)"', row)]
        for row in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)
    ]


# --- the form ---------------------------------------------------------------------------------


def test_defaults_do_not_run_an_optimisation() -> None:
    form = parse_sourcing_form({}, max_draws=100_000)
    assert form == SourcingForm()
    assert parse_sourcing_form({}, max_draws=100).draws == 100  # the default obeys a lower cap
    assert form.demand is None
    with pytest.raises(Problem) as exc:
        form.spec_fields()
    assert exc.value.params[0][0] == "demand"


def test_crma_option_is_the_published_benchmark() -> None:
    from trust_minerals.optimize.spec import SourcingSpec, parameters

    form = parse_sourcing_form(q(demand="100", cap="crma"), max_draws=1000)
    spec = SourcingSpec.create(**form.spec_fields())
    assert spec.max_supplier_share == parameters()["eu_crma_max_supplier_share"]
    custom = parse_sourcing_form(
        q(demand="100", cap="custom", max_supplier_share="0.4"), max_draws=1000
    )
    assert custom.max_supplier_share == 0.4
    assert parse_sourcing_form(q(demand="100"), max_draws=1000).max_supplier_share is None


@pytest.mark.parametrize(
    "params,field,status",
    [
        (q(draws="1001"), "draws", 422),
        (q(draws="0"), "draws", 422),
        (q(draws="1.5"), "draws", 422),
        (q(points=str(PAGE_MAX_POINTS + 1)), "points", 422),
        (q(demand="abc"), "demand", 422),
        (q(demand="-5"), "demand", 422),
        (q(demand="0"), "demand", 422),
        (q(demand="inf"), "demand", 422),
        (q(demand="nan"), "demand", 422),
        (q(min_partner_share="1.5"), "min_partner_share", 422),
        (q(cost_weight="-1"), "cost_weight", 422),
        (q(cap="custom"), "max_supplier_share", 422),
        (q(cap="none", max_supplier_share="0.5"), "max_supplier_share", 422),
        (q(partners="../../etc"), "partners", 400),
        (q(consumer="C:\\x"), "consumer", 400),
        (q(commodity="x" * 65), "commodity", 422),
        ({"draws": ["10", "20"]}, "draws", 422),
    ],
)
def test_bad_values_name_their_field(params: dict[str, list[str]], field: str, status: int) -> None:
    with pytest.raises(Problem) as exc:
        parse_sourcing_form(params, max_draws=1000)
    assert exc.value.status == status
    assert exc.value.params[0][0] == field


def test_unknown_parameters_and_choices_are_listed() -> None:
    with pytest.raises(UnknownNameError) as exc:
        parse_sourcing_form(q(foo="1", bar="2"), max_draws=1000)
    assert exc.value.names == ["bar", "foo"]
    assert exc.value.valid == list(FORM_FIELDS)
    with pytest.raises(UnknownNameError) as exc:
        parse_sourcing_form(q(cap="half"), max_draws=1000)
    assert exc.value.names == ["half"] and exc.value.valid == ["none", "crma", "custom"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(FORM_FIELDS),
        st.lists(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(["crma", "custom", "none", "cost", "0.5", "1e9", "-0", "20"]),
            ),
            min_size=1,
            max_size=2,
        ),
    )
)
def test_any_query_is_parsed_into_bounds_or_refused_with_a_named_field(
    params: dict[str, list[str]],
) -> None:
    try:
        form = parse_sourcing_form(params, max_draws=500)
    except Problem as exc:
        assert exc.status in (400, 422) and exc.params and exc.params[0][0] in FORM_FIELDS
        return
    except UnknownNameError as exc:
        assert exc.kind in ("cap", "against")
        return
    assert 1 <= form.draws <= 500 and 2 <= form.points <= PAGE_MAX_POINTS
    assert 0 <= form.min_partner_share <= 1
    assert form.demand is None or (math.isfinite(form.demand) and form.demand > 0)
    assert form.cap in ("none", "crma", "custom")
    assert (form.max_supplier_share is None) == (form.cap == "none")


# --- the page ---------------------------------------------------------------------------------


def test_page_portfolio_is_the_library_result(page_client: Any) -> None:
    from trust_minerals.data.store import load_dataset
    from trust_minerals.optimize.solve import optimize_sourcing
    from trust_minerals.optimize.spec import parameters

    r = page_client.get(FEASIBLE)
    assert r.status_code == 200
    lib = optimize_sourcing(
        load_dataset(page_client.app.state.trust.db_path),
        consumer="IND",
        commodity="lithium",
        demand=20,
        max_supplier_share="crma",
        min_partner_share=0.3,
        draws=300,
    )
    rows = table_rows(r.text, "portfolio-table")
    got = {row[0]: float(row[1]) for row in rows}
    want = dict(zip(lib.portfolio["supplier"], lib.portfolio["flow_opt"], strict=True))
    assert got.keys() == want.keys() == {"AUS", "CHL", "CHN"}
    for supplier, flow in want.items():
        assert got[supplier] == pytest.approx(flow, rel=1e-9)
    assert sum(got.values()) == pytest.approx(20)
    cap = parameters()["eu_crma_max_supplier_share"]
    assert all(float(row[2]) <= cap + 1e-9 for row in rows)  # share ≤ the CRMA benchmark
    summary = table_rows(r.text, "summary-table")[0]
    assert float(summary[2]) == pytest.approx(lib.cvar_after)  # cvar_after
    assert float(summary[1]) == pytest.approx(lib.cvar_before)
    binding = table_rows(r.text, "binding-table")
    assert [b[0] for b in binding] == list(lib.binding["constraint"])
    assert len(table_rows(r.text, "frontier-table")) == 4


def test_every_optimiser_table_and_chart_names_source_and_vintage_printed_once(
    page_client: Any,
) -> None:
    """Each table and chart of the run carries its source: the first in full, the others a link
    back to it; the run's source line (from the result's source_ids) is printed once."""
    import json

    from trust_minerals.web import charts, sourcing

    text = page_client.get(FEASIBLE).text
    anchors = dict(re.findall(r'<span id="(source-\d+)">(.*?)</span>', text, re.S))

    def cited(block: str) -> str:
        """The full source line a block's source paragraph or caption prints or links to."""
        ref = re.match(r'\s*<span class="source-ref">Source: <a href="#(source-\d+)">', block)
        if ref:
            return anchors[ref.group(1)]
        full = re.match(r'\s*<span id="source-\d+">(.*?)</span>', block, re.S)
        assert full, block[:200]
        return full.group(1)

    lines = []
    for table_id in ("summary-table", "portfolio-table", "binding-table", "frontier-table"):
        after = text.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[1]
        para = re.match(r'\s*(?:</div>\s*)?<p class="source">(.*?)</p>', after, re.S)
        assert para, table_id
        lines.append(cited(para.group(1)))
    for fig_id in ("portfolio", "frontier"):
        raw = re.search(
            rf'id="fig-{fig_id}">(.*?)</script>\s*<figcaption class="source">(.*?)</figcaption>',
            text,
            re.S,
        )
        assert raw, fig_id
        source = json.loads(raw.group(1))["meta"]["source"]
        assert source.startswith("Source:") and "Production year 2025" in source
        assert "300 disruption draws" in source
        lines.append(cited(raw.group(2)))
    assert len(set(lines)) == 1  # the same sources: one line, printed in full once
    line = html.unescape(lines[0])
    assert "[usgs_mcs2026]" in line and "Production year 2025" in line
    assert "300 disruption draws" in line
    assert text.count(">" + html.escape(line, quote=True).split(". Production year")[0]) == 1
    # the line is built from the result's own source ids (plus the CRMA the form chose)
    ds = page_client.app.state.trust.ds
    params = {k: [v] for k, v in (kv.split("=") for kv in FEASIBLE.split("?")[1].split("&"))}
    run = sourcing.run_sourcing(ds, sourcing.parse_sourcing_form(params, max_draws=1000))
    assert line.startswith(charts.source_line(ds.sources, sourcing.source_ids(run)))
    # the units notes stay with their tables
    assert (
        "Optimal flow and capacity in" in text and "Shadow price: change of the objective" in text
    )


def test_infeasible_page_shows_the_library_explanation(page_client: Any) -> None:
    from trust_minerals.data.store import load_dataset
    from trust_minerals.optimize.solve import optimize_sourcing

    r = page_client.get(INFEASIBLE)
    assert r.status_code == 200
    lib = optimize_sourcing(
        load_dataset(page_client.app.state.trust.db_path),
        consumer="IND",
        commodity="lithium",
        demand=20,
        max_supplier_share=0.2,
        min_partner_share=0.9,
        draws=200,
    )
    assert lib.status == "infeasible" and lib.explanation
    assert html.escape(lib.explanation, quote=True) in r.text
    assert len(table_rows(r.text, "conflicts-table")) == len(lib.conflicts)
    assert 'id="portfolio-table"' not in r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    "query,status,needle",
    [
        ("/sourcing?demand=20&draws=5000", 422, "max_draws=1000"),
        ("/sourcing?demand=20&commodity=unobtainium", 404, "unknown commodity"),
        ("/sourcing?demand=20&stage=pigment", 404, "supplier set is empty"),  # no data
        ("/sourcing?demand=20&partners=XYZ", 404, "unknown partner set: 'XYZ'"),
        ("/sourcing?demand=20&nonsense=1", 404, "unknown parameter"),
    ],
)
def test_page_errors_are_shown_with_their_status(
    page_client: Any, query: str, status: int, needle: str
) -> None:
    r = page_client.get(query)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    problem = re.search(r'id="optimise-problem".*?</div>', r.text, re.S)
    assert problem and needle in html.unescape(problem.group(0))
    assert "Traceback" not in r.text


def test_path_like_commodity_is_refused(page_client: Any) -> None:
    r = page_client.get("/sourcing", params={"commodity": "../etc/passwd"})
    assert r.status_code == 400
    assert "commodity" in r.text


def test_computations_count_against_the_rate_limit_cache_hits_do_not(web_db: Path) -> None:
    with make_client(web_db, rate_limit=2, rate_window_s=3600) as c:
        first = "/sourcing?demand=20&draws=50&points=2"
        assert c.get(first).status_code == 200
        assert c.get("/sourcing?demand=21&draws=50&points=2").status_code == 200
        assert c.get(first).status_code == 200  # cached: no computation
        over = c.get("/sourcing?demand=22&draws=50&points=2")
        assert over.status_code == 429
        assert "rate_limit" in over.text
        assert c.get("/sourcing").status_code == 200  # the form itself is never limited


def test_grouped_bar_keeps_missing_values_as_gaps() -> None:
    from trust_minerals.web.charts import grouped_bar

    fig = grouped_bar(
        ["AUS", "CHL"], {"a": [0.5, None], "b": [0.25, float("nan")]}, title="t", source="Source: x"
    )
    assert [d["y"] for d in fig["data"]] == [[50.0, None], [25.0, None]]
    assert fig["meta"]["source"] == "Source: x"
