"""A corpus of malformed command lines and files: each gets a one-line named error, no traceback,
the right exit status (1 data error, 2 usage error), and the store is byte-for-byte unchanged.

The cases are those found by probing the CLI as a hostile or careless user would (issue 11).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.data.ingest.test_trade import _write_release
from trust_minerals.cli import app

runner = CliRunner()
PLAN = (Path(__file__).parents[2] / "src/trust_minerals/outlook/plans/india-2030.yaml").read_text()
BACI = "BACI_HS92_Y2022_V202401b.csv"


@pytest.fixture(scope="module")
def store(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's store (imports may try to write to it)."""
    path = tmp_path_factory.mktemp("corpus") / "trust.duckdb"
    shutil.copy(built_db, path)
    return path


def _baci(tmp: Path, edit: Callable[[str], str] | None = None, name: str = BACI) -> str:
    _write_release(tmp / "rel", 2022, seed=21)
    f = tmp / "rel" / BACI
    text = f.read_text()
    target = tmp / "rel" / name
    f.unlink()
    target.write_text(edit(text) if edit else text)
    return str(target)


def _bytes(tmp: Path, name: str, content: bytes) -> str:
    p = tmp / name
    p.write_bytes(content)
    return str(p)


def _first_mineral_row(text: str, new: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if ",283691," in line:
            lines[i] = new
            break
    return "\n".join(lines) + "\n"


GARBAGE = bytes(range(256)) * 4
SCENARIO = "name: x\nyear: {year}\nshocks:\n  - kind: export_ban\n    country: CHN\n    commodity: gallium\n    stage: refinery\n"

# (id, args builder(tmp) -> args, exit status, text in the error line)
CASES: list[tuple[str, Callable[[Path], list[str]], int, str]] = [
    # --- import never deletes or changes data silently ---------------------------------------
    (
        "import-header-only",
        lambda t: ["data", "import-baci", _baci(t, lambda s: "t,i,j,k,v,q\n")],
        1,
        "no data rows",
    ),
    (
        "import-empty-file",
        lambda t: ["data", "import-baci", _baci(t, lambda s: "")],
        1,
        "empty file",
    ),
    (
        "import-binary",
        lambda t: ["data", "import-baci", _bytes(t, BACI, GARBAGE)],
        1,
        "binary file",
    ),
    (
        "import-latin1",
        lambda t: [
            "data",
            "import-baci",
            _bytes(t, BACI, b"t,i,j,k,v,q\n2022,152,699,283691,\xe9,1\n"),
        ],
        1,
        "not UTF-8",
    ),
    (
        "import-1e306",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,1e306,1")),
        ],
        1,
        "implausible",
    ),
    (
        "import-inf",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,inf,1")),
        ],
        1,
        "non-negative",
    ),
    (
        "import-nan",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,nan,1")),
        ],
        1,
        "non-negative",
    ),
    (
        "import-negative",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,-4,1")),
        ],
        1,
        "non-negative",
    ),
    (
        "import-huge-quantity",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,1,1e15")),
        ],
        1,
        "implausible",
    ),
    (
        "import-text-value",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,twelve,1")),
        ],
        1,
        "'twelve'",
    ),
    (
        "import-text-country",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,Chile,699,283691,1,1")),
        ],
        1,
        "field 'i'",
    ),
    (
        "import-missing-field",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,152,699,283691,1")),
        ],
        1,
        "cannot read the file",
    ),
    (
        "import-duplicates",
        lambda t: ["data", "import-baci", _baci(t, lambda s: s + s.splitlines()[1] + "\n")],
        1,
        "more than once",
    ),
    (
        "import-year-1850",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: s.replace("2022,", "1850,"), BACI.replace("2022", "1850")),
        ],
        1,
        "outside BACI HS92 coverage",
    ),
    (
        "import-year-after-release",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: s.replace("2022,", "2031,"), BACI.replace("2022", "2031")),
        ],
        1,
        "outside BACI HS92 coverage",
    ),
    (
        "import-year-differs",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2021,152,699,283691,1,1")),
        ],
        1,
        "year differs",
    ),
    (
        "import-unknown-country",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: _first_mineral_row(s, "2022,555,699,283691,1,1")),
        ],
        1,
        "'555'",
    ),
    (
        "import-no-minerals",
        lambda t: [
            "data",
            "import-baci",
            _baci(t, lambda s: "t,i,j,k,v,q\n2022,152,699,870323,1,1\n"),
        ],
        1,
        "none with an HS6 code",
    ),
    (
        "import-wrong-header",
        lambda t: [
            "data",
            "import-baci",
            _baci(
                t, lambda s: "year,exporter,importer,product,value,quantity\n" + s.split("\n", 1)[1]
            ),
        ],
        1,
        "header must be",
    ),
    ("import-missing-file", lambda t: ["data", "import-baci", str(t / BACI)], 1, "file not found"),
    ("import-empty-folder", lambda t: ["data", "import-baci", str(t)], 1, "holds no BACI"),
    (
        "import-wrong-name",
        lambda t: ["data", "import-baci", _baci(t, name="trade.csv")],
        1,
        "named BACI_HS92",
    ),
    (
        "import-hs17",
        lambda t: ["data", "import-baci", _baci(t, name=BACI.replace("HS92", "HS17"))],
        1,
        "HS17",
    ),
    (
        "import-no-store",
        lambda t: ["data", "import-baci", _baci(t), "--db", str(t / "none.duckdb")],
        1,
        "no database",
    ),
    # --- files given where a file is expected -------------------------------------------------
    (
        "scenario-binary",
        lambda t: ["simulate", "--scenario", _bytes(t, "s.yaml", GARBAGE)],
        1,
        "not UTF-8",
    ),
    ("scenario-directory", lambda t: ["simulate", "--scenario", str(t)], 2, "cannot read scenario"),
    (
        "scenario-missing",
        lambda t: ["simulate", "--scenario", str(t / "none.yaml")],
        2,
        "cannot read scenario",
    ),
    (
        "scenario-bad-yaml",
        lambda t: ["simulate", "--scenario", _bytes(t, "s.yaml", b"name: [x\n")],
        1,
        "line",
    ),
    (
        "scenario-bad-json",
        lambda t: ["simulate", "--scenario", _bytes(t, "s.json", b"{name: }")],
        1,
        "s.json",
    ),
    (
        "scenario-list",
        lambda t: ["simulate", "--scenario", _bytes(t, "s.yaml", b"- 1\n- 2\n")],
        1,
        "one mapping",
    ),
    (
        "scenario-year-1850",
        lambda t: [
            "simulate",
            "--scenario",
            _bytes(t, "s.yaml", SCENARIO.format(year=1850).encode()),
        ],
        2,
        "1850",
    ),
    ("plan-binary", lambda t: ["demand", "--plan", _bytes(t, "p.yaml", GARBAGE)], 1, "not UTF-8"),
    ("plan-directory", lambda t: ["demand", "--plan", str(t)], 1, "is a directory"),
    (
        "plan-bad-yaml",
        lambda t: ["demand", "--plan", _bytes(t, "p.yaml", b"name: [x\n")],
        1,
        "not valid YAML",
    ),
    (
        "plan-not-mapping",
        lambda t: ["demand", "--plan", _bytes(t, "p.yaml", b"just text\n")],
        1,
        "YAML mapping",
    ),
    (
        "plan-factor-1e200",
        lambda t: [
            "demand",
            "--plan",
            _bytes(
                t,
                "p.yaml",
                PLAN.replace("value: 5000000", "value: 1e200")
                .replace("value: 0.30", "value: 1e200")
                .encode(),
            ),
        ],
        2,
        "finite",
    ),
    ("plan-unknown", lambda t: ["demand", "--plan", "atlantis-2030"], 2, "unknown plan"),
    # --- arguments: never silently replaced or ignored ----------------------------------------
    (
        "montecarlo-year-1800",
        lambda t: ["montecarlo", "--year", "1800", "--draws", "10"],
        2,
        "'1800'",
    ),
    (
        "montecarlo-year-2030",
        lambda t: ["montecarlo", "--year", "2030", "--draws", "10"],
        2,
        "'2030'",
    ),
    (
        "montecarlo-year-99999",
        lambda t: ["montecarlo", "--year", "99999", "--draws", "10"],
        2,
        "'99999'",
    ),
    (
        "montecarlo-stage-orbit",
        lambda t: ["montecarlo", "--stages", "orbit", "--draws", "10"],
        2,
        "unknown stage",
    ),
    ("montecarlo-draws-negative", lambda t: ["montecarlo", "--draws", "-1"], 2, "positive integer"),
    ("montecarlo-draws-huge", lambda t: ["montecarlo", "--draws", str(10**12)], 2, "draw cap"),
    (
        "montecarlo-unknown-commodity",
        lambda t: ["montecarlo", "--commodity", "unobtainium", "--draws", "10"],
        2,
        "unobtainium",
    ),
    (
        "montecarlo-unknown-consumer",
        lambda t: ["montecarlo", "--for", "NARNIA", "--draws", "10"],
        2,
        "NARNIA",
    ),
    (
        "screen-unknown-consumer",
        lambda t: ["screen", "--commodity", "lithium", "--for", "XXX"],
        2,
        "'XXX'",
    ),
    (
        "optimize-demand-inf",
        lambda t: ["optimize", "--for", "IND", "--commodity", "lithium", "--demand", "inf"],
        2,
        "finite",
    ),
    (
        "optimize-demand-nan",
        lambda t: ["optimize", "--for", "IND", "--commodity", "lithium", "--demand", "nan"],
        2,
        "finite",
    ),
    (
        "optimize-demand-negative",
        lambda t: ["optimize", "--for", "IND", "--commodity", "lithium", "--demand", "-5"],
        2,
        "demand",
    ),
    (
        "frontier-points-huge",
        lambda t: [
            "frontier",
            "--for",
            "IND",
            "--commodity",
            "lithium",
            "--demand",
            "100",
            "--points",
            "1000000",
        ],
        2,
        "caps.csv 'points'",
    ),
    (
        "criticality-uncertainty-huge",
        lambda t: ["criticality", "--method", "eu", "--uncertainty", str(10**12)],
        2,
        "caps.csv 'uncertainty'",
    ),
    (
        "criticality-uncertainty-negative",
        lambda t: ["criticality", "--method", "eu", "--uncertainty", "-1"],
        2,
        "minimum",
    ),
    (
        "criticality-unknown-method",
        lambda t: ["criticality", "--method", "astrology"],
        2,
        "astrology",
    ),
    (
        "concentration-year-1800",
        lambda t: ["concentration", "--commodity", "cobalt", "--stage", "mine", "--year", "1800"],
        2,
        "'1800'",
    ),
    (
        "production-unknown-commodity",
        lambda t: ["production", "--commodity", "LITHUM"],
        2,
        "did you mean 'lithium'",
    ),
    ("risk-unknown-consumer", lambda t: ["risk", "--for", "XXX"], 2, "'XXX'"),
    (
        "simulate-unknown-preset",
        lambda t: ["simulate", "--preset", "atlantis-2030"],
        2,
        "atlantis-2030",
    ),
    ("demand-unknown-scenario", lambda t: ["demand", "--scenario", "BAU"], 2, "BAU"),
    ("serve-log-level", lambda t: ["serve", "--log-level", "loud"], 2, "log level"),
    # --- the store and the disk ---------------------------------------------------------------
    (
        "status-garbage-store",
        lambda t: ["data", "status", "--db", _bytes(t, "g.duckdb", GARBAGE)],
        1,
        "g.duckdb",
    ),
    (
        "status-empty-store",
        lambda t: ["data", "status", "--db", _bytes(t, "e.duckdb", b"")],
        1,
        "e.duckdb",
    ),
    (
        "integrity-truncated-store",
        lambda t: ["data", "check", "--integrity", "--db", _bytes(t, "t.duckdb", GARBAGE[:100])],
        1,
        "t.duckdb",
    ),
    (
        "build-under-a-file",
        lambda t: ["data", "build", "--db", str(Path(_bytes(t, "f", b"x")) / "s.duckdb")],
        1,
        "cannot create the store lock",
    ),
    (
        "export-onto-a-file",
        lambda t: ["data", "export", "--out", _bytes(t, "f", b"x")],
        2,
        "not a directory",
    ),
    (
        "export-format-xml",
        lambda t: ["data", "export", "--out", str(t), "--format", "xml"],
        2,
        "xml",
    ),
    (
        "report-under-a-file",
        lambda t: [
            "report",
            "commodity",
            "lithium",
            "--out",
            str(Path(_bytes(t, "f", b"x")) / "b.html"),
        ],
        1,
        "File exists",
    ),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("build", "status", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_input_gets_a_named_error_and_leaves_the_store(
    store: Path, tmp_path: Path, build: Callable[[Path], list[str]], status: int, text: str
) -> None:
    args = build(tmp_path)
    before = _digest(store)
    result = runner.invoke(app, args, env={"TRUST_DB": str(store), "TRUST_LOCK_TIMEOUT": "5"})
    out = result.output
    assert result.exit_code == status, out
    assert (
        "Traceback" not in out
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    errors = [line for line in out.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and text in errors[0], out
    assert _digest(store) == before


def test_the_corpus_has_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60 and len({c[0] for c in CASES}) == len(CASES)
