"""Consumers and partner sets: a country, a named group, or a custom list of countries.

Text such as ``USA``, ``IND``, ``USA+IND``, ``MSP``, ``Quad``, ``G7``, ``EU``, ``OECD``,
``usa_ind`` or a custom list ``AUS,CAN,JPN`` resolves to a :class:`CountrySet` (a name and its
ISO3 members). Parsing and group membership are the shared
:func:`trust_minerals.data.ingest.reference.parse_partner_set` and
:func:`~trust_minerals.data.ingest.reference.group_members` (membership is data: the boolean
columns ``msp``, ``quad``, ``g7``, ``eu``, ``oecd`` of ``ds.countries``); this module only wraps the
result in a :class:`CountrySet` and names the role (consumer or partner set) in errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trust_minerals.data.ingest.reference import GROUPS, group_members, parse_partner_set
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError


@dataclass(frozen=True)
class CountrySet:
    """A consumer or partner set: its name as given and its ISO3 members (sorted)."""

    name: str
    members: tuple[str, ...]

    def __contains__(self, country: object) -> bool:
        return country in self.members


def resolve_countries(ds: SupplyDataset, text: str, *, kind: str = "consumer") -> CountrySet:
    """Resolve ``text`` (ISO3 codes and group names joined by ``+`` or ``,``) to a :class:`CountrySet`.

    Raises :class:`UnknownNameError` naming every unknown token and listing the valid groups and
    countries; an empty text or a group without members raises :class:`InputError`.

    Examples
    --------
    >>> resolve_countries(ds, "USA+IND").members        # doctest: +SKIP
    ('IND', 'USA')
    """
    tokens = [t.strip() for t in re.split(r"[+,]", text or "") if t.strip()]
    if not tokens:
        raise InputError(
            f"{kind}: empty country set {text!r}; give ISO3 codes or a group ({', '.join(GROUPS)})"
        )
    try:
        members = parse_partner_set("+".join(tokens), ds.countries)
    except UnknownNameError as err:
        raise UnknownNameError(kind, err.names, err.valid) from None
    for token in tokens:
        if token.casefold() in GROUPS and not group_members(ds.countries, token):
            raise InputError(f"{kind}: group {token!r} has no members in the dataset")
    return CountrySet(name=text.strip(), members=tuple(sorted(members)))


__all__ = ["GROUPS", "CountrySet", "group_members", "resolve_countries"]
