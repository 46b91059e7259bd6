"""The technology graph: TRUST sector -> technology or component -> commodity, as data.

Every link row comes from one published row and names it (``source_file``, ``source_row``, the
published ``source_text``):

* **quantitative** links are rows of ``data/raw/outlook/material_intensity.csv`` (intensity with
  its unit as published, low/high where given); which material-intensity technology feeds which
  platform technology is data (``technologies/data/intensity_links.csv``);
* **qualitative** links are rows of USGS MCS 2026 table T6 (primary applications of critical
  minerals); which phrase of the application text maps to which technology is data
  (``technologies/data/t6_links.csv``: the T6 mineral, the phrase matched, the technology). The
  phrase must occur in the T6 row's text, or :class:`~trust_minerals.errors.ParseError` names the
  file, line and phrase.

Which technologies belong to which sector is ``technologies/data/technologies.csv`` (one row per
sector edge, each with its rationale); the sectors are ``technologies/data/sectors.csv``.

Individual rare earths: USGS publishes production for total rare earths only (rare-earth oxide
equivalent). ``technologies/data/element_supply.csv`` states the rule for the group's members
(``outlook/data/rare_earth_members.csv``): an element's supply (``supply_commodity``) is measured on
``rare_earths`` unless it has USGS rows of its own (``own_data``: yttrium); every link carries
the rule in ``supply_rule``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from trust_minerals.errors import ParseError, UnknownNameError

#: columns of the ``technologies`` table (data/spec/tables.csv)
LINK_COLUMNS = [
    "sector",
    "technology",
    "technology_name",
    "commodity",
    "supply_commodity",
    "link",
    "intensity",
    "intensity_low",
    "intensity_high",
    "unit",
    "variant",
    "matched_phrase",
    "source_text",
    "source_file",
    "source_row",
    "source",
    "supply_rule",
]

T6_FILE = "usgs_mcs2026/industry_trends/MCS2026_T6_Critical_Minerals_End_Use.csv"
MI_FILE = "outlook/material_intensity.csv"
T6_CITATION = (
    "U.S. Geological Survey (2026), Mineral Commodity Summaries 2026 Data Release, table T6 "
    "(critical minerals end use)"
)


def package_path(*parts: str) -> Path:
    """Path of a file shipped in ``trust_minerals/technologies/data``."""
    return Path(str(resources.files("trust_minerals").joinpath("technologies", "data", *parts)))


def raw_path(relative: str) -> Path:
    """Path of a bundled raw file (``data/raw/<relative>``)."""
    return Path(
        str(resources.files("trust_minerals").joinpath("data", "raw", *relative.split("/")))
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class TechnologyGraph:
    """Sectors, technologies (one row per sector edge) and links (one row per sector x
    technology x source row).

    ``links`` has the columns of the ``technologies`` table (``trust data describe
    technologies``).
    """

    sectors: pd.DataFrame
    technologies: pd.DataFrame
    links: pd.DataFrame

    def select(self, sector: str | None = None, technology: str | None = None) -> TechnologyGraph:
        """The graph restricted to one sector and/or technology (unknown names raise)."""
        links, techs, sectors = self.links, self.technologies, self.sectors
        if sector is not None:
            check_names("sector", [sector], list(sectors["sector"]))
            links = links[links["sector"] == sector]
            techs = techs[techs["sector"] == sector]
            sectors = sectors[sectors["sector"] == sector]
        if technology is not None:
            check_names("technology", [technology], sorted(set(techs["technology"])))
            links = links[links["technology"] == technology]
            techs = techs[techs["technology"] == technology]
        return TechnologyGraph(
            sectors.reset_index(drop=True),
            techs.reset_index(drop=True),
            links.reset_index(drop=True),
        )


def check_names(kind: str, names: list[str], valid: list[str], where: str | None = None) -> None:
    """Raise :class:`UnknownNameError` for names not in ``valid`` (with the closest valid ones)."""
    bad = [n for n in names if n not in valid]
    if bad:
        raise UnknownNameError(kind, bad, valid, where)


def _commodity_ids_for(name: str) -> set[str]:
    """Commodity ids a USGS mineral name may stand for: its ids in ``usgs_commodity_names.csv``
    and every commodity whose name in ``commodities.csv`` starts with it (``Graphite (natural)``)."""
    from trust_minerals.data.concordance import read_concordance

    key = " ".join(name.split()).casefold()
    ids = {
        r["commodity"]
        for r in read_concordance("usgs_commodity_names.csv")
        if " ".join(r["name"].split()).casefold() == key
    }
    ids |= {
        r["commodity"]
        for r in read_concordance("commodities.csv")
        if r["name"].casefold().startswith(key)
    }
    return ids


@cache
def element_supply() -> dict[str, tuple[str, str]]:
    """Element commodity -> (supply commodity, rule), from ``element_supply.csv`` (one rule per
    group) and the group's members (``outlook/data/rare_earth_members.csv``)."""
    from trust_minerals.outlook.scope import group_members
    from trust_minerals.schema import vocabulary

    path = package_path("element_supply.csv")
    known = set(vocabulary("commodity"))
    out = {}
    for line, r in enumerate(_rows(path), start=2):
        if r["supply_commodity"] not in known:
            raise ParseError(
                "not a commodity id",
                path=str(path),
                line=line,
                field="supply_commodity",
                value=r["supply_commodity"],
            )
        if not r["rule"].strip():
            raise ParseError("every group needs its rule", path=str(path), line=line, field="rule")
        members = group_members(r["group"])
        own = set(r["own_data"].split())
        bad = sorted(own - set(members))
        if bad:
            raise UnknownNameError(
                "member with own data", bad, list(members), f"{path} line {line}"
            )
        for m in members:
            if m not in own:
                out[m] = (r["supply_commodity"], r["rule"])
    return out


def _technologies(sectors: set[str]) -> pd.DataFrame:
    path = package_path("technologies.csv")
    rows = _rows(path)
    for line, r in enumerate(rows, start=2):
        if r["sector"] not in sectors:
            raise UnknownNameError("sector", [r["sector"]], sorted(sectors), f"{path} line {line}")
        if not r["rationale"].strip():
            raise ParseError("sector edge without rationale", path=str(path), line=line)
    return pd.DataFrame(rows)


def _t6_links(tech_names: dict[str, str]) -> list[dict[str, object]]:
    t6_path = raw_path(T6_FILE)
    published = {}
    for line, r in enumerate(_rows(t6_path), start=2):
        published[r["Critical_Mineral"].strip()] = (line, r["Primary_Applications"])
    path = package_path("t6_links.csv")
    out: list[dict[str, object]] = []
    for line, r in enumerate(_rows(path), start=2):
        where = f"{path} line {line}"
        check_names("T6 mineral", [r["t6_mineral"]], sorted(published), where)
        check_names("technology", [r["technology"]], sorted(tech_names), where)
        if r["commodity"] not in _commodity_ids_for(r["t6_mineral"]):
            raise ParseError(
                f"commodity is not the id of the T6 mineral {r['t6_mineral']!r} in "
                "concordance/usgs_commodity_names.csv or commodities.csv",
                path=str(path),
                line=line,
                field="commodity",
                value=r["commodity"],
            )
        t6_line, text = published[r["t6_mineral"]]
        if r["phrase"] not in text:
            raise ParseError(
                f"phrase does not occur in T6 line {t6_line} ({text!r})",
                path=str(path),
                line=line,
                field="phrase",
                value=r["phrase"],
            )
        out.append(
            {
                "technology": r["technology"],
                "commodity": r["commodity"],
                "link": "qualitative",
                "matched_phrase": r["phrase"],
                "source_text": text,
                "source_file": T6_FILE,
                "source_row": t6_line,
                "source": T6_CITATION,
            }
        )
    return out


def _number(text: str, path: Path, line: int, field: str) -> float:
    if not text.strip():
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ParseError(
            "not a number", path=str(path), line=line, field=field, value=text
        ) from None


def _intensity_links(tech_names: dict[str, str]) -> list[dict[str, object]]:
    from trust_minerals.outlook._files import commodity_for

    map_path = package_path("intensity_links.csv")
    mapping = {}
    for line, r in enumerate(_rows(map_path), start=2):
        if r["technology"]:
            check_names(
                "technology", [r["technology"]], sorted(tech_names), f"{map_path} line {line}"
            )
        mapping[r["mi_technology"]] = r["technology"]
    mi_path = raw_path(MI_FILE)
    out: list[dict[str, object]] = []
    for line, r in enumerate(_rows(mi_path), start=2):
        if r["technology"] not in mapping:
            raise ParseError(
                "material-intensity technology missing from technologies/data/intensity_links.csv",
                path=str(mi_path),
                line=line,
                field="technology",
                value=r["technology"],
            )
        tech = mapping[r["technology"]]
        commodity = commodity_for("material_intensity", r["mineral"])
        if not tech or commodity is None:
            continue  # not a TRUST technology, or a mineral with no commodity ('Others')
        out.append(
            {
                "technology": tech,
                "commodity": commodity,
                "link": "quantitative",
                "intensity": _number(r["intensity"], mi_path, line, "intensity"),
                "intensity_low": _number(r["low"], mi_path, line, "low"),
                "intensity_high": _number(r["high"], mi_path, line, "high"),
                "unit": r["unit"],
                "variant": r["scenario_or_variant"],
                "matched_phrase": r["mineral"],
                "source_text": f"{r['technology']} / {r['mineral']}",
                "source_file": MI_FILE,
                "source_row": line,
                "source": f"{r['source']} ({r['source_location']})",
            }
        )
    return out


@cache
def _graph() -> TechnologyGraph:
    sectors = pd.DataFrame(_rows(package_path("sectors.csv")))
    techs = _technologies(set(sectors["sector"]))
    names = dict(zip(techs["technology"], techs["name"], strict=True))
    links = pd.DataFrame(_t6_links(names) + _intensity_links(names))
    proxies = element_supply()
    links["supply_commodity"] = [proxies.get(c, (c, ""))[0] for c in links["commodity"]]
    links["supply_rule"] = [proxies.get(c, (c, ""))[1] for c in links["commodity"]]
    links["technology_name"] = links["technology"].map(names)
    edges = techs[["technology", "sector"]]
    links = edges.merge(links, on="technology", how="inner")
    for col in LINK_COLUMNS:
        if col not in links.columns:
            links[col] = None
    str_cols = ["unit", "variant"]
    links[str_cols] = links[str_cols].astype(object).where(links[str_cols].notna(), None)
    order = {s: i for i, s in enumerate(sectors["sector"])}
    links = links.assign(_o=links["sector"].map(order)).sort_values(
        ["_o", "technology", "commodity", "source_file", "source_row"]
    )
    return TechnologyGraph(sectors, techs, links[LINK_COLUMNS].reset_index(drop=True))


def build_graph() -> TechnologyGraph:
    """The technology graph from the bundled data files (validated; cached).

    Examples
    --------
    >>> g = build_graph()
    >>> sorted(set(g.links["link"]))
    ['qualitative', 'quantitative']
    >>> g.select(sector="defence").links.loc[lambda d: d["commodity"] == "dysprosium", "supply_commodity"].iloc[0]
    'rare_earths'
    """
    return _graph()


def technology_links() -> pd.DataFrame:
    """The ``technologies`` table: every link of :func:`build_graph`, validated against its spec."""
    from trust_minerals.schema import validate

    return validate("technologies", build_graph().links, where="technologies/data")


def technology_table(sector: str | None = None) -> pd.DataFrame:
    """The graph as a listing (``trust technologies``): one row per sector x technology x link.

    Examples
    --------
    >>> t = technology_table("quantum")
    >>> sorted(set(t["commodity"]))
    ['cesium', 'rubidium']
    """
    return build_graph().select(sector=sector).links.copy()
