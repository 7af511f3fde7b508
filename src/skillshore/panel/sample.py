"""The seed's baseline sample of firms.

Seed, slide "Data Sources": *"Baseline Sample includes firms within the
manufacturing sector that operated continuously throughout the period and
excludes firms with fewer than 10 employees."* The robustness slide also uses
the unbalanced sample and all firms (fewer than 10 employees included): set
``continuous=False`` or ``min_employees=0``.

Conventions (``docs/facts.md``):

* a firm's **main industry** is its 6-digit industry in its first observed year
  of the study period (its first observed year at all if it is never observed
  in the period); the sector is the first two digits, the 4-digit industry the
  first four. Every later stage uses this time-invariant industry, so that the
  instrument varies within a firm only through the shocks;
* **manufacturing** means the main industry's sector is in ``sectors``; by
  default the manufacturing divisions of the data's own industry classification
  ``classification`` (NACE Rev.2/DB07: 10-33, the default; NACE Rev.1/1.1, DB93,
  DB03: 15-37; :data:`skillshore.registers.concordances.MANUFACTURING_BY_CLASSIFICATION`).
  Danish data for 1996-2006 are DB93/DB03, where 10-33 would select mining, food,
  textiles ... but drop machinery, vehicles and furniture;
* **continuous** means the firm has a row in ``firms`` in every year of
  ``years`` (inclusive);
* the **size rule** ``"every_year"`` (default) requires ``employment >=
  min_employees`` in every study year the firm is observed; ``"mean"`` uses the
  mean employment over those years and ``"first_year"`` the first one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError

__all__ = ["MANUFACTURING_SECTORS", "BaselineSample", "baseline_sample", "main_industry"]

MANUFACTURING_SECTORS: tuple[str, ...] = tuple(f"{i:02d}" for i in range(10, 34))

_FIRM_COLS = ("firm_id", "year", "industry", "employment")


def _need(df: pl.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(f"{name}: missing column(s) {missing} (see docs/data.md).")


def _check_years(years: tuple[int, int]) -> tuple[int, int]:
    try:
        y0, y1 = (int(years[0]), int(years[1]))
    except (TypeError, ValueError, IndexError):
        raise DataValidationError(f"years must be (first, last), got {years!r}.") from None
    if y0 > y1:
        raise DataValidationError(f"years must be (first, last) with first <= last, got {years!r}.")
    return y0, y1


def main_industry(firms: pl.DataFrame, years: tuple[int, int]) -> pl.DataFrame:
    """Time-invariant industry of each firm: ``firm_id, industry, industry4, sector``.

    The industry of the firm's first observed year within ``years``; for firms
    never observed in ``years`` (e.g. only in the pre-sample base years), of its
    first observed year.
    """
    _need(firms, ("firm_id", "year", "industry"), "firms")
    y0, y1 = _check_years(years)
    ranked = firms.select("firm_id", "year", "industry").with_columns(
        (~pl.col("year").is_between(y0, y1)).alias("_out")
    )
    first = (
        ranked.sort(["firm_id", "_out", "year"]).group_by("firm_id", maintain_order=True).first()
    )
    return first.select(
        "firm_id",
        pl.col("industry"),
        pl.col("industry").str.slice(0, 4).alias("industry4"),
        pl.col("industry").str.slice(0, 2).alias("sector"),
    )


@dataclass(frozen=True, eq=False)
class BaselineSample(TableMixin):
    """The firms kept by the baseline-sample rules and how many each rule dropped.

    Attributes
    ----------
    firms : polars.DataFrame
        One row per kept firm: ``firm_id, industry, industry4, sector``.
    steps : tuple of (str, int)
        Rule description and number of firms left after it, in order.
    years, sectors, min_employees, continuous, size_rule
        The parameters used.
    """

    firms: pl.DataFrame
    steps: tuple[tuple[str, int], ...]
    years: tuple[int, int]
    sectors: tuple[str, ...]
    min_employees: int
    continuous: bool
    size_rule: str
    title: str = "Baseline sample of firms"
    dropped: pl.DataFrame | None = None
    """The firms observed in the data but not kept: ``firm_id, rule`` (the first rule of
    ``steps`` that dropped them, as a reason: "firm not in manufacturing ..."; "firm not
    observed in <years>" for firms only in other years). ``rule`` is an Enum whose
    categories are every rule's reason in order (rules that dropped no firm included). Sample accounting (:mod:`skillshore.panel.accounting`) counts their rows."""

    @property
    def firm_ids(self) -> pl.Series:
        return self.firms["firm_id"]

    @property
    def n_firms(self) -> int:
        return self.firms.height

    def to_frame(self) -> pd.DataFrame:
        recs = [{"rule": r, "Firms": n} for r, n in self.steps]
        return pd.DataFrame(recs).set_index("rule")


def baseline_sample(
    firms: pl.DataFrame,
    years: tuple[int, int],
    *,
    sectors: Sequence[str] | None = None,
    classification: str = "nace_rev2",
    min_employees: int = 10,
    continuous: bool = True,
    size_rule: Literal["every_year", "mean", "first_year"] = "every_year",
) -> BaselineSample:
    """Apply the seed's baseline-sample rules to the firm-year accounts.

    Parameters
    ----------
    firms : polars.DataFrame
        The ``firms`` table (``firm_id, year, industry, employment``).
    years : (int, int)
        First and last study year (inclusive), e.g. ``(1996, 2006)``.
    sectors : sequence of str, optional
        2-digit sectors counted as manufacturing; default: the manufacturing divisions
        of ``classification``.
    classification : str
        Industry classification of ``firms.industry`` (``"nace_rev2"``, ``"db07"``,
        ``"nace_rev1_1"``, ``"db03"``, ``"nace_rev1"``, ``"db93"``); used when
        ``sectors`` is not given.
    min_employees : int
        Minimum number of employees (0 keeps all firms).
    continuous : bool
        Keep only firms observed in every study year.
    size_rule : {"every_year", "mean", "first_year"}
        How the size rule treats the years (see the module docstring).

    Returns
    -------
    BaselineSample
    """
    _need(firms, _FIRM_COLS, "firms")
    y0, y1 = _check_years(years)
    if size_rule not in ("every_year", "mean", "first_year"):
        raise DataValidationError(
            f"size_rule must be 'every_year', 'mean' or 'first_year', got {size_rule!r}."
        )
    if int(min_employees) < 0:
        raise DataValidationError(f"min_employees must be >= 0, got {min_employees}.")
    if sectors is None:
        from skillshore._constants import manufacturing_sectors

        sectors = manufacturing_sectors(classification)
    sectors = tuple(str(s) for s in sectors)
    inyears = firms.filter(pl.col("year").is_between(y0, y1))
    ind = main_industry(firms, (y0, y1))
    steps: list[tuple[str, int]] = []
    gone: list[pl.DataFrame] = []
    reasons: list[str] = []

    def drop(before: pl.DataFrame, after: pl.DataFrame, rule: str, reason: str) -> None:
        out = before.select("firm_id").join(after.select("firm_id"), on="firm_id", how="anti")
        gone.append(out.with_columns(rule=pl.lit(reason)))
        reasons.append(reason)
        steps.append((rule, after.height))

    everyone = firms.select("firm_id").unique()
    ids = inyears.select("firm_id").unique()
    drop(everyone, ids, f"firms observed in {y0}-{y1}", f"firm not observed in {y0}-{y1}")
    before, ids = (
        ids,
        ind.join(ids, on="firm_id", how="semi").filter(pl.col("sector").is_in(sectors)),
    )
    span = f" (sectors {sectors[0]}-{sectors[-1]})" if sectors else ""
    drop(before, ids, f"manufacturing{span}", f"firm not in manufacturing{span}")
    per_firm = inyears.group_by("firm_id").agg(
        pl.col("year").n_unique().alias("n_years"),
        pl.col("employment").min().alias("emp_min"),
        pl.col("employment").mean().alias("emp_mean"),
        pl.col("employment").sort_by("year").first().alias("emp_first"),
    )
    ids = ids.join(per_firm, on="firm_id", how="left")
    if continuous:
        before, ids = ids, ids.filter(pl.col("n_years") == (y1 - y0 + 1))
        drop(before, ids, "operating in every year", "firm not operating in every year")
    size_col = {"every_year": "emp_min", "mean": "emp_mean", "first_year": "emp_first"}[size_rule]
    if min_employees > 0:
        before, ids = ids, ids.filter(pl.col(size_col) >= min_employees)
        rule = f"{min_employees} employees ({size_rule.replace('_', ' ')})"
        drop(before, ids, f"at least {rule}", f"firm with fewer than {rule}")
    kept = ids.select("firm_id", "industry", "industry4", "sector").sort("firm_id")
    return BaselineSample(
        firms=kept,
        steps=tuple(steps),
        years=(y0, y1),
        sectors=sectors,
        min_employees=int(min_employees),
        continuous=bool(continuous),
        size_rule=size_rule,
        dropped=pl.concat(gone).with_columns(pl.col("rule").cast(pl.Enum(reasons))),
    )
