"""Preset scenarios (``simulate/data/presets.yaml``), each with its source row(s)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import ParseError, UnknownNameError
from trust_minerals.simulate.params import data_path
from trust_minerals.simulate.spec import ScenarioSpec, scenario_from_dict

_META_KEYS = ("source", "control", "parameter_sources")


@dataclass(frozen=True)
class Preset:
    """A named scenario with its source and the sources of its parameters."""

    name: str
    spec: ScenarioSpec
    source: str
    control: tuple[str, str] | None
    parameter_sources: dict[str, str]


@cache
def load_presets() -> dict[str, Preset]:
    """Every preset, keyed by name (validated; a bad preset file raises :class:`ParseError`)."""
    import yaml

    path = data_path("presets.yaml")
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    out: dict[str, Preset] = {}
    for name, entry in raw.items():
        if not entry.get("source"):
            raise ParseError("every preset needs a source", path=path, field=f"{name}.source")
        body = {k: v for k, v in entry.items() if k not in ("control", "parameter_sources")}
        spec = scenario_from_dict({"name": name, **body}, where=f"{path} preset {name}")
        control = entry.get("control")
        out[name] = Preset(
            name,
            spec,
            str(entry["source"]),
            tuple(control) if control else None,
            dict(entry.get("parameter_sources", {})),
        )
    return out


def preset(name: str) -> ScenarioSpec:
    """The scenario of preset ``name``; an unknown name raises :class:`UnknownNameError`.

    Examples
    --------
    >>> preset("china-gallium-2023").shocks[0].country
    'CHN'
    """
    presets = load_presets()
    if name not in presets:
        raise UnknownNameError("preset", [name], sorted(presets))
    return presets[name].spec


def scenarios_table(ds: SupplyDataset | None = None) -> pd.DataFrame:
    """One row per preset: name, year, description, shocks, source, and -- when a dataset is given
    -- the matching row of the export-control table (``t4_item``, ``t4_source_url`` and its
    ``source_id`` in the sources table).

    Examples
    --------
    >>> "china-gallium-2023" in set(scenarios_table()["name"])
    True
    """
    controls = ds.export_controls if ds is not None else None
    rows = []
    for p in load_presets().values():
        row: dict[str, object] = {
            "name": p.name,
            "year": p.spec.year,
            "description": p.spec.description,
            "shocks": "; ".join(_describe(s) for s in p.spec.shocks),
            "source": p.source,
        }
        if controls is not None:
            match = pd.DataFrame()
            if p.control is not None:
                country, commodity = p.control
                match = controls[
                    (controls["country"] == country) & (controls["commodity"] == commodity)
                ]
            row["t4_item"] = "; ".join(sorted(set(match["item_text"]))) if len(match) else None
            row["t4_source_url"] = (
                "; ".join(sorted(set(match["source_url"].dropna()))) if len(match) else None
            )
            row["source_id"] = (
                "; ".join(sorted(set(match["source_id"].dropna()))) if len(match) else None
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _describe(shock: object) -> str:
    data = shock.model_dump(exclude_defaults=True)  # type: ignore[attr-defined]
    kind = data.pop("kind", getattr(shock, "kind", ""))
    return f"{kind}(" + ", ".join(f"{k}={v}" for k, v in data.items()) + ")"
