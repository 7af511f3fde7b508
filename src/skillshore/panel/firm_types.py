"""Firm types: below vs above median productivity.

Seed: IV tables "By Firm Productivity" (value added per worker) and the
robustness slide "Alternative Definitions of Firm Types: Sales per capital
stock; Total factor productivity".

Three measures, each per firm-year:

* ``va_per_worker`` = value added / employment (DKK 1,000 per employee);
* ``sales_per_capital`` = sales / capital stock (ratio);
* ``tfp``: a simple TFP proxy, the residual of the OLS regression, run
  separately for each 2-digit sector, of ``log(value added)`` on a constant,
  ``log(capital)``, ``log(employment)`` and year dummies (Cobb-Douglas with
  sector-specific elasticities). Firm-years with non-positive value added,
  capital or employment have no TFP. A sector with fewer firm-years than
  ``min_obs`` (default: parameters + 5) is estimated in one pooled regression
  with sector dummies; if even the pooled regression would have no degrees of
  freedom left, those firm-years get a null TFP.

A firm's type is fixed over the study period: its measure in the first study
year (``period="first"``, the default: the type is predetermined relative to
later offshoring) or the mean over the study years (``period="mean"``). A firm
is **low type** when its measure is strictly below the median over the firms
passed (ties at the median are high type); firms with a missing measure get a
null type.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from skillshore.errors import DataValidationError
from skillshore.panel.sample import _check_years, _need, main_industry

__all__ = ["TYPE_MEASURES", "productivity_measures", "tfp_residuals", "firm_types"]

TYPE_MEASURES: dict[str, str] = {
    "va_per_worker": "low_va",
    "sales_per_capital": "low_spk",
    "tfp": "low_tfp",
}
"""Productivity measure -> name of its low-type dummy in the firm panel."""


def _ols_resid(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    return y - X @ beta


def _design(df: pl.DataFrame, with_sector: bool) -> np.ndarray:
    cols = [np.ones(df.height), df["lk"].to_numpy(), df["ll"].to_numpy()]
    for name in ["year"] + (["sector"] if with_sector else []):
        levels = df[name].unique().sort().to_list()
        for lev in levels[1:]:
            cols.append((df[name] == lev).cast(pl.Float64).to_numpy())
    return np.column_stack(cols)


def tfp_residuals(
    firms: pl.DataFrame, years: tuple[int, int], min_obs: int | None = None
) -> pl.DataFrame:
    """Log-TFP proxy per firm-year: ``firm_id, year, tfp`` (see the module docstring)."""
    _need(firms, ("firm_id", "year", "value_added", "capital", "employment"), "firms")
    y0, y1 = _check_years(years)
    ind = main_industry(firms, (y0, y1)).select("firm_id", "sector")
    d = (
        firms.filter(
            pl.col("year").is_between(y0, y1)
            & (pl.col("value_added") > 0)
            & (pl.col("capital") > 0)
            & (pl.col("employment") > 0)
        )
        .join(ind, on="firm_id", how="left")
        .select(
            "firm_id",
            "year",
            "sector",
            pl.col("value_added").log().alias("lva"),
            pl.col("capital").log().alias("lk"),
            pl.col("employment").cast(pl.Float64).log().alias("ll"),
        )
        .sort(["sector", "firm_id", "year"])
    )
    if d.height == 0:
        return pl.DataFrame(schema={"firm_id": pl.Int64, "year": pl.Int32, "tfp": pl.Float64})
    n_years = d["year"].n_unique()
    need = min_obs if min_obs is not None else 3 + (n_years - 1) + 5
    counts = d.group_by("sector").len()
    small = counts.filter(pl.col("len") < need)["sector"].to_list()
    parts = []
    for _key, g in d.filter(~pl.col("sector").is_in(small)).group_by(["sector"]):
        parts.append(
            g.with_columns(pl.Series("tfp", _ols_resid(g["lva"].to_numpy(), _design(g, False))))
        )
    pooled = d.filter(pl.col("sector").is_in(small))
    if pooled.height:
        if pooled.height < 3 + n_years + pooled["sector"].n_unique():
            # too few firm-years even pooled: no TFP rather than an exact fit
            parts.append(pooled.with_columns(pl.lit(None, dtype=pl.Float64).alias("tfp")))
            return pl.concat(parts).select("firm_id", "year", "tfp").sort(["firm_id", "year"])
        parts.append(
            pooled.with_columns(
                pl.Series("tfp", _ols_resid(pooled["lva"].to_numpy(), _design(pooled, True)))
            )
        )
    return pl.concat(parts).select("firm_id", "year", "tfp").sort(["firm_id", "year"])


def productivity_measures(firms: pl.DataFrame, years: tuple[int, int]) -> pl.DataFrame:
    """Per firm-year ``va_per_worker``, ``sales_per_capital`` and ``tfp`` (nulls where undefined)."""
    _need(firms, ("firm_id", "year", "sales", "value_added", "capital", "employment"), "firms")
    y0, y1 = _check_years(years)
    base = firms.filter(pl.col("year").is_between(y0, y1)).select(
        "firm_id",
        "year",
        pl.when(pl.col("employment") > 0)
        .then(pl.col("value_added") / pl.col("employment"))
        .alias("va_per_worker"),
        pl.when(pl.col("capital") > 0)
        .then(pl.col("sales") / pl.col("capital"))
        .alias("sales_per_capital"),
    )
    return base.join(tfp_residuals(firms, (y0, y1)), on=["firm_id", "year"], how="left")


def firm_types(
    firms: pl.DataFrame,
    years: tuple[int, int],
    *,
    firm_ids: pl.Series | None = None,
    period: Literal["first", "mean"] = "first",
) -> pl.DataFrame:
    """Below/above-median productivity type of each firm under the three measures.

    Parameters
    ----------
    firms : polars.DataFrame
        The ``firms`` table.
    years : (int, int)
        Study period.
    firm_ids : polars.Series, optional
        Firms to classify (e.g. ``BaselineSample.firm_ids``); the median is taken
        over these firms. Default: every firm observed in ``years``.
    period : {"first", "mean"}
        The firm's measure in its first study year, or its mean over the period.

    Returns
    -------
    polars.DataFrame
        ``firm_id``, the three measures and the dummies ``low_va``, ``low_spk``,
        ``low_tfp`` (Int8: 1 = below the median, null if the measure is missing).
    """
    if period not in ("first", "mean"):
        raise DataValidationError(f"period must be 'first' or 'mean', got {period!r}.")
    m = productivity_measures(firms, years)
    if firm_ids is not None:
        m = m.filter(pl.col("firm_id").is_in(firm_ids.implode()))
    measures = list(TYPE_MEASURES)
    if period == "first":
        per_firm = (
            m.sort(["firm_id", "year"])
            .group_by("firm_id")
            .agg([pl.col(c).first() for c in measures])
        )
    else:
        per_firm = m.group_by("firm_id").agg([pl.col(c).mean() for c in measures])
    return per_firm.with_columns(
        [
            (pl.col(c) < pl.col(c).median()).cast(pl.Int8).alias(dummy)
            for c, dummy in TYPE_MEASURES.items()
        ]
    ).sort("firm_id")
