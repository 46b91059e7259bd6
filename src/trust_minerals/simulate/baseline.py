"""Pre-shock baselines: which year of data a scenario is measured against, and why.

A scenario that names its ``effective`` date (the day the restriction took effect) is run on data
from the **year before** that date -- trade, production and import sources -- so that the
baseline does not already contain the shock. Where that year is not in the store, the nearest
year is used and the result says which year and why (:class:`BaselineYear`). Without an
``effective`` date the scenario's ``year`` is the baseline, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trust_minerals.simulate.spec import ScenarioSpec


@dataclass(frozen=True)
class BaselineYear:
    """The year wanted for a baseline, the year used, and a note when they differ.

    ``wanted`` is None when the scenario names neither an effective date nor a year (the latest
    data is then used); ``used`` is None when there is no data at all.
    """

    wanted: int | None
    used: int | None
    note: str = ""


def wanted_year(scenario: ScenarioSpec) -> tuple[int | None, str]:
    """``(year, reason)``: the year before ``scenario.effective``, else ``scenario.year``.

    Examples
    --------
    >>> from trust_minerals.simulate.spec import scenario_from_dict
    >>> s = scenario_from_dict({"effective": "2023-08-01", "shocks": [{"kind": "outage",
    ...     "country": "COD", "commodity": "cobalt", "fraction": 0.5}]})
    >>> wanted_year(s)
    (2022, 'the year before the effective date 2023-08-01')
    """
    if scenario.effective is not None:
        return (
            int(scenario.effective[:4]) - 1,
            f"the year before the effective date {scenario.effective}",
        )
    if scenario.year is not None:
        return scenario.year, "the scenario year (no effective date given)"
    return None, "the latest year in the store (no effective date or year given)"


def pick_year(years: Iterable[int], wanted: int | None, what: str) -> BaselineYear:
    """The latest of ``years`` <= ``wanted`` (else the earliest after it), with a note when it is
    not ``wanted`` itself.

    Examples
    --------
    >>> pick_year([2023, 2024, 2025], 2022, "gallium refinery production").used
    2023
    """
    have = sorted({int(y) for y in years})
    if not have:
        return BaselineYear(wanted, None, f"no {what} in the store")
    if wanted is None:
        return BaselineYear(None, have[-1])
    before = [y for y in have if y <= wanted]
    used = before[-1] if before else have[0]
    if used == wanted:
        return BaselineYear(wanted, used)
    span = f"{have[0]}-{have[-1]}" if len(have) > 1 else str(have[0])
    why = f"{what}: {wanted} is not in the store (years {span}); used {used}" + (
        ", which may already contain the shock" if used > wanted else ", the latest year before it"
    )
    return BaselineYear(wanted, used, why)


_PERIOD = re.compile(r"(\d{4})(?:\s*[-–/]\s*(\d{2,4}))?")


def period_note(basis: str, wanted: int | None) -> str:
    """A note when the period named in a ``basis`` (``usgs import sources 2021-24 (...)``,
    ``trade 2023 (quantity)``) ends after the baseline year ``wanted``; '' otherwise.

    Examples
    --------
    >>> period_note("usgs import sources 2021-24 (Metal)", 2022)
    'basis period 2021-24 ends after the baseline year 2022: it may contain the shock'
    """
    if wanted is None:
        return ""
    match = _PERIOD.search(basis)
    if match is None:
        return ""
    start, end = match.group(1), match.group(2)
    last = int(start) if end is None else int(end if len(end) == 4 else start[:2] + end)
    if last <= wanted:
        return ""
    return (
        f"basis period {match.group(0)} ends after the baseline year {wanted}: "
        "it may contain the shock"
    )
