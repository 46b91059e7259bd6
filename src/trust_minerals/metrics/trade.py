"""Who supplies a country (or a group of countries) with a commodity: bilateral trade shares.

Computed from the ``trade`` table (BACI, CEPII; see :mod:`trust_minerals.data.ingest.trade`).

**One stage at a time.** A stage is measured on its own traded forms (the ``forms`` table,
:mod:`trust_minerals.forms`): ore trade is never added to refined trade. With ``stage=None`` the
result has one block of rows per stage (the ``stage`` column), each with shares of that stage's
imports; nothing is summed across stages.

**What is added within a stage** (the ``basis`` and ``quantity_basis`` columns say which):

* values (USD) of every form of the stage are added (the codes are named in ``basis``);
* quantities only where the forms share a content basis: every form in the flows has a content
  factor to the same basis in the forms table (``Li content``, ``Co content``...), and the
  quantity is then the contained tonnage; or the flows hold one form only (its gross weight).
  Otherwise ``quantity`` and ``quantity_share`` are missing and ``quantity_basis`` says why.

The ``consumer`` (the importing side) is read by :func:`trust_minerals.countries.resolve_consumer`
(``"IND"``, ``"USA+IND"``, ``"MSP"``, a list or a :class:`~trust_minerals.countries.CountrySet`).
A group is treated as one customs area: flows between two members of the group are internal and
excluded, so shares are of the group's imports from outside it. The same holds for a group of
exporting countries in :func:`export_shares`. ``importer`` and ``exporter`` name the trade-flow
columns only.

Missing quantities stay missing: a supplier whose flows include one without a quantity gets a
missing ``quantity``, and then every ``quantity_share`` of that stage is missing (the total is
unknown). When no trade exists for the combination the result is empty (not zeros);
:func:`trust_minerals.metrics.trade_coverage.why_no_imports` says why.
"""

from __future__ import annotations

import pandas as pd

from trust_minerals._tables import YearLike, as_year
from trust_minerals.countries import ConsumerLike, resolve_consumer
from trust_minerals.dataset import SupplyDataset
from trust_minerals.errors import InputError, NoDataError, UnknownNameError
from trust_minerals.schema import vocabulary

#: display order of stages (mine first), as in :func:`trust_minerals.forms.form_stages`
STAGE_ORDER = ("mine", "processing", "smelter", "refinery", "metal", "pigment", "component")
_TAIL = ["value_usd", "quantity", "share", "quantity_share", "basis", "quantity_basis"]
SUPPLIER_COLUMNS = ["stage", "exporter", *_TAIL]
CUSTOMER_COLUMNS = ["stage", "importer", *_TAIL]


def _flows(
    ds: SupplyDataset,
    commodity: str,
    side: str,
    countries: ConsumerLike,
    year: YearLike,
    stage: str | None,
) -> tuple[pd.DataFrame, str, int]:
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
    other = "exporter" if side == "importer" else "importer"
    t = ds.trade
    mask = (t["commodity"] == commodity) & (t["year"] == y) & t[side].isin(members)
    mask &= ~t[other].isin(members)  # flows inside a group are internal
    if stage is not None:
        mask &= t["stage"] == stage
    cols = ["stage", "hs6", other, "value_usd", "quantity"]
    return t.loc[mask.to_numpy(), cols], other, y


def quantity_basis(
    ds: SupplyDataset, commodity: str, stage: str, hs6: list[str] | tuple[str, ...]
) -> tuple[dict[str, float] | None, str]:
    """How quantities of the HS6 codes ``hs6`` (forms of one stage) may be added.

    Returns ``(factors, basis)``: ``factors`` maps each code to the factor that turns its traded
    tonnes into the common basis, or is ``None`` when the forms share no basis (then quantities
    are not added and ``basis`` says why).

    Examples
    --------
    >>> quantity_basis(ds, "lithium", "refinery", ["283691", "282520"])[1]  # doctest: +SKIP
    'Li content (t; content factors of the forms table)'
    """
    codes = sorted(set(hs6))
    f = ds.forms
    rows = f[(f["commodity"] == commodity) & (f["stage"] == stage) & f["hs6"].isin(codes)]
    rows = rows.drop_duplicates("hs6")
    factors = pd.to_numeric(rows["content_factor"], errors="coerce")
    bases = set(rows["content_basis"].astype(str))
    if len(rows) == len(codes) and factors.notna().all() and len(bases) == 1:
        factor_of = dict(zip(rows["hs6"].astype(str), factors.astype(float), strict=True))
        return factor_of, f"{bases.pop()} (t; content factors of the forms table)"
    names = set(rows["form"].astype(str))
    if len(codes) == 1 or (len(rows) == len(codes) and len(names) == 1):
        what = names.pop() if len(names) == 1 else f"HS {codes[0]}"
        return dict.fromkeys(codes, 1.0), f"gross weight (t) of {what}"
    listed = ", ".join(sorted(names)) if len(rows) == len(codes) else "HS " + ", ".join(codes)
    return None, (
        f"not added: the {stage} forms ({listed}) have no common content basis "
        "in the forms table; compare values (USD)"
    )


def _stage_partners(
    ds: SupplyDataset, commodity: str, stage: str, flows: pd.DataFrame, partner: str, year: int
) -> pd.DataFrame:
    """Partners of one stage: values added over the stage's forms, quantities on one basis."""
    codes = sorted(set(flows["hs6"].astype(str)))
    factors, q_basis = quantity_basis(ds, commodity, stage, codes)
    if factors is None:
        qty = pd.Series(float("nan"), index=flows.index)
    else:
        qty = flows["quantity"].astype(float) * flows["hs6"].astype(str).map(factors)
    f = pd.DataFrame({partner: flows[partner], "value_usd": flows["value_usd"], "quantity": qty})
    g = f.groupby(partner, sort=False)
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
    many = "value (USD) added over these forms" if len(codes) > 1 else "value (USD)"
    out.insert(0, "stage", stage)
    out["basis"] = f"BACI {year}, {stage} forms of {commodity} (HS {', '.join(codes)}); {many}"
    out["quantity_basis"] = q_basis
    return out


def _partners(
    ds: SupplyDataset, commodity: str, flows: pd.DataFrame, partner: str, year: int
) -> pd.DataFrame:
    columns = ["stage", partner, *_TAIL]
    parts = [
        _stage_partners(ds, commodity, str(stage), g, partner, year)
        for stage, g in flows.groupby("stage", sort=False)
    ]
    if not parts:
        text = ("stage", partner, "basis", "quantity_basis")
        return pd.DataFrame(
            {c: pd.Series([], dtype=object if c in text else "float64") for c in columns}
        )
    out = pd.concat(parts, ignore_index=True)
    rank = {s: i for i, s in enumerate(STAGE_ORDER)}
    out["_order"] = out["stage"].map(rank).fillna(len(rank))
    out = out.sort_values(["_order", "stage"], kind="mergesort")
    return out[columns].reset_index(drop=True)


def _one_stage(df: pd.DataFrame, commodity: str, where: str) -> pd.DataFrame:
    """``df`` when it holds one stage; else refuse (shares of different stages never mix)."""
    stages = list(dict.fromkeys(df["stage"]))
    if len(stages) > 1:
        raise InputError(
            f"{commodity} is traded at more than one stage ({', '.join(stages)}): give stage= "
            f"to {where} (shares of different stages are never added)"
        )
    return df


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
        Keep only the forms of this stage (``mine``, ``refinery``, ``smelter``...); default:
        every stage, as separate blocks of rows.

    Returns
    -------
    DataFrame
        ``stage``, ``exporter``, ``value_usd``, ``quantity`` (t, on ``quantity_basis``),
        ``share`` (of the stage's import value), ``quantity_share`` (of the stage's quantity),
        ``basis`` (year, forms and HS codes added), ``quantity_basis``; shares add up to 1
        within each stage, never across stages. Empty when no such trade exists.

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
    flows, partner, y = _flows(ds, commodity, "importer", consumer, year, stage)
    return _partners(ds, commodity, flows, partner, y)


def import_shares(
    ds: SupplyDataset,
    commodity: str,
    consumer: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.Series:
    """Exporter -> share of ``consumer``'s import value at one stage (see :func:`import_suppliers`).

    ``stage=None`` is accepted only where the commodity's flows hold one stage; otherwise an
    :class:`~trust_minerals.errors.InputError` asks for the stage.

    Examples
    --------
    >>> import_shares(ds, "cobalt", ["USA", "IND"], 2023, stage="refinery")   # doctest: +SKIP
    """
    df = _one_stage(
        import_suppliers(ds, commodity, consumer, year, stage), commodity, "import_shares"
    )
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

    Columns :data:`CUSTOMER_COLUMNS` (per stage, as in :func:`import_suppliers`); a group of
    exporting countries excludes flows between its members. Empty when no such trade exists.

    Examples
    --------
    >>> export_customers(ds, "graphite", "CHN", 2024).head()   # doctest: +SKIP
    """
    flows, partner, y = _flows(ds, commodity, "exporter", country, year, stage)
    return _partners(ds, commodity, flows, partner, y)


def export_shares(
    ds: SupplyDataset,
    commodity: str,
    country: ConsumerLike,
    year: YearLike = None,
    stage: str | None = None,
) -> pd.Series:
    """Importer -> share of ``country``'s export value at one stage (see :func:`export_customers`;
    ``stage=None`` only where the flows hold one stage).

    Examples
    --------
    >>> export_shares(ds, "graphite", "CHN", 2024)   # doctest: +SKIP
    """
    df = _one_stage(
        export_customers(ds, commodity, country, year, stage), commodity, "export_shares"
    )
    return pd.Series(
        df["share"].to_numpy(), index=pd.Index(df["importer"], name="importer"), name="share"
    )
