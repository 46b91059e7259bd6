"""Check the built wheel for Python 3.11-3.13: resolution for 3.12/3.13, a smoke run on 3.11.

Run by ``make wheel-check`` (part of ``make test``), from the repository root::

    python scripts/check_wheel.py            # build, resolve, install, smoke
    python scripts/check_wheel.py --fresh    # ignore the caches

1. Builds the wheel (``python -m build --wheel``) into a temporary folder.
2. For Python 3.12 and 3.13, asks pip to resolve ``<wheel>[all]`` from binary wheels only
   (``pip install --dry-run --ignore-installed --only-binary=:all: --python-version X.Y``),
   against pip's configured index (PyPI). Any failure to resolve fails the check.
3. Installs ``<wheel>[all]`` into a virtual environment outside the checkout made with this
   interpreter (3.11) and runs ``scripts/smoke_installed.py`` with it from a temporary working
   directory (so the checkout's sources cannot be imported by accident).
4. Installs the wheel with no extras (the core) into another such environment, as pip installs
   by default (byte-compiled), and checks that ``trust data build`` and ``trust overview`` work
   there; prints the size of that install per distribution (``site-packages`` less pip's and
   setuptools' own files, which the venv brings) and fails if it is not under
   :data:`CORE_LIMIT_MB` (issue 15's goal for the core install).

Caches (outside the checkout, under ``$XDG_CACHE_HOME/trust-minerals-wheel-check/<key>``, key =
SHA-256 of ``pyproject.toml``, since the wheel's requirements come from that file alone): the
environment with the dependencies installed (each run reinstalls the freshly built wheel in it and
runs ``pip check``), and one stamp per Python version whose resolution passed (an unchanged file
resolves the same way until an index release changes). ``--fresh`` drops the caches: a new
environment is created and everything is resolved again.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.12", "3.13")


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, **kw)  # type: ignore[call-overload]


def _cache(fresh: bool) -> Path:
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    root = base / "trust-minerals-wheel-check"
    if fresh and root.exists():
        shutil.rmtree(root)
    for old in root.glob("*") if root.exists() else []:
        if old.name != key:  # an earlier pyproject.toml
            shutil.rmtree(old, ignore_errors=True)
    path = root / key
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_wheel(out: Path) -> Path:
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
         stdout=subprocess.DEVNULL)  # fmt: skip
    (wheel,) = out.glob("trust_minerals-*.whl")
    return wheel


def resolve(wheel: Path, python: str, cache: Path) -> None:
    """pip resolves ``wheel[all]`` for ``python`` from binary wheels, or raises."""
    stamp = cache / f"resolved-{python}"
    if stamp.exists():
        print(f"resolution for Python {python}: passed before for this pyproject.toml ({stamp})")
        return
    with tempfile.TemporaryDirectory() as target:
        _run(
            [
                sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
                "--ignore-installed", "--only-binary=:all:", "--python-version", python,
                "--target", target, f"{wheel}[all]",
            ]
        )  # fmt: skip
    stamp.write_text(time.strftime("%Y-%m-%dT%H:%M:%S") + "\n")
    print(f"resolution for Python {python}: ok")


def smoke(wheel: Path, cache: Path) -> None:
    """Venv outside the checkout with ``wheel[all]`` installed, then the smoke run.

    The venv is created, and ``wheel[all]`` installed in it with its dependencies, once per
    ``pyproject.toml`` (the dependencies come from that file alone); later runs reinstall only the
    wheel (``--no-deps``), let ``pip check`` confirm that its requirements are met, and run the
    smoke script again.
    """
    venv = cache / "venv"
    py = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(py), "-m", "pip", "install", "--quiet", "--no-compile", "--only-binary=:all:",
              f"{wheel}[all]"])  # fmt: skip
        (venv / ".complete").write_text("")
    else:
        _run([str(py), "-m", "pip", "install", "--quiet", "--no-compile", "--no-deps",
              "--force-reinstall", str(wheel)])  # fmt: skip
    _run([str(py), "-m", "pip", "check"])
    with tempfile.TemporaryDirectory(prefix="trust-smoke-") as tmp:
        work = Path(tmp)
        script = work / "smoke_installed.py"
        shutil.copy(ROOT / "scripts" / "smoke_installed.py", script)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRUST_DB")}
        env["TRUST_DB"] = str(work / "store.duckdb")
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        _run([str(py), str(script)], cwd=work, env=env)


#: Issue 15's goal: the core install (no extras) is under this many MB (10^6 bytes) on disk.
#: The size depends on the versions pip picks (numpy, scipy, pandas and duckdb wheels grow and
#: shrink between releases; measured 2026-11: see docs/benchmarks.md), so a new release can fail
#: the check without a change here: then look at the per-distribution table it prints, and move
#: a dependency to an extra or pin it, rather than raise the limit silently.
CORE_LIMIT_MB = 500
#: distributions ``python -m venv`` puts in site-packages itself (not part of our install)
VENV_SEED = ("pip", "setuptools")
UNRECORDED = "(in no RECORD)"


def install_sizes(site: Path) -> dict[str, int]:
    """Bytes under ``site`` (site-packages) per installed distribution, largest first.

    Each file is attributed to the distribution whose ``RECORD`` lists it (pip records the
    byte-compiled files it writes); files in no RECORD (written later) are counted under
    :data:`UNRECORDED`. The venv's own seed distributions (:data:`VENV_SEED`) are left out.
    """
    owner: dict[Path, str] = {}
    for record in site.glob("*.dist-info/RECORD"):
        dist = record.parent.name.split("-")[0]
        with open(record, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if row:
                    owner[(site / row[0]).resolve()] = dist
    sizes: dict[str, int] = {}
    for path in site.rglob("*"):
        if path.is_file() and not path.is_symlink():
            dist = owner.get(path.resolve(), UNRECORDED)
            sizes[dist] = sizes.get(dist, 0) + path.stat().st_size
    for seed in VENV_SEED:
        sizes.pop(seed, None)
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def check_core_size(sizes: dict[str, int], limit_mb: float = CORE_LIMIT_MB) -> str:
    """The per-distribution report of the core install; raises SystemExit if it is not under
    ``limit_mb``."""
    total = sum(sizes.values())
    lines = [f"  {name:28s} {size / 1e6:8.1f} MB" for name, size in sizes.items() if size >= 1e6]
    small = [size for size in sizes.values() if size < 1e6]
    lines.append(f"  {f'{len(small)} smaller ones':28s} {sum(small) / 1e6:8.1f} MB")
    report = (
        "core install size per distribution (site-packages incl. pip's byte-compiled files, "
        "venv seed excluded):\n" + "\n".join(lines) + "\n"
        f"core install size: {total / 1e6:.0f} MB ({total / 2**20:.0f} MiB); "
        f"limit (issue 15): under {limit_mb:.0f} MB"
    )
    if total >= limit_mb * 1e6:
        raise SystemExit(report + f"\ncore install is {total / 1e6:.0f} MB: NOT under the limit")
    return report


def core(wheel: Path, cache: Path) -> None:
    """The wheel with no extras: ``trust data build`` and ``trust overview`` work, and it is
    under :data:`CORE_LIMIT_MB`."""
    venv = cache / "core-venv"
    py = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(py), "-m", "pip", "install", "--quiet", "--only-binary=:all:", str(wheel)])
        (venv / ".complete").write_text("")
    else:
        _run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
              str(wheel)])  # fmt: skip
    _run([str(py), "-m", "pip", "check"])
    with tempfile.TemporaryDirectory(prefix="trust-core-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRUST_DB")}
        env["TRUST_DB"] = str(Path(tmp) / "store.duckdb")
        trust = str(venv / "bin" / "trust")
        _run([trust, "data", "build", "--force"], cwd=tmp, env=env, stdout=subprocess.DEVNULL)
        out = _run([trust, "overview", "-f", "csv"], cwd=tmp, env=env, capture_output=True)
        rows = out.stdout.count("\n") - 1
        if rows < 20:
            raise SystemExit(f"trust overview from the core install gave {rows} rows")
        print(f"core install: trust overview gave {rows} rows")
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    print(check_core_size(install_sizes(site)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="ignore the caches")
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 11):
        print(f"note: the smoke run uses this interpreter, Python {sys.version.split()[0]}")
    cache = _cache(args.fresh)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="trust-wheel-") as out:
        t0 = time.perf_counter()
        wheel = build_wheel(Path(out))
        timings["build"] = time.perf_counter() - t0
        for python in PYTHONS:
            t0 = time.perf_counter()
            resolve(wheel, python, cache)
            timings[f"resolve {python}"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        smoke(wheel, cache)
        timings["smoke (install + run)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        core(wheel, cache)
        timings["core (install + overview)"] = time.perf_counter() - t0
    print("wheel check passed: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
