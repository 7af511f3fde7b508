"""Dense linear algebra shared by the IV and shift-share tools (private).

Every function works on arrays that are already demeaned and multiplied by the
square root of the regression weights, so that an OLS / 2SLS formula written
for unweighted data is the weighted one. Conventions (``docs/shiftshare_iv.md``):

* the cluster-robust "meat" is ``sum_g s_g s_g'`` with ``s_g`` the sum of the
  scores of cluster ``g`` (no centring); heteroskedasticity-robust is the same
  with one cluster per row;
* ``codes=None`` is the homoskedastic ("iid") variance ``s^2 (X'X)^{-1}``
  with ``s^2 = u'u/N`` before the small-sample factor;
* the small-sample factor (:func:`ssc_factor`) is 1 with ``ssc="none"``
  (Stata ``ivregress 2sls``, linearmodels ``debiased=False``, ShiftShareSE);
  otherwise Stata ``regress`` / ``ivreg2, small`` / pyfixest / fixest:
  ``(N-1)/(N-k) * G/(G-1)`` clustered, ``N/(N-k)`` robust and iid, ``k``
  counting the regressors *and* the absorbed fixed effects under the chosen
  convention (see ``fe_dof`` of :func:`skillshore.offshoring.iv.iv_regression`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "partial_out",
    "cluster_codes",
    "meat",
    "ssc_factor",
    "ols_sandwich",
    "tsls",
    "kp_rk_wald",
    "quadratic_set",
    "polynomial_set",
]


def partial_out(a: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Residuals of the columns of ``a`` on the columns of ``w`` (OLS; ``w`` may be empty)."""
    if w is None or w.shape[1] == 0:
        return a
    coef, *_ = np.linalg.lstsq(w, a, rcond=None)
    return a - w @ coef


def cluster_codes(values: np.ndarray | None, n: int) -> np.ndarray:
    """Integer codes 0..G-1 of ``values``; one cluster per row when ``values`` is None."""
    if values is None:
        return np.arange(n)
    _, codes = np.unique(np.asarray(values), return_inverse=True)
    return codes.ravel()


def meat(scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``sum_g s_g s_g'`` with ``s_g`` the column sums of ``scores`` within cluster ``g``."""
    g = int(codes.max()) + 1
    sums = np.column_stack(
        [np.bincount(codes, weights=scores[:, j], minlength=g) for j in range(scores.shape[1])]
    )
    return sums.T @ sums


def ssc_factor(n: int, k: int, n_clusters: int | None, ssc: str = "small") -> float:
    """Small-sample factor: 1 with ``ssc="none"``; else ``(N-1)/(N-k) G/(G-1)``
    clustered (``n_clusters`` given), ``N/(N-k)`` robust or iid."""
    if ssc == "none":
        return 1.0
    if n_clusters is None:
        return n / (n - k)
    return (n - 1) / (n - k) * n_clusters / (n_clusters - 1)


def ols_sandwich(
    x: np.ndarray, resid: np.ndarray, codes: np.ndarray | None, factor: float
) -> np.ndarray:
    """Robust (``codes=None``: iid) variance of OLS coefficients on ``x``, outcomes stacked.

    ``resid`` is (N, m); the result is the (p m x p m) variance of
    ``vec(B)`` with ``B`` (p x m) ordered by outcome, then regressor. iid:
    ``factor * (U'U/N) kron (X'X)^{-1}``.
    """
    xtx_inv = np.linalg.inv(x.T @ x)
    m = resid.shape[1]
    if codes is None:
        return factor * np.kron(resid.T @ resid / resid.shape[0], xtx_inv)
    scores = np.hstack([x * resid[:, [j]] for j in range(m)])
    bread = np.kron(np.eye(m), xtx_inv)
    return factor * bread @ meat(scores, codes) @ bread


@dataclass(frozen=True)
class TSLS:
    """2SLS fit on arrays: coefficients, residuals and robust variance."""

    params: np.ndarray
    resid: np.ndarray
    vcov: np.ndarray


def tsls(
    y: np.ndarray, x: np.ndarray, z: np.ndarray, codes: np.ndarray | None, factor: float
) -> TSLS:
    """2SLS of ``y`` on ``x`` with instruments ``z`` (all columns, exogenous ones in both).

    ``V = factor * B M B'`` with ``B = (X'P_Z X)^{-1} X'Z (Z'Z)^{-1}`` and
    ``M`` the cluster meat of the scores ``z_i u_i`` (as pyfixest's ``Feiv``);
    ``codes=None``: ``V = factor * (u'u/N) (X'P_Z X)^{-1}``. OLS is ``z = x``.
    """
    ztz_inv = np.linalg.inv(z.T @ z)
    h = x.T @ z @ ztz_inv
    a_inv = np.linalg.inv(h @ z.T @ x)
    beta = a_inv @ (h @ z.T @ y)
    u = y - x @ beta
    if codes is None:
        return TSLS(beta, u, factor * float(u @ u) / u.shape[0] * a_inv)
    b = a_inv @ h
    v = factor * b @ meat(z * u[:, None], codes) @ b.T
    return TSLS(beta, u, v)


def kp_rk_wald(x: np.ndarray, z: np.ndarray, codes: np.ndarray | None) -> float:
    """Kleibergen-Paap (2006) rk Wald statistic (chi2, no small-sample factor).

    ``x`` (N x K) endogenous regressors and ``z`` (N x L) excluded instruments,
    both with the exogenous regressors already partialled out. Tests
    ``rank(Pi) = K-1`` against full rank with the cluster-robust covariance of
    ``vec(Pi_hat)`` built from the first-stage residuals; with ``K = 1`` it
    is the robust Wald statistic of ``Pi = 0``. The normalisation
    ``Theta = Qzz^{1/2} Pi Qxx^{-1/2}`` uses symmetric square roots (the
    statistic does not depend on that choice).
    """
    n, k = x.shape
    qzz = z.T @ z / n
    pi = np.linalg.solve(z.T @ z, z.T @ x)
    v = x - z @ pi
    f = _sym_sqrt(qzz)
    g_inv = np.linalg.inv(_sym_sqrt(x.T @ x / n))
    theta = f @ pi @ g_inv
    # covariance of sqrt(n) vec(Pi): (I_K kron Qzz^-1) S (I_K kron Qzz^-1)
    if codes is None:  # homoskedastic: the Cragg-Donald form
        s = np.kron(v.T @ v / n, qzz)
    else:
        s = meat(np.hstack([z * v[:, [j]] for j in range(k)]), codes) / n
    qzz_inv = np.linalg.inv(qzz)
    var_pi = np.kron(np.eye(k), qzz_inv) @ s @ np.kron(np.eye(k), qzz_inv)
    trans = np.kron(g_inv.T, f)  # vec(F Pi G^-1) = (G^-1' kron F) vec(Pi)
    var_theta = trans @ var_pi @ trans.T
    u_, _, vt = np.linalg.svd(theta, full_matrices=True)
    a_perp = u_[:, k - 1 :]  # L x (L-K+1)
    b_perp = vt.T[:, k - 1 :]  # K x 1
    lam = a_perp.T @ theta @ b_perp
    sel = np.kron(b_perp.T, a_perp.T)
    v_lam = sel @ var_theta @ sel.T
    lam = lam.ravel(order="F")
    return float(n * lam @ np.linalg.solve(v_lam, lam))


def _sym_sqrt(a: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    return (vecs * np.sqrt(vals)) @ vecs.T


def quadratic_set(a: float, b: float, c: float) -> tuple[tuple[float, float], ...]:
    """Solutions of ``a x^2 + b x + c <= 0`` as a union of closed intervals.

    Unbounded ends are ``-inf`` / ``inf``; an empty set is ``()``.
    """
    scale = max(abs(a), abs(b), abs(c), np.finfo(float).tiny)
    if abs(a) <= 1e-14 * scale:
        if abs(b) <= 1e-14 * scale:
            return ((-np.inf, np.inf),) if c <= 0 else ()
        root = -c / b
        return ((-np.inf, root),) if b > 0 else ((root, np.inf),)
    disc = b * b - 4 * a * c
    if disc < 0:
        return () if a > 0 else ((-np.inf, np.inf),)
    sq = np.sqrt(disc)
    # numerically stable roots
    q = -0.5 * (b + np.copysign(sq, b))
    r1, r2 = sorted((q / a, c / q if q != 0 else -b / (2 * a)))
    if a > 0:
        return ((r1, r2),)
    return ((-np.inf, r1), (r2, np.inf))


def polynomial_set(h, degree: int, centre: float, scale: float) -> tuple[tuple[float, float], ...]:
    """``{x : h(x) <= 0}`` for a polynomial ``h`` of degree at most ``degree``.

    ``h`` is a callable; it is interpolated exactly at Chebyshev points
    around ``centre`` (spread ``scale``), its real roots give the interval
    ends, and the sign of ``h`` between consecutive roots (evaluated
    directly) decides which pieces belong to the set.
    """
    nodes = centre + scale * np.cos(np.pi * (np.arange(degree + 1) + 0.5) / (degree + 1))
    vals = np.array([h(t) for t in nodes])
    poly = np.polynomial.Polynomial.fit(nodes, vals, degree)
    roots = poly.roots()
    roots = np.sort(roots[np.abs(roots.imag) <= 1e-9 * (1 + np.abs(roots.real))].real)
    cuts = [-np.inf, *roots.tolist(), np.inf]
    pieces: list[tuple[float, float]] = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        if np.isinf(lo) and np.isinf(hi):
            mid = centre
        elif np.isinf(lo):
            mid = hi - max(scale, abs(hi)) * 10
        elif np.isinf(hi):
            mid = lo + max(scale, abs(lo)) * 10
        else:
            mid = 0.5 * (lo + hi)
        if h(mid) <= 0:
            if pieces and pieces[-1][1] == lo:
                pieces[-1] = (pieces[-1][0], hi)
            else:
                pieces.append((lo, hi))
    return tuple(pieces)
