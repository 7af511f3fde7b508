"""Stylized Facts 1 and 2: variance decompositions of skills by year.

**Fact 1** (seed eq. 1): with cells ``l`` = industry x occupation x education,

.. math::

    \\frac1{N_t}\\sum_l\\sum_{i\\in l}(s_{it}-\\bar s_t)^2
    = \\frac1{N_t}\\sum_l\\sum_{i\\in l}(s_{it}-\\bar s_{lt})^2
    + \\frac1{N_t}\\sum_l\\sum_{i\\in l}(\\bar s_{lt}-\\bar s_t)^2 ,

total = within-cell + between-cell, an exact identity (population variances, 1/N).

**Fact 2** (seed eq. 2): ``s_it = psi_jlt + omega_it`` with ``psi_jlt`` the
firm-within-cell effect, estimated by the firm x cell mean. The seed's
statement is about the between-firm share of the **within-cell** variance, so
the headline share is

.. math::

    \\text{share}_t = \\frac{\\frac1N\\sum_i(\\hat\\psi_{j(i)l} - \\bar s_l)^2}
                           {\\frac1N\\sum_i(s_i - \\bar s_l)^2},

and ``share_total`` = var(psi_hat)/var(s) (deviations from the year mean) is
reported too (it equals the R^2 of a regression on firm x cell dummies).

**Small-cell bias.** The plug-in numerator is a quadratic form ``y'Ay`` with
``A_ii = (1/n_g - 1/n_l)/N`` (``g`` the worker's firm x cell group, ``l`` its
cell), so ``E[plug-in] = truth + sum_i A_ii sigma_i^2``: firm-cell means of few
workers overstate between-firm variance. Two corrections are reported:

* ``kss``: Kline, Saggio and Solvsten (2020) leave-one-out,
  ``sigma_i^2 = y_i (y_i - ybar_{g,-i})``, unbiased under heteroskedasticity.
  Because ``A_ii`` is constant within a group, the sum over a group of these
  estimates is exactly ``n_g`` times the group's unbiased sample variance
  ``S_g^2``; the correction is ``(1/N) sum_g (1 - n_g/n_l) S_g^2``;
* ``homoskedastic``: one pooled ``sigma^2`` = within-group SSR / (N - G),
  correction ``sigma^2 (G - L) / N`` (the ANOVA plug-in bias).

Both need groups of at least two workers: groups smaller than
``min_group_size`` (default 2) are dropped before every estimate (plug-in
included, so the three columns refer to the same workers); ``n_dropped``
counts the dropped workers. The denominator is the observed within-cell
variance of the kept workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError
from skillshore.panel.occupations import GROUP_LABELS
from skillshore.panel.sample import _need

__all__ = [
    "DEFAULT_CELLS",
    "VarianceDecomposition",
    "BetweenFirmShare",
    "within_between",
    "between_firm_share",
]

DEFAULT_CELLS: tuple[str, ...] = ("sector", "isco2", "educ_level")
"""Cell definition: 2-digit industry x 2-digit ISCO x education level (docs/facts.md)."""


def _prepare(
    panel: pl.DataFrame, skill: str, cells: Sequence[str], group: str | None, extra: Sequence[str]
) -> pl.DataFrame:
    cols = ["year", skill, *cells, *extra]
    d = panel.select(cols + ([group] if group else []))
    return d.drop_nulls(subset=["year", skill, *cells, *extra]).with_columns(
        pl.col(skill).cast(pl.Float64).alias("_y"),
        pl.concat_str([pl.col(c).cast(pl.Utf8) for c in cells], separator="|").alias("_cell"),
    )


def _stacked(d: pl.DataFrame, group: str | None) -> pl.DataFrame:
    """Rows for group "all" plus one copy per non-null occupation group."""
    allrows = d.with_columns(pl.lit("all").alias("_grp"))
    if not group:
        return allrows
    sub = d.filter(pl.col(group).is_not_null()).with_columns(
        pl.col(group).cast(pl.Utf8).alias("_grp")
    )
    return pl.concat([allrows, sub])


def _check(
    panel: pl.DataFrame, skills: Sequence[str], cells: Sequence[str], group: str | None
) -> None:
    if not skills:
        raise DataValidationError("at least one skill column is required.")
    if not cells:
        raise DataValidationError("at least one cell column is required.")
    _need(panel, ("year", *skills, *cells, *((group,) if group else ())), "panel")


def _label(grp: str, year: int, multi: bool) -> str:
    return f"{GROUP_LABELS.get(grp, grp)}, {year}" if multi else str(year)


def _wide(data: pl.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    multi = data["group"].n_unique() > 1
    skills = data["skill"].unique(maintain_order=True).to_list()
    recs: dict[str, dict[str, object]] = {}
    for r in data.iter_rows(named=True):
        row = recs.setdefault(_label(r["group"], r["year"], multi), {})
        pre = f"{r['skill']}: " if len(skills) > 1 else ""
        row.setdefault("N", r["n"])
        for c, lab in cols.items():
            row[pre + lab] = r[c]
    return pd.DataFrame.from_dict(recs, orient="index")


@dataclass(frozen=True, eq=False)
class VarianceDecomposition(TableMixin):
    """Fact 1: total, within-cell and between-cell skill variance by year.

    ``data`` columns: ``skill, group, year, n, n_cells, total, within, between,
    within_share``.
    """

    data: pl.DataFrame
    cells: tuple[str, ...]
    title: str = "Fact 1: within- and between-cell variance of skills (seed eq. 1)"

    def to_frame(self) -> pd.DataFrame:
        return _wide(
            self.data,
            {
                "total": "Total",
                "within": "Within",
                "between": "Between",
                "within_share": "Within share",
            },
        )


@dataclass(frozen=True, eq=False)
class BetweenFirmShare(TableMixin):
    """Fact 2: between-firm share of the within-cell skill variance by year.

    ``data`` columns: ``skill, group, year, n, n_groups, n_cells, n_dropped,
    var_total, var_within, between_plugin, between_kss, between_homoskedastic,
    share_plugin, share_kss, share_homoskedastic, share_total_plugin,
    share_total_kss``.
    """

    data: pl.DataFrame
    cells: tuple[str, ...]
    min_group_size: int
    title: str = "Fact 2: between-firm share of within-cell skill variance (seed eq. 2)"

    def to_frame(self) -> pd.DataFrame:
        return _wide(
            self.data,
            {
                "share_plugin": "Share (plug-in)",
                "share_kss": "Share (KSS)",
                "share_homoskedastic": "Share (homosk.)",
            },
        )


def within_between(
    panel: pl.DataFrame,
    skills: Sequence[str] = ("cognitive", "manual", "interpersonal"),
    *,
    cells: Sequence[str] = DEFAULT_CELLS,
    group: str | None = None,
) -> VarianceDecomposition:
    """Fact 1, seed eq. (1): decompose each year's skill variance into within- and between-cell parts.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker panel (``year``, the skill and cell columns).
    skills : sequence of str
        Skill columns.
    cells : sequence of str
        Columns whose combination defines a cell.
    group : str, optional
        Column of occupation groups (e.g. ``"occ_group"``): adds one
        decomposition per group besides ``"all"``.

    Returns
    -------
    VarianceDecomposition
    """
    _check(panel, skills, cells, group)
    parts = []
    for s in skills:
        d = _stacked(_prepare(panel, s, cells, group, ()), group)
        d = d.with_columns(
            pl.col("_y").mean().over(["_grp", "year"]).alias("_m"),
            pl.col("_y").mean().over(["_grp", "year", "_cell"]).alias("_ml"),
        )
        out = d.group_by(["_grp", "year"]).agg(
            pl.len().alias("n"),
            pl.col("_cell").n_unique().alias("n_cells"),
            ((pl.col("_y") - pl.col("_m")) ** 2).mean().alias("total"),
            ((pl.col("_y") - pl.col("_ml")) ** 2).mean().alias("within"),
            ((pl.col("_ml") - pl.col("_m")) ** 2).mean().alias("between"),
        )
        parts.append(out.with_columns(pl.lit(s).alias("skill")))
    data = (
        pl.concat(parts)
        .rename({"_grp": "group"})
        .with_columns((pl.col("within") / pl.col("total")).alias("within_share"))
        .select(
            "skill", "group", "year", "n", "n_cells", "total", "within", "between", "within_share"
        )
        .sort(["skill", "group", "year"])
    )
    return VarianceDecomposition(data=data, cells=tuple(cells))


def between_firm_share(
    panel: pl.DataFrame,
    skills: Sequence[str] = ("cognitive", "manual", "interpersonal"),
    *,
    cells: Sequence[str] = DEFAULT_CELLS,
    firm: str = "firm_id",
    group: str | None = "occ_group",
    min_group_size: int = 2,
) -> BetweenFirmShare:
    """Fact 2, seed eq. (2): between-firm share of within-cell skill variance, bias-corrected.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker panel (``year``, ``firm``, the skill and cell columns).
    skills : sequence of str
        Skill columns.
    cells : sequence of str
        Columns whose combination defines a cell.
    firm : str
        Firm identifier column.
    group : str or None
        Occupation-group column: one decomposition per group besides ``"all"``
        (seed: "especially in high-offshorable occupations").
    min_group_size : int
        Firm x cell groups with fewer workers are dropped (>= 2 for the
        leave-one-out correction).

    Returns
    -------
    BetweenFirmShare
    """
    _check(panel, skills, cells, group)
    _need(panel, (firm,), "panel")
    if int(min_group_size) < 2:
        raise DataValidationError(
            f"min_group_size must be >= 2 for the leave-one-out correction, got {min_group_size}."
        )
    parts = []
    for s in skills:
        d = _stacked(_prepare(panel, s, cells, group, (firm,)), group)
        key = ["_grp", "year"]
        d = d.with_columns(pl.len().over([*key, "_cell", firm]).alias("_ng"))
        dropped = (
            d.filter(pl.col("_ng") < min_group_size)
            .group_by(key)
            .agg(pl.len().cast(pl.Int64).alias("n_dropped"))
        )
        d = d.filter(pl.col("_ng") >= min_group_size)
        g = [*key, "_cell", firm]
        d = d.with_columns(
            pl.col("_y").mean().over(key).alias("_m"),
            pl.col("_y").mean().over([*key, "_cell"]).alias("_ml"),
            pl.len().over([*key, "_cell"]).alias("_nl"),
            pl.col("_y").mean().over(g).alias("_mg"),
            pl.col("_y").var(ddof=1).over(g).alias("_s2"),
        )
        # each worker carries 1/n_g of its group's bias term, so sums over workers work
        out = d.group_by(key).agg(
            pl.len().alias("n"),
            pl.struct(g[2:]).n_unique().alias("n_groups"),
            pl.col("_cell").n_unique().alias("n_cells"),
            ((pl.col("_y") - pl.col("_m")) ** 2).mean().alias("var_total"),
            ((pl.col("_y") - pl.col("_ml")) ** 2).mean().alias("var_within"),
            ((pl.col("_mg") - pl.col("_ml")) ** 2).mean().alias("between_plugin"),
            ((pl.col("_mg") - pl.col("_m")) ** 2).mean().alias("_btot"),
            ((1 - pl.col("_ng") / pl.col("_nl")) * pl.col("_s2") / pl.col("_ng"))
            .mean()
            .alias("_bias"),
            ((1 - pl.col("_ng") / pl.len()) * pl.col("_s2") / pl.col("_ng"))
            .mean()
            .alias("_bias_tot"),
            ((pl.col("_y") - pl.col("_mg")) ** 2).sum().alias("_ssr"),
        )
        out = out.with_columns(
            (pl.col("between_plugin") - pl.col("_bias")).alias("between_kss"),
            (
                pl.col("between_plugin")
                - pl.col("_ssr")
                / (pl.col("n") - pl.col("n_groups"))
                * (pl.col("n_groups") - pl.col("n_cells"))
                / pl.col("n")
            ).alias("between_homoskedastic"),
        ).with_columns(
            (pl.col("between_plugin") / pl.col("var_within")).alias("share_plugin"),
            (pl.col("between_kss") / pl.col("var_within")).alias("share_kss"),
            (pl.col("between_homoskedastic") / pl.col("var_within")).alias("share_homoskedastic"),
            (pl.col("_btot") / pl.col("var_total")).alias("share_total_plugin"),
            ((pl.col("_btot") - pl.col("_bias_tot")) / pl.col("var_total")).alias(
                "share_total_kss"
            ),
        )
        out = out.join(dropped, on=key, how="left").with_columns(
            pl.col("n_dropped").fill_null(0), pl.col("n", "n_groups", "n_cells").cast(pl.Int64)
        )
        parts.append(out.with_columns(pl.lit(s).alias("skill")))
    data = (
        pl.concat(parts)
        .rename({"_grp": "group"})
        .select(
            "skill",
            "group",
            "year",
            "n",
            "n_groups",
            "n_cells",
            "n_dropped",
            "var_total",
            "var_within",
            "between_plugin",
            "between_kss",
            "between_homoskedastic",
            "share_plugin",
            "share_kss",
            "share_homoskedastic",
            "share_total_plugin",
            "share_total_kss",
        )
        .sort(["skill", "group", "year"])
    )
    return BetweenFirmShare(data=data, cells=tuple(cells), min_group_size=int(min_group_size))
