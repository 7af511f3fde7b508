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
analogue ``G_j = m + m**(ly/lambda) B_j``: in closed form when lx = ly (a quadratic
in sqrt(m)), otherwise by Newton's method on ``log F = logaddexp(u, s u + a)``,
which is convex and increasing in u = log m (monotone convergence after the first
step). A_r and B_j are log-sum-exps computed by :mod:`skillshore.matching._system`.

IPFP is exact block-coordinate ascent on a concave dual with two blocks (workers'
and firms' potentials), i.e. nonlinear Gauss-Seidel on a consistently ordered
system; ``relax="auto"`` measures its linear rate rho over the first sweeps and
then over-relaxes with Young's optimal factor 2 / (1 + sqrt(1 - rho)) (successive
over-relaxation; Thibault et al. 2017, Lehmann et al. 2022 for Sinkhorn), falling
back to plain IPFP if the error grows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from skillshore.errors import ConvergenceError, ModelInputError
from skillshore.matching._system import MarketKernel, _System
from skillshore.matching.economy import MatchingModel
from skillshore.matching.equilibrium import Equilibrium, check_init

__all__ = ["MarketState", "solve", "solve_markets", "solve_path"]

Mode = Literal["auto", "dense", "kernel_free"]
_DENSE_MAX_ENTRIES = 150_000_000  # auto mode: dense up to 1.2 GB of scaled kernel
_LOG4 = np.log(4.0)


def _solve_singles(logF: np.ndarray, a: np.ndarray, s: float, u: np.ndarray) -> np.ndarray:
    """Solve log F = logaddexp(u, s*u + a) for u (vectorised). ``a = -inf`` gives u = log F."""
    if s == 0.5:
        # sqrt(m) = 2F / (A + sqrt(A^2 + 4F)), all in logs
        with np.errstate(invalid="ignore"):
            den = np.logaddexp(a, 0.5 * np.logaddexp(2.0 * a, _LOG4 + logF))
        return 2.0 * (np.log(2.0) + logF - den)
    u = np.array(u, dtype=np.float64, copy=True)
    none = ~np.isfinite(a)
    upper = np.minimum(logF, np.where(none, np.inf, (logF - a) / s))
    bad = ~np.isfinite(u) | (u > upper)
    u[bad] = upper[bad]
    a_ = np.where(none, -np.inf, a)
    for _ in range(100):
        z2 = s * u + a_
        lse = np.logaddexp(u, z2)
        step = (lse - logF) / (np.exp(u - lse) + s * np.exp(z2 - lse))
        u -= step
        if np.all(np.abs(step) <= 1e-14 * (1.0 + np.abs(u))):
            break
    u[none] = logF[none]
    return u


def _residual(logF: np.ndarray, a: np.ndarray, s: float, u: np.ndarray, singles: bool) -> float:
    """Largest relative margin error |m + m^s A - F| / F (|m^s A - F| / F without singles)."""
    with np.errstate(invalid="ignore"):
        lse = np.logaddexp(u, s * u + a) if singles else s * u + a
        r = np.abs(np.expm1(lse - logF))
    return float(np.max(r)) if r.size else 0.0


def _update(logF, a, s, u, singles: bool) -> np.ndarray:
    if singles:
        return _solve_singles(logF, a, s, u)
    return (logF - a) / s  # Sinkhorn step: F = m^s A exactly


def _adapt(theta: float, errors: list[float], since: int, best: float, fails: int):
    """Over-relaxation schedule: Young's optimal factor from the measured rate.

    At theta = 1 the rate r is IPFP's (Gauss-Seidel) rate rho; at theta > 1 below the
    optimum, Young's relation (r + theta - 1)^2 = r theta^2 rho gives rho back, so the
    factor is refined as the asymptotic rate shows. Plain IPFP again if the error grows.
    """
    since += 1
    err = errors[-1]
    best = min(best, err)
    if theta > 1 and err > 10 * best and since > 5:  # diverging: plain IPFP again
        return 1.0, 0, err, fails + 1
    if fails >= 2 or since < 11 or len(errors) < 11:
        return theta, since, best, fails
    r = (errors[-1] / errors[-6]) ** 0.2
    r_before = (errors[-6] / errors[-11]) ** 0.2
    if abs(r - r_before) > 0.05:  # not yet the asymptotic (linear) regime
        return theta, since, best, fails
    if not (0 < r < 1) or r <= 1.2 * (theta - 1):
        return theta, since, best, fails
    rho = (r + theta - 1) ** 2 / (r * theta**2)
    if not (0.3 < rho < 1):
        return theta, since, best, fails
    new = min(1.95, 1 + 0.95 * (2 / (1 + np.sqrt(1 - rho)) - 1))
    if new > theta + 0.01:
        return new, 0, err, fails
    return theta, since, best, fails


def _build(model: MatchingModel, mode: Mode) -> _System:
    if mode not in ("auto", "dense", "kernel_free"):
        raise ModelInputError(f"mode must be 'auto', 'dense' or 'kernel_free', got {mode!r}")
    lam = model.lam
    nx, ny = model.shape
    foreign = (
        np.flatnonzero(model.fbar_star > 0) if model.has_foreign else np.zeros(0, dtype=np.int64)
    )
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
    if mode == "auto":
        mode = (
            "dense"
            if (model.surplus is not None or nx * ny <= _DENSE_MAX_ENTRIES)
            else "kernel_free"
        )
    general = model.surplus is not None
    return _System(
        model=model,
        mode=mode,
        n_dom=nx,
        foreign_idx=foreign,
        row_off=np.concatenate([c_dom, c_for[foreign]]),
        col_off=(-model.r0 + model.lambda_x * np.log(model.dy)) / lam,
        logF=np.log(np.concatenate([model.fbar, model.fbar_star[foreign] if foreign.size else []])),
        logG=np.log(model.gbar),
        sx=model.lambda_x / lam,
        sy=model.lambda_y / lam,
        Xt=None if general else np.ascontiguousarray((model.x @ model.Phi) / lam),
        Y=None if general else np.ascontiguousarray(model.y),
        Kmat=np.ascontiguousarray(model.surplus / lam) if general else None,
    )


def _warm(init, sys_: _System) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Starting (u, t, relax) from an equilibrium (types matched) or (log_u, log_g0)."""
    R, ny = sys_.logF.size, sys_.logG.size
    u, t, relax = np.full(R, np.nan), sys_.logG.copy(), None
    if init is None:
        return u, t, relax
    if isinstance(init, Equilibrium):
        if init.model.shape == sys_.model.shape and init.model.singles == sys_.model.singles:
            full = init.log_singles_full()  # (domestic nx, foreign nx)
            u = np.concatenate([full[0], full[1][sys_.foreign_idx]])
            t = init.log_g0.copy()
            relax = init.relax
    else:
        lu, lt = (np.asarray(v, dtype=np.float64) for v in init)
        if lu.shape == (R,):
            u = lu.copy()
        if lt.shape == (ny,):
            t = lt.copy()
    if np.any(np.isfinite(u)):  # types new to the foreign pool start unmatched
        u = np.where(np.isfinite(u), u, sys_.logF)
    if not np.all(np.isfinite(t)):
        t = sys_.logG.copy()
    return u, t, relax


def solve(
    model: MatchingModel,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    mode: Mode = "auto",
    init: Equilibrium | tuple[np.ndarray, np.ndarray] | None = None,
    verbose: bool = False,
    raise_on_fail: bool = True,
    callback: Callable[[int, float], None] | None = None,
    relax: float | Literal["auto"] = "auto",
) -> Equilibrium:
    """Solve the matching equilibrium by heteroskedastic IPFP in the log domain.

    Parameters
    ----------
    model : MatchingModel
        Primitives (seed eqs. 4-9).
    tol : float
        Stop when every margin (workers, foreign workers, firms) holds to this
        relative error (default 1e-10).
    max_iter : int
        Maximum number of IPFP sweeps (one sweep = a row and a column update).
    mode : {"auto", "dense", "kernel_free"}
        ``dense`` stores one scaled kernel exp(K + potentials) and runs absorbed
        scaling iterations (BLAS matrix-vector products, potentials re-absorbed
        whenever the scalings leave [e^-30, e^30], exact log-domain fallback, so
        nothing overflows); ``kernel_free`` recomputes ``x' Phi y`` on the fly in
        the log domain with O(Nx + Ny) memory. ``auto``: dense up to 150 million
        kernel entries (1.2 GB), kernel-free beyond.
    init : Equilibrium or (log_u, log_g0), optional
        Warm start: a previous equilibrium on the same supports (e.g. the previous
        point of a comparative-statics path or of an estimator's search), or the
        stacked log singles' masses and the firms' log singles' masses.
    verbose : bool
        Print the margin error every 100 sweeps.
    raise_on_fail : bool
        Raise :class:`~skillshore.errors.ConvergenceError` when ``tol`` is not met
        (also on NaN); otherwise return the state with ``converged=False``.
    callback : callable, optional
        Called as ``callback(iteration, error)`` before each sweep.
    relax : "auto" or float in (0, 2)
        Over-relaxation factor; ``1`` is plain IPFP, ``"auto"`` estimates Young's
        optimal factor from the measured rate (or reuses the warm start's).

    Returns
    -------
    Equilibrium
        With ``n_iter``, ``marginal_error`` (largest relative margin error of the
        returned state, both sides) and ``converged``.
    """
    if not (tol > 0):
        raise ModelInputError("tol must be > 0")
    auto = relax == "auto"
    if not auto and not (0 < float(relax) < 2):
        raise ModelInputError(f"relax must be 'auto' or in (0, 2), got {relax!r}")
    t0 = time.perf_counter()
    init = check_init(model, init)
    sys_ = _build(model, mode)
    singles = model.singles
    u, t, theta0 = _warm(init, sys_)
    theta = float(relax) if not auto else (theta0 if theta0 is not None else 1.0)
    sx, sy, logF, logG = sys_.sx, sys_.sy, sys_.logF, sys_.logG
    errors: list[float] = []
    err, err_col = np.inf, np.inf  # no column error before the first column update
    best, fails, since = np.inf, 0, 0
    started = bool(np.all(np.isfinite(u)))  # False on a cold start: no error before sweep 1
    it = 0
    for it in range(1, max_iter + 1):
        a = sys_.row_a(t)
        if started:
            err = max(_residual(logF, a, sx, u, singles), err_col)
            errors.append(err)
            if callback is not None:
                callback(it, err)
            if verbose and it % 100 == 0:
                print(f"IPFP sweep {it}: max relative margin error {err:.3e} (relax {theta:.3f})")
            if err < tol or np.isnan(err) or (np.isinf(err) and np.isfinite(err_col)):
                break
            if auto:
                theta, since, best, fails = _adapt(theta, errors, since, best, fails)
        u_new = _update(logF, a, sx, u, singles)
        u = u + theta * (u_new - u) if started else u_new
        started = True
        b = sys_.col_b(u)
        t = t + theta * (_update(logG, b, sy, t, singles) - t)
        err_col = _residual(logG, b, sy, t, singles)
        if np.isnan(err_col) or np.any(np.isnan(u)):
            err = np.nan
            break
    else:  # max_iter reached: error of the returned state
        err = max(_residual(logF, sys_.row_a(t), sx, u, singles), err_col)
    sys_.release()
    final = float(err) if np.all(np.isfinite(u)) and np.all(~np.isnan(t)) else np.nan
    converged = bool(np.isfinite(final) and final < tol)
    eq = Equilibrium(
        system=sys_,
        log_u=u,
        log_g0=t,
        n_iter=it,
        marginal_error=final,
        converged=converged,
        errors=np.asarray(errors),
        seconds=time.perf_counter() - t0,
        relax=float(theta),
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


# ------------------------------------------------------------ segmented markets, profiled


@dataclass
class MarketState:
    """Potentials of :func:`solve_markets` (a warm start for the next solve)."""

    lm0: np.ndarray  # (K, Nx) log unemployed
    lms: np.ndarray  # (K, Nx) log foreign singles
    b: np.ndarray  # (K, J) lambda_y/lambda log vacancies
    logW: np.ndarray  # (K,) log workforce of each market
    sweeps: int = 0
    error: float = np.inf


def _market_singles(logF, a, s, u, ok) -> np.ndarray:
    out = np.full(logF.shape, -np.inf)
    out[ok] = _solve_singles(logF[ok], a[ok], s, np.where(np.isfinite(u[ok]), u[ok], logF[ok]))
    return out


def _capacity_vacancies(
    beta: np.ndarray,
    S: np.ndarray,
    log_total: np.ndarray,
    sx: float,
    sy: float,
    start: np.ndarray,
    ok: np.ndarray,
) -> np.ndarray:
    """log g0 solving s_y log g0 + s_x log(S + g0) = beta + s_x log_total per firm (Newton
    from ``start``; the left side increases in log g0 with slope in [s_y, 1])."""
    rhs = beta + sx * log_total[:, None]
    u = np.where(ok & np.isfinite(start), start, np.where(ok, rhs, 0.0))
    Ssafe = np.where(ok, S, 1.0)
    r = np.where(ok, rhs, 0.0)
    for _ in range(30):
        e = np.exp(u)
        step = np.where(
            ok, (sy * u + sx * np.log(Ssafe + e) - r) / (sy + sx * e / (Ssafe + e)), 0.0
        )
        u = u - step
        if not np.max(np.abs(step)) > 1e-14:  # quadratic: the next step would be ~1e-28
            break
    return np.where(ok, u, -np.inf)


def solve_markets(
    log_kernel: np.ndarray,
    log_slots: np.ndarray,
    log_shares: np.ndarray,
    const_d: np.ndarray,
    const_f: np.ndarray | None,
    *,
    lambda_x_share: float,
    slots_ratio: float,
    foreign_pool: float,
    state: MarketState,
    tol: float = 1e-13,
    max_sweeps: int = 3_000,
    capacity_volumes: bool = False,
) -> tuple[MarketState, dict[str, np.ndarray]]:
    """IPFP for K segmented markets with *profiled* firm margins (reduced units, lambda = 1).

    Market k, worker type c, firm j (``docs/estimation.md``, "Market-segmented estimation")::

        log mu_kcj  = K_kcj + const_d_k + s_x log m0_kc  + s_y log g0_kj
        log mu*_kcj = K_kcj + const_f_k + s_x log m0*_kc + s_y log g0_kj
        W_k phi_kc = m0_kc + sum_j mu_kcj,   pool W_k phi_kc = m0*_kc + sum_j mu*_kcj
        S_kj = sum_c (mu_kcj + mu*_kcj)                      (profiled: g0 is implied)
        sum_j (S_kj + g0_kj) = slots_ratio W_k               (the seed's |gbar| = (1 + o)|fbar|)

    Parameters
    ----------
    log_kernel : (K, Nx, J)
        K_kcj = x_c'B y_j (-inf at padded firms).
    log_slots : (K, J)
        log S_kj, a firm's domestic plus offshored workers (-inf: no firm).
    log_shares : (K, Nx)
        log phi_kc, the population share of worker type c in market k (-inf: none).
    const_d, const_f : (K,)
        Constants of domestic and offshored matches (``const_f`` None: no offshoring).
    lambda_x_share : float
        s_x = lambda_x / lambda (s_y = 1 - s_x).
    slots_ratio : float
        |gbar_k| / |fbar_k| (1 + the calibrated offshoring rate).
    foreign_pool : float
        |fbar*|/|fbar| of each worker type.
    state : MarketState
        Starting potentials (warm start).
    capacity_volumes : bool
        Each firm's base-measure volume is its share of its market's jobs,
        dy_kj = (S_kj + g0_kj) / sum_j (S_kj + g0_kj), which enters both kinds of matches
        as s_x log dy_kj (docs/estimation.md, "Base measure of the firm side"). Solved
        inside the sweeps: with beta_kj = s_y log g0_kj + s_x log dy_kj the column update
        is the one without volumes, and each firm's vacancies solve
        s_y log g0 + s_x log(S + g0) = beta + s_x log((1 + o) W_k) (monotone; Newton),
        since sum_j (S_kj + g0_kj) = (1 + o) W_k at the solution. ``state.b`` then holds
        beta and ``out["log_dy"]`` the volumes.

    Returns
    -------
    (MarketState, dict)
        The potentials and ``mu``, ``m0``, ``g0``, ``W`` (and ``mu_star``, ``m0_star``;
        ``log_dy`` with ``capacity_volumes``).

    Each sweep: the singles update of :func:`solve` for domestic and foreign rows, the
    closed-form profiled column update, a Newton step in log W_k. Raises
    :class:`ConvergenceError` if the largest change stays above 1e-9 (a sweep that
    stops contracting marks an infeasible trial point of an outer search).
    """
    ker = MarketKernel(log_kernel)
    sx = float(lambda_x_share)
    sy = 1.0 - sx
    foreign = const_f is not None
    colok = np.isfinite(log_slots)
    ok = np.isfinite(log_shares)
    o = float(slots_ratio) - 1.0
    lm0, lms, b, logW = (state.lm0.copy(), state.lms.copy(), state.b.copy(), state.logW.copy())
    Sj = np.where(colok, np.exp(log_slots), 0.0)
    Sk = Sj.sum(axis=1)
    lg0 = np.where(colok, b / sy, -np.inf)  # capacity_volumes: log g0, Newton's start
    lo = np.log(Sk / (1 + o)) + 1e-9
    err = err300 = np.inf
    sweep = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for sweep in range(1, max_sweeps + 1):  # noqa: B007
            LA = ker.over_firms(b)  # (K, Nx)
            logF = logW[:, None] + log_shares
            lm0_n = _market_singles(logF, const_d[:, None] + LA, sx, lm0, ok)
            Ld = ker.over_workers(sx * lm0_n + const_d[:, None])
            if foreign:
                lF = logF + np.log(foreign_pool)
                lms_n = _market_singles(lF, const_f[:, None] + LA, sx, lms, ok)
                Lc = np.logaddexp(Ld, ker.over_workers(sx * lms_n + const_f[:, None]))
            else:
                lms_n, Lc = lms, Ld
            b_n = np.where(colok, log_slots - Lc, -np.inf)
            # market workforce: |gbar_k| = (1 + o) |fbar_k| (Newton step in log W)
            W = np.exp(logW)
            M0 = np.exp(lm0_n).sum(axis=1)
            T = (1 + o) * W - Sk
            slope = -(sx / sy) * W / M0 - (1 + o) * W / T
            if capacity_volumes:
                lg0 = _capacity_vacancies(b_n, Sj, np.log1p(o) + logW, sx, sy, lg0, colok)
                g0 = np.where(colok, np.exp(lg0), 0.0)
                V = g0.sum(axis=1)
                # d log g0 / d log W through the volumes' normaliser (1 + o) W
                d = sx / (sy + sx * g0 / np.where(colok, Sj + g0, 1.0))
                slope = slope + (g0 * d).sum(axis=1) / V
            else:
                V = np.where(colok, np.exp(b_n / sy), 0.0).sum(axis=1)
            f = np.log(V) - np.log(T)
            logW_n = np.maximum(logW - np.clip(f / slope, -0.5, 0.5), lo)
            err = max(
                float(np.max(np.abs(np.where(colok, b_n - b, 0.0)))),
                float(np.max(np.abs(np.where(ok, lm0_n - lm0, 0.0)))),
                float(np.max(np.abs(logW_n - logW))),
            )
            lm0, lms, b, logW = lm0_n, lms_n, b_n, logW_n
            if err < tol or not np.isfinite(err):
                break
            if sweep == 300:
                err300 = err
            elif sweep % 300 == 0 and err > 0.5 * err300:
                break  # not contracting: an infeasible trial point
            elif sweep % 300 == 0:
                err300 = err
    if not err < 1e-9:
        raise ConvergenceError(
            f"market IPFP did not converge: {sweep} sweeps, largest change {err:.2e}"
        )
    st = MarketState(lm0=lm0, lms=lms, b=b, logW=logW, sweeps=sweep, error=err)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mu = np.exp(log_kernel + (sx * lm0 + const_d[:, None])[:, :, None] + b[:, None, :])
        if capacity_volumes:
            lg0 = _capacity_vacancies(b, Sj, np.log1p(o) + logW, sx, sy, lg0, colok)
            g0 = np.where(colok, np.exp(lg0), 0.0)
        else:
            g0 = np.where(colok, np.exp(b / sy), 0.0)
        out = {"mu": mu, "m0": np.exp(lm0), "g0": g0}
        if capacity_volumes:
            out["log_dy"] = np.where(colok, (b - sy * lg0) / sx, 0.0)
        out["W"] = np.exp(logW)
        if foreign:
            ls = sx * lms + const_f[:, None]
            out["mu_star"] = np.exp(log_kernel + ls[:, :, None] + b[:, None, :])
            out["m0_star"] = np.exp(lms)
    return st, out
