"""Consumers and partner sets: a country, a named group, or a custom list of countries.

Text such as ``USA``, ``IND``, ``USA+IND``, ``MSP``, ``Quad``, ``G7``, ``EU``, ``OECD`` or a custom
list ``AUS,CAN,JPN`` resolves to a :class:`CountrySet` (a name and its ISO3 members). Group
membership is data: the boolean columns ``msp``, ``quad``, ``g7``, ``eu``, ``oecd`` of
``ds.countries``. Tokens are separated by ``+`` or ``,`` and combined as a union; every unknown
token is reported at once with the valid choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, UnknownNameError

GROUPS = ("msp", "quad", "g7", "eu", "oecd")


@dataclass(frozen=True)
class CountrySet:
    """A consumer or partner set: its name as given and its ISO3 members (sorted)."""

    name: str
    members: tuple[str, ...]

    def __contains__(self, country: object) -> bool:
        return country in self.members


def group_members(countries: pd.DataFrame, group: str) -> list[str]:
    """ISO3 members of a named group (``msp``, ``quad``, ``g7``, ``eu``, ``oecd``).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"country": ["USA", "CHN"], "msp": [True, False]})
    >>> group_members(c, "MSP")
    ['USA']
    """
    key = group.strip().lower()
    if key not in GROUPS or key not in countries.columns:
        raise UnknownNameError("country group", [group], [g.upper() for g in GROUPS])
    return sorted(countries.loc[countries[key].astype(bool), "country"].tolist())


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
            f"{kind}: empty country set {text!r}; give ISO3 codes or a group ({', '.join(g.upper() for g in GROUPS)})"
        )
    countries = ds.countries
    known = set(countries["country"])
    members: set[str] = set()
    unknown: list[str] = []
    for token in tokens:
        if token.lower() in GROUPS and token.lower() in countries.columns:
            found = group_members(countries, token)
            if not found:
                raise InputError(f"{kind}: group {token!r} has no members in the dataset")
            members.update(found)
        elif token.upper() in known:
            members.add(token.upper())
        else:
            unknown.append(token)
    if unknown:
        valid = [g.upper() for g in GROUPS] + sorted(known)
        raise UnknownNameError(kind, unknown, valid)
    return CountrySet(name=text.strip(), members=tuple(sorted(members)))
