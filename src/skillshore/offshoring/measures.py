"""Offshoring measures and Bartik inputs (the firm-year IV dataset built from them is in
:mod:`skillshore.offshoring.dataset`).

Seed slides "Offshoring", "Offshoring Exposure from China", "Identification
(Hummels et al, 2014 AER)" (eq. 3) and the robustness slide.

**Narrow offshoring** of firm ``j`` in year ``t``: the value of its imports
from the source countries (China, or the Bernard-Jensen-Schott low-wage list)
in the HS6 products that ``j`` also exports in year ``t`` (to any destination;
``export_match="any_year"`` uses products exported in any year), excluding
raw materials (HS chapters ``raw_material_hs2``, default 01-15 and 25-27).
Normalised per worker (DKK 1,000 per employee), relative to value added
(null where value added <= 0) or not at all. At the industry level (6 or 4
digits of the firm's main industry) it is the ratio of sums: industry imports
over industry employment (or value added), over every firm of the ``firms``
frame passed (not only the sample).

**Instrument** (seed eq. 3): ``I_kt = sum_h s_hk0 * WES_ht`` with

* ``WES_ht``: exports of product ``h`` by the source countries to every
  importer except the home country (``world_trade``, USD 1,000);
* ``s_hk0``: industry ``k``'s imports of ``h`` over its total imports in the
  base years (pooled), all origins, raw materials excluded (as Hummels et al.
  2014: initial import shares from every origin, so that an industry is
  exposed to China's supply growth in the products it imported anywhere).
  Shares sum to one within an industry; an industry without base-year
  imports has no shares and a zero instrument.

**Export instrument** (Hummels et al. 2014): ``sum_h e_hk0 * WID_ht`` with
``WID_ht`` world import demand, all imports of ``h`` by countries other than
the home country from exporters other than the home country, and ``e_hk0``
industry ``k``'s base-year export shares.

The local computation of ``I_kt`` is :func:`shift_share` (:func:`bartik` on the study's names); the
general tools (shock diagnostics, Rotemberg weights, exposure-robust standard
errors) take :func:`exposure_shares` and :func:`world_export_supply` output.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

from skillshore._constants import RAW_MATERIAL_HS2
from skillshore._reduce import group_sum
from skillshore.errors import DataValidationError
from skillshore.offshoring.shiftshare import bartik
from skillshore.panel.sample import _check_years, _need

__all__ = [
    "RAW_MATERIAL_HS2",
    "COPENHAGEN_REGIONS",
    "Normalise",
    "source_countries",
    "narrow_offshoring",
    "firm_trade",
    "industry_ratio",
    "exposure_shares",
    "world_export_supply",
    "world_import_demand",
    "shift_share",
]

_MOVED = ("FIRM_PANEL_COLUMNS", "FirmPanel", "build_firm_panel")


def __getattr__(name: str) -> object:
    """The firm-year dataset moved to :mod:`skillshore.offshoring.dataset`; imports of its
    names from here keep working."""
    if name in _MOVED:
        from skillshore.offshoring import dataset

        return getattr(dataset, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


COPENHAGEN_REGIONS: tuple[str, ...] = ("Copenhagen", "Copenhagen environs")

Normalise = Literal["per_worker", "value_added", "none"]
_DENOM = {"per_worker": "employment", "value_added": "value_added", "none": None}


def _check_normalise(normalise: str) -> str | None:
    if normalise not in _DENOM:
        raise DataValidationError(
            f"normalise must be 'per_worker', 'value_added' or 'none', got {normalise!r}."
        )
    return _DENOM[normalise]


def source_countries(
    source: str | Sequence[str], low_wage: pl.DataFrame | None = None
) -> tuple[str, ...]:
    """ISO3 codes of the offshoring source: a code (``"CHN"``), ``"low_wage"`` or a list of codes."""
    if isinstance(source, str):
        if source == "low_wage":
            if low_wage is None or "country" not in low_wage.columns:
                raise DataValidationError(
                    "source 'low_wage' needs the low_wage table (column 'country')."
                )
            codes = tuple(low_wage["country"].to_list())
        else:
            codes = (source,)
    else:
        codes = tuple(source)
    bad = [
        c for c in codes if not (isinstance(c, str) and len(c) == 3 and c.isalpha() and c.isupper())
    ]
    if not codes or bad:
        raise DataValidationError(
            f"source countries must be ISO 3166-1 alpha-3 codes, got {bad or codes!r}."
        )
    return codes


def _not_raw(raw_material_hs2: Sequence[str]) -> pl.Expr:
    return ~pl.col("hs6").str.slice(0, 2).is_in(list(raw_material_hs2))


def _years_filter(years: tuple[int, int] | None) -> pl.Expr:
    if years is None:
        return pl.lit(True)
    y0, y1 = _check_years(years)
    return pl.col("year").is_between(y0, y1)


def narrow_offshoring(
    customs: pl.DataFrame,
    firms: pl.DataFrame,
    *,
    countries: str | Sequence[str] = "CHN",
    low_wage: pl.DataFrame | None = None,
    raw_material_hs2: Sequence[str] = RAW_MATERIAL_HS2,
    normalise: Normalise = "per_worker",
    export_match: Literal["same_year", "any_year"] = "same_year",
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """Firm-level narrow offshoring (module docstring).

    Parameters
    ----------
    customs, firms : polars.DataFrame
        Raw tables.
    countries : str or sequence of str
        Source: an ISO3 code, ``"low_wage"`` or a list of codes (see
        :func:`source_countries`).
    low_wage : polars.DataFrame, optional
        The low-wage country table (needed for ``countries="low_wage"``).
    raw_material_hs2 : sequence of str
        Excluded HS chapters.
    normalise : {"per_worker", "value_added", "none"}
        Denominator of ``offshoring``.
    export_match : {"same_year", "any_year"}
        Products counted: exported by the firm in the same year, or in any year.
    years : (int, int), optional
        Restrict to these years.

    Returns
    -------
    polars.DataFrame
        One row per firm-year of ``firms``: ``firm_id, year, imports_narrow``
        (DKK 1,000; 0 for firms without such imports) and ``offshoring``.
    """
    _need(customs, ("firm_id", "year", "country", "hs6", "flow", "value"), "customs")
    _need(firms, ("firm_id", "year", "employment", "value_added"), "firms")
    denom = _check_normalise(normalise)
    countries = source_countries(countries, low_wage)
    if export_match not in ("same_year", "any_year"):
        raise DataValidationError(
            f"export_match must be 'same_year' or 'any_year', got {export_match!r}."
        )
    c = customs.filter(_not_raw(raw_material_hs2) & _years_filter(years))
    keys = ["firm_id", "year", "hs6"] if export_match == "same_year" else ["firm_id", "hs6"]
    exported = c.filter(pl.col("flow") == "export").select(keys).unique()
    imports = group_sum(
        c.filter((pl.col("flow") == "import") & pl.col("country").is_in(list(countries))).join(
            exported, on=keys, how="semi"
        ),
        ["firm_id", "year"],
        {"value": "imports_narrow"},
    )
    out = (
        firms.filter(_years_filter(years))
        .select("firm_id", "year", "employment", "value_added")
        .join(imports, on=["firm_id", "year"], how="left")
        .with_columns(pl.col("imports_narrow").fill_null(0.0))
    )
    return (
        out.with_columns(_ratio("imports_narrow", denom).alias("offshoring"))
        .select("firm_id", "year", "imports_narrow", "offshoring")
        .sort(["firm_id", "year"])
    )


def _ratio(num: str, denom: str | None) -> pl.Expr:
    if denom is None:
        return pl.col(num).cast(pl.Float64)
    return pl.when(pl.col(denom) > 0).then(pl.col(num) / pl.col(denom)).otherwise(None)


def firm_trade(
    customs: pl.DataFrame,
    firms: pl.DataFrame,
    *,
    raw_material_hs2: Sequence[str] = RAW_MATERIAL_HS2,
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """Per firm-year: ``exports`` (non-raw, all destinations, DKK 1,000), ``importer``, ``exporter`` (Int8)."""
    _need(customs, ("firm_id", "year", "hs6", "flow", "value"), "customs")
    c = customs.filter(_years_filter(years))
    flags = c.group_by(["firm_id", "year"]).agg(
        (pl.col("flow") == "import").any().cast(pl.Int8).alias("importer"),
        (pl.col("flow") == "export").any().cast(pl.Int8).alias("exporter"),
    )
    exports = group_sum(
        c.filter((pl.col("flow") == "export") & _not_raw(raw_material_hs2)),
        ["firm_id", "year"],
        {"value": "exports"},
    )
    return (
        firms.filter(_years_filter(years))
        .select("firm_id", "year")
        .join(exports, on=["firm_id", "year"], how="left")
        .join(flags, on=["firm_id", "year"], how="left")
        .with_columns(
            pl.col("exports").fill_null(0.0),
            pl.col("importer").fill_null(0),
            pl.col("exporter").fill_null(0),
        )
        .sort(["firm_id", "year"])
    )


def industry_ratio(
    values: pl.DataFrame,
    column: str,
    firms: pl.DataFrame,
    industries: pl.DataFrame,
    *,
    digits: Literal[2, 4, 6] = 6,
    normalise: Normalise = "per_worker",
) -> pl.DataFrame:
    """Industry-year ratio of sums: ``sum_j column / sum_j denominator`` over the firms of each industry.

    ``values`` has ``firm_id, year, column``; ``industries`` maps ``firm_id`` to
    ``industry`` (6 digits, e.g. :func:`main_industry`). Returns ``industry,
    year, <column>`` where ``industry`` has ``digits`` digits. Firm-years in
    ``firms`` without a value count as 0 in the numerator.
    """
    denom = _check_normalise(normalise)
    if digits not in (2, 4, 6):
        raise DataValidationError(f"digits must be 2, 4 or 6, got {digits!r}.")
    d = (
        firms.select("firm_id", "year", "employment", "value_added")
        .join(values.select("firm_id", "year", column), on=["firm_id", "year"], how="left")
        .join(
            industries.select("firm_id", pl.col("industry").str.slice(0, digits)),
            on="firm_id",
            how="inner",
        )
        .with_columns(pl.col(column).fill_null(0.0))
    )
    sums = {column: "_num", **({denom: denom} if denom is not None else {})}
    return (
        group_sum(d, ["industry", "year"], sums)
        .with_columns(_ratio("_num", denom).alias(column))
        .select("industry", "year", column)
        .sort(["industry", "year"])
    )


def exposure_shares(
    customs: pl.DataFrame,
    industries: pl.DataFrame,
    base_years: tuple[int, int],
    *,
    flow: Literal["import", "export"] = "import",
    digits: Literal[2, 4, 6] = 6,
    raw_material_hs2: Sequence[str] = RAW_MATERIAL_HS2,
) -> pl.DataFrame:
    """Base-year product shares ``s_hk0`` of each industry (long: ``industry, hs6, share``).

    ``share`` = industry ``k``'s ``flow`` value in product ``h`` over its total
    (non-raw) ``flow`` value, base years pooled, all partner countries; shares
    sum to one within each industry. ``industries`` maps ``firm_id`` to a
    6-digit ``industry``.
    """
    _need(customs, ("firm_id", "year", "hs6", "flow", "value"), "customs")
    if digits not in (2, 4, 6):
        raise DataValidationError(f"digits must be 2, 4 or 6, got {digits!r}.")
    b0, b1 = _check_years(base_years)
    d = customs.filter(
        pl.col("year").is_between(b0, b1) & (pl.col("flow") == flow) & _not_raw(raw_material_hs2)
    ).join(
        industries.select("firm_id", pl.col("industry").str.slice(0, digits)),
        on="firm_id",
        how="inner",
    )
    d = group_sum(d, ["industry", "hs6"], ["value"]).filter(pl.col("value") > 0)
    total = group_sum(d, ["industry"], {"value": "_total"})
    return (
        d.join(total, on="industry", how="left")
        .with_columns((pl.col("value") / pl.col("_total")).alias("share"))
        .select("industry", "hs6", "share")
        .sort(["industry", "hs6"])
    )


def world_export_supply(
    world_trade: pl.DataFrame,
    *,
    countries: str | Sequence[str] = "CHN",
    low_wage: pl.DataFrame | None = None,
    home: str = "DNK",
    years: tuple[int, int] | None = None,
) -> pl.DataFrame:
    """``WES_ht``: exports of ``h`` by ``countries`` to every importer but ``home`` (``hs6, year, wes``).

    ``countries`` as in :func:`narrow_offshoring` (``"CHN"``, ``"low_wage"`` or codes).
    """
    _need(world_trade, ("exporter", "importer", "hs6", "year", "value"), "world_trade")
    countries = source_countries(countries, low_wage)
    return group_sum(
        world_trade.filter(
            pl.col("exporter").is_in(list(countries))
            & (pl.col("importer") != home)
            & _years_filter(years)
        ),
        ["hs6", "year"],
        {"value": "wes"},
    )


def world_import_demand(
    world_trade: pl.DataFrame, *, home: str = "DNK", years: tuple[int, int] | None = None
) -> pl.DataFrame:
    """``WID_ht``: imports of ``h`` by every country but ``home``, from exporters other than ``home`` (``hs6, year, wid``)."""
    _need(world_trade, ("exporter", "importer", "hs6", "year", "value"), "world_trade")
    return group_sum(
        world_trade.filter(
            (pl.col("importer") != home) & (pl.col("exporter") != home) & _years_filter(years)
        ),
        ["hs6", "year"],
        {"value": "wid"},
    )


def shift_share(shares: pl.DataFrame, shocks: pl.DataFrame, shock: str) -> pl.DataFrame:
    """``I_kt = sum_h s_hk0 * shock_ht`` (seed eq. 3) on the study's column names.

    The study-named front of :func:`skillshore.offshoring.shiftshare.bartik` (the one
    implementation): ``shares (industry, hs6, share)``, ``shocks (hs6, year, shock)``;
    returns polars ``industry, year, instrument`` for every industry with shares and
    every year with shocks; products without a shock in a year contribute 0.
    """
    _need(shares, ("industry", "hs6", "share"), "shares")
    _need(shocks, ("hs6", "year", shock), "shocks")
    out = bartik(
        shares, shocks, unit="industry", product="hs6", share="share", period="year", shock=shock
    )
    schema = {"industry": shares.schema["industry"], "year": shocks.schema["year"]}
    return (
        pl.from_pandas(out)
        .with_columns([pl.col(c).cast(t) for c, t in schema.items()])
        .sort(["industry", "year"])
    )
