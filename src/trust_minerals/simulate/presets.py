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
    names: dict[str, str] = {}
    if ds is not None:
        names = dict(zip(ds.countries["country"], ds.countries["name"], strict=True))
        names |= dict(zip(ds.commodities["commodity"], ds.commodities["name"], strict=True))
    rows = []
    for p in load_presets().values():
        row: dict[str, object] = {
            "name": p.name,
            "year": p.spec.year,
            "description": p.spec.description,
            "shocks": "; ".join(_describe(s) for s in p.spec.shocks),
            "shocks_text": "; ".join(shock_text(s, names) for s in p.spec.shocks),
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


_KIND_WORDS = {
    "export_ban": "export ban",
    "export_quota": "export quota",
    "licensing": "export licensing",
    "outage": "outage",
    "demand_shock": "demand change",
    "stockpile": "stockpile release",
    "spare_capacity": "spare capacity",
    "recovery": "recovery",
}


def _pct(value: object) -> str:
    return f"{float(value) * 100:.0f}%"  # type: ignore[arg-type]


def shock_text(shock: object, names: dict[str, str] | None = None) -> str:
    """A shock in words, with country and commodity names from ``names`` (ids where absent).

    Examples
    --------
    >>> s = preset("china-gallium-2023").shocks[0]
    >>> shock_text(s, {"CHN": "China", "gallium": "Gallium"})
    'export licensing by China on Gallium (refinery), 2-month delay, then 27% shipped'
    """
    names = names or {}
    data = shock.model_dump()  # type: ignore[attr-defined]
    kind = str(data.get("kind", ""))

    def name(code: object) -> str:
        return names.get(str(code), str(code))

    who = data.get("country") or data.get("consumer")
    text = _KIND_WORDS.get(kind, kind)
    if who:
        text += f" {'by' if data.get('country') else 'for'} {name(who)}"
    text += f" on {name(data['commodity'])}"
    if data.get("stage") is not None and kind not in ("recovery",):
        text += f" ({data['stage']})"
    parts = [text]
    if kind == "export_quota":
        parts.append(f"quota {_pct(data['quota_share'])} of exports")
    if data.get("delay_months"):
        parts.append(
            f"{data['delay_months']}-month delay, then {_pct(data['after_share'])} shipped"
        )
    if data.get("targets"):
        parts.append("to " + ", ".join(name(t) for t in data["targets"]))
    if data.get("spare"):
        parts.append("sparing " + ", ".join(name(t) for t in data["spare"]))
    if data.get("fraction") is not None:
        parts.append(f"{_pct(data['fraction'])} offline")
    if data.get("change_share") is not None:
        parts.append(f"demand {data['change_share'] * 100:+.0f}%")
    if data.get("headroom_share") is not None:
        parts.append(f"headroom {_pct(data['headroom_share'])}")
    if data.get("months_of_supply") is not None:
        parts.append(f"{data['months_of_supply']:g} months of supply")
    if data.get("start_month"):
        parts.append(f"from month {data['start_month']}")
    if data.get("duration_months") is not None:
        parts.append(f"for {data['duration_months']} months")
    return ", ".join(parts)


def _describe(shock: object) -> str:
    data = shock.model_dump(exclude_defaults=True)  # type: ignore[attr-defined]
    kind = data.pop("kind", getattr(shock, "kind", ""))
    return f"{kind}(" + ", ".join(f"{k}={v}" for k, v in data.items()) + ")"
