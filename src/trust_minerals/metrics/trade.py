"""Who supplies a country (or a group of countries) with a commodity: bilateral trade shares.

Computed from the ``trade`` table (BACI, CEPII; see :mod:`trust_minerals.data.ingest.trade`).
Values are in US dollars; quantities in metric tons of gross weight of the traded HS6 products
(so quantities of different products — ore and refined chemicals — are added as traded tons).

The ``consumer`` (the importing side) is read by :func:`trust_minerals.countries.resolve_consumer`
(``"IND"``, ``"USA+IND"``, ``"MSP"``, a list or a :class:`~trust_minerals.countries.CountrySet`).
A group is treated as one customs area: flows between two members of the group are internal and
excluded, so shares are of the group's imports from outside it. The same holds for a group of
exporting countries in :func:`export_shares`. ``importer`` and ``exporter`` name the trade-flow
columns only.

Missing quantities stay missing: a supplier whose flows include one without a quantity gets a
missing ``quantity``, and then every ``quantity_share`` is missing (the total is unknown).
When no trade exists for the combination the result is empty (not zeros).
"""

from __future__ import annotations

import pandas as pd

from trust_minerals._tables import YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import NoDataError, UnknownNameError
from trust_minerals.schema import vocabulary

SUPPLIER_COLUMNS = ["exporter", "value_usd", "quantity", "share", "quantity_share"]
CUSTOMER_COLUMNS = ["importer", "value_usd", "quantity", "share", "quantity_share"]


def _flows(
    ds: SupplyDataset,
    commodity: str,
    side: str,
    countries: ConsumerLike,
    year: YearLike,
    stage: str | None,
) -> tuple[pd.DataFrame, str]:
    """Flows of ``commodity`` in ``year`` with ``side`` (importer/exporter) in ``countries``."""
    ds.check_commodities([commodity], f"trade {side}s")
    role = "consumer" if side == "importer" else "country"
    members = list(resolve_consumer(ds, countries, role=role).members)
    if stage is not None and stage not in vocabulary("stage"):
        raise UnknownNameError("stage", [stage], list(vocabulary("stage")))
    y = as_year(year)
    if y is None:
        years = ds.trade.loc[ds.trade["commodity"] == commodity, "year"]
        if years.empty:
            raise NoDataError(f"no trade data for commodity {commodity!r}")
        y = int(years.max())
    year = y
    other = "exporter" if side == "importer" else "importer"
    t = ds.trade
    mask = (t["commodity"] == commodity) & (t["year"] == year) & t[side].isin(members)
    mask &= ~t[other].isin(members)  # flows inside a group are internal
    if stage is not None:
        mask &= t["stage"] == stage
    return t.loc[mask.to_numpy(), [other, "value_usd", "quantity"]], other


def _partners(flows: pd.DataFrame, partner: str) -> pd.DataFrame:
    columns = [partner, "value_usd", "quantity", "share", "quantity_share"]
    if flows.empty:
        return pd.DataFrame(
            {c: pd.Series([], dtype=object if c == partner else "float64") for c in columns}
        )
    g = flows.groupby(partner, sort=False)
    out = pd.DataFrame(
        {
            "value_usd": g["value_usd"].sum(min_count=1),
            # a partner with one flow of unknown quantity has an unknown total quantity
            "quantity": g["quantity"].agg(lambda s: s.sum() if s.notna().all() else float("nan")),
        }
    ).reset_index()
    total_value = (
        out["value_usd"].sum(min_count=1) if out["value_usd"].notna().all() else float("nan")
    )
    total_qty = out["quantity"].sum() if out["quantity"].notna().all() else float("nan")
    out["share"] = out["value_usd"] / total_value if total_value else float("nan")
    out["quantity_share"] = out["quantity"] / total_qty if total_qty else float("nan")
    out = out.sort_values(["value_usd", partner], ascending=[False, True], kind="mergesort")
    return out[columns].reset_index(drop=True)


def import_suppliers(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.DataFrame:
    """The suppliers of ``consumer`` for ``commodity`` in ``year``, largest first.

    Parameters
    ----------
    ds : SupplyDataset
    commodity : str
        Commodity id (e.g. ``"lithium"``).
    consumer : str, list of str or CountrySet
        One ISO3 code, or a set taken as one group (``"USA+IND"``, ``"MSP"``; flows between
        members are excluded).
    year : int or str, optional
        Default: the latest trade year of the commodity.
    stage : str, optional
        Keep only the HS6 codes of this stage (``mine``, ``refinery``, ``smelter``...).

    Returns
    -------
    DataFrame
        ``exporter``, ``value_usd``, ``quantity`` (t), ``share`` (of the import value),
        ``quantity_share``; empty when no such trade exists.

    Raises
    ------
    UnknownNameError
        Unknown commodity, consumer or stage.

    Examples
    --------
    >>> from trust_minerals.data.store import load_dataset
    >>> df = import_suppliers(load_dataset(), "lithium", "IND", 2024)   # doctest: +SKIP
    >>> df.share.sum()                                                  # doctest: +SKIP
    1.0
    """
    flows, partner = _flows(ds, commodity, "importer", consumer, year, stage)
    return _partners(flows, partner)


def import_shares(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.Series:
    """Exporter -> share of ``consumer``'s import value (see :func:`import_suppliers`).

    Examples
    --------
    >>> import_shares(ds, "cobalt", ["USA", "IND"], 2023, stage="refinery")   # doctest: +SKIP
    """
    df = import_suppliers(ds, commodity, consumer, year, stage)
    return pd.Series(
        df["share"].to_numpy(), index=pd.Index(df["exporter"], name="exporter"), name="share"
    )


def export_customers(
    ds: SupplyDataset,
    commodity: str,
    country: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.DataFrame:
    """The customers of ``country`` (the exporter) for ``commodity`` in ``year``, largest first.

    Columns ``importer``, ``value_usd``, ``quantity``, ``share``, ``quantity_share``; a group of
    exporting countries excludes flows between its members. Empty when no such trade exists.

    Examples
    --------
    >>> export_customers(ds, "graphite", "CHN", 2024).head()   # doctest: +SKIP
    """
    flows, partner = _flows(ds, commodity, "exporter", country, year, stage)
    return _partners(flows, partner)


def export_shares(
    ds: SupplyDataset,
    commodity: str,
    country: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.Series:
    """Importer -> share of ``country``'s export value (see :func:`export_customers`).

    Examples
    --------
    >>> export_shares(ds, "graphite", "CHN", 2024)   # doctest: +SKIP
    """
    df = export_customers(ds, commodity, country, year, stage)
    return pd.Series(
        df["share"].to_numpy(), index=pd.Index(df["importer"], name="importer"), name="share"
    )
