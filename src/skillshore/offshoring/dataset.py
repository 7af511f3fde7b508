"""The firm x year x occupation-group dataset of the IV regressions (seed slides
"Regression Analysis" and "Robustness Exercises").

Outcomes (average skill of the firm's workers by occupation group), the firm's and its
industry's narrow offshoring and exports, the shift-share instruments (seed eq. 3) and
the firm attributes of the heterogeneity columns, built from the measures of
:mod:`skillshore.offshoring.measures`.
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
from skillshore.offshoring.measures import (
    COPENHAGEN_REGIONS,
    Normalise,
    _check_normalise,
    _ratio,
    exposure_shares,
    firm_trade,
    industry_ratio,
    narrow_offshoring,
    shift_share,
    source_countries,
    world_export_supply,
    world_import_demand,
)
from skillshore.panel.aggregate import firm_group_means
from skillshore.panel.firm_types import firm_types
from skillshore.panel.sample import BaselineSample, _check_years, _need, main_industry

__all__ = ["FIRM_PANEL_COLUMNS", "FirmPanel", "build_firm_panel"]


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
