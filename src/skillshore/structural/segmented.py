"""Market-segmented estimation of the matching model with offshoring.

Seed: "Structural Estimation with Offshoring" (identifying assumption, eq. 10),
"Calibrated Parameters", the appendix "Estimation Strategy" / "Identification"; the
synthetic economy's data-generating process (``docs/synth.md``, "Matching").

Workers and firms match only within their **market** (e.g. a 6-digit industry x
occupation group). Every market shares Phi, lambda and the nu's; a market may have
known offsets (the base measure of its type grid) and its offshoring propensity may
shift with observed market characteristics z_k (e.g. the growth of China's export
supply in the industry's products), with slopes beta estimated:

    log mu_kcj  = x_c' B y_j + kappa_d + o_k             + s_x log m0_kc  + s_y log g0_kj
    log mu*_kcj = x_c' B y_j + kappa_f + z_k' beta + o_k + s_x log m0*_kc + s_y log g0_kj

(reduced units: B = Phi/lambda, kappa's as in :mod:`~skillshore.structural.reduced`,
o_k = s_y log dx + s_x log dy_k). Worker types are the distinct x vectors, firm types
each firm of the market.

**Margins.** Unemployed workers and vacancies are not observed. Instead of filling them
in by a rule, the margins are *profiled*: each worker type's domestic matches in a
market (R_kc) and each firm's domestic plus offshored workers (S_kj) are fixed at their
data values, and the unemployed m0, the vacancies g0 and the foreign singles m0* are
what the model implies (the foreign pool of a type is |fbar*|/|fbar| times its
workforce R_kc + m0_kc). With profiled margins, the domestic allocation depends on B
only, each market's offshored mass equals the data's, and the levels are pinned by
the calibration:

* B by the domestic cross moments E[x y'] (Dupuy and Galichon 2014);
* kappa_d by the unemployment rate |f0|/|fbar|;
* kappa_f by the seed's normalisation of the mass of firms, |gbar| = |fbar| (1 + o)
  with o the calibrated offshoring rate (the vacancies the offshored mass implies);
* beta by the same identity market by market (moments sum_k z_k (|gbar_k| - (1+o)|fbar_k|)).

The moment equations are solved by damped Newton steps (central-difference Jacobian);
each evaluation is one profiled IPFP over all markets at once. ``docs/estimation.md``
("Market-segmented estimation") gives the levels step and what is identified.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from skillshore._results import TableMixin, fmt_estimate, fmt_num
from skillshore.errors import ConvergenceError, DataValidationError, ModelInputError
from skillshore.matching import MatchingModel
from skillshore.structural.bootstrap import BootstrapResult, run_bootstrap
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.estimation import _SCALARS, _SEED_ROWS, ForeignNorm, _phi_names
from skillshore.structural.saliency import Saliency, saliency
from skillshore.structural.wages import residualise_wages

__all__ = [
    "MarketSample",
    "MarketEstimate",
    "estimate_markets",
    "market_sample_from_frames",
]

# the seed's scalar parameters and table rows, as the pooled estimator reports them; C* and
# c_F are here the values at shifter z = 0
_ROWS = tuple(
    (k, sym, desc + " (z = 0)" if k in ("C_star", "c_F") else desc) for k, sym, desc in _SEED_ROWS
)


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True, eq=False)
class MarketSample:
    """Domestic matches by market and firm, with each firm's offshored workers.

    Parameters
    ----------
    x : array (R, m)
        Worker characteristics of each domestic match record (types: distinct rows).
    firm : array (R,) of int
        Firm of each record (index into the firm arrays, 0..F-1).
    firm_y : array (F, n)
        Firm characteristics (each firm is its own type).
    firm_market : array (F,) of int
        Market of each firm (0..K-1).
    weights : array (R,), optional
        Mass of each record (default 1: records are workers).
    wage : array (R,), optional
        Hourly wage (NaN where missing), net of worker characteristics outside the
        model (:func:`skillshore.structural.wages.residualise_wages`).
    firm_offshored : array (F,), optional
        Offshored workers of each firm, from the seed's identifying assumption
        (purchases abroad / value added x domestic workers, all occupations).
    shifters : array (K, q), optional
        Observed market characteristics z_k that shift the offshoring propensity.
    market_labels, shifter_names : optional
        Labels for reports.
    foreign_pool : float, optional
        |fbar*|/|fbar| (else the calibration's).
    n_worker_types : int, optional
        Size of the worker-type grid for the base measure dx = 1/n (default: the number
        of distinct x in the sample).
    wage_controls : array (R, k), optional
        Worker characteristics outside the types; with them ``wage`` is the raw wage and
        the estimator takes it net of them (:func:`~skillshore.structural.wages.
        residualise_wages`, within firm x worker type, at ``wage_reference``) in every
        estimation, so that a bootstrap replicate re-estimates that step too.
    wage_reference : array (k,), optional
        The reference characteristics (default 0).
    """

    x: np.ndarray
    firm: np.ndarray
    firm_y: np.ndarray
    firm_market: np.ndarray
    weights: np.ndarray | None = None
    wage: np.ndarray | None = None
    firm_offshored: np.ndarray | None = None
    shifters: np.ndarray | None = None
    market_labels: tuple = ()
    shifter_names: tuple = ()
    foreign_pool: float | None = None
    n_worker_types: int | None = None
    wage_controls: np.ndarray | None = None
    wage_reference: np.ndarray | None = None
    _groups: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        s = object.__setattr__
        x = np.asarray(self.x, dtype=np.float64)
        x = x[:, None] if x.ndim == 1 else x
        fy = np.asarray(self.firm_y, dtype=np.float64)
        fy = fy[:, None] if fy.ndim == 1 else fy
        firm = np.asarray(self.firm, dtype=np.int64).reshape(-1)
        fm = np.asarray(self.firm_market, dtype=np.int64).reshape(-1)
        F = fy.shape[0]
        if x.shape[0] != firm.size or x.shape[0] == 0:
            raise DataValidationError(f"matches: {x.shape[0]} x rows and {firm.size} firm codes")
        if fm.size != F:
            raise DataValidationError(f"firms: {F} rows of y but {fm.size} market codes")
        if firm.min() < 0 or firm.max() >= F:
            raise DataValidationError("matches: firm codes must index the firm arrays")
        for name, a in (("matches x", x), ("firm y", fy)):
            bad = np.flatnonzero(~np.isfinite(a).all(axis=1))
            if bad.size:
                raise DataValidationError(f"{name}: non-finite values in rows {bad[:5].tolist()}")
        K = int(fm.max()) + 1
        if fm.min() < 0 or np.any(np.bincount(fm, minlength=K) == 0):
            raise DataValidationError("firm markets must be codes 0..K-1, each with a firm")
        w = np.ones(firm.size) if self.weights is None else np.asarray(self.weights, float)
        if w.shape != firm.shape or np.any(~np.isfinite(w)) or np.any(w < 0):
            raise DataValidationError("matches: weights must be finite and >= 0, one per record")
        s(self, "x", x)
        s(self, "firm_y", fy)
        s(self, "firm", firm)
        s(self, "firm_market", fm)
        s(self, "weights", w)
        if self.wage is not None:
            wg = np.asarray(self.wage, dtype=np.float64).reshape(-1)
            if wg.shape != firm.shape:
                raise DataValidationError("wage: one value per match record (NaN where missing)")
            s(self, "wage", wg)
        if self.wage_controls is not None:
            H = np.asarray(self.wage_controls, dtype=np.float64)
            H = H[:, None] if H.ndim == 1 else H
            if self.wage is None or H.shape[0] != firm.size:
                raise DataValidationError("wage_controls: one row per match record, with wages")
            s(self, "wage_controls", H)
            ref = np.zeros(H.shape[1]) if self.wage_reference is None else self.wage_reference
            s(self, "wage_reference", np.asarray(ref, dtype=np.float64).reshape(-1))
        if self.firm_offshored is not None:
            o = np.asarray(self.firm_offshored, dtype=np.float64).reshape(-1)
            if o.shape != (F,) or np.any(~np.isfinite(o)) or np.any(o < 0):
                raise DataValidationError(
                    f"offshored workers: one finite value >= 0 per firm, got shape {o.shape}"
                )
            s(self, "firm_offshored", o)
        if self.shifters is not None:
            z = np.asarray(self.shifters, dtype=np.float64)
            z = z[:, None] if z.ndim == 1 else z
            if z.shape[0] != K or not np.all(np.isfinite(z)):
                raise DataValidationError(f"shifters: {K} finite rows (one per market) needed")
            s(self, "shifters", z)
            if not self.shifter_names:
                s(self, "shifter_names", tuple(f"z{i + 1}" for i in range(z.shape[1])))
        if not self.market_labels:
            s(self, "market_labels", tuple(range(K)))
        if self.foreign_pool is not None and not self.foreign_pool > 0:
            raise DataValidationError("foreign_pool must be > 0")
        order = np.argsort(firm, kind="stable")
        counts = np.bincount(firm, minlength=F)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        members = tuple(np.flatnonzero(fm == k) for k in range(K))
        s(self, "_groups", (order, starts, counts, members))

    @property
    def n_markets(self) -> int:
        return len(self._groups[3])

    @property
    def n_firms(self) -> int:
        return self.firm_y.shape[0]

    @property
    def dims(self) -> tuple[int, int]:
        return self.x.shape[1], self.firm_y.shape[1]

    @property
    def has_foreign(self) -> bool:
        return self.firm_offshored is not None and float(self.firm_offshored.sum()) > 0

    def take_firms(self, picks: np.ndarray) -> MarketSample:
        """The sample of the firms ``picks`` (repeats allowed: each copy its own firm)."""
        order, starts, counts, _ = self._groups
        picks = np.asarray(picks, dtype=np.int64)
        rep = counts[picks]
        base = np.repeat(starts[picks], rep)
        offs = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
        idx = order[base + offs]
        return MarketSample(
            x=self.x[idx],
            firm=np.repeat(np.arange(picks.size), rep),
            firm_y=self.firm_y[picks],
            firm_market=self.firm_market[picks],
            weights=self.weights[idx],
            wage=None if self.wage is None else self.wage[idx],
            wage_controls=None if self.wage_controls is None else self.wage_controls[idx],
            wage_reference=self.wage_reference,
            firm_offshored=None if self.firm_offshored is None else self.firm_offshored[picks],
            shifters=self.shifters,
            market_labels=self.market_labels,
            shifter_names=self.shifter_names,
            foreign_pool=self.foreign_pool,
            n_worker_types=self.n_worker_types,
        )

    def resample(self, rng: np.random.Generator) -> MarketSample:
        """A bootstrap replicate: firms drawn with replacement within each market.

        A firm brings all its workers and its offshored workers, so every replicate
        satisfies the identifying assumption firm by firm (offshored / domestic workers =
        purchases abroad / value added) and keeps each market's number of firms (the
        base measure); a drawn-twice firm is two firms.
        """
        members = self._groups[3]
        picks = np.concatenate([m[rng.integers(0, m.size, m.size)] for m in members])
        return self.take_firms(picks)


def market_sample_from_frames(
    workers: pd.DataFrame,
    firms: pd.DataFrame,
    x_cols: list[str],
    y_cols: list[str],
    *,
    firm_col: str = "firm_id",
    market_col: str = "market",
    wage_col: str | None = None,
    wage_control_cols: list[str] | None = None,
    wage_reference: list[float] | None = None,
    weight_col: str | None = None,
    offshored_col: str | None = None,
    markets: pd.DataFrame | None = None,
    shifter_cols: list[str] | None = None,
    foreign_pool: float | None = None,
    n_worker_types: int | None = None,
) -> MarketSample:
    """Build a :class:`MarketSample` from a worker frame and a firm frame.

    Parameters
    ----------
    workers : DataFrame
        One row per domestic match: ``firm_col``, ``x_cols``, optional wage and weight.
    firms : DataFrame
        One row per firm (every firm of each market, including firms without matched
        workers in the sample): ``firm_col``, ``market_col``, ``y_cols``, optional
        ``offshored_col`` (offshored workers).
    markets : DataFrame, optional
        ``market_col`` and ``shifter_cols`` (one row per market).
    """
    for name, df, cols in (
        ("workers", workers, [firm_col, *x_cols]),
        ("firms", firms, [firm_col, market_col, *y_cols]),
    ):
        miss = [c for c in cols if c not in df.columns]
        if miss:
            raise DataValidationError(f"{name}: missing column(s) {miss}")
    if firms[firm_col].duplicated().any():
        dup = firms.loc[firms[firm_col].duplicated(), firm_col].head(5).tolist()
        raise DataValidationError(f"firms: one row per firm expected (duplicates {dup})")
    fcode = pd.Index(firms[firm_col])
    rec_firm = fcode.get_indexer(workers[firm_col])
    if np.any(rec_firm < 0):
        bad = workers.loc[rec_firm < 0, firm_col].head(5).tolist()
        raise DataValidationError(f"workers: firms {bad} are not in the firm frame")
    mk_codes, mk_labels = pd.factorize(firms[market_col], sort=True)
    z = None
    names: tuple = ()
    if shifter_cols:
        if markets is None:
            raise DataValidationError("shifter_cols need the markets frame")
        mk = markets.set_index(market_col)
        missing = [m for m in mk_labels if m not in mk.index]
        if missing:
            raise DataValidationError(f"markets: no shifters for market(s) {missing[:5]}")
        z = mk.loc[list(mk_labels), shifter_cols].to_numpy(dtype=np.float64)
        names = tuple(shifter_cols)
    return MarketSample(
        x=workers[x_cols].to_numpy(dtype=np.float64),
        firm=rec_firm,
        firm_y=firms[y_cols].to_numpy(dtype=np.float64),
        firm_market=mk_codes,
        weights=None if weight_col is None else workers[weight_col].to_numpy(dtype=np.float64),
        wage=None if wage_col is None else workers[wage_col].to_numpy(dtype=np.float64),
        wage_controls=None
        if not wage_control_cols
        else workers[wage_control_cols].to_numpy(dtype=np.float64),
        wage_reference=None if wage_reference is None else np.asarray(wage_reference, float),
        firm_offshored=None
        if offshored_col is None
        else firms[offshored_col].to_numpy(dtype=np.float64),
        shifters=z,
        market_labels=tuple(mk_labels),
        shifter_names=names,
        foreign_pool=foreign_pool,
        n_worker_types=n_worker_types,
    )


# ------------------------------------------------------------------- profiled solver


def _lse(a: np.ndarray, axis: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return logsumexp(a, axis=axis)


class _Kernel:
    """exp(x'By) of every market, stored once per solve (absorbed scaling): log-sum-exps
    over firms or worker types become matrix-vector products with exp(potential - max).
    Falls back to the log domain when a market's kernel spans more than e^600."""

    def __init__(self, Kn: np.ndarray) -> None:
        fin = np.isfinite(Kn)
        hi = np.max(np.where(fin, Kn, -np.inf), axis=(1, 2))
        lo = np.min(np.where(fin, Kn, np.inf), axis=(1, 2))
        self.Kn = Kn
        self.log_domain = bool(np.any(hi - lo > 600))
        self.shift = hi
        with np.errstate(under="ignore"):
            self.E = np.where(fin, np.exp(Kn - hi[:, None, None]), 0.0)

    @staticmethod
    def _exp(v: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
        m = np.max(v, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(under="ignore"):
            return np.exp(v - m), np.squeeze(m, axis=axis)

    def over_firms(self, b: np.ndarray) -> np.ndarray:
        """log sum_j exp(K_kcj + b_kj), (K, Nx)."""
        if self.log_domain:
            return _lse(self.Kn + b[:, None, :], axis=2)
        eb, m = self._exp(b, 1)
        with np.errstate(divide="ignore"):
            return np.log(np.einsum("kcj,kj->kc", self.E, eb)) + (m + self.shift)[:, None]

    def over_workers(self, a: np.ndarray) -> np.ndarray:
        """log sum_c exp(K_kcj + a_kc), (K, J)."""
        if self.log_domain:
            return _lse(self.Kn + a[:, :, None], axis=1)
        ea, m = self._exp(a, 1)
        with np.errstate(divide="ignore"):
            return np.log(np.einsum("kcj,kc->kj", self.E, ea)) + (m + self.shift)[:, None]


@dataclass
class _State:
    lm0: np.ndarray  # (K, Nx) log unemployed
    lms: np.ndarray  # (K, Nx) log foreign singles
    b: np.ndarray  # (K, J) s_y log g0
    logW: np.ndarray  # (K,) log workforce of each market
    sweeps: int = 0
    error: float = np.inf


def _singles(u: np.ndarray, la: np.ndarray, logF: np.ndarray, sx: float, ok: np.ndarray):
    """log m solving m + m^sx exp(la) = F (elementwise Newton in log m; convex, monotone)."""
    u = np.where(ok, np.where(np.isfinite(u), np.minimum(u, logF), logF), -np.inf)
    for _ in range(100):
        lt = np.logaddexp(u, sx * u + la)
        e1 = np.exp(u - lt)
        step = np.where(ok, (lt - logF) / (e1 + sx * (1.0 - e1)), 0.0)
        u = u - step
        if np.max(np.abs(step)) < 1e-14:
            break
    return u


class _Problem:
    """Arrays of a :class:`MarketSample` on its type support (padded over markets)."""

    def __init__(
        self,
        s: MarketSample,
        cal: YearCalibration,
        lambda_x_share: float,
        base_measure: str,
        support: tuple | None = None,
        worker_shares: tuple | None = None,
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
        else:
            raise ModelInputError(
                f"base_measure must be 'uniform' or 'discrete', got {base_measure!r}"
            )
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
        xr = self.Xs[ci]
        yr = self.Ys[k_rec, j_rec]
        self.cross_data = (xr * w[:, None]).T @ yr
        self.logS = np.where(self.S > 0, np.log(np.where(self.S > 0, self.S, 1.0)), -np.inf)
        self.colok = self.mask & (self.S > 0)
        phi = np.zeros(Nx)
        if worker_shares is None:
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

    def solve(
        self,
        th: np.ndarray,
        state: _State | None = None,
        tol: float = 1e-13,
        max_sweeps: int = 3_000,
    ) -> tuple[_State, dict]:
        """Profiled IPFP: rows R_kc, columns S_kj, foreign pools (module docstring)."""
        self.n_solves += 1
        B, kd, kf, beta = self.split(th)
        Kn = self.kernel(B)
        ker = _Kernel(Kn)
        cd = kd + self.offset
        cf = kf + self.z @ beta + self.offset if self.foreign else None
        sx, sy = self.sx, self.sy
        state = state or self.initial_state()
        lm0, lms, b, logW = (state.lm0.copy(), state.lms.copy(), state.b.copy(), state.logW.copy())
        ok = self.rowok
        Sk = self.S.sum(axis=1)
        lo = np.log(Sk / (1 + self.o)) + 1e-9
        err = err300 = np.inf
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for sweep in range(1, max_sweeps + 1):  # noqa: B007
                LA = ker.over_firms(b)  # (K, Nx)
                logF = logW[:, None] + self.logphi
                lm0_n = _singles(lm0, cd[:, None] + LA, logF, sx, ok)
                Ld = ker.over_workers(sx * lm0_n + cd[:, None])
                if self.foreign:
                    lms_n = _singles(lms, cf[:, None] + LA, logF + np.log(self.pool), sx, ok)
                    Lf = ker.over_workers(sx * lms_n + cf[:, None])
                    Lc = np.logaddexp(Ld, Lf)
                else:
                    lms_n, Lc = lms, Ld
                b_n = np.where(self.colok, self.logS - Lc, -np.inf)
                # market workforce: |gbar_k| = (1 + o) |fbar_k| (Newton step in log W)
                W = np.exp(logW)
                M0 = np.exp(lm0_n).sum(axis=1)
                V = np.where(self.colok, np.exp(b_n / sy), 0.0).sum(axis=1)
                T = (1 + self.o) * W - Sk
                slope = -(sx / sy) * W / M0 - (1 + self.o) * W / T
                f = np.log(V) - np.log(T)
                logW_n = np.maximum(logW - np.clip(f / slope, -0.5, 0.5), lo)
                err = max(
                    float(np.max(np.abs(np.where(self.colok, b_n - b, 0.0)))),
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
        st = _State(lm0=lm0, lms=lms, b=b, logW=logW, sweeps=sweep, error=err)
        return st, self._outputs(Kn, cd, cf, st)

    def _outputs(self, Kn, cd, cf, st: _State) -> dict:
        sx, sy = self.sx, self.sy
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            mu = np.exp(Kn + (sx * st.lm0 + cd[:, None])[:, :, None] + st.b[:, None, :])
            out = {
                "mu": mu,
                "m0": np.exp(st.lm0),
                "g0": np.where(self.colok, np.exp(st.b / sy), 0.0),
                "W": np.exp(st.logW),
            }
            if self.foreign:
                ls = sx * st.lms + cf[:, None]
                out["mu_star"] = np.exp(Kn + ls[:, :, None] + st.b[:, None, :])
                out["m0_star"] = np.exp(st.lms)
        return out

    def moments(self, out: dict) -> np.ndarray:
        """Moment gaps (model - data or target), relative to the domestic matched mass:
        domestic cross moments (B), log unemployment rate (kappa_d), log offshored mass
        (kappa_f), shifter-weighted offshored masses by market (beta)."""
        T = self.total
        cross = np.einsum("kcj,ca,kjb->ab", out["mu"], self.Xs, self.Ys) - self.cross_data
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
            lg = _lse(np.where(self.colok, self.sy * np.log(g0), -np.inf), axis=1)  # (K,)
            ld = _lse(np.where(ok, self.sx * np.log(m0), -np.inf), axis=1)
            kd = np.log(self.R.sum(axis=1)) - ld - lg - self.offset
            w = self.R.sum(axis=1) / self.total
            th[self.m * self.n] = float(w @ kd)
            if self.foreign:
                lf = _lse(np.where(ok, self.sx * np.log(ms), -np.inf), axis=1)
                kf = np.log(self.O.sum(axis=1)) - lf - lg - self.offset
                th[self.m * self.n + 1] = float(w @ kf)
        return th

    def initial_state(self) -> _State:
        W, m0, g0, ms = self._guess()
        with np.errstate(divide="ignore"):
            return _State(
                lm0=np.where(self.rowok, np.log(m0), -np.inf),
                lms=np.where(self.rowok, np.log(ms), -np.inf),
                b=np.where(self.colok, self.sy * np.log(np.where(g0 > 0, g0, 1.0)), -np.inf),
                logW=np.log(W),
            )


@dataclass(frozen=True, eq=False)
class _Fit:
    theta: np.ndarray  # internal units
    state: _State
    out: dict
    gap: float
    n_iter: int
    n_solves: int
    seconds: float
    jacobian: np.ndarray | None = None


def _jacobian(P: _Problem, th: np.ndarray, st: _State, h: float = 1e-6) -> np.ndarray:
    """d moments / d theta by central differences (each solve warm-started at ``st``)."""
    cols = []
    for i in range(th.size):
        e = np.zeros(th.size)
        e[i] = h
        gp = P.moments(P.solve(th + e, st)[1])
        gm = P.moments(P.solve(th - e, st)[1])
        cols.append((gp - gm) / (2 * h))
    return np.stack(cols, axis=1)


def _fit(
    P: _Problem,
    init: np.ndarray | None,
    gtol: float,
    max_iter: int,
    jacobian: np.ndarray | None = None,
    final_jacobian: bool = False,
) -> _Fit:
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
    return _Fit(th, st, out, gap, it, P.n_solves, time.perf_counter() - t0, Jf)


# ---------------------------------------------------------------------- levels step


def _levels(
    P: _Problem, fit: _Fit, s: MarketSample, cal: YearCalibration, norm: ForeignNorm
) -> tuple[dict[str, float], np.ndarray, np.ndarray, dict[str, Any]]:
    B_int, kd, kf, beta = P.split(fit.theta)
    B = B_int / P.scale_x[:, None] / P.scale_y[None, :]
    out = fit.out
    mu, m0 = out["mu"], out["m0"]
    sx = P.sx
    p = dict.fromkeys(_SCALARS, np.nan)
    p["kappa_d"] = kd
    p["kappa_f"] = kf if P.foreign else np.nan
    info: dict[str, Any] = {"normalised": [], "foreign_normalisation": norm}
    k, c, j = P.rec
    ok = np.isfinite(s.wage) if s.wage is not None else np.zeros(c.size, bool)
    if ok.sum() < 3:
        info["normalised"].append("lambda = 1 (no wages)")
        p.update({"lambda": 1.0, "lambda_x": sx, "lambda_y": 1 - sx})
        return p, B, beta, info
    with np.errstate(divide="ignore"):
        zr = np.log(mu[k, c, j]) - np.log(m0[k, c]) - P.log_dy[k]
    # lambda_x within firms: a firm's vacancies g0_j, inferred from its realised
    # employment, enter z only through a firm effect (docs/estimation.md)
    w, wg, zz = s.weights[ok], s.wage[ok], zr[ok]
    fj = s.firm[ok]
    if s.wage_controls is not None:
        res = residualise_wages(wg, s.wage_controls[ok], fj * P.Nx + c[ok], s.wage_reference)
        wg = res.wage
        info["wage_controls"] = dict(zip(range(res.coef.size), res.coef.tolist(), strict=True))
        info["wage_sigma"] = res.sigma
    nf = int(fj.max()) + 1
    sw = np.bincount(fj, weights=w, minlength=nf)
    sw = np.where(sw > 0, sw, 1.0)
    wd = wg - (np.bincount(fj, weights=w * wg, minlength=nf) / sw)[fj]
    zd = zz - (np.bincount(fj, weights=w * zz, minlength=nf) / sw)[fj]
    if not np.sum(w * zd * zd) > 0:
        raise ModelInputError("the wage equation needs variation in log(pi/f0) within firms")
    slope = float(np.sum(w * zd * wd) / np.sum(w * zd * zd))
    inter = float(np.average(wg, weights=w) - slope * np.average(zz, weights=w))
    coef = np.array([inter, slope])
    resid = wd - slope * zd
    info["wage_r2"] = float(1 - (w @ resid**2) / (w @ wd**2))
    info["wage_n"] = int(ok.sum())
    lx, a0 = float(coef[1]), float(coef[0])
    if lx <= 0:
        raise ModelInputError(
            f"the wage equation gives lambda_x = {lx:.4g} <= 0: wages do not rise with log(pi/f0)"
        )
    lam = lx / sx
    ly = lam - lx
    Phi = lam * B
    w0, r0 = cal.w0, cal.r0
    nu_x = (w0 - a0) / lx
    p.update({"lambda": lam, "lambda_x": lx, "lambda_y": ly, "nu_x": nu_x})
    with np.errstate(divide="ignore", invalid="ignore"):
        zm = np.log(mu) - np.log(m0)[:, :, None] - P.log_dy[:, None, None]
    zm = np.where(mu > 0, zm, 0.0)
    xPy = np.einsum("ca,ab,kjb->kcj", P.X, Phi, P.Y)
    mean_w = w0 + lx * (float((mu * zm).sum() / mu.sum()) - nu_x)
    info["mean_wage"] = mean_w
    C = mean_w / cal.wage_bill_share - float((mu * xPy).sum() / mu.sum())
    p["C"] = C
    p["nu_y"] = (lam * kd - C + w0 + r0 - lx * nu_x) / ly
    if P.foreign:
        ms, m0s = out["mu_star"], out["m0_star"]
        with np.errstate(divide="ignore", invalid="ignore"):
            zs = np.log(ms) - np.log(m0s)[:, :, None] - P.log_dy[:, None, None]
        zs = np.where(ms > 0, zs, 0.0)
        nu_xs = (cal.w0_star + lx * float((ms * zs).sum() / ms.sum()) - cal.mean_w_star) / lx
        base = lam * kf + cal.w0_star + r0 - lx * nu_xs  # C* + ly nu_y* at z = 0
        if isinstance(norm, str) and norm == "wage_share":
            Cs = cal.mean_w_star / cal.wage_bill_share - float((ms * xPy).sum() / ms.sum())
            nu_ys = (base - Cs) / ly
        elif isinstance(norm, str) and norm != "symmetric":
            raise ModelInputError(f"unknown foreign_normalisation {norm!r}")
        else:
            nu_ys = nu_xs + (0.0 if isinstance(norm, str) else float(norm))
            Cs = base - ly * nu_ys
        p.update(nu_x_star=nu_xs, nu_y_star=nu_ys, C_star=Cs, c_F=C - Cs)
    return p, Phi, beta, info


# ----------------------------------------------------------------------- estimation


@dataclass(frozen=True)
class _Settings:
    lambda_x_share: float = 0.5
    base_measure: str = "uniform"
    foreign_normalisation: ForeignNorm = "symmetric"
    gtol: float = 1e-10
    max_iter: int = 40
    worker_shares: tuple | None = None


def _point(
    s: MarketSample,
    cal: YearCalibration,
    st: _Settings,
    init=None,
    support=None,
    jacobian=None,
    final_jacobian: bool = False,
):
    P = _Problem(s, cal, st.lambda_x_share, st.base_measure, support, st.worker_shares)
    fit = _fit(P, init, st.gtol, st.max_iter, jacobian, final_jacobian)
    p, Phi, beta, info = _levels(P, fit, s, cal, st.foreign_normalisation)
    return p, Phi, beta, info, fit, P


def _vector(p: dict, Phi: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return np.concatenate([Phi.ravel(), [p[k] for k in _SCALARS], beta])


def _replicate(s: MarketSample, rng, cal, st: _Settings, init, support, jacobian) -> np.ndarray:
    p, Phi, beta, _, _, _ = _point(s, cal, st, init, support, jacobian)
    return _vector(p, Phi, beta)


def _resample(s: MarketSample, rng: np.random.Generator) -> MarketSample:
    return s.resample(rng)


@dataclass(frozen=True, eq=False)
class MarketEstimate(TableMixin):
    """Estimates of the market-segmented model, with bootstrap intervals.

    ``params``: the scalars of :class:`~skillshore.structural.StructuralEstimate`
    (lambda, lambda_x, lambda_y, C, C_star, c_F, nu_x, nu_y, nu_x_star, nu_y_star,
    kappa_d, kappa_f; C_star and c_F at z = 0); ``beta``: the shifters' slopes on the
    offshoring propensity (reduced units: the offshoring cost of market k is
    c_F - lambda z_k' beta).
    """

    Phi: np.ndarray
    params: dict[str, float]
    beta: np.ndarray
    shifter_names: tuple
    calibration: YearCalibration
    info: dict[str, Any]
    fit: _Fit = field(repr=False)
    problem: _Problem = field(repr=False)
    bootstrap: BootstrapResult | None = None
    year: int | None = None
    level: float = 0.95
    ci_method: Literal["basic", "percentile"] = "percentile"

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Estimation results, markets" + (f" ({self.year})" if self.year is not None else "")

    @property
    def names(self) -> list[str]:
        return (
            _phi_names(*self.Phi.shape)
            + list(_SCALARS)
            + [f"beta[{n}]" for n in self.shifter_names[: self.beta.size]]
        )

    @property
    def vector(self) -> np.ndarray:
        return _vector(self.params, self.Phi, self.beta)

    @property
    def converged(self) -> bool:
        """True: :func:`estimate_markets` raises ConvergenceError otherwise."""
        return bool(np.isfinite(self.fit.gap))

    def ci(self, name: str | None = None) -> np.ndarray | None:
        """Bootstrap interval of one parameter (2,) or of all (k, 2); None without bootstrap."""
        if self.bootstrap is None:
            return None
        ci = self.bootstrap.ci(self.level, self.ci_method, self.vector)
        return ci if name is None else ci[self.names.index(name)]

    def se(self, name: str) -> float:
        """Bootstrap standard deviation of one parameter."""
        if self.bootstrap is None:
            return np.nan
        return float(self.bootstrap.se[self.names.index(name)])

    def params_frame(self) -> pd.DataFrame:
        """Numbers: estimate, bootstrap sd and interval for every parameter."""
        df = pd.DataFrame({"estimate": self.vector}, index=self.names)
        ci = self.ci()
        if ci is not None:
            df["sd"] = self.bootstrap.se
            df["lower"], df["upper"] = ci[:, 0], ci[:, 1]
        return df

    def to_frame(self) -> pd.DataFrame:
        """The seed's "Estimation Results" layout: "estimate (lower, upper)"."""
        num = self.params_frame()
        col = str(self.year) if self.year is not None else "estimate"
        rows = [
            (k, k.replace("Phi", "Φ"), "matching technology") for k in _phi_names(*self.Phi.shape)
        ]
        rows += list(_ROWS)
        rows += [
            (f"beta[{n}]", f"β[{n}]", "shift of the offshoring propensity (units of λ)")
            for n in self.shifter_names[: self.beta.size]
        ]
        out = {}
        for key, sym, desc in rows:
            r = num.loc[key]
            cell = fmt_estimate(r)
            out[sym] = {"Parameter": desc, col: cell}
        return pd.DataFrame.from_dict(out, orient="index")

    def summary(self) -> str:
        f, P = self.fit, self.problem
        head = (
            f"{self.title}: {P.K} markets, {P.Nx} worker types, {int(P.colok.sum())} firms; "
            f"{f.n_iter} Newton steps, {f.n_solves} profiled IPFP solves, largest moment gap "
            f"{f.gap:.1e}, {f.seconds:.2f} s; wage equation R2 "
            f"{fmt_num(self.info.get('wage_r2'), 3)} on {self.info.get('wage_n')} wages"
        )
        if self.bootstrap is not None:
            b = self.bootstrap
            head += (
                f"\nbootstrap (firms resampled within markets): B = {b.n_boot}, seed {b.seed}, "
                f"{len(b.failures)} failed"
            )
        if self.info.get("normalised"):
            head += "\nnormalised: " + "; ".join(self.info["normalised"])
        return head + "\n" + self._string_frame().to_string()

    def market_frame(self) -> pd.DataFrame:
        """Per market: firms, workers, offshored, model unemployment/vacancy/offshoring rates."""
        P, out = self.problem, self.fit.out
        W = out["W"]
        df = pd.DataFrame(
            {
                "firms": P.nk,
                "matched": P.R.sum(axis=1),
                "matched_model": out["mu"].sum(axis=(1, 2)),
                "offshored": P.O.sum(axis=1),
                "unemployment_rate": out["m0"].sum(axis=1) / W,
                "vacancies_per_worker": out["g0"].sum(axis=1) / W,
                "offshoring_rate": P.O.sum(axis=1) / P.R.sum(axis=1),
                "offshoring_rate_model": (
                    out["mu_star"].sum(axis=(1, 2)) / out["mu"].sum(axis=(1, 2))
                    if P.foreign
                    else 0.0
                ),
            },
            index=pd.Index(list(self._labels()), name="market"),
        )
        if P.q:
            lam = self.params["lambda"]
            df["c_F"] = self.params["c_F"] - lam * (P.z @ self.beta)
        return df

    def _labels(self):
        return self.info.get("market_labels", range(self.problem.K))

    def model(self) -> MatchingModel:
        """The estimated economy as one market (for counterfactuals; an approximation).

        Every market's worker types and firms are pooled (workers meet all firms at the
        same total rate: dx = 1/Nx, dy = 1/number of firms), masses as estimated
        (workforce R + m0, firms' slots S + g0, the foreign pool), C* at z = 0.
        """
        P, out, p, cal = self.problem, self.fit.out, self.params, self.calibration
        if not np.isfinite(p["nu_x"]):
            raise ModelInputError("the economy's levels need wages (lambda_x) to be estimated")
        fbar = (out["W"][:, None] * np.exp(P.logphi)).sum(axis=0)
        keep = P.colok
        y = P.Y[keep]
        gbar = (P.S + out["g0"])[keep]
        T = fbar.sum()
        kw: dict[str, Any] = {}
        if P.foreign:
            kw = dict(
                fbar_star=fbar / T * P.pool,
                C_star=p["C_star"],
                w0_star=cal.w0_star,
                nu_x_star=p["nu_x_star"],
                nu_y_star=p["nu_y_star"],
            )
        return MatchingModel(
            x=P.X[fbar > 0],
            y=y,
            fbar=fbar[fbar > 0] / T,
            gbar=gbar / T,
            Phi=self.Phi,
            C=p["C"],
            lambda_x=p["lambda_x"],
            lambda_y=p["lambda_y"],
            w0=cal.w0,
            r0=cal.r0,
            nu_x=p["nu_x"],
            nu_y=p["nu_y"],
            dx=np.exp(P.log_dx),
            dy=1.0 / y.shape[0] if np.any(P.log_dy) else 1.0,
            **{k: (v[fbar > 0] if k == "fbar_star" else v) for k, v in kw.items()},
        )

    def saliency(self) -> Saliency:
        """Singular values of Phi for standardised attributes, with bootstrap intervals."""
        P = self.problem
        wx = P.R.sum(axis=0) / P.total
        sdx = np.sqrt(wx @ (P.X - wx @ P.X) ** 2)
        wy = P.S[P.mask] / P.S.sum()
        Yf = P.Y[P.mask]
        sdy = np.sqrt(wy @ (Yf - wy @ Yf) ** 2)
        draws = None
        if self.bootstrap is not None:
            k = self.Phi.size
            draws = self.bootstrap.draws[:, :k].reshape(-1, *self.Phi.shape)
        return saliency(self.Phi, sdx, sdy, draws, self.level)


def estimate_markets(
    sample: MarketSample,
    calibration: YearCalibration,
    *,
    lambda_x_share: float = 0.5,
    base_measure: Literal["uniform", "discrete"] = "uniform",
    foreign_normalisation: ForeignNorm = "symmetric",
    bootstrap: int = 0,
    seed: int = 0,
    n_workers: int = 2,
    scheduler: str | None = None,
    processes: bool = True,
    progress: bool = False,
    level: float = 0.95,
    ci_method: Literal["basic", "percentile"] = "percentile",
    gtol: float = 1e-10,
    worker_shares: np.ndarray | None = None,
    max_fail_share: float = 0.2,
    year: int | None = None,
) -> MarketEstimate:
    """Estimate Phi, lambda, C, C*, the nu's (and shifter slopes) market by market.

    Parameters
    ----------
    sample : MarketSample
        Domestic matches by market and firm, offshored workers per firm, shifters.
    calibration : YearCalibration
        Outside options, W/Y, E(w*), |fbar*|/|fbar|, the unemployment rate and the
        offshoring rate of the normalisation |gbar| = |fbar| (1 + rate).
    lambda_x_share : float
        lambda_x / lambda (not identified; see ``docs/estimation.md``).
    base_measure : {"uniform", "discrete"}
        ``uniform`` (default): cell volumes dx = 1/(number of worker types), dy_k =
        1/(number of firms in market k), the convention of the synthetic economy and of
        grids (the nu's are per unit of the type distribution); ``discrete``: dx = dy = 1.
    foreign_normalisation : {"symmetric", "wage_share"} or float
        How kappa_f is split into C* and nu_y* (as in :func:`estimate`).
    bootstrap : int
        Replications; firms are resampled within markets (:meth:`MarketSample.resample`).
    seed, n_workers, scheduler, processes, progress :
        See :func:`skillshore.structural.run_bootstrap`.
    level, ci_method :
        Interval level and type (``percentile`` default, or ``basic``).
    gtol : float
        Largest moment gap accepted (relative to the domestic matched mass).
    worker_shares : array, optional
        Population share of each worker type (sorted distinct x), the same in every
        market; default uniform (types are quantile cells of the population).
    max_fail_share : float
        Largest share of failed replications accepted (a replicate fails when, e.g.,
        its wage equation gives lambda_x <= 0: lambda weakly identified, small samples);
        failures are listed in ``bootstrap.failures`` and left out of the intervals.

    Returns
    -------
    MarketEstimate
    """
    shares = None if worker_shares is None else tuple(np.asarray(worker_shares, float))
    st = _Settings(lambda_x_share, base_measure, foreign_normalisation, gtol, 40, shares)
    p, Phi, beta, info, fit, P = _point(sample, calibration, st, final_jacobian=bootstrap > 0)
    info["market_labels"] = sample.market_labels
    boot = None
    if bootstrap > 0:
        fn = functools.partial(
            _replicate,
            cal=calibration,
            st=st,
            init=fit.theta,
            support=(P.X, P.scale_x, P.scale_y),
            jacobian=fit.jacobian,
        )
        names = (
            _phi_names(*Phi.shape)
            + list(_SCALARS)
            + [f"beta[{n}]" for n in sample.shifter_names[: beta.size]]
        )
        boot = run_bootstrap(
            fn,
            sample,
            bootstrap,
            seed,
            names=names,
            resample=_resample,
            n_workers=n_workers,
            scheduler=scheduler,
            processes=processes,
            progress=progress,
            max_fail_share=max_fail_share,
        )
    return MarketEstimate(
        Phi=Phi,
        params=p,
        beta=np.asarray(beta, dtype=np.float64),
        shifter_names=tuple(sample.shifter_names),
        calibration=calibration,
        info=info,
        fit=fit,
        problem=P,
        bootstrap=boot,
        year=year,
        level=level,
        ci_method=ci_method,
    )
