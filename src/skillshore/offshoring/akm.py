"""Adao, Kolesar and Morales (2019, QJE) inference for shift-share regressions.

Regions ``i = 1..N`` with shares ``w_is`` over sectors ``s = 1..S`` (matrix
``W``), sector shocks ``X_s`` and the shift-share variable ``X_i = sum_s w_is
X_s``; controls ``Z`` (a constant by default; fixed effects partialled out by
the design wrapper). Double dots are residuals on ``Z`` (weighted).

* OLS / reduced form (AKM section III, Proposition 4 and eq. (14)):
  ``beta = ddX'Y / ddX'ddX``; ``se_AKM^2 = sum_s hatX_s^2 R_s^2 / (ddX'ddX)^2``
  with ``R_s = sum_i w_is e_i`` (``e`` the regression residuals) and ``hatX``
  the coefficients of the regression of ``ddX`` on the shares ``W``
  (``hatX = (W'W)^- W' ddX``, pivoted QR when ``W`` is rank deficient:
  collinear sectors get ``hatX_s = 0``).
* 2SLS with the shift-share instrument (AKM section IV): ``beta = ddX'Y1 /
  ddX'Y2``; ``R_s`` from the structural residual ``ddY1 - beta ddY2``,
  denominator ``(ddX'Y2)^2``.
* Sector clusters (AKM Remark 5): ``hatX_s R_s`` summed within a cluster
  before squaring.
* AKM0 (AKM section III.B, eq. (15)): the null-imposed variance uses
  ``R_s(beta0) = sum_i w_is (ddY1 - beta0 ddY2)_i``; the confidence set
  ``{b : (ddX'Y2)^2 (beta - b)^2 <= z^2 sum_c (sum_{s in c} hatX_s R_s(b))^2}``
  solves a quadratic inequality: a bounded interval, the union of two rays
  or the whole line.

No small-sample factor, normal critical values (as ShiftShareSE's AKM and AKM0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse as sp
from scipy import stats

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring.iv import ConfidenceSet
from skillshore.offshoring.shiftshare import ShiftShareDesign
from skillshore.offshoring.shocklevel import prepare, shock_clusters

__all__ = ["AKMResult", "akm", "akm_regression", "share_coefficients"]


def share_coefficients(
    shares: Any, v: np.ndarray, weights: np.ndarray | None = None, rows: np.ndarray | None = None
) -> np.ndarray:
    """``hatX``: (weighted) least-squares coefficients of ``v`` on the columns of ``shares``.

    Rank-deficient shares: a pivoted QR picks ``rank`` linearly independent columns,
    the others get coefficient 0 (as R's ``lm.fit`` in ShiftShareSE). Dense shares:
    QR of ``W``; sparse shares: pivoted QR of the Gram matrix ``W' E W`` (S x S, never
    densifying the N x S matrix), then the normal equations of the kept columns.
    With collinear sectors the AKM variance depends on which are kept (pivot order).
    ``rows``: observation ``i`` has the shares of row ``rows[i]`` (many regions
    share a row, e.g. firms of an industry-year): the Gram matrix is built from
    the distinct rows, weighted by their total weight.
    """
    w = np.ones(v.shape[0]) if weights is None else weights
    coef = np.zeros(shares.shape[1])
    if rows is not None or sp.issparse(shares):
        ws = sp.csr_array(shares)
        if rows is None:
            rows = np.arange(v.shape[0])
        wr = np.bincount(rows, weights=w, minlength=ws.shape[0])
        gram = np.asarray((ws.T @ sp.diags_array(wr) @ ws).todense())
        rhs = np.asarray(ws.T @ np.bincount(rows, weights=w * v, minlength=ws.shape[0])).ravel()
        _, r, piv = scipy.linalg.qr(gram, pivoting=True)
        d = np.abs(np.diag(r))
        rank = int((d > 1e-10 * (d[0] if d.size else 0)).sum())
        keep = piv[:rank]
        coef[keep] = scipy.linalg.solve(gram[np.ix_(keep, keep)], rhs[keep], assume_a="pos")
        return coef
    sw = np.sqrt(w)
    a = np.asarray(shares, dtype=float) * sw[:, None]
    q, r, piv = scipy.linalg.qr(a, mode="economic", pivoting=True)
    d = np.abs(np.diag(r))
    rank = int((d > max(a.shape) * np.finfo(float).eps * (d[0] if d.size else 0)).sum())
    coef[piv[:rank]] = scipy.linalg.solve_triangular(r[:rank, :rank], q[:, :rank].T @ (v * sw))
    return coef


@dataclass(frozen=True, eq=False)
class AKMResult(TableMixin):
    """A shift-share OLS / reduced form / 2SLS with EHW, AKM and AKM0 inference.

    ``a`` and ``c`` are the per-cluster sums of ``hatX_s sum_i e_i w_is ddY1_i``
    and ``... ddY2_i`` so that ``R(b) = a - b c``; ``cR = a - beta c``.
    """

    name: str
    beta: float
    denom: float
    ehw_meat: float
    a: np.ndarray
    c: np.ndarray
    n_obs: int
    n_sectors: int
    n_clusters: int
    beta0: float = 0.0
    title: str = "Shift-share inference (Adao, Kolesar and Morales 2019)"

    @property
    def params(self) -> pd.Series:
        return pd.Series([self.beta], index=[self.name], name="Estimate")

    @property
    def std_errors(self) -> pd.Series:
        """EHW, AKM and AKM0 (at ``beta0``) standard errors."""
        r = self.a - self.beta * self.c
        r0 = self.a - self.beta0 * self.c
        d = abs(self.denom)
        return pd.Series(
            {
                "EHW": np.sqrt(self.ehw_meat) / d,
                "AKM": np.sqrt(r @ r) / d,
                "AKM0": np.sqrt(r0 @ r0) / d,
            },
            name="Std. Error",
        )

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided normal p-values of ``beta = beta0`` (AKM0: its null-imposed SE)."""
        t = (self.beta - self.beta0) / self.std_errors
        return pd.Series(2 * stats.norm.sf(np.abs(t)), index=t.index, name="P-value")

    def akm0_set(self, level: float = 0.95) -> ConfidenceSet:
        """AKM0 confidence set (module docstring): interval, two rays or the real line."""
        cv2 = stats.norm.ppf(0.5 + level / 2) ** 2
        d2 = self.denom**2
        pieces = la.quadratic_set(
            d2 - cv2 * (self.c @ self.c),
            -2 * d2 * self.beta + 2 * cv2 * (self.a @ self.c),
            d2 * self.beta**2 - cv2 * (self.a @ self.a),
        )
        return ConfidenceSet(tuple(pieces), level, name="AKM0 confidence set")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald intervals (EHW, AKM) and the hull of the AKM0 set (infinite ends for rays)."""
        q = stats.norm.ppf(0.5 + level / 2)
        se = self.std_errors
        out = pd.DataFrame(
            {
                "lower": self.beta - q * se[["EHW", "AKM"]],
                "upper": self.beta + q * se[["EHW", "AKM"]],
            }
        )
        cs = self.akm0_set(level)
        lo, hi = (cs.intervals[0][0], cs.intervals[-1][1]) if cs.intervals else (np.nan, np.nan)
        if cs.kind == "rays":
            lo, hi = -np.inf, np.inf
        out.loc["AKM0"] = [lo, hi]
        return out

    def to_frame(self) -> pd.DataFrame:
        ci = self.conf_int()
        return pd.DataFrame(
            {
                "Estimate": self.beta,
                "Std. Error": self.std_errors,
                "P-value": self.pvalues,
                "2.5%": ci["lower"],
                "97.5%": ci["upper"],
            }
        )

    def summary(self) -> str:
        return "\n".join(
            [
                f"{self.title}: {self.name}, N = {self.n_obs}, {self.n_sectors} sectors, "
                f"{self.n_clusters} sector clusters",
                self.to_frame().to_string(float_format=lambda v: f"{v:.4f}"),
                repr(self.akm0_set()),
            ]
        )


def _resid(v: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    sw = np.sqrt(w)[:, None]
    return la.partial_out(v[:, None] * sw, z * sw)[:, 0] / sw[:, 0]


def akm(
    y: Any,
    shares: Any,
    shocks: Any,
    controls: Any = None,
    endog: Any = None,
    weights: Any = None,
    *,
    sector_clusters: Any = None,
    add_constant: bool = True,
    beta0: float = 0.0,
    residualized: bool = False,
    ddx: Any = None,
    rows: Any = None,
    residual_sector: bool = False,
    name: str = "x",
) -> AKMResult:
    """AKM / AKM0 for the OLS of ``y`` on ``X = W shocks`` or the 2SLS of ``y`` on ``endog``.

    Parameters
    ----------
    y : (N,) array
        Outcome (the reduced form when ``endog`` is None and ``y`` is the outcome).
    shares : (N, S) array or scipy sparse matrix
        ``W`` (rank deficiency handled by pivoted QR).
    shocks : (S,) array
        Sector shocks ``X_s``.
    controls : (N, p) array, optional
        ``Z``; a constant is added unless ``add_constant=False``.
    endog : (N,) array, optional
        Endogenous regressor ``Y2``: 2SLS with instrument ``X``.
    weights : (N,) array, optional
        Regression weights.
    sector_clusters : (S,) array, optional
        Cluster label of each sector (AKM Remark 5); default one per sector.
    beta0 : float
        Null for the AKM0 standard error and p-value.
    residual_sector : bool
        With incomplete shares, add the residual sector ``1 - sum_s w_is`` to the
        regression that gives ``hatX`` and leave it out of the variance sum
        (ShiftShareSE's ``residual_sector=TRUE``).
    rows : (N,) int array, optional
        Observation ``i`` has the shares of row ``rows[i]`` of ``shares`` (then
        ``shares`` has one row per distinct exposure, e.g. industry-year).
    residualized : bool
        ``y`` and ``endog`` are already residualized on the controls and fixed
        effects, and ``ddx`` is ``X`` residualized the same way (``controls``
        must then be None; used by :func:`akm_regression`).
    """
    y1 = np.asarray(y, dtype=float).ravel()
    n = y1.shape[0]
    g = np.asarray(shocks, dtype=float).ravel()
    n_rows = n if rows is None else shares.shape[0]
    if shares.shape != (n_rows, g.shape[0]):
        raise ModelInputError(f"shares {shares.shape} must be ({n_rows}) x (S={g.shape[0]}).")
    idx = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    if idx.shape != (n,) or (n and (idx.min() < 0 or idx.max() >= n_rows)):
        raise ModelInputError(f"rows must be {n} indices into the {n_rows} rows of shares.")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    x = np.asarray(shares @ g).ravel()[idx]
    y2 = None if endog is None else np.asarray(endog, dtype=float).ravel()
    if residualized:
        if controls is not None or ddx is None:
            raise ModelInputError("residualized=True takes ddx and no controls.")
        ddx, ddy1 = np.asarray(ddx, dtype=float).ravel(), y1
        ddy2 = ddx if y2 is None else y2
    else:
        zc = np.zeros((n, 0)) if controls is None else np.asarray(controls, dtype=float)
        zc = zc.reshape(n, -1)
        if add_constant:
            zc = np.column_stack([np.ones(n), zc])
        ddx, ddy1 = _resid(x, zc, w), _resid(y1, zc, w)
        ddy2 = ddx if y2 is None else _resid(y2, zc, w)
    denom = float(np.sum(w * ddx * ddy2))
    if denom == 0:
        raise ModelInputError("the shift-share variable is orthogonal to the regressor.")
    beta = float(np.sum(w * ddx * ddy1) / denom)
    resid = ddy1 - beta * ddy2
    if residual_sector:  # AKM footnote / ShiftShareSE residual_sector: in hatX only
        rest = 1.0 - np.asarray(shares.sum(axis=1)).ravel()
        if np.abs(rest).max() > 1e-12:
            w0 = (
                sp.hstack([sp.csr_array(shares), sp.csr_array(rest[:, None])])
                if sp.issparse(shares)
                else np.column_stack([shares, rest])
            )
            hx = share_coefficients(w0, ddx, w, None if rows is None else idx)[:-1]
        else:
            hx = share_coefficients(shares, ddx, w, None if rows is None else idx)
    else:
        hx = share_coefficients(shares, ddx, w, None if rows is None else idx)

    def w_t(v: np.ndarray) -> np.ndarray:  # W' v, summing observations by share row
        return np.asarray(shares.T @ np.bincount(idx, weights=v, minlength=n_rows)).ravel()

    a = hx * w_t(w * ddy1)
    c = hx * w_t(w * ddy2)
    if sector_clusters is not None:
        codes = la.cluster_codes(np.asarray(sector_clusters), g.shape[0])
        if codes.shape[0] != g.shape[0]:
            raise ModelInputError(f"sector_clusters needs {g.shape[0]} labels.")
        a = np.bincount(codes, weights=a)
        c = np.bincount(codes, weights=c)
    u = w * resid * ddx
    return AKMResult(
        name=name,
        beta=beta,
        denom=denom,
        ehw_meat=float(u @ u),
        a=a,
        c=c,
        n_obs=n,
        n_sectors=int(g.shape[0]),
        n_clusters=int(a.shape[0]),
        beta0=beta0,
    )


def akm_regression(
    design: ShiftShareDesign,
    data: Any,
    y: str,
    x: str | None = None,
    fe: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    weights: str | None = None,
    *,
    cluster: str | None = None,
    shock_data: Any = None,
    beta0: float = 0.0,
    residual_sector: bool = False,
) -> AKMResult:
    """AKM / AKM0 on a :class:`ShiftShareDesign` (data matched by keys).

    ``x=None``: the reduced form of ``y`` on the instrument ``z = S g``; else the
    2SLS of ``y`` on ``x`` instrumented by ``z``. Sectors are the design's shocks
    (``(product, period)`` in a panel); ``cluster`` groups them like
    :func:`skillshore.offshoring.shocklevel.shock_level_regression` (``"product"``
    pools a product's periods, as AKM's sector clusters).
    """
    cols = [y] if x is None else [y, x]
    prep = prepare(design, data, cols, fe, controls, weights)
    res = prep.resid
    keep = np.ones(design.n_shocks, dtype=bool)
    labels = None if cluster is None else shock_clusters(design, keep, cluster, shock_data)
    return akm(
        res[:, 0],
        design.exposure,
        design.shocks,
        rows=prep.rows,
        residual_sector=residual_sector,
        endog=None if x is None else res[:, 1],
        weights=prep.weights,
        sector_clusters=labels,
        residualized=True,
        ddx=res[:, -1],
        beta0=beta0,
        name=x or "instrument",
    )
