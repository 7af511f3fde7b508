"""Levels of the structural parameters from the reduced fit, wages and the calibration.

Seed: appendix "Estimation Strategy", step 3, and slide "Calibrated Parameters"
(``docs/estimation.md``, "Levels"). Both estimators (pooled and market-segmented) call
:func:`wage_equation` and :func:`structural_levels`; they differ only in how they get
the model's matches (mu, mu*) and singles on their type supports.

    w = w0 + lambda_x (log(pi/f0) - nu_x)                 wage equation: lambda_x, nu_x
    lambda = lambda_x / s_x,  Phi = lambda B
    W/Y = E_mu w / E_mu (x'Phi y + C)                     C
    kappa_d lambda = C - w0 - r0 + lambda_x nu_x + lambda_y nu_y     nu_y
    E(w*) = w0* + lambda_x (E_mu* log(pi*/f0*) - nu_x*)   nu_x*
    kappa_f lambda = C* - w0* - r0 + lambda_x nu_x* + lambda_y nu_y*  C*, nu_y* (+ a normalisation)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from skillshore.errors import ConvergenceError, ModelInputError
from skillshore.structural.calibration import YearCalibration

__all__ = [
    "SCALARS",
    "ForeignNorm",
    "WageFit",
    "model_parameters",
    "structural_levels",
    "wage_equation",
]

ForeignNorm = Literal["symmetric", "wage_share"] | float

#: The scalar parameters every estimate reports, in order.
SCALARS = (
    "lambda",
    "lambda_x",
    "lambda_y",
    "C",
    "C_star",
    "c_F",
    "nu_x",
    "nu_y",
    "nu_x_star",
    "nu_y_star",
    "kappa_d",
    "kappa_f",
)


@dataclass(frozen=True)
class WageFit:
    """w = intercept + slope z by weighted least squares (slope = lambda_x)."""

    slope: float
    intercept: float
    r2: float
    n: int


def _demean(v: np.ndarray, w: np.ndarray, ids: list[np.ndarray], tol: float = 1e-13) -> np.ndarray:
    """Weighted within transformation of ``v`` for one or more sets of fixed effects
    (alternating projections; one set is exact in one pass)."""
    sums = []
    for gi in ids:
        ng = int(gi.max()) + 1 if gi.size else 0
        sw = np.bincount(gi, weights=w, minlength=ng)
        sums.append(np.where(sw > 0, sw, 1.0))
    out = v.copy()
    scale = max(float(np.sqrt(np.average(v * v, weights=w))), 1e-300)
    for _ in range(10_000):
        step = 0.0
        for gi, sw in zip(ids, sums, strict=True):
            m = (np.bincount(gi, weights=w * out, minlength=sw.size) / sw)[gi]
            out -= m
            step = max(step, float(np.max(np.abs(m))))
        if len(ids) == 1 or step <= tol * scale:
            return out
    raise ConvergenceError(f"two-way within transformation did not converge (last step {step:.1e})")


def _block_rows(blocks: np.ndarray | None, n: int) -> list[np.ndarray]:
    """The rows of each block (one block of all rows without ``blocks``)."""
    if blocks is None:
        return [np.arange(n)]
    order = np.argsort(blocks, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(blocks[order])) + 1)


def wage_equation(
    z: np.ndarray,
    wage: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray | None = None,
    types: np.ndarray | None = None,
    blocks: np.ndarray | None = None,
) -> WageFit:
    """Weighted least squares of ``wage`` on ``z = log(pi/f0)``.

    With ``groups`` (e.g. firms) the slope is the within-group slope (a group effect
    absorbed: a firm's vacancies, inferred from its realised employment, enter z only
    through a firm effect, so they cannot attenuate lambda_x) and the intercept is set
    by the overall weighted means; without, plain WLS (the same intercept formula).
    With ``types`` as well, a worker-type effect is absorbed too: z = x'By + [kappa -
    s_y log m0(x)] + [s_y log g0(y) - log dy] (docs/estimation.md, "Wage equation"), so
    the slope comes from the match term x'By alone and does not depend on the model's
    unemployed by type m0(x), which the model does not fit type by type (it fits the
    cross moments and the unemployment rate). ``types`` is either each record's type
    (an integer array: two-way within transformation) or, for types measured with error,
    each record's probabilities of the true types (an (N, Nx) array, rows summing to 1:
    the true types' effects enter the wage as sum_c P(c | record) d_c, partialled out
    with the firm effects by Frisch-Waugh-Lovell). With ``blocks`` (each record's market;
    ``groups`` nested in them) the type effects are per block: the model's unemployed
    m0_k(x) are a market's, and a global type effect leaves their market-to-market
    noise in z, which attenuates the slope (and the bootstrap replicates' more, since
    a replicate's resampled firms move each market's m0_k). R2 is the within R2 with
    groups.
    """
    w = np.asarray(weights, dtype=np.float64)
    wage = np.asarray(wage, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    soft = types is not None and np.ndim(types) == 2
    if blocks is not None:
        blocks = np.unique(np.asarray(blocks), return_inverse=True)[1].reshape(-1)
        if groups is not None:
            g = np.unique(np.asarray(groups), return_inverse=True)[1].reshape(-1)
            lo = np.full(g.max() + 1, blocks.max() + 1)
            np.minimum.at(lo, g, blocks)
            if np.any(lo[g] != blocks):
                raise ModelInputError("wage_equation: every group must lie in one block")
        if types is not None and not soft:
            t = np.unique(np.asarray(types), return_inverse=True)[1].reshape(-1)
            types = blocks * (int(t.max()) + 1) + t
    ids = []
    for g in (groups, None if soft else types):
        if g is not None:
            ids.append(np.unique(np.asarray(g), return_inverse=True)[1].reshape(-1))
    if not ids:
        ids = [np.zeros(z.size, dtype=np.int64)]
    wd = _demean(wage, w, ids)
    zd = _demean(z, w, ids)
    if soft:
        T = np.asarray(types, dtype=np.float64)
        Td = np.stack([_demean(t, w, ids) for t in T.T], axis=1)
        sw = np.sqrt(w)[:, None]
        Y = np.stack([wd, zd], axis=1)
        for rows in _block_rows(blocks, z.size):  # FWL per block (groups nested in them)
            coef = np.linalg.lstsq(Td[rows] * sw[rows], Y[rows] * sw[rows], rcond=None)[0]
            Y[rows] -= Td[rows] @ coef
        wd, zd = Y[:, 0], Y[:, 1]
    if not np.sum(w * zd * zd) > 0:
        raise ModelInputError("the wage equation needs variation in log(pi/f0) (within firms)")
    slope = float(np.sum(w * zd * wd) / np.sum(w * zd * zd))
    inter = float(np.average(wage, weights=w) - slope * np.average(z, weights=w))
    resid = wd - slope * zd
    r2 = float(1 - (w @ resid**2) / (w @ wd**2))
    return WageFit(slope, inter, r2, int(z.size))


def structural_levels(
    wf: WageFit | None,
    B: np.ndarray,
    kappa_d: float,
    kappa_f: float,
    *,
    lambda_x_share: float,
    cal: YearCalibration | None,
    norm: ForeignNorm,
    mean_z: float,
    mean_xBy: float,
    mean_z_star: float | None = None,
    mean_xBy_star: float | None = None,
    free_sign: bool = False,
) -> tuple[dict[str, float], np.ndarray, list[str]]:
    """The seed's parameters from the reduced fit (module docstring).

    ``mean_z`` = E_mu[log(pi/f0)] and ``mean_xBy`` = E_mu[x'By] over the model's
    domestic matches; ``*_star`` the same over offshored matches (None: no offshoring).
    ``free_sign`` (bootstrap replicates): a wage slope lambda_x <= 0 is mapped like any
    other instead of raising, so a replicate whose within-firm slope crosses zero (weak
    sorting: little variation in log(pi/f0)) stays in the bootstrap distribution rather
    than being dropped, which would cut the lower tail of lambda and of everything
    scaling with it (docs/estimation.md, "Bootstrap honesty"). The point estimate still
    needs lambda_x > 0.
    Returns (scalars by name, Phi, what was normalised).
    """
    sx = float(lambda_x_share)
    p = dict.fromkeys(SCALARS, np.nan)
    p["kappa_d"], p["kappa_f"] = kappa_d, kappa_f
    normalised: list[str] = []
    if wf is None:
        normalised.append("lambda = 1 (no wages)")
        p.update({"lambda": 1.0, "lambda_x": sx, "lambda_y": 1 - sx})
        return p, np.array(B, dtype=np.float64, copy=True), normalised
    lx, a0 = wf.slope, wf.intercept
    if lx <= 0 and not (free_sign and lx != 0):
        raise ModelInputError(
            f"the wage equation gives lambda_x = {lx:.4g} <= 0: wages do not rise with log(pi/f0)"
        )
    lam = lx / sx
    ly = lam - lx
    Phi = lam * np.asarray(B, dtype=np.float64)
    w0 = cal.w0 if cal is not None else 0.0
    r0 = cal.r0 if cal is not None else 0.0
    nu_x = (w0 - a0) / lx
    p.update({"lambda": lam, "lambda_x": lx, "lambda_y": ly, "nu_x": nu_x})
    mean_w = w0 + lx * (mean_z - nu_x)
    if cal is not None and np.isfinite(cal.wage_bill_share):
        C = mean_w / cal.wage_bill_share - lam * mean_xBy
    else:
        C = 0.0
        normalised.append("C = 0 (no wage-bill share)")
    p["C"] = C
    p["nu_y"] = (lam * kappa_d - C + w0 + r0 - lx * nu_x) / ly
    if mean_z_star is None:
        return p, Phi, normalised
    if cal is None or not np.isfinite(cal.mean_w_star):
        normalised.append("foreign levels not identified (no E(w*))")
        return p, Phi, normalised
    nu_xs = (cal.w0_star + lx * mean_z_star - cal.mean_w_star) / lx
    base = lam * kappa_f + cal.w0_star + r0 - lx * nu_xs  # = C* + lambda_y nu_y*
    if isinstance(norm, str) and norm == "wage_share":
        Cs = cal.mean_w_star / cal.wage_bill_share - lam * mean_xBy_star
        nu_ys = (base - Cs) / ly
    elif isinstance(norm, str) and norm != "symmetric":
        raise ModelInputError(f"unknown foreign_normalisation {norm!r}")
    else:
        nu_ys = nu_xs + (0.0 if isinstance(norm, str) else float(norm))
        Cs = base - ly * nu_ys
    p.update(nu_x_star=nu_xs, nu_y_star=nu_ys, C_star=Cs, c_F=C - Cs)
    return p, Phi, normalised


def model_parameters(
    p: Mapping[str, float],
    cal: YearCalibration | None,
    Phi: np.ndarray,
    *,
    foreign: bool,
    c_star_shift: float | None = None,
) -> dict[str, Any]:
    """The :class:`~skillshore.matching.MatchingModel` parameters of an estimate.

    The estimated ``p`` (:data:`SCALARS`) and ``Phi``, the calibration's outside options
    (0 without a calibration) and, with ``foreign``, the offshored matches' C*, w0*,
    nu_x*, nu_y*; ``c_star_shift`` adds lambda * shift to C* (a market's shifter z_k'
    beta). Both estimators' economies (pooled, market by market) are built from it.
    """
    if not np.isfinite(p["nu_x"]):
        raise ModelInputError("the economy's levels need wages (lambda_x) to be estimated")
    kw: dict[str, Any] = dict(
        Phi=Phi,
        C=p["C"],
        lambda_x=p["lambda_x"],
        lambda_y=p["lambda_y"],
        w0=cal.w0 if cal else 0.0,
        r0=cal.r0 if cal else 0.0,
        nu_x=p["nu_x"],
        nu_y=p["nu_y"],
    )
    if foreign:
        c_star = p["C_star"] if c_star_shift is None else p["C_star"] + p["lambda"] * c_star_shift
        kw.update(
            C_star=c_star,
            w0_star=cal.w0_star,
            nu_x_star=p["nu_x_star"],
            nu_y_star=p["nu_y_star"],
        )
    return kw
