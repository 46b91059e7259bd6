"""scripts/check_wheel.py: the core install's size per distribution and its limit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_wheel", ROOT / "scripts" / "check_wheel.py")
assert _spec and _spec.loader
check_wheel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_wheel)


def _dist(site: Path, name: str, files: dict[str, int]) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    record = [f"{rel},sha256=x,{size}" for rel, size in files.items()]
    record.append(f"{info.name}/RECORD,,")
    for rel, size in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"x" * size)
    (info / "RECORD").write_text("\n".join(record) + "\n")


def test_sizes_are_attributed_by_record_and_the_venv_seed_is_left_out(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    _dist(site, "numpy", {"numpy/core.so": 3000, "numpy/__pycache__/a.pyc": 500})
    _dist(site, "pip", {"pip/__init__.py": 9000})
    (site / "stray.txt").write_bytes(b"y" * 70)
    sizes = check_wheel.install_sizes(site)
    record = len((site / "numpy-1.0.dist-info" / "RECORD").read_bytes())
    assert sizes == {"numpy": 3500 + record, check_wheel.UNRECORDED: 70}


def test_core_size_check_fails_at_or_over_the_limit() -> None:
    under = {"numpy": 72_000_000, "pandas": 76_000_000, "scipy": 144_000_000}
    report = check_wheel.check_core_size(under, limit_mb=300)
    assert "core install size: 292 MB" in report and "scipy" in report
    with pytest.raises(SystemExit, match="NOT under the limit"):
        check_wheel.check_core_size({**under, "pyarrow": 176_000_000}, limit_mb=300)
    with pytest.raises(SystemExit):
        check_wheel.check_core_size({"x": 300_000_000}, limit_mb=300)


def test_the_limit_is_issue_15s_goal() -> None:
    assert check_wheel.CORE_LIMIT_MB == 500
