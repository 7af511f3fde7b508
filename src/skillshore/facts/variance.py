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

**Computation.** Rows get integer codes for their cell and firm x cell group
(cells are compared column by column, never through a joined string); every
term above is then a sum over groups of counts, means and within-group sums of
squares (``np.bincount``), e.g. ``sum_i (s_i - s_bar)^2 = sum_g [SS_g + n_g
(s_bar_g - s_bar)^2]``, so the cost is a few passes over the rows per skill
instead of one window expression per term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
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


_FACT1 = ("n", "n_cells", "total", "within", "between")
_FACT2 = (
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


def _schema(cols: Sequence[str], year: pl.DataType) -> dict[str, pl.DataType]:
    """Schema of a Fact 1/2 data frame: ``skill, group, year`` then ``cols``."""
    out: dict[str, pl.DataType] = {"skill": pl.Utf8(), "group": pl.Utf8(), "year": year}
    for c in cols:
        out[c] = pl.Int64() if c.startswith("n") else pl.Float64()
    return out


def _frame(
    skill: str,
    group: str,
    years: pl.Series,
    cols: Sequence[str],
    **values: np.ndarray,
) -> pl.DataFrame:
    """One (skill, group) block of ``values`` by year: a row per year with observations."""
    keep = values["n"] > 0
    data: dict[str, object] = {
        "skill": [skill] * int(keep.sum()),
        "group": [group] * int(keep.sum()),
        "year": years.filter(pl.Series(keep)),
    }
    for c in cols:
        v = values[c][keep]
        data[c] = np.rint(v).astype(np.int64) if c.startswith("n") else v
    return pl.DataFrame(data, schema=_schema(cols, years.dtype))


def _concat(parts: list[pl.DataFrame], cols: Sequence[str], year: pl.DataType) -> pl.DataFrame:
    return pl.concat(parts) if parts else pl.DataFrame(schema=_schema(cols, year))


def _dense(frame: pl.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, int]:
    """0-based dense code of each row's combination of ``cols`` (no nulls) and the count."""
    if frame.height == 0:
        return np.zeros(0, dtype=np.int64), 0
    code = frame.select(pl.struct(list(cols)).rank("dense")).to_series().to_numpy()
    code = code.astype(np.int64) - 1
    return code, int(code.max()) + 1


def _parent(child: np.ndarray, parent: np.ndarray, n_child: int) -> np.ndarray:
    """Map each child code to its parent code (a child lies in exactly one parent)."""
    out = np.zeros(n_child, dtype=np.int64)
    out[child] = parent
    return out


def _sums(y: np.ndarray, code: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, sum, and sum of squared deviations from the group mean of ``y`` by ``code``.

    Two passes (mean first), so the squared deviations do not cancel catastrophically.
    """
    cnt = np.bincount(code, minlength=n).astype(np.float64)
    tot = np.bincount(code, weights=y, minlength=n)
    mean = np.divide(tot, cnt, out=np.zeros(n), where=cnt > 0)
    ss = np.bincount(code, weights=(y - mean[code]) ** 2, minlength=n)
    return cnt, tot, ss


def _by(code: np.ndarray, n: int, w: np.ndarray) -> np.ndarray:
    """Sum of ``w`` by ``code`` (``n`` codes)."""
    return np.bincount(code, weights=w, minlength=n)


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b > 0)


@dataclass(frozen=True)
class _Coded:
    """The panel's rows with integer codes for the group-level sums.

    ``year`` codes index ``years``; ``cell`` codes (year x cell) and, for Fact 2,
    ``group`` codes (year x cell x firm) are dense; ``cell_year`` and ``group_cell``
    map a code to its parent. ``passes`` lists ``(label, row mask)`` for ``"all"``
    (mask ``None``) and each non-null value of the occupation-group column.
    """

    frame: pl.DataFrame
    years: pl.Series
    year: np.ndarray
    cell: np.ndarray
    n_cell: int
    cell_year: np.ndarray
    group: np.ndarray | None
    n_group: int
    group_cell: np.ndarray | None
    passes: list[tuple[str, np.ndarray | None]]


def _code(
    panel: pl.DataFrame,
    skills: Sequence[str],
    cells: Sequence[str],
    group: str | None,
    firm: str | None,
) -> _Coded:
    """Keep rows with a year, every cell column (and the firm) and code them (see _Coded)."""
    need = ["year", *cells, *([firm] if firm else [])]
    cols = list(dict.fromkeys([*need, *([group] if group else []), *skills]))
    d = panel.select(cols).drop_nulls(subset=need)
    year = d.select(pl.col("year").rank("dense")).to_series().to_numpy().astype(np.int64) - 1
    years = d["year"].unique().sort()  # code k is years[k]
    cell, n_cell = _dense(d, ["year", *cells])
    cell_year = _parent(cell, year, n_cell)
    grp, n_grp, grp_cell = None, 0, None
    if firm:
        # firm x cell groups: (cell code, firm) is cheaper to rank than the raw columns
        grp, n_grp = _dense(pl.DataFrame({"cell": cell, "firm": d[firm]}), ["cell", "firm"])
        grp_cell = _parent(grp, cell, n_grp)
    passes: list[tuple[str, np.ndarray | None]] = [("all", None)]
    if group:
        labels = d[group].cast(pl.Utf8)
        for v in labels.drop_nulls().unique().sort().to_list():
            passes.append((v, (labels == v).fill_null(False).to_numpy()))
    return _Coded(d, years, year, cell, n_cell, cell_year, grp, n_grp, grp_cell, passes)


def _rows(c: _Coded, skill: str, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of one pass with a non-null ``skill``, and the skill values there."""
    y = c.frame[skill].cast(pl.Float64)
    ok = y.is_not_null().to_numpy()
    if mask is not None:
        ok &= mask
    idx = np.flatnonzero(ok)
    return idx, y.to_numpy()[idx]


def _check(
    panel: pl.DataFrame, skills: Sequence[str], cells: Sequence[str], group: str | None
) -> None:
    if not skills:
        raise DataValidationError("at least one skill column is required.")
    if not cells:
        raise DataValidationError("at least one cell column is required.")
    _need(panel, ("year", *skills, *cells, *((group,) if group else ())), "panel")


_SHORT_GROUPS = {
    "all": "All",
    "high": "High",
    "low_high_skill": "Low (H)",
    "low_mid_low_skill": "Low (M/L)",
}


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

    def compact(self, stat: str = "share_kss", min_workers: int = 30) -> pd.DataFrame:
        """Years x (skill, occupation group) table of one share, in percent.

        Parameters
        ----------
        stat : str
            ``share_kss`` (default, bias-corrected), ``share_homoskedastic`` or
            ``share_plugin``.
        min_workers : int
            Cells with fewer workers in a group-year are shown as "–" (too few to read).

        Returns
        -------
        pandas.DataFrame
            Strings, index ``year``, columns ``"<skill>: <group>"`` (groups as in the
            seed's tables: All, High, Low (H), Low (M/L)).
        """
        if stat not in self.data.columns:
            raise ValueError(f"stat must be a share column of .data, got {stat!r}")
        out: dict[tuple[str, str], dict[int, str]] = {}
        for r in self.data.iter_rows(named=True):
            v = r[stat]
            cell = "–" if r["n"] < min_workers or v is None or v != v else f"{100 * v:.1f}"
            key = f"{r['skill']}: {_SHORT_GROUPS.get(r['group'], r['group'])}"
            out.setdefault(key, {})[r["year"]] = cell
        df = pd.DataFrame(out).sort_index()
        df.index.name = "year"
        return df.fillna("–")


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
    c = _code(panel, skills, cells, group, None)
    nyear = c.years.len()
    parts: list[pl.DataFrame] = []
    for s in skills:
        for label, mask in c.passes:
            idx, y = _rows(c, s, mask)
            # cell-level sums; within = sum_l SS_l / N, between = sum_l n_l (m_l - m)^2 / N
            n_l, s_l, ss_l = _sums(y, c.cell[idx], c.n_cell)
            n = _by(c.cell_year, nyear, n_l)
            m = _div(_by(c.cell_year, nyear, s_l), n)
            m_l = _div(s_l, n_l)
            within = _div(_by(c.cell_year, nyear, ss_l), n)
            between = _div(_by(c.cell_year, nyear, n_l * (m_l - m[c.cell_year]) ** 2), n)
            n_cells = _by(c.cell_year, nyear, n_l > 0)
            parts.append(
                _frame(
                    s,
                    label,
                    c.years,
                    _FACT1,
                    n=n,
                    n_cells=n_cells,
                    total=within + between,
                    within=within,
                    between=between,
                )
            )
    data = (
        _concat(parts, _FACT1, c.years.dtype)
        .with_columns((pl.col("within") / pl.col("total")).alias("within_share"))
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
    c = _code(panel, skills, cells, group, firm)
    assert c.group is not None and c.group_cell is not None
    nyear, gcell = c.years.len(), c.group_cell
    gyear = c.cell_year[gcell]
    parts: list[pl.DataFrame] = []
    for s in skills:
        for label, mask in c.passes:
            idx, y = _rows(c, s, mask)
            n_g, s_g, ss_g = _sums(y, c.group[idx], c.n_group)
            keep = n_g >= min_group_size
            small = (n_g > 0) & ~keep
            n_dropped = _by(gyear[small], nyear, n_g[small])
            # from here on, only the kept firm x cell groups
            kept = np.flatnonzero(keep)
            n_g, s_g, ss_g, gc, gy = n_g[kept], s_g[kept], ss_g[kept], gcell[kept], gyear[kept]
            n_l = _by(gc, c.n_cell, n_g)
            m_l = _div(_by(gc, c.n_cell, s_g), n_l)
            n = _by(gy, nyear, n_g)
            m = _div(_by(gy, nyear, s_g), n)
            m_g = s_g / n_g
            s2_g = ss_g / (n_g - 1)  # unbiased within-group variance S_g^2
            ssr = _by(gy, nyear, ss_g)
            dev_l = _by(gy, nyear, n_g * (m_g - m_l[gc]) ** 2)  # sum_i (psi_hat - s_bar_l)^2
            dev_t = _by(gy, nyear, n_g * (m_g - m[gy]) ** 2)  # sum_i (psi_hat - s_bar)^2
            # KSS: each group contributes n_g * A_ii * S_g^2 = (1 - n_g/n_l) S_g^2 / N
            bias = _by(gy, nyear, (1 - n_g / n_l[gc]) * s2_g)
            bias_tot = _by(gy, nyear, (1 - n_g / n[gy]) * s2_g)
            n_groups = np.bincount(gy, minlength=nyear).astype(np.float64)
            n_cells = _by(c.cell_year, nyear, n_l > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                plug = dev_l / n
                kss = plug - bias / n
                homo = plug - ssr / (n - n_groups) * (n_groups - n_cells) / n
                v_within = (ssr + dev_l) / n
                v_total = (ssr + dev_t) / n
                cols = {
                    "n": n,
                    "n_groups": n_groups,
                    "n_cells": n_cells,
                    "n_dropped": n_dropped,
                    "var_total": v_total,
                    "var_within": v_within,
                    "between_plugin": plug,
                    "between_kss": kss,
                    "between_homoskedastic": homo,
                    "share_plugin": plug / v_within,
                    "share_kss": kss / v_within,
                    "share_homoskedastic": homo / v_within,
                    "share_total_plugin": dev_t / n / v_total,
                    "share_total_kss": (dev_t - bias_tot) / n / v_total,
                }
            parts.append(_frame(s, label, c.years, _FACT2, **cols))
    data = _concat(parts, _FACT2, c.years.dtype).sort(["skill", "group", "year"])
    return BetweenFirmShare(data=data, cells=tuple(cells), min_group_size=int(min_group_size))
