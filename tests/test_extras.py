"""Optional dependencies: a missing extra is named; the core imports none of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from trust_minerals import _extras
from trust_minerals._extras import EXTRAS, MissingExtraError, require

OPTIONAL = sorted(EXTRAS)


def test_require_imports_an_installed_optional_package() -> None:
    mod = require("jinja2", "a test")
    assert mod.__name__ == "jinja2"


def test_missing_package_names_the_extra_that_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("SALib.")]:
        monkeypatch.delitem(sys.modules, name)  # submodules imported by earlier tests
    monkeypatch.setitem(sys.modules, "SALib", None)  # as if not installed
    with pytest.raises(MissingExtraError) as err:
        require("SALib.analyze.sobol", "Sobol indices")
    msg = str(err.value)
    assert "Sobol indices needs the package 'SALib'" in msg
    assert "pip install 'trust-minerals[sensitivity]'" in msg
    assert isinstance(err.value, ImportError) and err.value.extra == "sensitivity"


def test_a_broken_install_is_not_reported_as_a_missing_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pkg = tmp_path / "brokenpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(_extras.EXTRAS, "brokenpkg", "web")
    with pytest.raises(ModuleNotFoundError) as err:
        require("brokenpkg", "a test")
    assert not isinstance(err.value, MissingExtraError)
    assert err.value.name == "no_such_dependency_xyz"


def test_only_declared_optional_packages_go_through_require() -> None:
    with pytest.raises(KeyError, match="numpy"):
        require("numpy", "a test")


def test_import_sites_report_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from trust_minerals.optimize.model import SourcingProblem, build_model

    p = SourcingProblem(
        suppliers=("A", "B"),
        capacity=np.array([8.0, 8.0]),
        loss=np.array([[0.5, 0.0]]),
        demand=10.0,
    )
    for name in [m for m in sys.modules if m.startswith("linopy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "linopy", None)
    with pytest.raises(MissingExtraError, match=r"trust-minerals\[linopy\]"):
        build_model(p)


def _run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where every optional package fails to import."""
    blocker = f"import sys\nfor _m in {OPTIONAL!r}:\n    sys.modules[_m] = None\n"
    return subprocess.run(
        [sys.executable, "-c", blocker + textwrap.dedent(code)], capture_output=True, text=True
    )


def test_core_modules_and_the_cli_import_without_any_extra() -> None:
    out = _run_blocked(
        """
        import importlib, pkgutil
        import trust_minerals
        skipped = ("trust_minerals.api", "trust_minerals.web", "trust_minerals.server")
        names = [m.name for m in pkgutil.walk_packages(trust_minerals.__path__, "trust_minerals.")
                 if not m.name.startswith(skipped)]
        for name in names:
            importlib.import_module(name)
        from trust_minerals.cli import app
        from typer.testing import CliRunner
        r = CliRunner().invoke(app, ["--help"])
        assert r.exit_code == 0, r.output
        print(len(names))
        """
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[-1]) > 50


def test_the_web_adapters_name_the_web_extra() -> None:
    out = _run_blocked("import trust_minerals.api\n")
    assert out.returncode != 0
    assert "pip install 'trust-minerals[web]'" in out.stderr
