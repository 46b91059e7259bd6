"""Run every benchmark module (``benchmarks/bench_*.py``) and print a results table.

Each module defines ``BENCHMARKS``: a list of ``(name, goal, fn)`` where ``fn()`` runs the
workload once and returns a dict of measurements (seconds, MB, ratios...). Usage::

    python benchmarks/run.py [substring]
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    pattern = argv[1] if len(argv) > 1 else ""
    print(
        f"# machine: {platform.machine()} {platform.processor() or ''} cpus={__import__('os').cpu_count()} python={platform.python_version()}"
    )
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, goal, fn in getattr(module, "BENCHMARKS", []):
            if pattern and pattern not in name:
                continue
            result = fn()
            print(f"{name:55s} goal {goal:28s} {json.dumps(result)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
