"""Heteroskedastic IPFP in the log domain (seed eqs. 4-10; Galichon-Salanie 2022).

Equilibrium equations solved (masses, base measure folded into the kernel; see
``docs/model.md``)::

    lambda log mu_ij  = q_ij  - w0_i  - r0_j + lx nu_x  + ly nu_y  + ly log dx_i + lx log dy_j
                        + lx log m_i0  + ly log m_0j
    lambda log mu*_ij = q*_ij - w0*_i - r0_j + lx nu_x* + ly nu_y* + ly log dx_i + lx log dy_j
                        + lx log m*_i0 + ly log m_0j
    fbar_i  = m_i0  + sum_j mu_ij        fbar*_i = m*_i0 + sum_j mu*_ij
    gbar_j  = m_0j  + sum_i mu_ij + sum_i mu*_ij

Each half-step solves, for every row r (domestic and foreign worker types), the
scalar equation ``F_r = m + m**(lx/lambda) A_r`` and for every column the
analogue ``G_j = m + m**(ly/lambda) B_j``. In logs, ``log F = logaddexp(u, s u + a)``
is convex and increasing in u = log m, so Newton's method converges
monotonically after its first step. A_r and B_j are log-sum-exps computed by the
kernels in :mod:`skillshore.matching._kernels`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from skillshore.errors import ConvergenceError
from skillshore.matching.economy import MatchingModel
from skillshore.matching.equilibrium import Equilibrium, _System

__all__ = ["solve", "solve_path"]

Mode = Literal["auto", "dense", "kernel_free"]
_DENSE_MAX_ENTRIES = 150_000_000  # auto mode: dense up to 1.2 GB per kernel copy (two copies held)
_LOG_SWEEPS = 3  # exact log-domain sweeps before the dense mode switches to absorbed scaling


def _solve_singles(logF: np.ndarray, a: np.ndarray, s: float, u: np.ndarray) -> np.ndarray:
    """Solve log F = logaddexp(u, s*u + a) for u by safeguarded Newton (vectorised).

    ``a = -inf`` (no possible match) gives u = log F.
    """
    u = np.array(u, dtype=np.float64, copy=True)
    none = ~np.isfinite(a)
    upper = np.minimum(logF, np.where(none, np.inf, (logF - a) / s))
    bad = ~np.isfinite(u) | (u > upper)
    u[bad] = upper[bad]
    a_ = np.where(none, -np.inf, a)
    for _ in range(100):
        z2 = s * u + a_
        lse = np.logaddexp(u, z2)
        h = lse - logF
        w1 = np.exp(u - lse)
        w2 = np.exp(z2 - lse)
        step = h / (w1 + s * w2)
        u = u - step
        if np.all(np.abs(step) <= 1e-14 * (1.0 + np.abs(u))):
            break
    u[none] = logF[none]
    return u


def _residual(
    logF: np.ndarray, a: np.ndarray, s: float, u: np.ndarray, singles: bool = True
) -> np.ndarray:
    """Relative margin error |m + m^s A - F| / F of each row or column (|m^s A - F| / F without singles)."""
    lse = np.logaddexp(u, s * u + a) if singles else s * u + a
    return np.abs(np.expm1(lse - logF))


def _update(logF: np.ndarray, a: np.ndarray, s: float, u: np.ndarray, singles: bool) -> np.ndarray:
    if singles:
        return _solve_singles(logF, a, s, u)
    return (logF - a) / s  # Sinkhorn step: F = m^s A exactly


def _build(model: MatchingModel, mode: Mode) -> _System:
    lam = model.lam
    nx, ny = model.shape
    foreign = (
        np.flatnonzero(model.fbar_star > 0) if model.has_foreign else np.zeros(0, dtype=np.int64)
    )
    rows_x = np.concatenate([np.arange(nx), foreign])
    base = model.lambda_y * np.log(model.dx)
    c_dom = (-model.w0 + model.lambda_x * model.nu_x + model.lambda_y * model.nu_y + base) / lam
    c_for = (
        -model.c_F
        - model.w0_star
        + model.lambda_x * model.nu_x_star
        + model.lambda_y * model.nu_y_star
        + base
    ) / lam
    if model.surplus is None:
        c_dom = c_dom + model.C / lam
        c_for = c_for + model.C / lam
    row_off = np.concatenate([c_dom, c_for[foreign]])
    col_off = (-model.r0 + model.lambda_x * np.log(model.dy)) / lam
    logF = np.log(np.concatenate([model.fbar, model.fbar_star[foreign] if foreign.size else []]))
    if mode == "auto":
        small = (nx + foreign.size) * ny <= _DENSE_MAX_ENTRIES
        mode = "dense" if (model.surplus is not None or small) else "kernel_free"
    if model.surplus is not None and mode != "dense":
        raise ValueError("a general surplus matrix needs mode='dense'")
    if mode == "dense":
        Kd = (
            model.q() / lam
            if model.surplus is not None
            else (model.x @ model.Phi @ model.y.T) / lam
        )
        if model.surplus is not None:
            pass
        Kmat = np.ascontiguousarray(Kd[rows_x])
        Xt = Y = None
    elif mode == "kernel_free":
        Kmat = None
        Xt = np.ascontiguousarray((model.x @ model.Phi)[rows_x] / lam)
        Y = np.ascontiguousarray(model.y)
    else:
        raise ValueError(f"mode must be 'auto', 'dense' or 'kernel_free', got {mode!r}")
    return _System(
        model=model,
        mode=mode,
        n_dom=nx,
        foreign_idx=foreign,
        row_off=row_off,
        col_off=col_off,
        logF=logF,
        logG=np.log(model.gbar),
        sx=model.lambda_x / lam,
        sy=model.lambda_y / lam,
        Kmat=Kmat,
        Xt=Xt,
        Y=Y,
    )


def solve(
    model: MatchingModel,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    mode: Mode = "auto",
    init: Equilibrium | tuple[np.ndarray, np.ndarray] | None = None,
    verbose: bool = False,
    raise_on_fail: bool = True,
    callback: Callable[[int, float], None] | None = None,
) -> Equilibrium:
    """Solve the matching equilibrium by heteroskedastic IPFP in the log domain.

    Parameters
    ----------
    model : MatchingModel
        Primitives (seed eqs. 4-9).
    tol : float
        Stop when every margin holds to this relative error (default 1e-10).
    max_iter : int
        Maximum number of IPFP sweeps (one sweep = a row and a column update).
    mode : {"auto", "dense", "kernel_free"}
        ``dense`` stores the (Nx, Ny) kernel and, after three exact log-domain
        sweeps, runs absorbed scaling iterations (BLAS matrix-vector products,
        potentials re-absorbed into the kernel whenever a scaling leaves
        [e^-30, e^30], so nothing overflows); ``kernel_free`` recomputes
        ``x' Phi y`` on the fly in the log domain with O(Nx + Ny) memory.
        ``auto``: dense up to 150 million kernel entries (two copies of 1.2 GB), kernel-free beyond.
    init : Equilibrium or (log_f0, log_g0), optional
        Warm start (e.g. the previous point of a comparative-statics path).
    verbose : bool
        Print the margin error every 100 sweeps.
    raise_on_fail : bool
        Raise :class:`~skillshore.errors.ConvergenceError` when ``tol`` is not met.
    callback : callable, optional
        Called as ``callback(iteration, error)`` after each sweep.

    Returns
    -------
    Equilibrium
        With ``n_iter``, ``marginal_error`` (largest relative margin error of the
        returned state, both sides) and ``converged``.
    """
    if not (tol > 0):
        raise ValueError("tol must be > 0")
    t0 = time.perf_counter()
    sys_ = _build(model, mode)
    R = sys_.logF.size
    singles = model.singles
    scaling = sys_.mode == "dense"
    if init is None:
        u = np.full(R, np.nan)
        t = sys_.logG.copy()
    else:
        lu, lt = (init.log_row_singles(), init.log_g0) if isinstance(init, Equilibrium) else init
        lu = np.asarray(lu, dtype=np.float64)
        u = lu if lu.size == R else np.full(R, np.nan)
        t = np.asarray(lt, dtype=np.float64).copy()
        if t.shape != sys_.logG.shape:
            t = sys_.logG.copy()
    errors = []
    err = np.inf
    it = 0
    for it in range(1, max_iter + 1):
        a = sys_.row_off + sys_.row_lse(sys_.col_off + sys_.sy * t)
        if np.all(np.isfinite(u)):
            err = float(np.max(_residual(sys_.logF, a, sys_.sx, u, singles)))
            errors.append(err)
            if callback is not None:
                callback(it, err)
            if verbose and it % 100 == 0:
                print(f"IPFP sweep {it}: max relative margin error {err:.3e}")
            if err < tol:
                break
            if not np.isfinite(err):
                break
        u = _update(sys_.logF, a, sys_.sx, u, singles)
        b = sys_.col_off + sys_.col_lse(sys_.row_off + sys_.sx * u)
        t = _update(sys_.logG, b, sys_.sy, t, singles)
        if it == _LOG_SWEEPS and scaling:
            sys_.start_scaling(sys_.row_off + sys_.sx * u, sys_.col_off + sys_.sy * t)
    # exact errors of the returned state, both sides, in the exact log domain
    sys_.release()
    a = sys_.row_off + sys_.row_lse(sys_.col_off + sys_.sy * t)
    b = sys_.col_off + sys_.col_lse(sys_.row_off + sys_.sx * u)
    if np.any(~np.isfinite(u)) or np.any(np.isnan(t)):
        final = np.nan
    else:
        final = float(
            max(
                np.max(_residual(sys_.logF, a, sys_.sx, u, singles)),
                np.max(_residual(sys_.logG, b, sys_.sy, t, singles)),
            )
        )
    converged = bool(np.isfinite(final) and final < max(tol, 1e-15) * 10)
    eq = Equilibrium(
        system=sys_,
        log_u=u,
        log_g0=t,
        n_iter=it,
        marginal_error=final,
        converged=converged,
        errors=np.asarray(errors),
        seconds=time.perf_counter() - t0,
    )
    if raise_on_fail and not converged:
        raise ConvergenceError(
            f"IPFP did not converge: {it} sweeps, largest relative margin error {final:.3e} "
            f"(tol {tol:.1e}); try a larger max_iter, or check Phi/lambda and the masses"
        )
    return eq


def solve_path(
    model: MatchingModel,
    c_F: np.ndarray,
    tol: float = 1e-10,
    mode: Mode = "auto",
    max_iter: int = 100_000,
) -> list[Equilibrium]:
    """Solve along a path of offshoring costs c_F = C - C* (warm-started).

    Used for the seed's "Illustration of Equilibrium" figures: C is held fixed and
    C* = C - c_F varies.
    """
    out: list[Equilibrium] = []
    prev: Equilibrium | None = None
    for cf in np.asarray(c_F, dtype=np.float64):
        m = model.replace(C_star=model.C - float(cf))
        prev = solve(m, tol=tol, mode=mode, init=prev, max_iter=max_iter)
        out.append(prev)
    return out
