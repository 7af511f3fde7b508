"""Offshoring measures, Bartik inputs and the firm-year IV dataset.

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
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import polars as pl

from skillshore._constants import RAW_MATERIAL_HS2
from skillshore._reduce import group_sum
from skillshore._results import TableMixin
from skillshore.errors import DataValidationError
from skillshore.offshoring.shiftshare import bartik
from skillshore.panel.aggregate import firm_group_means
from skillshore.panel.firm_types import firm_types
from skillshore.panel.sample import BaselineSample, _check_years, _need, main_industry

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
    "FIRM_PANEL_COLUMNS",
    "FirmPanel",
    "build_firm_panel",
]


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


FIRM_PANEL_COLUMNS: dict[str, str] = {
    "firm_id": "firm identifier (cluster, firm FE)",
    "year": "calendar year",
    "occ_group": "'all', 'high', 'low_high_skill' or 'low_mid_low_skill'",
    "sector": "2-digit sector of the main industry (sector x year FE)",
    "sector_year": "sector x year key, e.g. '25_1999'",
    "industry": "6-digit main industry",
    "industry4": "4-digit main industry",
    "n_workers": "workers behind avg_<skill> (regression weight)",
    "n_workers_cont": "continuing workers behind avg_<skill>_cont",
    "avg_<skill>": "scale x mean skill, all workers",
    "avg_<skill>_cont": "scale x mean skill, continuing workers",
    "avg_<skill>_inv": "scale x mean invariant skill, all workers",
    "avg_<skill>_cont_inv": "scale x mean invariant skill, continuing workers",
    "off_china, off_china_4d": "narrow offshoring from China, 6-/4-digit industry, normalised",
    "off_lowwage, off_lowwage_4d": "narrow offshoring from low-wage countries, 6-/4-digit industry",
    "firm_off_china, firm_off_lowwage": "the firm's own narrow offshoring, normalised",
    "iv_china, iv_china_4d": "sum_h s_hk0 WES_ht (China), 6-/4-digit industry, USD 1,000",
    "iv_lowwage, iv_lowwage_4d": "the same with low-wage countries' export supply",
    "exports": "industry (6-digit) non-raw exports, normalised",
    "firm_exports": "the firm's non-raw exports, normalised",
    "iv_exports": "sum_h e_hk0 WID_ht, 6-digit industry, USD 1,000",
    "low_va, low_spk, low_tfp": "1 = below-median VA per worker / sales per capital / TFP",
    "log_sales, log_size": "log sales (DKK 1,000), log employment",
    "importer, exporter": "1 = the firm imports / exports anything that year",
    "copenhagen": "1 = region Copenhagen or Copenhagen environs",
    "labour_intensive": "1 = industry capital per worker below the median (first study year)",
}
"""Columns of :attr:`FirmPanel.data` (also in ``docs/facts.md``)."""


@dataclass(frozen=True, eq=False)
class FirmPanel(TableMixin):
    """The firm x year x occupation-group dataset of the IV regressions.

    ``data`` (polars) has the columns in :data:`FIRM_PANEL_COLUMNS`;
    ``settings`` records the parameters used; ``to_frame()`` summarises
    rows, firms and means by occupation group.
    """

    data: pl.DataFrame
    skills: tuple[str, ...]
    settings: dict
    title: str = "Firm-year IV dataset"

    def to_frame(self) -> pd.DataFrame:
        cols = [f"avg_{s}" for s in self.skills] + ["off_china", "iv_china", "n_workers"]
        recs = {}
        for g in ("all", "high", "low_high_skill", "low_mid_low_skill"):
            d = self.data.filter(pl.col("occ_group") == g)
            row: dict[str, object] = {"Rows": d.height, "Firms": d["firm_id"].n_unique()}
            for c in cols:
                row[f"mean {c}"] = d[c].mean() if d.height else None
            recs[g] = row
        return pd.DataFrame.from_dict(recs, orient="index")


def _labour_intensive(firms: pl.DataFrame, sample: BaselineSample, digits: int) -> pl.DataFrame:
    y0 = sample.years[0]
    d = firms.filter(pl.col("year") == y0).join(
        sample.firms.select("firm_id", pl.col("industry").str.slice(0, digits).alias("_k")),
        on="firm_id",
    )
    d = group_sum(d, ["_k"], ["capital", "employment"]).with_columns(
        (pl.col("capital") / pl.col("employment")).alias("_kl")
    )
    med = d["_kl"].median()
    d = d.with_columns((pl.col("_kl") < med).cast(pl.Int8).alias("labour_intensive"))
    return (
        sample.firms.select("firm_id", pl.col("industry").str.slice(0, digits).alias("_k"))
        .join(d.select("_k", "labour_intensive"), on="_k", how="left")
        .select("firm_id", "labour_intensive")
    )


def build_firm_panel(
    panel: pl.DataFrame,
    sample: BaselineSample,
    firms: pl.DataFrame,
    customs: pl.DataFrame,
    world_trade: pl.DataFrame,
    low_wage: pl.DataFrame,
    *,
    base_years: tuple[int, int] = (1993, 1995),
    skills: Sequence[str] = ("cognitive",),
    scale: float = 100.0,
    rescale: Literal["none", "minmax"] = "none",
    raw_material_hs2: Sequence[str] = RAW_MATERIAL_HS2,
    normalise: Normalise = "per_worker",
    home: str = "DNK",
    export_match: Literal["same_year", "any_year"] = "same_year",
    type_period: Literal["first", "mean"] = "first",
    intensity_digits: Literal[2, 4, 6] = 2,
    copenhagen_regions: Sequence[str] = COPENHAGEN_REGIONS,
) -> FirmPanel:
    """The firm x year x occupation-group dataset for the seed's IV tables.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker panel from :func:`skillshore.panel.build_worker_panel` (with the
        skill columns and their ``_invariant`` versions).
    sample : BaselineSample
        The firm sample and study years.
    firms, customs, world_trade, low_wage : polars.DataFrame
        Raw tables (``firms`` and ``customs`` including the base years).
    base_years : (int, int)
        Pre-sample years of the exposure shares ``s_hk0``.
    skills : sequence of str
        Skills averaged (the seed's outcome: ``"cognitive"``).
    scale : float
        The outcome is ``scale x mean skill``. The seed's "Average Cognitive
        Skills x 100" has a mean of about 50, i.e. a skill on a 0-1 scale; with
        standardised skill indices use ``rescale="minmax"`` to map each skill to
        [0, 1] (min and max over the worker panel, all years, so that changes
        over time are kept) before scaling.
    rescale : {"none", "minmax"}
        See ``scale``; the invariant variant uses its skill's min and max.
    raw_material_hs2, normalise, home, export_match
        Offshoring settings (module docstring).
    type_period : {"first", "mean"}
        Firm-type period (:func:`skillshore.panel.firm_types`).
    intensity_digits : {2, 4, 6}
        Industry level of the labour-intensity flag.
    copenhagen_regions : sequence of str
        Region names flagged by ``copenhagen`` (case-insensitive).

    Returns
    -------
    FirmPanel
    """
    skills = tuple(skills)
    if not skills:
        raise DataValidationError("at least one skill is required.")
    if rescale not in ("none", "minmax"):
        raise DataValidationError(f"rescale must be 'none' or 'minmax', got {rescale!r}.")
    if not float(scale) > 0:
        raise DataValidationError(f"scale must be positive, got {scale!r}.")
    inv = [f"{s}_invariant" for s in skills]
    _need(panel, ("firm_id", "year", "occ_group", "continuing", *skills, *inv), "panel")
    _need(
        firms,
        ("firm_id", "year", "sales", "employment", "capital", "value_added", "region"),
        "firms",
    )
    years = sample.years
    _check_years(base_years)
    # outcomes
    w = panel
    for s, si in zip(skills, inv, strict=True):
        lo, hi = (w[s].min(), w[s].max()) if rescale == "minmax" else (0.0, 1.0)
        if rescale == "minmax" and not (hi is not None and hi > lo):
            raise DataValidationError(f"skill '{s}' has no spread; cannot rescale to [0, 1].")
        w = w.with_columns(((pl.col(c) - lo) / (hi - lo) * scale).alias(c) for c in (s, si))
    out = firm_group_means(w, [*skills, *inv], statuses=("all", "continuing"))
    out = out.rename(
        {
            **{s: f"avg_{s}" for s in skills},
            **{f"{s}_cont": f"avg_{s}_cont" for s in skills},
            **{si: f"avg_{s}_inv" for s, si in zip(skills, inv, strict=True)},
            **{f"{si}_cont": f"avg_{s}_cont_inv" for s, si in zip(skills, inv, strict=True)},
        }
    )
    out = out.join(sample.firms, on="firm_id", how="inner")
    # offshoring and exports, firm and industry level
    inds = main_industry(firms, years)
    study_firms = firms.filter(pl.col("year").is_between(*years))
    trade = firm_trade(customs, study_firms, raw_material_hs2=raw_material_hs2, years=years)
    denom = _check_normalise(normalise)
    firm_cols = (
        study_firms.select("firm_id", "year", "employment", "value_added", "sales", "region")
        .join(trade, on=["firm_id", "year"], how="left")
        .with_columns(_ratio("exports", denom).alias("firm_exports"))
    )
    wes, shares = {}, {}
    for name, src in (("china", "CHN"), ("lowwage", "low_wage")):
        codes = source_countries(src, low_wage)
        off = narrow_offshoring(
            customs,
            study_firms,
            countries=codes,
            raw_material_hs2=raw_material_hs2,
            normalise=normalise,
            export_match=export_match,
            years=years,
        )
        firm_cols = firm_cols.join(
            off.select("firm_id", "year", pl.col("offshoring").alias(f"firm_off_{name}")),
            on=["firm_id", "year"],
            how="left",
        )
        wes[name] = world_export_supply(world_trade, countries=codes, home=home, years=years)
        for digits, sfx in ((6, ""), (4, "_4d")):
            ind = industry_ratio(
                off, "imports_narrow", study_firms, inds, digits=digits, normalise=normalise
            )
            key = "industry" if digits == 6 else "industry4"
            out = out.join(
                ind.rename({"industry": key, "imports_narrow": f"off_{name}{sfx}"}),
                on=[key, "year"],
                how="left",
            )
            if digits not in shares:
                shares[digits] = exposure_shares(
                    customs, inds, base_years, digits=digits, raw_material_hs2=raw_material_hs2
                )
            iv = shift_share(shares[digits], wes[name], "wes")
            out = out.join(
                iv.rename({"industry": key, "instrument": f"iv_{name}{sfx}"}),
                on=[key, "year"],
                how="left",
            )
    exp_ind = industry_ratio(trade, "exports", study_firms, inds, digits=6, normalise=normalise)
    out = out.join(exp_ind, on=["industry", "year"], how="left")
    e_shares = exposure_shares(
        customs, inds, base_years, flow="export", digits=6, raw_material_hs2=raw_material_hs2
    )
    iv_exp = shift_share(e_shares, world_import_demand(world_trade, home=home, years=years), "wid")
    out = out.join(iv_exp.rename({"instrument": "iv_exports"}), on=["industry", "year"], how="left")
    iv_cols = [c for c in out.columns if c.startswith("iv_")]
    out = out.with_columns(pl.col(iv_cols).fill_null(0.0))
    # firm attributes
    regions = [r.strip().lower() for r in copenhagen_regions]
    firm_cols = firm_cols.with_columns(
        pl.when(pl.col("sales") > 0).then(pl.col("sales").log()).alias("log_sales"),
        pl.when(pl.col("employment") > 0)
        .then(pl.col("employment").cast(pl.Float64).log())
        .alias("log_size"),
        pl.col("region")
        .str.strip_chars()
        .str.to_lowercase()
        .is_in(regions)
        .cast(pl.Int8)
        .alias("copenhagen"),
    ).select(
        "firm_id",
        "year",
        "firm_off_china",
        "firm_off_lowwage",
        "firm_exports",
        "log_sales",
        "log_size",
        "importer",
        "exporter",
        "copenhagen",
    )
    types = firm_types(firms, years, firm_ids=sample.firm_ids, period=type_period).select(
        "firm_id", "low_va", "low_spk", "low_tfp"
    )
    out = (
        out.join(firm_cols, on=["firm_id", "year"], how="left")
        .join(types, on="firm_id", how="left")
        .join(_labour_intensive(firms, sample, intensity_digits), on="firm_id", how="left")
        .with_columns(
            pl.concat_str([pl.col("sector"), pl.col("year").cast(pl.Utf8)], separator="_").alias(
                "sector_year"
            )
        )
    )
    lead = [
        "firm_id",
        "year",
        "occ_group",
        "sector",
        "sector_year",
        "industry",
        "industry4",
        "n_workers",
        "n_workers_cont",
    ]
    ys = [f"avg_{s}{x}" for s in skills for x in ("", "_cont", "_inv", "_cont_inv")]
    rest = [c for c in out.columns if c not in lead and c not in ys]
    settings = {
        "years": years,
        "base_years": tuple(base_years),
        "skills": skills,
        "scale": float(scale),
        "rescale": rescale,
        "raw_material_hs2": tuple(raw_material_hs2),
        "normalise": normalise,
        "home": home,
        "export_match": export_match,
        "type_period": type_period,
        "intensity_digits": intensity_digits,
    }
    return FirmPanel(
        data=out.select(lead + ys + rest).sort(["firm_id", "year", "occ_group"]),
        skills=skills,
        settings=settings,
    )
