"""Moment matching for Phi/lambda and the match-propensity constants (seed appendix
"Estimation Strategy", steps 1-2; Dupuy and Galichon 2014; Galichon and Salanie 2022).

In units of lambda = lambda_x + lambda_y the equilibrium depends on the
parameters only through

* ``B = Phi / lambda`` (m x n), the kernel x' B y;
* ``kappa_d = (C - w0 - r0 + lambda_x nu_x + lambda_y nu_y) / lambda``, the
  propensity of domestic matches (pinned by the unemployment rate);
* ``kappa_f = (C* - w0* - r0 + lambda_x nu_x* + lambda_y nu_y*) / lambda``, the
  propensity of offshored matches (pinned by the offshoring rate);

and the share ``s_x = lambda_x / lambda`` (fixed, ``lambda_x_share``). The
criterion

    L(theta) = <D, theta> - W(theta)

with D the data's moments (E[x y'] over domestic and offshored matches, the
masses of domestic and offshored matches, all in mass units) and W the social
welfare of the model at theta (appendix, "Social Planner's Problem") is concave,
and its gradient is the moment gap D - M(theta) (envelope theorem: dW/dPhi~_ij =
mu_ij). Without singles (the plain Dupuy-Galichon case) L is the
log-likelihood of the observed matches given the margins, up to a constant. We
maximise L by L-BFGS (IPFP warm-started from the previous evaluation).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from skillshore._parallel import serial_numba
from skillshore.errors import ConvergenceError
from skillshore.matching import Equilibrium, MatchingModel, solve
from skillshore.structural.jacobian import central_jacobian
from skillshore.structural.masses import Masses

__all__ = ["ReducedFit", "ReducedProblem", "fit_reduced", "serial_numba"]


@dataclass(eq=False)
class ReducedProblem:
    """The concave moment-matching problem on given masses.

    ``scale_x``/``scale_y`` rescale the characteristics internally (no centring, which
    would change the model with singles); ``B`` is reported in the original units.
    """

    masses: Masses
    lambda_x_share: float = 0.5
    ipfp_tol: float = 1e-12
    _last: Equilibrium | None = field(default=None, repr=False)
    n_solves: int = 0

    def __post_init__(self) -> None:
        M = self.masses
        w = M.fbar / M.fbar.sum()
        self.scale_x = np.sqrt(w @ M.x**2)
        self.scale_x[self.scale_x == 0] = 1.0
        v = M.gbar / M.gbar.sum()
        self.scale_y = np.sqrt(v @ M.y**2)
        self.scale_y[self.scale_y == 0] = 1.0
        self.xs = M.x / self.scale_x
        self.ys = M.y / self.scale_y
        self.m, self.n = M.x.shape[1], M.y.shape[1]
        self.foreign = M.mu_star is not None
        self.k_const = (1 + int(self.foreign)) if M.singles else 0
        mu_all = M.mu + (0.0 if M.mu_star is None else M.mu_star)
        d = [(self.xs.T @ mu_all @ self.ys).ravel()]
        if M.singles:
            d.append([M.mu.sum()])
            if self.foreign:
                d.append([M.mu_star.sum()])
        self.data_moments = np.concatenate(d)

    @property
    def n_params(self) -> int:
        return self.m * self.n + self.k_const

    def model(self, theta: np.ndarray) -> MatchingModel:
        """The economy at reduced parameters theta (lambda = 1, outside options 0)."""
        M = self.masses
        B = theta[: self.m * self.n].reshape(self.m, self.n)
        kd = theta[self.m * self.n] if M.singles else 0.0
        kf = theta[self.m * self.n + 1] if (M.singles and self.foreign) else 0.0
        return MatchingModel(
            x=self.xs,
            y=self.ys,
            fbar=M.fbar,
            gbar=M.gbar,
            Phi=B,
            C=kd,
            lambda_x=self.lambda_x_share,
            lambda_y=1.0 - self.lambda_x_share,
            fbar_star=M.fbar_star if self.foreign else None,
            C_star=kf,
            singles=M.singles,
        )

    def solve(self, theta: np.ndarray) -> Equilibrium:
        """IPFP at theta, warm-started from the previous solution's potentials; if that
        fails (a line-search trial far from the last point), once more from scratch."""
        model = self.model(theta)
        self.n_solves += 1
        init = None if self._last is None else (self._last.log_u, self._last.log_g0)
        try:
            eq = solve(model, tol=self.ipfp_tol, init=init, mode="dense")
        except ConvergenceError:
            if init is None:
                raise
            self.n_solves += 1
            eq = solve(model, tol=self.ipfp_tol, mode="dense")
        self._last = eq
        return eq

    def model_moments(self, eq: Equilibrium) -> np.ndarray:
        out = [eq.cross_moment() * eq.matched_domestic]
        if self.foreign:
            out[0] = out[0] + eq.cross_moment(foreign=True) * eq.matched_foreign
        out = [out[0].ravel()]
        if self.masses.singles:
            out.append([eq.matched_domestic])
            if self.foreign:
                out.append([eq.matched_foreign])
        return np.concatenate(out)

    def welfare(self, eq: Equilibrium) -> float:
        """W(theta) in units of lambda (its gradient in the surplus is the match masses).

        With singles: -s_x sum_r F_r log(m_r0 / F_r) - s_y sum_j G_j log(m_0j / G_j) over
        domestic and foreign worker rows r (Galichon-Salanie 2022 dual value); without,
        -s_x sum_r F_r u_r - s_y sum_j G_j v_j with the IPFP potentials (entropic OT dual).
        """
        m = eq.model
        sx, sy = m.lambda_x, m.lambda_y
        logF = np.log(m.fbar)
        if self.foreign:
            logF = np.concatenate([logF, np.log(m.fbar_star[m.fbar_star > 0])])
        logG = np.log(m.gbar)
        F, G = np.exp(logF), m.gbar
        if m.singles:
            return float(-sx * F @ (eq.log_u - logF) - sy * G @ (eq.log_g0 - logG))
        return float(-sx * F @ eq.log_u - sy * G @ eq.log_g0)

    def value_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray, Equilibrium]:
        """L(theta) and its gradient D - M(theta)."""
        eq = self.solve(theta)
        L = float(self.data_moments @ theta) - self.welfare(eq)
        return L, self.data_moments - self.model_moments(eq), eq

    def jacobian(self, theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
        """dM/dtheta by central differences (the negative Hessian of L; symmetrised),
        every solve warm-started from the same point."""
        last = self._last

        def moments(t: np.ndarray) -> np.ndarray:
            self._last = last
            return self.model_moments(self.solve(t))

        J = central_jacobian(moments, theta, h)
        self._last = last
        return 0.5 * (J + J.T)

    def to_original(self, theta: np.ndarray) -> np.ndarray:
        """B in the original units of x and y (constants unchanged)."""
        out = np.array(theta, dtype=np.float64, copy=True)
        B = out[: self.m * self.n].reshape(self.m, self.n)
        out[: self.m * self.n] = (B / self.scale_x[:, None] / self.scale_y[None, :]).ravel()
        return out

    def to_internal(self, theta: np.ndarray) -> np.ndarray:
        out = np.array(theta, dtype=np.float64, copy=True)
        B = out[: self.m * self.n].reshape(self.m, self.n)
        out[: self.m * self.n] = (B * self.scale_x[:, None] * self.scale_y[None, :]).ravel()
        return out

    def start(self) -> np.ndarray:
        """Starting values: B = 0 and the constants of the independent-matching economy."""
        M = self.masses
        theta = np.zeros(self.n_params)
        if M.singles:
            # with B = 0: log mu_ij = k + sx log m_i0 + sy log m_0j, at observed singles
            f0 = np.maximum(M.m0, 1e-300)
            g0 = np.maximum(M.v0, 1e-300)
            sx = self.lambda_x_share
            lm = np.log(np.maximum(M.mu.sum(), 1e-300))
            base = sx * np.log(f0).mean() + (1 - sx) * np.log(g0).mean()
            theta[self.m * self.n] = lm - np.log(M.mu.size) - base
            if self.foreign:
                theta[self.m * self.n + 1] = np.log(M.mu_star.sum()) - np.log(M.mu_star.size) - base
        return theta


@dataclass(frozen=True, eq=False)
class ReducedFit:
    """Result of :func:`fit_reduced` (internal units in ``theta_internal``)."""

    theta: np.ndarray
    theta_internal: np.ndarray
    equilibrium: Equilibrium
    value: float
    grad_norm: float
    n_iter: int
    n_solves: int
    converged: bool
    seconds: float
    message: str


def fit_reduced(
    problem: ReducedProblem,
    init: np.ndarray | None = None,
    gtol: float = 1e-8,
    max_iter: int = 500,
) -> ReducedFit:
    """Maximise the concave criterion L by L-BFGS; raise ConvergenceError if the
    largest moment gap stays above ``gtol`` (mass units)."""
    t0 = time.perf_counter()
    theta0 = problem.start() if init is None else problem.to_internal(init)

    def fun(th):
        L, g, _ = problem.value_and_grad(th)
        return -L, -g

    with serial_numba(problem.masses.mu.size * (2 if problem.foreign else 1)):
        res = optimize.minimize(
            fun,
            theta0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iter, "gtol": gtol, "ftol": 0.0, "maxcor": 20},
        )
        theta = res.x
        L, g, eq = problem.value_and_grad(theta)
        n_newton = 0
        while np.max(np.abs(g)) > gtol and n_newton < 8:
            # polish: Newton steps on the moment equations M(theta) = D (L-BFGS stalls when
            # the criterion's changes reach the IPFP's precision)
            J = problem.jacobian(theta)
            step = np.linalg.lstsq(J, g, rcond=None)[0]
            theta = theta + step
            L, g, eq = problem.value_and_grad(theta)
            n_newton += 1
    gn = float(np.max(np.abs(g)))
    converged = gn <= 10 * gtol
    fit = ReducedFit(
        theta=problem.to_original(theta),
        theta_internal=theta.copy(),
        equilibrium=eq,
        value=L,
        grad_norm=gn,
        n_iter=int(res.nit) + n_newton,
        n_solves=problem.n_solves,
        converged=converged,
        seconds=time.perf_counter() - t0,
        message=str(res.message),
    )
    if not converged:
        raise ConvergenceError(
            f"moment matching did not converge: {res.nit} L-BFGS iterations, largest moment "
            f"gap {gn:.3e} (tol {gtol:.1e}); {res.message}"
        )
    return fit
