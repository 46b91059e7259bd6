"""IEA mining and refining supply by country, 2023 and base-case projections (table ``supply_projection``).

Source: IEA (2024), *Critical Minerals Data Explorer* (May 2024 edition), sheet "2 Total supply
for key minerals" (``data/raw/outlook/iea_supply_base_case.csv``, PROVENANCE section 12).

Rules:

* ``mineral`` × ``stage_label`` map to a commodity id, a platform stage and a content basis
  through ``concordance/iea_supply_labels.csv`` (lithium = Li content; magnet rare earths =
  Nd+Pr+Dy+Tb content; graphite natural mining vs battery grade). An unknown pair raises
  :class:`ParseError` naming the line.
* Country names go through :func:`trust_minerals.data.concordance.to_iso3`; ``Rest of world`` is
  ``Other countries``, ``Total`` is ``World total`` and ``Total clean technologies`` (cobalt
  refining) keeps its own name: it is not a world total.
* ``Top 3 share`` rows are dropped: they are derived from the country rows kept here, three
  of them over the published ``Total`` (the tests recompute them from those rows as a check),
  and a share is not a quantity in the stage's unit.
* Where the country and rest-of-world rows do not add up to ``Total`` (nickel, graphite), both
  are kept as published; ``trust data check`` lists them
  (:func:`trust_minerals.data.check.check_iea_totals`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from trust_minerals.data.concordance import aggregate_names, read_concordance, to_iso3
from trust_minerals.data.ingest.reference import _read_csv
from trust_minerals.errors import ParseError
from trust_minerals.schema import validate

SOURCE_ID = "iea_cmde_2024"
#: rows dropped on purpose (derived from the kept rows; see the module docstring)
DROPPED_ROWS = ("Top 3 share",)
_COLUMNS = ("mineral", "stage_label", "row_label", "year", "value", "unit", "scenario")


def default_path() -> Path:
    """The bundled file ``data/raw/outlook/iea_supply_base_case.csv``."""
    return Path(
        str(
            resources.files("trust_minerals").joinpath(
                "data", "raw", "outlook", "iea_supply_base_case.csv"
            )
        )
    )


@cache
def stage_labels() -> dict[tuple[str, str], dict[str, str]]:
    """``(mineral, stage_label)`` as the IEA names them -> commodity, stage and content basis."""
    return {(r["mineral"], r["stage_label"]): r for r in read_concordance("iea_supply_labels.csv")}


def parse_iea_supply(path: str | Path | None = None) -> pd.DataFrame:
    """Read the IEA supply table into the validated table ``supply_projection``.

    Parameters
    ----------
    path
        The CSV (columns ``mineral, stage_label, row_label, year, value, unit, scenario``);
        default the bundled file.

    Returns
    -------
    pandas.DataFrame
        One row per commodity × stage × country (or aggregate) × year, with ``stage_label``
        and ``content_basis`` as the IEA states them.

    Examples
    --------
    >>> t = parse_iea_supply()
    >>> sorted(t.loc[t["commodity"] == "lithium", "stage"].unique())
    ['mine', 'refinery']
    """
    path = Path(path) if path is not None else default_path()
    rows = _read_csv(path, _COLUMNS)
    labels = stage_labels()
    aggregates = aggregate_names()
    kept: list[tuple[int, dict[str, str]]] = []
    for line, r in rows:
        if (r["mineral"], r["stage_label"]) not in labels:
            raise ParseError(
                f"unknown IEA mineral/stage {r['mineral']!r}/{r['stage_label']!r}; "
                "add it to concordance/iea_supply_labels.csv",
                path=str(path),
                line=line,
                field="stage_label",
                value=r["stage_label"],
            )
        if r["row_label"] in DROPPED_ROWS:
            continue
        for field in ("year", "value"):
            try:
                float(r[field])
            except ValueError:
                raise ParseError(
                    "not a number", path=str(path), line=line, field=field, value=r[field]
                ) from None
        kept.append((line, r))
    names = [r["row_label"] for _, r in kept]
    countries = to_iso3(names, where=str(path), allow_aggregates=True)
    out = []
    for (_line, r), country in zip(kept, countries, strict=True):
        lab = labels[(r["mineral"], r["stage_label"])]
        out.append(
            {
                "commodity": lab["commodity"],
                "stage": lab["stage"],
                "stage_label": r["stage_label"],
                "content_basis": lab["content_basis"],
                "country": country,
                "is_aggregate": " ".join(r["row_label"].split()).casefold() in aggregates,
                "year": int(r["year"]),
                "quantity": float(r["value"]),
                "unit": r["unit"],
                "scenario": r["scenario"],
                "source_id": SOURCE_ID,
            }
        )
    df = pd.DataFrame(out)
    keys = ["commodity", "stage", "country", "year"]
    dupes = df[df.duplicated(keys, keep=False)]
    if len(dupes):
        raise ParseError(
            f"duplicate rows for {dupes[keys].drop_duplicates().head(3).to_dict('records')}",
            path=str(path),
        )
    return validate("supply_projection", df, where=str(path))
