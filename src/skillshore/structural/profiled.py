"""The market-segmented moment problem: profiled margins, moments, quasi-Newton fit.

Seed: appendix "Estimation Strategy" steps 1-2 for segmented markets
(``docs/estimation.md``, "Market-segmented estimation"). In reduced units, market k,
worker type c, firm j::

    log mu_kcj  = x_c'B y_j + kappa_d + o_k            + s_x log m0_kc  + s_y log g0_kj
    log mu*_kcj = x_c'B y_j + kappa_f + z_k'beta + o_k + s_x log m0*_kc + s_y log g0_kj

solved for all markets at once by :func:`skillshore.matching.ipfp.solve_markets`
(profiled firm margins). Moments: the domestic cross moments E[x y'] (B), the
unemployment rate (kappa_d), the offshored mass (kappa_f) and shifter-weighted offshored
masses by market (beta). With mismeasured worker types the model side of the cross
moments is taken through the misclassification matrix M (observed matches = M applied
to the true ones; ``docs/estimation.md``, "Mismeasured worker types").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from skillshore.errors import ConvergenceError, DataValidationError, ModelInputError
from skillshore.matching.ipfp import MarketState, solve_markets
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.jacobian import central_jacobian
from skillshore.structural.markets import MarketSample, true_type_shares

__all__ = ["MarketFitResult", "MarketProblem", "fit_markets"]


def _lse(a: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", under="ignore"):
        return np.log(np.exp(a - m).sum(axis=axis)) + np.squeeze(m, axis=axis)


class MarketProblem:
    """Arrays of a :class:`MarketSample` on its type support (padded over markets)."""

    def __init__(
        self,
        s: MarketSample,
        cal: YearCalibration,
        lambda_x_share: float,
        base_measure: str,
        support: tuple | None = None,
        worker_shares: tuple | None = None,
        correct_types: bool = True,
    ) -> None:
        self.sx = float(lambda_x_share)
        self.sy = 1.0 - self.sx
        if not 0 < self.sx < 1:
            raise ModelInputError("lambda_x_share must be in (0, 1)")
        X = np.unique(s.x, axis=0) if support is None else support[0]
        lookup = {r.tobytes(): i for i, r in enumerate(np.ascontiguousarray(X))}
        try:
            ci = np.array([lookup[r.tobytes()] for r in np.ascontiguousarray(s.x)])
        except KeyError as err:
            raise DataValidationError("a worker type is not on the support") from err
        self.X = X
        self.m, self.n = s.dims
        K, Nx = s.n_markets, X.shape[0]
        members = s._groups[3]
        nk = np.array([m.size for m in members])
        J = int(nk.max())
        pos = np.zeros(s.n_firms, dtype=np.int64)
        for m in members:
            pos[m] = np.arange(m.size)
        self.K, self.Nx, self.J, self.nk = K, Nx, J, nk
        self.mask = np.arange(J)[None, :] < nk[:, None]
        Y = np.zeros((K, J, self.n))
        Y[s.firm_market, pos] = s.firm_y
        self.Y = Y
        k_rec, j_rec = s.firm_market[s.firm], pos[s.firm]
        self.rec = (k_rec, ci, j_rec)
        w = s.weights
        R = np.bincount(k_rec * Nx + ci, weights=w, minlength=K * Nx).reshape(K, Nx)
        D = np.bincount(k_rec * J + j_rec, weights=w, minlength=K * J).reshape(K, J)
        off = np.zeros((K, J))
        if s.firm_offshored is not None:
            off[s.firm_market, pos] = s.firm_offshored
        self.R, self.D, self.O = R, D, off
        self.S = D + off
        self.foreign = bool(off.sum() > 0)
        self.total = float(R.sum())
        if self.total <= 0:
            raise DataValidationError("the sample has no matched mass")
        pool = s.foreign_pool if s.foreign_pool is not None else cal.fbar_star
        if self.foreign and not (pool and pool > 0):
            raise DataValidationError("offshored workers need |fbar*|/|fbar| > 0")
        self.pool = float(pool) if self.foreign else 0.0
        self.u = float(cal.unemployment_rate)
        self.o = float(cal.offshoring_rate)
        if not 0 < self.u < 1:
            raise ModelInputError("the calibration's unemployment rate must be in (0, 1)")
        n_types = s.n_worker_types or Nx
        if base_measure == "uniform":
            self.log_dx = -np.log(n_types)
            self.log_dy = -np.log(nk.astype(float))
        elif base_measure == "discrete":
            self.log_dx, self.log_dy = 0.0, np.zeros(K)
        elif base_measure == "capacity":  # per-firm volumes: firm_log_dy (they sum to 1)
            self.log_dx, self.log_dy = -np.log(n_types), np.zeros(K)
        else:
            raise ModelInputError(
                f"base_measure must be 'uniform', 'capacity' or 'discrete', got {base_measure!r}"
            )
        self.base_measure = base_measure
        # the market part of the base measure's constant; with "capacity" the firm part
        # s_x log dy_kj enters the kernel (solve)
        self.offset = self.sy * self.log_dx + self.sx * self.log_dy  # (K,)
        self.z = s.shifters if (s.shifters is not None and self.foreign) else np.zeros((K, 0))
        flat = np.ptp(self.z, axis=0) == 0 if self.z.size else np.zeros(0, bool)
        if np.any(flat):
            raise ModelInputError(
                f"shifter(s) {[n for n, f in zip(s.shifter_names, flat, strict=False) if f]} do "
                "not vary across markets: their slope is not identified apart from kappa_f"
            )
        self.q = self.z.shape[1]
        # internal scaling of the attributes (no centring; a replicate keeps the sample's)
        if support is None:
            wx = R.sum(axis=0) / self.total
            self.scale_x = np.sqrt(wx @ X**2)
            self.scale_x[self.scale_x == 0] = 1.0
            self.scale_y = np.sqrt(np.einsum("kj,kjb->b", self.S, Y**2) / self.S.sum())
            self.scale_y[self.scale_y == 0] = 1.0
        else:
            self.scale_x, self.scale_y = support[1], support[2]
        self.Xs = X / self.scale_x
        self.Ys = Y / self.scale_y
        # measured types: observed matches = M applied to the true ones, so the model's
        # cross moment uses E[measured x | true type c] = sum_c' M[c', c] x_c'
        self.M = s.misclassification_matrix(X) if correct_types else None
        self.Xm = self.Xs if self.M is None else self.M.T @ self.Xs
        xr = self.Xs[ci]
        yr = self.Ys[k_rec, j_rec]
        self.cross_data = (xr * w[:, None]).T @ yr
        self.logS = np.where(self.S > 0, np.log(np.where(self.S > 0, self.S, 1.0)), -np.inf)
        self.colok = self.mask & (self.S > 0)
        phi = np.zeros(Nx)
        from_f0 = s.type_shares(X, cal.unemployment_rate) if worker_shares is None else None
        if from_f0 is not None:  # the seed's f0(x) from the non-employed
            # the matched and non-employed persons' types are measured: their shares are
            # M applied to the true types' (docs/estimation.md §4c, "type shares")
            if self.M is not None:
                from_f0 = true_type_shares(self.M, from_f0, s.validation_type_shares(X))
            phi[:] = from_f0
        elif worker_shares is None:
            phi[:] = 1.0 / Nx
        else:
            phi[:] = np.asarray(worker_shares, dtype=np.float64)
            if phi.shape != (Nx,) or np.any(phi < 0) or phi.sum() <= 0:
                raise ModelInputError(f"worker_shares: {Nx} values >= 0 (one per worker type)")
            phi /= phi.sum()
        self.rowok = np.broadcast_to(phi > 0, (K, Nx))
        with np.errstate(divide="ignore"):
            self.logphi = np.broadcast_to(np.log(phi), (K, Nx))
        self.n_params = self.m * self.n + 1 + (1 + self.q if self.foreign else 0)
        self.n_solves = 0

    # parameters: B (m*n, internal units), kappa_d, [kappa_f, beta (q)]
    def split(self, th: np.ndarray):
        mn = self.m * self.n
        B = th[:mn].reshape(self.m, self.n)
        kd = th[mn]
        kf = th[mn + 1] if self.foreign else -np.inf
        beta = th[mn + 2 :] if self.foreign else np.zeros(0)
        return B, kd, kf, beta

    def kernel(self, B: np.ndarray) -> np.ndarray:
        Kn = np.einsum("ca,ab,kjb->kcj", self.Xs, B, self.Ys)
        return np.where(self.mask[:, None, :], Kn, -np.inf)

    def firm_log_dy(self, g0: np.ndarray) -> np.ndarray:
        """log dy_kj, the base-measure volume of each firm (K, J; 0 at padding).

        ``uniform``: 1/(firms in market k); ``discrete``: 1; ``capacity``: the firm's share
        of its market's jobs, (S_kj + g0_kj) / sum_j (S_kj + g0_kj), with S the filled
        slots (domestic and offshored workers) and g0 the vacancies at the equilibrium
        (``docs/estimation.md``, "Base measure of the firm side").
        """
        if self.base_measure != "capacity":
            return np.broadcast_to(self.log_dy[:, None], (self.K, self.J)).copy()
        m = np.where(self.colok, self.S + g0, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log(m / m.sum(axis=1, keepdims=True))
        return np.where(self.colok, out, 0.0)

    def solve(
        self,
        th: np.ndarray,
        state: MarketState | None = None,
        tol: float = 1e-13,
        max_sweeps: int = 3_000,
    ) -> tuple[MarketState, dict]:
        """Profiled IPFP of every market at theta (:func:`~skillshore.matching.ipfp.solve_markets`).

        With ``base_measure="capacity"`` the firms' volumes depend on the equilibrium's
        vacancies; they are solved inside the IPFP's sweeps (``solve_markets(...,
        capacity_volumes=True)``; before, an outer fixed point of whole solves).
        ``out["log_dy"]`` holds the volumes of the returned equilibrium.
        """
        self.n_solves += 1
        B, kd, kf, beta = self.split(th)
        with np.errstate(divide="ignore"):
            log_slots = np.where(self.colok, self.logS, -np.inf)
        Kn = self.kernel(B)
        st = state or self.initial_state()

        def run(kernel: np.ndarray, st: MarketState) -> tuple[MarketState, dict]:
            return solve_markets(
                kernel,
                log_slots,
                np.where(self.rowok, self.logphi, -np.inf),
                kd + self.offset,
                kf + self.z @ beta + self.offset if self.foreign else None,
                lambda_x_share=self.sx,
                slots_ratio=1.0 + self.o,
                foreign_pool=self.pool,
                state=st,
                tol=tol,
                max_sweeps=max_sweeps,
                capacity_volumes=self.base_measure == "capacity",
            )

        st, out = run(Kn, st)
        if self.base_measure != "capacity":
            out["log_dy"] = self.firm_log_dy(out["g0"])
        return st, out

    def log_density_ratio(self, out: dict) -> np.ndarray:
        """z = log(pi/f0) of each match record (``rec``) at the model's equilibrium.

        With a misclassification matrix, a record's true type is unknown: z is its
        expectation given the measured type c' and the firm, sum_c P(c | c', k, j) z_kcj
        with P(c | c', k, j) proportional to M[c', c] mu_kcj (regression calibration:
        exact for the wage equation, which is linear in z, under nondifferential
        misclassification).
        """
        mu, m0 = out["mu"], out["m0"]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log(mu) - np.log(m0)[:, :, None] - out["log_dy"][:, None, :]
        z = np.where(mu > 0, z, 0.0)
        return self.expected_given_measured(mu, z)

    def expected_given_measured(self, mu: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Each match record's expectation over its unknown true type c given its measured
        type c' and its firm, sum_c P(c | c', k, j) v_c with P(c | c', k, j) proportional
        to M[c', c] mu_kcj (without M: the value at the record's type).

        ``v`` is (K, Nx, J) (a value per market, true type and firm; returns (R,)) or
        (Nx, q) (a vector per true type; returns (R, q)).
        """
        k, c, j = self.rec
        if v.ndim == 2:
            if self.M is None:
                return v[c]
            num = np.einsum("dc,kcj,cq->kdjq", self.M, mu, v)[k, c, j]
            den = np.einsum("dc,kcj->kdj", self.M, mu)[k, c, j][:, None]
        else:
            if self.M is None:
                return v[k, c, j]
            num = np.einsum("dc,kcj->kdj", self.M, mu * v)[k, c, j]
            den = np.einsum("dc,kcj->kdj", self.M, mu)[k, c, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / den

    def moments(self, out: dict) -> np.ndarray:
        """Moment gaps (model - data or target), relative to the domestic matched mass:
        domestic cross moments (B; measured types through M), log unemployment rate (kappa_d), log offshored mass
        (kappa_f), shifter-weighted offshored masses by market (beta)."""
        T = self.total
        cross = np.einsum("kcj,ca,kjb->ab", out["mu"], self.Xm, self.Ys) - self.cross_data
        g = [cross.ravel() / T]
        g.append([np.log(out["m0"].sum()) - np.log(out["W"].sum()) - np.log(self.u)])
        if self.foreign:
            ms = out["mu_star"].sum(axis=(1, 2))
            g.append([np.log(ms.sum()) - np.log(self.O.sum())])
            g.append(self.z.T @ (ms - self.O.sum(axis=1)) / T)
        return np.concatenate([np.ravel(v) for v in g])

    def _guess(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Workforce, unemployed, vacancies and foreign singles at the calibration's rates."""
        S = self.S.sum(axis=1)
        W = np.maximum(self.R.sum(axis=1) / (1 - self.u), 1.02 * S / (1 + self.o))
        F = W[:, None] * np.exp(self.logphi)
        m0 = np.maximum(W - self.R.sum(axis=1), 0.01 * W)[:, None] * np.exp(self.logphi)
        v = np.maximum((1 + self.o) * W - S, 0.01 * S) / S
        g0 = np.where(self.colok, v[:, None] * self.S, 0.0)
        return W, m0, g0, self.pool * F

    def start(self) -> np.ndarray:
        """Starting values: B = 0 and the kappa's that reproduce, at B = 0, the domestic and
        offshored masses with singles at the calibration's rates."""
        th = np.zeros(self.n_params)
        W, m0, g0, ms = self._guess()
        ok = self.rowok
        with np.errstate(divide="ignore"):
            firm = self.sx * (self.firm_log_dy(g0) - self.log_dy[:, None])  # 0 unless capacity
            lg = _lse(np.where(self.colok, self.sy * np.log(g0) + firm, -np.inf), axis=1)  # (K,)
            ld = _lse(np.where(ok, self.sx * np.log(m0), -np.inf), axis=1)
            kd = np.log(self.R.sum(axis=1)) - ld - lg - self.offset
            w = self.R.sum(axis=1) / self.total
            th[self.m * self.n] = float(w @ kd)
            if self.foreign:
                lf = _lse(np.where(ok, self.sx * np.log(ms), -np.inf), axis=1)
                kf = np.log(self.O.sum(axis=1)) - lf - lg - self.offset
                th[self.m * self.n + 1] = float(w @ kf)
        return th

    def initial_state(self) -> MarketState:
        W, m0, g0, ms = self._guess()
        with np.errstate(divide="ignore"):
            return MarketState(
                lm0=np.where(self.rowok, np.log(m0), -np.inf),
                lms=np.where(self.rowok, np.log(ms), -np.inf),
                b=np.where(
                    self.colok,
                    self.sy * np.log(np.where(g0 > 0, g0, 1.0))
                    + (self.sx * self.firm_log_dy(g0) if self.base_measure == "capacity" else 0.0),
                    -np.inf,
                ),
                logW=np.log(W),
            )


@dataclass(frozen=True, eq=False)
class MarketFitResult:
    theta: np.ndarray  # internal units
    state: MarketState
    out: dict
    gap: float
    n_iter: int
    n_solves: int
    seconds: float
    jacobian: np.ndarray | None = None


def _jacobian(P: MarketProblem, th: np.ndarray, st: MarketState) -> np.ndarray:
    """d moments / d theta (each solve warm-started at ``st``)."""
    return central_jacobian(lambda t: P.moments(P.solve(t, st)[1]), th)


def fit_markets(
    P: MarketProblem,
    init: np.ndarray | None,
    gtol: float,
    max_iter: int,
    jacobian: np.ndarray | None = None,
    final_jacobian: bool = False,
) -> MarketFitResult:
    """Quasi-Newton (Broyden) on the moment equations, Jacobian from central differences
    at the start (or ``jacobian``, e.g. the full sample's for a bootstrap replicate) and
    again whenever a step fails to reduce the moment gaps; backtracking line search."""
    t0 = time.perf_counter()
    th = P.start() if init is None or init.size != P.n_params else init.copy()
    st, out = P.solve(th)
    g = P.moments(out)
    J = jacobian if (jacobian is not None and jacobian.shape == (g.size, th.size)) else None
    fresh = False
    it = refreshes = 0
    while np.max(np.abs(g)) >= gtol:
        it += 1
        if it > max_iter or (it > 20 and np.max(np.abs(g)) > 1e-6):
            break  # converging steps take the gap below 1e-6 well within 20 steps
        if J is None:
            refreshes += 1
            if refreshes > 4:
                break
            J, fresh = _jacobian(P, th, st), True
        step = np.linalg.lstsq(J, -g, rcond=None)[0]
        norm0 = np.linalg.norm(g)
        t, done = 1.0, False
        for _ in range(12):
            try:
                st_n, out_n = P.solve(th + t * step, st)
                g_n = P.moments(out_n)
                done = bool(np.all(np.isfinite(g_n)) and np.linalg.norm(g_n) < norm0)
            except (ConvergenceError, ModelInputError, FloatingPointError):
                done = False
            if done:
                break
            t /= 2
        if not done:
            if fresh:
                raise ConvergenceError(
                    f"segmented moment matching stalled after {it} steps "
                    f"(largest moment gap {np.max(np.abs(g)):.2e})"
                )
            J = None  # a stale Jacobian: recompute and retry
            continue
        dth, dg = t * step, g_n - g
        J = J + np.outer(dg - J @ dth, dth) / (dth @ dth)  # Broyden's update
        fresh = False
        th, st, out, g = th + dth, st_n, out_n, g_n
        if np.max(np.abs(th[: P.m * P.n])) > 50 or P.n_solves > 400:
            raise ConvergenceError(
                "segmented moment matching diverges (B beyond 50 in standardised units or "
                "400 solves): the data's cross moments sit at the edge of what the model "
                "attains (near-perfect sorting in small markets)"
            )
    gap = float(np.max(np.abs(g)))
    if gap >= gtol:
        raise ConvergenceError(
            f"segmented moment matching did not converge ({it - 1} steps, at most {max_iter}) "
            f"(largest moment gap {gap:.2e}, tol {gtol:.1e})"
        )
    Jf = _jacobian(P, th, st) if final_jacobian else None
    return MarketFitResult(th, st, out, gap, it, P.n_solves, time.perf_counter() - t0, Jf)
