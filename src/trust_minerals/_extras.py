"""Optional dependencies: import one, or fail with the extra that installs it.

The core install (numpy, pandas, duckdb, scipy, highspy, country_converter, pydantic, pyyaml,
platformdirs, typer, rich) runs every analysis. It has no pyarrow: DuckDB reads and writes every
Parquet file, and tables hold text as plain pandas strings. The extras add:

========================  ==========================================================
extra                     what it enables
========================  ==========================================================
``web``                   ``trust serve`` (fastapi, uvicorn, python-multipart), the
                          dashboard (its plotly.js bundle is vendored in the package,
                          not the Python plotly package) and the HTML briefs (jinja2)
``distributed``           Monte Carlo on several workers (``--workers``, dask)
``sensitivity``           Sobol indices of criticality scores (SALib)
``linopy``                the readable linopy model of the sourcing LP
``all``                   all of the above
========================  ==========================================================

Every place that needs one of these packages imports it through :func:`require`, so a missing
package is reported the same way everywhere::

    MissingExtraError: 'trust serve' needs the package 'fastapi', which is not installed:
    pip install 'trust-minerals[web]'
"""

from __future__ import annotations

import importlib
from types import ModuleType

from trust_minerals.errors import TrustMineralsError

#: top-level module -> the extra that installs it
EXTRAS: dict[str, str] = {
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "multipart": "web",
    "python_multipart": "web",
    "jinja2": "web",
    "fastapi_offline": "web",
    "shapely": "web",
    "openpyxl": "web",
    "dask": "distributed",
    "distributed": "distributed",
    "SALib": "sensitivity",
    "linopy": "linopy",
    "xarray": "linopy",
}

__all__ = ["EXTRAS", "MissingExtraError", "require"]


class MissingExtraError(TrustMineralsError, ImportError):
    """An optional package is not installed; the message names the extra that installs it."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        package = module.split(".")[0]
        super().__init__(
            f"{purpose} needs the package {package!r}, which is not installed: "
            f"pip install 'trust-minerals[{extra}]'"
        )
        self.module = module
        self.extra = extra
        self.name = package


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` (dotted names allowed) or raise :class:`MissingExtraError`.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"SALib.analyze.sobol"``; its top-level package must be listed
        in :data:`EXTRAS`.
    purpose : str
        What needs it, for the message (``"Sobol indices"``, ``"trust serve"``).

    Raises
    ------
    MissingExtraError
        If the top-level package is not installed. An ImportError raised inside an installed
        package (a broken install) is not masked.
    """
    top = module.split(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        raise KeyError(
            f"{top!r} is not an optional dependency of trust-minerals ({sorted(EXTRAS)})"
        )
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] == top:
            raise MissingExtraError(module, extra, purpose) from None
        raise
