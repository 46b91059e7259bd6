"""The one reader of countries and country sets: consumers, partner sets and groups.

Every layer (metrics, simulate, optimize, outlook, report, CLI, API, web) reads "which country" text
through this module, so ``USA``, ``usa``, ``USA+IND``, ``usa_ind``, ``MSP``, ``quad+TWN``,
``AUS,CAN,JPN``, a list ``["USA", "IND"]`` or a :class:`CountrySet` mean the same everywhere.

Vocabulary (``docs/glossary.md``):

* ``consumer`` -- the buyer whose exposure is measured: one :class:`CountrySet` (a country, a group
  or a custom set; the members are pooled). The CLI spells it ``--for``.
* ``consumers`` -- several consumers, each assessed on its own (``"USA,IND"`` is two consumers in
  :func:`resolve_consumers`, ``"USA+IND"`` one pooled consumer).
* ``partners`` -- a partner set, read like a consumer.
* ``country`` -- a place (ISO3), never a set.

Group membership is data: the boolean columns ``msp``, ``quad``, ``g7``, ``eu``, ``oecd`` of the
``countries`` table (from ``data/concordance/country_groups.csv`` and the MSP file), plus the
composite ``usa_ind`` pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import pandas as pd

from trust_minerals.errors import InputError, UnknownNameError

FLAG_GROUPS: tuple[str, ...] = ("msp", "quad", "g7", "eu", "oecd")
"""Groups stored as boolean columns of the ``countries`` table."""

COMPOSITE_GROUPS: dict[str, tuple[str, ...]] = {"usa_ind": ("USA", "IND")}
"""Groups defined as a fixed pair: ``usa_ind`` is the US-India (TRUST) pair."""

GROUPS: tuple[str, ...] = (*FLAG_GROUPS, *COMPOSITE_GROUPS)
"""Every group name understood by :func:`group_members` and :func:`resolve_consumer`."""

_SPLIT = re.compile(r"[+,]")


@dataclass(frozen=True)
class CountrySet:
    """A consumer or partner set: its name as given and its ISO3 members (sorted).

    Examples
    --------
    >>> s = CountrySet("USA+IND", ("IND", "USA"))
    >>> "IND" in s, len(s)
    (True, 2)
    """

    name: str
    members: tuple[str, ...]

    def __contains__(self, country: object) -> bool:
        return country in self.members

    def __iter__(self) -> Any:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __str__(self) -> str:
        return self.name


ConsumerLike: TypeAlias = str | CountrySet | Sequence[str]
"""What any function accepts for ``consumer`` or ``partners``."""


def _countries_frame(ds_or_countries: Any) -> pd.DataFrame:
    if isinstance(ds_or_countries, pd.DataFrame):
        return ds_or_countries
    countries = getattr(ds_or_countries, "countries", None)
    if isinstance(countries, pd.DataFrame):
        return countries
    raise TypeError("expected a SupplyDataset or a countries DataFrame")


def group_members(ds_or_countries: Any, group: str) -> list[str]:
    """ISO3 codes of a group (``msp, quad, g7, eu, oecd, usa_ind``, case-insensitive), sorted.

    Examples
    --------
    >>> group_members(ds, "usa_ind")   # doctest: +SKIP
    ['IND', 'USA']
    """
    countries = _countries_frame(ds_or_countries)
    key = group.strip().casefold()
    if key in COMPOSITE_GROUPS:
        codes = list(COMPOSITE_GROUPS[key])
        missing = [c for c in codes if c not in set(countries["country"])]
        if missing:
            raise UnknownNameError("country", missing, None, f"group {group!r}")
        return sorted(codes)
    if key not in FLAG_GROUPS:
        raise UnknownNameError("country group", [group], list(GROUPS))
    return sorted(countries.loc[countries[key].astype(bool), "country"].tolist())


def _tokens(consumer: ConsumerLike) -> list[str]:
    if isinstance(consumer, CountrySet):
        return list(consumer.members)
    if isinstance(consumer, str):
        return [t.strip() for t in _SPLIT.split(consumer) if t.strip()]
    if isinstance(consumer, Iterable):
        out: list[str] = []
        for item in consumer:
            if not isinstance(item, str):
                raise InputError(f"country set: expected text, got {type(item).__name__}")
            out.extend(t.strip() for t in _SPLIT.split(item) if t.strip())
        return out
    raise InputError(f"country set: expected text or a CountrySet, got {type(consumer).__name__}")


def named_groups(consumer: ConsumerLike) -> tuple[str, ...]:
    """The groups of :data:`GROUPS` a country set names (lower case, in order; ISO3 codes add
    none), e.g. to say which group columns of the ``countries`` table a result read.

    Examples
    --------
    >>> named_groups("USA+MSP"), named_groups(["IND", "usa_ind"]), named_groups("USA")
    (('msp',), ('usa_ind',), ())
    """
    return tuple(dict.fromkeys(t.casefold() for t in _tokens(consumer) if t.casefold() in GROUPS))


def _name(consumer: ConsumerLike) -> str:
    if isinstance(consumer, CountrySet):
        return consumer.name
    if isinstance(consumer, str):
        return consumer.strip()
    return "+".join(str(c).strip() for c in consumer)


def country_members(
    ds_or_countries: Any, consumer: ConsumerLike, *, role: str = "consumer"
) -> list[str]:
    """ISO3 members of a country set in order of first appearance (a group adds its sorted members).

    Raises :class:`UnknownNameError` naming every unknown token with the closest valid names, and
    :class:`InputError` for an empty text. A group without members adds nothing here;
    :func:`resolve_consumer` refuses it.
    """
    frame = _countries_frame(ds_or_countries)
    tokens = _tokens(consumer)
    if not tokens:
        raise InputError(
            f"{role}: empty country set {_name(consumer)!r}; give ISO3 codes or a group "
            f"({', '.join(g.upper() for g in GROUPS)})"
        )
    known = set(frame["country"])
    out: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        key = token.casefold()
        if key in GROUPS:
            out.extend(group_members(frame, key))
        elif token.upper() in known:
            out.append(token.upper())
        else:
            unknown.append(token)
    if unknown:
        raise UnknownNameError(role, unknown, [*GROUPS, *sorted(known)])
    return list(dict.fromkeys(out))


def resolve_consumer(
    ds_or_countries: Any, consumer: ConsumerLike, *, role: str = "consumer"
) -> CountrySet:
    """Read one consumer (or partner set) into a :class:`CountrySet`; members are pooled.

    ``consumer`` is ISO3 codes and group names joined by ``+`` or ``,`` (``"USA+IND"``,
    ``"usa_ind"``, ``"MSP"``, ``"quad+TWN"``), a list of them, or a :class:`CountrySet` (checked
    against the countries table and returned with sorted members).

    Examples
    --------
    >>> resolve_consumer(ds, "USA+IND").members   # doctest: +SKIP
    ('IND', 'USA')
    >>> resolve_consumer(ds, "usa_ind").members   # doctest: +SKIP
    ('IND', 'USA')
    """
    members = country_members(ds_or_countries, consumer, role=role)
    for token in _tokens(consumer):
        if token.casefold() in GROUPS and not group_members(ds_or_countries, token):
            raise InputError(f"{role}: group {token!r} has no members in the countries table")
    return CountrySet(name=_name(consumer), members=tuple(sorted(members)))


def resolve_consumers(
    ds_or_countries: Any,
    consumers: ConsumerLike | Sequence[ConsumerLike],
    *,
    role: str = "consumer",
) -> list[CountrySet]:
    """Read several consumers, each assessed on its own.

    A text is split on ``,`` into consumers (``"USA,IND"`` is two consumers, ``"USA+IND"`` one
    pooled consumer); a list gives one consumer per item; a :class:`CountrySet` is one consumer.
    Duplicates (same name) are dropped.

    Examples
    --------
    >>> [c.name for c in resolve_consumers(ds, "USA,IND+USA")]   # doctest: +SKIP
    ['USA', 'IND+USA']
    """
    if isinstance(consumers, CountrySet):
        items: list[ConsumerLike] = [consumers]
    elif isinstance(consumers, str):
        items = [t.strip() for t in consumers.split(",") if t.strip()]
    else:
        items = list(consumers)
    if not items:
        raise InputError(f"at least one {role} is needed (e.g. USA,IND)")
    out: dict[str, CountrySet] = {}
    for item in items:
        cs = resolve_consumer(ds_or_countries, item, role=role)
        out.setdefault(cs.name, cs)
    return list(out.values())


__all__ = [
    "COMPOSITE_GROUPS",
    "FLAG_GROUPS",
    "GROUPS",
    "ConsumerLike",
    "CountrySet",
    "country_members",
    "group_members",
    "named_groups",
    "resolve_consumer",
    "resolve_consumers",
]
