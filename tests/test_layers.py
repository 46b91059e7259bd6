"""Import layers, read from the source with ``ast`` (no module is imported).

* The library (``trust_minerals`` outside ``cli/``, ``api/`` and ``web/``) never imports an adapter.
* The data layer (``data/``) is below the analysis: it never imports ``metrics``, ``simulate``,
  ``optimize``, ``outlook`` or ``report``; the analysis never imports the parsers
  (``data.ingest``), which share their helpers through neutral modules (``countries``,
  ``_tables``).
* Adapters do not import each other, except the two edges that assemble the programme: the CLI
  starts the server (``cli`` → ``api``: ``trust serve`` calls the app factory) and the app factory
  mounts the dashboard (``api`` → ``web``). Shared server state, problems and security live in the
  neutral ``trust_minerals.server`` package, so no adapter needs another one for them; a cycle
  between two adapters always fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "trust_minerals"
ADAPTERS = ("cli", "api", "web")
ALLOWED_ADAPTER_EDGES = {("cli", "api"), ("api", "web")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (top level or inside functions), relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str | None:
    """``cli``/``api``/``web`` for an adapter module, ``None`` for the library or elsewhere."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "trust_minerals" and parts[1] in ADAPTERS:
        return parts[1]
    return None


def _edges() -> list[tuple[str, str]]:
    """(importing module, imported module) for every import inside the package."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        for target in sorted(_imports(path)):
            if target.startswith("trust_minerals"):
                out.append((source, target))
    return out


def library_imports_of_adapters(edges: list[tuple[str, str]]) -> list[str]:
    return sorted(
        f"{s} imports {t}" for s, t in edges if _layer(s) is None and _layer(t) is not None
    )


ANALYSIS = ("metrics", "simulate", "optimize", "outlook", "report")


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def data_layer_imports_of_analysis(edges: list[tuple[str, str]]) -> list[str]:
    return sorted(f"{s} imports {t}" for s, t in edges if _top(s) == "data" and _top(t) in ANALYSIS)


def analysis_imports_of_parsers(edges: list[tuple[str, str]]) -> list[str]:
    return sorted(
        f"{s} imports {t}"
        for s, t in edges
        if _top(s) in ANALYSIS and t.startswith("trust_minerals.data.ingest")
    )


def adapter_cross_imports(edges: list[tuple[str, str]]) -> list[str]:
    bad = []
    pairs = {(_layer(s), _layer(t)) for s, t in edges}
    for s, t in edges:
        a, b = _layer(s), _layer(t)
        if a is None or b is None or a == b:
            continue
        if (a, b) not in ALLOWED_ADAPTER_EDGES or (b, a) in pairs:
            bad.append(f"{s} imports {t}")
    return sorted(set(bad))


def test_the_scan_sees_the_package() -> None:
    edges = _edges()
    sources = {s for s, _ in edges}
    assert {"trust_minerals.api.app", "trust_minerals.web.pages", "trust_minerals.cli"} <= sources
    assert ("trust_minerals.api.app", "trust_minerals.web.pages") in edges  # the app factory


def test_the_library_never_imports_an_adapter() -> None:
    assert library_imports_of_adapters(_edges()) == []


def test_adapters_do_not_import_each_other() -> None:
    assert adapter_cross_imports(_edges()) == []


def test_the_data_layer_sits_below_the_analysis() -> None:
    edges = _edges()
    assert data_layer_imports_of_analysis(edges) == []
    assert analysis_imports_of_parsers(edges) == []
    wrong = [
        ("trust_minerals.data.check", "trust_minerals.metrics.concentration"),
        ("trust_minerals.simulate.propagate", "trust_minerals.data.ingest.reference"),
    ]
    assert len(data_layer_imports_of_analysis(wrong)) == 1
    assert len(analysis_imports_of_parsers(wrong)) == 1


@pytest.mark.parametrize(
    ("edges", "library", "cross"),
    [
        ([("trust_minerals.report.brief", "trust_minerals.cli._output")], 1, 0),
        ([("trust_minerals.web.pages", "trust_minerals.api.app")], 0, 1),
        (
            [
                ("trust_minerals.api.app", "trust_minerals.web.pages"),
                ("trust_minerals.web.pages", "trust_minerals.api.app"),
            ],
            0,
            2,
        ),
        ([("trust_minerals.api.app", "trust_minerals.web.pages")], 0, 0),
        ([("trust_minerals.metrics.risk", "trust_minerals.countries")], 0, 0),
    ],
)
def test_the_checks_fail_on_a_wrong_import(
    edges: list[tuple[str, str]], library: int, cross: int
) -> None:
    assert len(library_imports_of_adapters(edges)) == library
    assert len(adapter_cross_imports(edges)) == cross
