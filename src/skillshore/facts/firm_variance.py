"""Between- and within-firm skill variance by industry and year (the outcomes of the
seed's "Offshoring => variance of firm skills down" regression).

Seed: "Regression Analysis" (*"Offshoring => Average of firm skills up, Variance of
firm skills down"*) and the conclusion *"Offshoring reduces between firms variance
of skills within offshorable occupations"*; eq. (2), ``s_it = psi_jlt + omega_it``.

For industry ``k`` (the unit at which offshoring and its instrument vary) and year
``t``, workers ``i`` of the chosen occupation group in cells ``l`` = industry x
``cells`` (occupation x education by default) and firms ``j``:

.. math::

    \\text{between}_{kt} = \\frac1{N_{kt}} \\sum_i (\\bar s_{j(i)lt} - \\bar s_{lt})^2,\\qquad
    \\text{within}_{kt} = \\frac1{N_{kt}} \\sum_i (s_{it} - \\bar s_{j(i)lt})^2,

with ``bar s_jlt`` the firm x cell mean (``psi_hat``) and ``bar s_lt`` the cell mean;
their sum is the within-cell variance of the industry-year (plug-in, population
variances as Fact 2). Skills are multiplied by ``scale`` first (the seed's
"x 100"), so variances are in ``scale^2`` units.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from skillshore.errors import DataValidationError
from skillshore.panel.sample import _need

__all__ = ["firm_variance_panel"]


def firm_variance_panel(
    panel: pl.DataFrame,
    skills: Sequence[str] = ("cognitive",),
    *,
    unit: str = "industry",
    cells: Sequence[str] = ("isco2", "educ_level"),
    firm: str = "firm_id",
    group: str | None = "occ_group",
    groups: Sequence[str] | None = None,
    scale: float = 100.0,
) -> pl.DataFrame:
    """Between- and within-firm variance of ``skills`` per ``(group, unit, year)``.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker-year rows with ``year``, ``firm``, ``unit``, ``cells``, the skills and
        (if ``group``) the occupation group.
    unit : str
        Industry column at which offshoring varies (cells are nested in it).
    group, groups : str, sequence of str
        Occupation-group column and the groups kept (default all its values) plus
        ``"all"`` (every worker).

    Returns
    -------
    polars.DataFrame
        ``occ_group, <unit>, year, n_workers, n_firms, between_<skill>,
        within_<skill>`` (one row per group x unit x year).
    """
    need = ["year", firm, unit, *cells, *skills] + ([group] if group else [])
    _need(panel, need, "panel")
    if scale <= 0:
        raise DataValidationError(f"scale must be positive, got {scale}.")
    base = panel.select(need).drop_nulls([firm, unit, "year", *cells])
    if group:
        have = base[group].unique().to_list()
        keep = list(groups) if groups is not None else sorted(map(str, have))
        bad = [g for g in keep if g not in have]
        if bad:
            raise DataValidationError(f"group(s) {bad} not in panel[{group!r}]; have {have}.")
        parts = [base.filter(pl.col(group) == g).with_columns(pl.lit(g).alias("_g")) for g in keep]
        parts.append(base.with_columns(pl.lit("all").alias("_g")))
        data = pl.concat(parts)
    else:
        data = base.with_columns(pl.lit("all").alias("_g"))
    cell = ["_g", unit, *cells, "year"]
    out = None
    for s in skills:
        v = pl.col(s) * scale
        d = data.filter(pl.col(s).is_not_null()).with_columns(
            v.mean().over([*cell, firm]).alias("_mg"),
            v.mean().over(cell).alias("_ml"),
            v.alias("_v"),
        )
        agg = d.group_by(["_g", unit, "year"]).agg(
            pl.len().alias(f"_n_{s}"),
            pl.col(firm).n_unique().alias(f"_f_{s}"),
            ((pl.col("_mg") - pl.col("_ml")) ** 2).mean().alias(f"between_{s}"),
            ((pl.col("_v") - pl.col("_mg")) ** 2).mean().alias(f"within_{s}"),
        )
        out = (
            agg
            if out is None
            else out.join(agg, on=["_g", unit, "year"], how="full", coalesce=True)
        )
    assert out is not None
    first = skills[0]
    return (
        out.rename({"_g": "occ_group", f"_n_{first}": "n_workers", f"_f_{first}": "n_firms"})
        .select(
            "occ_group",
            unit,
            "year",
            "n_workers",
            "n_firms",
            *[c for s in skills for c in (f"between_{s}", f"within_{s}")],
        )
        .sort(["occ_group", unit, "year"])
    )
