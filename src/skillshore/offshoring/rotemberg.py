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
stage (residualized), for the ``top`` industries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import residualize
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
        shock), ``exposure`` (``s_k``) and ``first_stage_f`` (NaN outside the
        ``top``).
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
) -> RotembergWeights:
    """Rotemberg weights per (industry, period) and per industry (module docstring).

    ``data`` rows are matched to the design by its keys. ``vcov`` / ``cluster``
    (unit-level, pyfixest names; default robust) give the per-industry first-stage
    F of the ``top`` industries by ``|alpha_k|`` (no small-sample factor).
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
    for j, pos in enumerate(order):
        zj = (zk_perp[:, j] * sw)[:, None]
        if not np.any(zj):
            continue
        xw = (xp * sw)[:, None]
        pi = np.linalg.lstsq(zj, xw, rcond=None)[0]
        v = la.ols_sandwich(zj, xw - zj @ pi, codes, 1.0)[0, 0]
        frame.iloc[pos, frame.columns.get_loc("first_stage_f")] = float(pi[0, 0] ** 2 / v)
    return RotembergWeights(
        frame=frame, by_shock=by_shock, beta=float(num_y.sum() / total), top=top
    )
