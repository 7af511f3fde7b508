"""Goldsmith-Pinkham, Sorkin and Swift (2020) Rotemberg weights.

Seed back-up slide "Validity of Bartik-type instruments". Per shock ``n = (k, t)``
(industry/product ``k``, period ``t``), with ``z_n = S_.n g_n`` its part of the
instrument and ``x_perp, y_perp`` residualized on the fixed effects and
controls (weights ``E``):

``alpha_kt = z_n' E x_perp / z' E x_perp``, ``beta_kt = z_n' E y_perp / z_n' E x_perp``,

so ``sum_kt alpha_kt beta_kt`` is the shift-share IV coefficient (GPSS eq. 6).
Aggregated over periods the GPSS way (their section on panels, Table 2):
``alpha_k = sum_t alpha_kt``, ``beta_k = sum_t alpha_kt beta_kt / alpha_k`` and
``g_k = sum_t alpha_kt g_kt / alpha_k`` (alpha-weighted). The first-stage F of
industry ``k`` is the robust Wald F of ``z_k = sum_t z_kt`` alone in the first
stage (residualized), for the ``top`` industries, with the Chernozhukov-Hansen
(2008) confidence set of ``beta_k`` (GPSS Table 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import residualize
from skillshore.offshoring.iv import ConfidenceSet
from skillshore.offshoring.linear import Vcov, parse_vcov
from skillshore.offshoring.shiftshare import ShiftShareDesign
from skillshore.offshoring.shocklevel import prepare

__all__ = ["RotembergWeights", "rotemberg_weights"]


@dataclass(frozen=True)
class RotembergWeights(TableMixin):
    """Rotemberg decomposition ``beta = sum_k alpha_k beta_k``.

    Attributes
    ----------
    frame : DataFrame
        Per industry/product ``k``: ``alpha``, ``beta``, ``g`` (alpha-weighted
        shock), ``exposure`` (``s_k``), ``first_stage_f`` and the
        Chernozhukov-Hansen hull ``ch_lower``, ``ch_upper`` (NaN outside the ``top``).
    by_shock : DataFrame
        Per ``(k, t)``: ``alpha``, ``beta``, ``shock``, ``exposure``.
    beta : float
        The shift-share IV coefficient ``sum alpha beta``.
    """

    frame: pd.DataFrame
    by_shock: pd.DataFrame
    beta: float
    top: int = 5
    title: str = "Rotemberg weights (top products)"
    ch_sets: dict = field(default_factory=dict)

    @property
    def negative_sum(self) -> float:
        """Sum of the negative weights (GPSS Table 2)."""
        a = self.frame["alpha"]
        return float(a[a < 0].sum())

    def to_frame(self) -> pd.DataFrame:
        f = self.frame.reindex(self.frame["alpha"].abs().sort_values(ascending=False).index)
        return f.head(self.top)


def rotemberg_weights(
    design: ShiftShareDesign,
    data: Any,
    y: str,
    x: str,
    fe: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    weights: str | None = None,
    *,
    top: int = 5,
    vcov: Vcov | None = None,
    cluster: str | None = None,
    level: float = 0.95,
) -> RotembergWeights:
    """Rotemberg weights per (industry, period) and per industry (module docstring).

    ``data`` rows are matched to the design by its keys. ``vcov`` / ``cluster``
    (unit-level, pyfixest names; default robust) give the per-industry first-stage
    F of the ``top`` industries by ``|alpha_k|`` (no small-sample factor) and their
    Chernozhukov and Hansen (2008) weak-IV-robust sets for ``beta_k`` (GPSS Table 2):
    ``{b : (gamma_k - b pi_k)^2 <= chi2_level(1) Var(gamma_k - b pi_k)}`` with
    ``gamma_k, pi_k`` the reduced form and first stage on ``z_k`` alone (the
    Anderson-Rubin test with one instrument), in ``ch_sets`` and as ``ch_lower`` /
    ``ch_upper`` (the hull; infinite for rays or the real line).
    """
    kind, col = parse_vcov(vcov, cluster)
    extra = [col] if col else []
    prep = prepare(design, data, [y, x], fe, controls, weights, extra=extra)
    yp, xp, _ = prep.resid.T
    e = prep.weights
    zn = prep.exposure @ sp.diags_array(design.shocks)  # (n_obs x n_shocks): z_n
    num_x = zn.T @ (e * xp)
    num_y = zn.T @ (e * yp)
    total = num_x.sum()
    if total == 0:
        raise ModelInputError("the instrument is orthogonal to x: no first stage.")
    s = (prep.exposure.T @ e) / e.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        by_shock = pd.DataFrame(
            {
                "product": design.products,
                "period": design.periods,
                "alpha": num_x / total,
                "beta": np.where(num_x != 0, num_y / num_x, np.nan),
                "shock": design.shocks,
                "exposure": s,
            }
        )
    labels, amap = design.product_matrix()
    ax, ay = amap.T @ num_x, amap.T @ num_y
    with np.errstate(divide="ignore", invalid="ignore"):
        g_k = (amap.T @ (num_x * design.shocks)) / ax
        frame = pd.DataFrame(
            {
                "alpha": ax / total,
                "beta": np.where(ax != 0, ay / ax, np.nan),
                "g": g_k,
                "exposure": amap.T @ s,
                "first_stage_f": np.nan,
            },
            index=pd.Index(labels, name="product"),
        )
    order = np.argsort(-np.abs(frame["alpha"].to_numpy()), kind="stable")[:top]
    zk = (zn @ amap)[:, order]
    zk = np.asarray(zk.todense()) if sp.issparse(zk) else np.asarray(zk)
    cols = [f"_zk{j}" for j in range(zk.shape[1])]
    f2 = prep.frame.assign(**{c: zk[:, j] for j, c in enumerate(cols)})
    zk_perp = residualize(f2, cols, list(fe or []), list(controls or []), e)
    if kind == "iid":
        codes = None
    else:
        codes = la.cluster_codes(prep.frame[col].to_numpy() if col else None, len(e))
    sw = np.sqrt(e)
    lhs = np.column_stack([yp, xp]) * sw[:, None]
    crit = float(stats.chi2.ppf(level, 1))
    ch: dict[Any, ConfidenceSet] = {}
    frame["ch_lower"], frame["ch_upper"] = np.nan, np.nan
    for j, pos in enumerate(order):
        zj = (zk_perp[:, j] * sw)[:, None]
        if not np.any(zj):
            continue
        b = np.linalg.lstsq(zj, lhs, rcond=None)[0]  # (1 x 2): reduced form, first stage
        v = la.ols_sandwich(zj, lhs - zj @ b, codes, 1.0)  # joint (2 x 2), no factor
        gam, pi = b[0]
        frame.iloc[pos, frame.columns.get_loc("first_stage_f")] = float(pi**2 / v[1, 1])
        pieces = la.quadratic_set(
            pi * pi - crit * v[1, 1],
            -2 * (gam * pi - crit * v[0, 1]),
            gam * gam - crit * v[0, 0],
        )
        cs = ConfidenceSet(tuple(pieces), level, name="Chernozhukov-Hansen set")
        ch[frame.index[pos]] = cs
        if cs.intervals:
            lo, hi = cs.intervals[0][0], cs.intervals[-1][1]
            if cs.kind == "rays":
                lo, hi = -np.inf, np.inf
            frame.iloc[pos, frame.columns.get_loc("ch_lower")] = lo
            frame.iloc[pos, frame.columns.get_loc("ch_upper")] = hi
    return RotembergWeights(
        frame=frame, by_shock=by_shock, beta=float(num_y.sum() / total), top=top, ch_sets=ch
    )
