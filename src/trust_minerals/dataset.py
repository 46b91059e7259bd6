"""``SupplyDataset``: the frozen, validated collection of tidy tables every analysis starts from.

A dataset is immutable: :meth:`SupplyDataset.select` and :meth:`SupplyDataset.replace` return new
datasets. Tables are pandas DataFrames whose columns follow ``data/spec/tables.csv``; treat them as
read-only: every frame handed out is a copy, so changing it never changes the dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from trust_minerals.errors import UnknownNameError
from trust_minerals.schema import table_specs, validate, vocabulary

TableSource = pd.DataFrame | Callable[[], pd.DataFrame]

#: tables whose rows are keyed by a commodity column
_COMMODITY_TABLES = (
    "production",
    "reserves",
    "capacity",
    "us_salient",
    "import_sources",
    "export_controls",
    "trade",
    "production_wmd",
    "eol_rir",
    "commodities",
    "critical_lists",
    "supply_projection",
    "forms",
)
_COUNTRY_TABLES = (
    "production",
    "reserves",
    "capacity",
    "import_sources",
    "export_controls",
    "production_wmd",
    "countries",
    "supply_projection",
    "us_trade",
)
_YEAR_TABLES = (
    "production",
    "reserves",
    "capacity",
    "us_salient",
    "trade",
    "production_wmd",
    "supply_projection",
    "us_trade",
)
_STAGE_TABLES = ("production", "reserves", "capacity", "trade", "supply_projection", "forms")


def _as_tuple(value: str | Iterable[str] | None) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | int):
        return (value,)
    return tuple(value)


@dataclass(frozen=True, eq=False)
class SupplyDataset:
    """Frozen collection of validated tables (see ``trust data describe`` for every column).

    Build one with :func:`trust_minerals.load_dataset` (from the DuckDB store) or
    :meth:`SupplyDataset.from_tables` (from frames, e.g. a small hand-made dataset in a test).

    Examples
    --------
    >>> from trust_minerals import load_dataset
    >>> ds = load_dataset()                                     # doctest: +SKIP
    >>> ds.select(commodity="cobalt", year=2025).production     # doctest: +SKIP
    """

    _sources: Mapping[str, TableSource]
    meta: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_tables(
        cls,
        tables: Mapping[str, TableSource],
        *,
        meta: Mapping[str, str] | None = None,
        validated: bool = False,
    ) -> SupplyDataset:
        """Make a dataset from frames (or zero-argument callables returning frames, loaded lazily).

        Tables that are not given are empty. Unless ``validated`` is true, every frame given
        directly is checked against its spec now; lazily loaded tables are checked on first use.
        """
        specs = table_specs()
        unknown = sorted(set(tables) - set(specs))
        if unknown:
            raise UnknownNameError("table", unknown, list(specs))
        sources: dict[str, TableSource] = {}
        for name in specs:
            src = tables.get(name)
            if src is None:
                from trust_minerals.schema import empty_table

                sources[name] = empty_table(name)
            elif isinstance(src, pd.DataFrame):
                sources[name] = src if validated else validate(name, src)
            else:
                sources[name] = src if validated else _validated_loader(name, src)
        return cls(MappingProxyType(sources), MappingProxyType(dict(meta or {})))

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (a copy: changing it never changes the dataset)."""
        return self._frame(name).copy()

    def _frame(self, name: str) -> pd.DataFrame:
        """The stored frame itself, loaded on first use (internal: never modify it)."""
        if name not in self._sources:
            raise UnknownNameError("table", [name], list(self._sources))
        if name not in self._cache:
            src = self._sources[name]
            self._cache[name] = src if isinstance(src, pd.DataFrame) else src()
        return self._cache[name]

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(self._sources)

    def __repr__(self) -> str:
        """One line: the row count of every loaded table (lazy tables not loaded say so)."""
        parts = []
        for name, src in self._sources.items():
            frame = self._cache.get(name, src if isinstance(src, pd.DataFrame) else None)
            if frame is None:
                parts.append(f"{name}=(not loaded)")
            elif len(frame):
                parts.append(f"{name}={len(frame):,}")
        where = self.meta.get("path")
        return f"SupplyDataset({', '.join(parts)}{f'; {where}' if where else ''})"

    def replace(self, **tables: pd.DataFrame) -> SupplyDataset:
        """A new dataset with the given tables replaced (each validated against its spec)."""
        unknown = sorted(set(tables) - set(self._sources))
        if unknown:
            raise UnknownNameError("table", unknown, list(self._sources))
        sources = dict(self._sources)
        for name, df in tables.items():
            sources[name] = validate(name, df)
        return SupplyDataset(MappingProxyType(sources), self.meta)

    # --- convenient accessors -----------------------------------------------------------------
    production = property(lambda self: self.table("production"))
    reserves = property(lambda self: self.table("reserves"))
    capacity = property(lambda self: self.table("capacity"))
    us_salient = property(lambda self: self.table("us_salient"))
    import_sources = property(lambda self: self.table("import_sources"))
    export_controls = property(lambda self: self.table("export_controls"))
    trade = property(lambda self: self.table("trade"))
    production_wmd = property(lambda self: self.table("production_wmd"))
    eol_rir = property(lambda self: self.table("eol_rir"))
    commodities = property(lambda self: self.table("commodities"))
    critical_lists = property(lambda self: self.table("critical_lists"))
    countries = property(lambda self: self.table("countries"))
    sources = property(lambda self: self.table("sources"))
    supply_projection = property(lambda self: self.table("supply_projection"))
    forms = property(lambda self: self.table("forms"))
    us_trade = property(lambda self: self.table("us_trade"))

    # --- names --------------------------------------------------------------------------------
    def commodity_ids(self) -> list[str]:
        ids = self._frame("commodities")["commodity"].tolist()
        return ids or list(vocabulary("commodity"))

    def country_ids(self) -> list[str]:
        return self._frame("countries")["country"].tolist()

    def check_commodities(self, names: Iterable[str], where: str | None = None) -> list[str]:
        """Return ``names`` if every one is a known commodity id; otherwise raise naming each unknown."""
        names = list(names)
        known = set(self.commodity_ids())
        bad = [n for n in names if n not in known]
        if bad:
            raise UnknownNameError("commodity", bad, sorted(known), where)
        return names

    def check_countries(self, names: Iterable[str], where: str | None = None) -> list[str]:
        """Return ``names`` if every one is a known ISO3 country code; otherwise raise naming each unknown."""
        names = list(names)
        known = set(self.country_ids())
        bad = [n for n in names if n not in known]
        if bad:
            raise UnknownNameError("country", bad, sorted(known), where)
        return names

    # --- selection ----------------------------------------------------------------------------
    def select(
        self,
        *,
        commodity: str | Iterable[str] | None = None,
        country: str | Iterable[str] | None = None,
        year: int | Iterable[int] | None = None,
        stage: str | Iterable[str] | None = None,
    ) -> SupplyDataset:
        """A new dataset keeping only the rows that match every given filter.

        ``country`` keeps rows of that country in country-keyed tables and, in ``trade``, rows
        where it is the exporter or the importer; aggregate rows are dropped by a country filter.
        Unknown commodity ids, countries or stages raise :class:`UnknownNameError`.
        """
        commodities = _as_tuple(commodity)
        countries = _as_tuple(country)
        years = _as_tuple(year)  # type: ignore[arg-type]
        stages = _as_tuple(stage)
        if commodities is not None:
            self.check_commodities(commodities, "select(commodity=...)")
        if countries is not None:
            self.check_countries(countries, "select(country=...)")
        if stages is not None:
            bad = [s for s in stages if s not in vocabulary("stage")]
            if bad:
                raise UnknownNameError("stage", bad, list(vocabulary("stage")), "select(stage=...)")
        sources: dict[str, TableSource] = {}
        for name in self._sources:
            sources[name] = _filtered_loader(self, name, commodities, countries, years, stages)
        return SupplyDataset(MappingProxyType(sources), self.meta)


def _validated_loader(name: str, loader: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        return validate(name, loader())

    return load


def _filtered_loader(
    ds: SupplyDataset,
    name: str,
    commodities: tuple[Any, ...] | None,
    countries: tuple[Any, ...] | None,
    years: tuple[Any, ...] | None,
    stages: tuple[Any, ...] | None,
) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        df = ds._frame(name)
        mask = pd.Series(True, index=df.index)
        if commodities is not None and name in _COMMODITY_TABLES:
            mask &= df["commodity"].isin(commodities)
        if countries is not None:
            if name == "trade":
                mask &= df["exporter"].isin(countries) | df["importer"].isin(countries)
            elif name in _COUNTRY_TABLES:
                mask &= df["country"].isin(countries)
        if years is not None and name in _YEAR_TABLES:
            mask &= df["year"].isin(years)
        if stages is not None and name in _STAGE_TABLES:
            mask &= df["stage"].isin(stages)
        if bool(mask.all()):
            return df.copy()
        return df[mask.to_numpy()].reset_index(drop=True)

    return load
