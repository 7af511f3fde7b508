"""The equilibrium of the matching model and the statistics the seed plots.

Masses of matches are never stored: they are recomputed in blocks of worker
types from the potentials (log masses of singles), so summaries work in the
kernel-free mode with O(block x Ny) memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from skillshore.matching import _kernels as K
from skillshore.matching.economy import MatchingModel

__all__ = ["Equilibrium"]

_BLOCK_ENTRIES = 4_000_000
_ABSORB = 30.0


@dataclass(eq=False)
class _System:
    """The IPFP's row/column structure: domestic rows, then foreign rows."""

    model: MatchingModel
    mode: str
    n_dom: int
    foreign_idx: np.ndarray
    row_off: np.ndarray
    col_off: np.ndarray
    logF: np.ndarray
    logG: np.ndarray
    sx: float
    sy: float
    Kmat: np.ndarray | None
    Xt: np.ndarray | None
    Y: np.ndarray | None

    # Dense mode runs "absorbed" scaling iterations (Schmitzer 2019): it stores
    # E = exp(K + rho_r + kappa_j - shift) and computes log-sum-exps as BLAS
    # matrix-vector products, exp(colw - kappa) and exp(roww - rho) staying within
    # [e^-ABSORB, e^ABSORB]; when they leave that range, rho and kappa are
    # re-absorbed into E (recomputed from K, so no entry is lost for good).
    _E: np.ndarray | None = None
    _rho: np.ndarray | None = None
    _kappa: np.ndarray | None = None
    _shift: float = 0.0
    absorbed: int = 0

    def _absorb(self, rho: np.ndarray, kappa: np.ndarray) -> None:
        Z = self.Kmat + rho[:, None] + kappa[None, :]
        shift = float(np.max(Z))
        shift = shift - 600.0 if shift > 600.0 else 0.0
        if shift:
            Z -= shift
        np.exp(Z, out=Z)
        self._E, self._rho, self._kappa, self._shift = Z, rho.copy(), kappa.copy(), shift
        self.absorbed += 1

    def _ready(self) -> bool:
        return self._E is not None

    def row_lse(self, colw: np.ndarray) -> np.ndarray:
        if self.Kmat is None:
            return K.row_lse_free(self.Xt, self.Y, colw)
        if not self._ready():
            return K.row_lse_dense(self.Kmat, colw)
        d = colw - self._kappa
        if not np.all(np.abs(d) < _ABSORB):
            self._absorb(self._rho, colw)
            d = colw - self._kappa
        with np.errstate(divide="ignore"):
            return np.log(self._E @ np.exp(d)) - self._rho + self._shift

    def col_lse(self, roww: np.ndarray) -> np.ndarray:
        if self.Kmat is None:
            return K.col_lse_free(self.Xt, self.Y, roww)
        if not self._ready():
            return K.col_lse_dense(self.Kmat, roww)
        d = roww - self._rho
        if not np.all(np.abs(d) < _ABSORB):
            self._absorb(roww, self._kappa)
            d = roww - self._rho
        with np.errstate(divide="ignore"):
            return np.log(np.exp(d) @ self._E) - self._kappa + self._shift

    def start_scaling(self, roww: np.ndarray, colw: np.ndarray) -> None:
        """Switch the dense mode to absorbed scaling iterations at the current potentials."""
        if self.Kmat is not None and np.all(np.isfinite(roww)) and np.all(np.isfinite(colw)):
            self._absorb(roww, colw)

    def release(self) -> None:
        """Drop the scaling matrix (the equilibrium keeps only the kernel)."""
        self._E = None

    def kernel_block(self, rows: slice) -> np.ndarray:
        if self.Kmat is not None:
            return self.Kmat[rows]
        return self.Xt[rows] @ self.Y.T


@dataclass(eq=False)
class Equilibrium:
    """Solution of the matching model.

    Attributes
    ----------
    n_iter : int
        IPFP sweeps performed.
    marginal_error : float
        Largest relative margin error of this state (all rows and columns).
    converged : bool
    errors : ndarray
        Row margin error before each sweep (the convergence history).
    seconds : float
        Wall time of the solve.
    """

    system: _System = field(repr=False)
    log_u: np.ndarray = field(repr=False)
    log_g0: np.ndarray = field(repr=False)
    n_iter: int = 0
    marginal_error: float = np.nan
    converged: bool = False
    errors: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    seconds: float = 0.0

    # ---------------------------------------------------------------- singles
    @property
    def model(self) -> MatchingModel:
        return self.system.model

    def log_row_singles(self) -> np.ndarray:
        return self.log_u

    def _need_singles(self, what: str) -> None:
        if not self.model.singles:
            from skillshore.errors import ModelInputError

            raise ModelInputError(f"{what} needs outside options (the model has singles=False)")

    @property
    def f0(self) -> np.ndarray:
        """Mass of unmatched (unemployed) domestic workers by type (zero without singles)."""
        if not self.model.singles:
            return np.zeros(self.system.n_dom)
        return np.exp(self.log_u[: self.system.n_dom])

    @property
    def f0_star(self) -> np.ndarray:
        """Mass of foreign workers not matched with a domestic firm, by type."""
        out = np.zeros(self.system.n_dom)
        if self.model.fbar_star is not None and self.model.singles:
            out[:] = self.model.fbar_star
            out[self.system.foreign_idx] = np.exp(self.log_u[self.system.n_dom :])
        return out

    @property
    def g0(self) -> np.ndarray:
        """Mass of firms with no match, by type (zero without singles)."""
        if not self.model.singles:
            return np.zeros_like(self.log_g0)
        return np.exp(self.log_g0)

    # ---------------------------------------------------------------- matches
    def _log_mu_block(self, rows: slice) -> np.ndarray:
        s = self.system
        return (
            s.kernel_block(rows)
            + (s.row_off[rows] + s.sx * self.log_u[rows])[:, None]
            + (s.col_off + s.sy * self.log_g0)[None, :]
        )

    def _iter(self, foreign: bool) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        s = self.system
        ny = s.logG.size
        step = max(1, _BLOCK_ENTRIES // max(ny, 1))
        lo0, hi0 = (s.n_dom, s.logF.size) if foreign else (0, s.n_dom)
        idx_all = np.concatenate([np.arange(s.n_dom), s.foreign_idx])
        for lo in range(lo0, hi0, step):
            hi = min(hi0, lo + step)
            yield idx_all[lo:hi], np.exp(self._log_mu_block(slice(lo, hi)))

    def _dense(self, foreign: bool) -> np.ndarray:
        nx, ny = self.model.shape
        out = np.zeros((nx, ny))
        for idx, mu in self._iter(foreign):
            out[idx] = mu
        return out

    @cached_property
    def pi(self) -> np.ndarray:
        """Masses of domestic matches mu_ij (Nx, Ny); materialises the matrix."""
        return self._dense(False)

    @cached_property
    def pi_star(self) -> np.ndarray:
        """Masses of foreign (offshored) matches mu*_ij (Nx, Ny); materialises the matrix."""
        return self._dense(True)

    # ---------------------------------------------------------------- prices
    def wages(self) -> np.ndarray:
        """Domestic wages w_ij = w0_i + lambda_x (log(pi/f0) - nu_x) with pi, f0 densities."""
        self._need_singles("wages")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi)
        return m.w0[:, None] + m.lambda_x * (
            lp - np.log(self.f0)[:, None] - np.log(m.dy)[None, :] - m.nu_x
        )

    def wages_star(self) -> np.ndarray:
        """Foreign wages w*_ij = w0*_i + lambda_x (log(pi*/f0*) - nu_x*)."""
        self._need_singles("wages_star")
        m = self.model
        with np.errstate(divide="ignore", invalid="ignore"):
            return m.w0_star[:, None] + m.lambda_x * (
                np.log(self.pi_star)
                - np.log(self.f0_star)[:, None]
                - np.log(m.dy)[None, :]
                - m.nu_x_star
            )

    def profits(self) -> np.ndarray:
        """Firms' profits from domestic matches r_ij = r0_j + lambda_y (log(pi/g0) - nu_y) = q - w."""
        self._need_singles("profits")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi)
        return m.r0[None, :] + m.lambda_y * (
            lp - self.log_g0[None, :] - np.log(m.dx)[:, None] - m.nu_y
        )

    def profits_star(self) -> np.ndarray:
        """Firms' profits from foreign matches r*_ij = r0_j + lambda_y (log(pi*/g0) - nu_y*)."""
        self._need_singles("profits_star")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi_star)
        return m.r0[None, :] + m.lambda_y * (
            lp - self.log_g0[None, :] - np.log(m.dx)[:, None] - m.nu_y_star
        )

    @property
    def a(self) -> np.ndarray:
        """Worker potential a(x): lambda log pi(x,y) = q(x,y) - a(x) - b(y) (densities; seed eq. 10)."""
        m = self.model
        return m.w0 - m.lambda_x * m.nu_x - m.lambda_x * (np.log(self.f0) - np.log(m.dx))

    @property
    def b(self) -> np.ndarray:
        """Firm potential b(y) for domestic matches."""
        m = self.model
        return m.r0 - m.lambda_y * m.nu_y - m.lambda_y * (self.log_g0 - np.log(m.dy))

    @property
    def a_star(self) -> np.ndarray:
        """Foreign worker potential a*(x)."""
        m = self.model
        with np.errstate(divide="ignore"):
            return (
                m.w0_star
                - m.lambda_x * m.nu_x_star
                - m.lambda_x * (np.log(self.f0_star) - np.log(m.dx))
            )

    @property
    def b_star(self) -> np.ndarray:
        """Firm potential b*(y) for foreign matches: b* - b = -lambda_y (nu_y* - nu_y)."""
        m = self.model
        return m.r0 - m.lambda_y * m.nu_y_star - m.lambda_y * (self.log_g0 - np.log(m.dy))

    # ---------------------------------------------------------------- aggregates
    @cached_property
    def _aggregates(self) -> dict[str, np.ndarray]:
        m = self.model
        nx, ny = m.shape
        xcol = m.x
        out = {
            "col_dom": np.zeros(ny),
            "col_for": np.zeros(ny),
            "row_dom": np.zeros(nx),
            "row_for": np.zeros(nx),
            "colx_dom": np.zeros((ny, xcol.shape[1])),
            "wage_sum": 0.0,
            "wage_sq": 0.0,
            "wage_col": np.zeros(ny),
            "wage_row": np.zeros(nx),
            "cross_dom": np.zeros((xcol.shape[1], m.y.shape[1])),
            "cross_for": np.zeros((xcol.shape[1], m.y.shape[1])),
        }
        ldy = np.log(m.dy)
        for foreign in (False, True):
            for idx, mu in self._iter(foreign):
                key = "for" if foreign else "dom"
                out[f"col_{key}"] += mu.sum(axis=0)
                out[f"row_{key}"][idx] += mu.sum(axis=1)
                out[f"cross_{key}"] += xcol[idx].T @ (mu @ m.y)
                if not foreign:
                    out["colx_dom"] += mu.T @ xcol[idx]
                    if not m.singles:
                        continue
                    with np.errstate(divide="ignore"):
                        w = m.w0[idx, None] + m.lambda_x * (
                            np.log(mu) - np.log(self.f0[idx])[:, None] - ldy[None, :] - m.nu_x
                        )
                    w = np.where(mu > 0, w, 0.0)
                    out["wage_sum"] += float(np.sum(mu * w))
                    out["wage_sq"] += float(np.sum(mu * w * w))
                    out["wage_col"] += (mu * w).sum(axis=0)
                    out["wage_row"][idx] += (mu * w).sum(axis=1)
        return out

    @property
    def matched_domestic(self) -> float:
        """|f|: mass of domestic matches."""
        return float(self._aggregates["col_dom"].sum())

    @property
    def matched_foreign(self) -> float:
        """|f*|: mass of offshored (foreign) matches."""
        return float(self._aggregates["col_for"].sum())

    @property
    def unemployment_rate(self) -> float:
        """|f0| / |fbar|."""
        return float(self.f0.sum() / self.model.fbar.sum())

    @property
    def offshoring_rate(self) -> float:
        """|f*| / |f| (seed's calibration table: rate of offshoring)."""
        return self.matched_foreign / self.matched_domestic

    @property
    def mean_wage(self) -> float:
        """E(wage) over domestic matches."""
        return self._aggregates["wage_sum"] / self.matched_domestic

    @property
    def sd_wage(self) -> float:
        """SD(wage) over domestic matches."""
        mean = self.mean_wage
        return float(
            np.sqrt(max(self._aggregates["wage_sq"] / self.matched_domestic - mean**2, 0.0))
        )

    def wage_by_firm(self) -> np.ndarray:
        """E(wage | y_j) over the firm type's domestic matches."""
        agg = self._aggregates
        return agg["wage_col"] / agg["col_dom"]

    def wage_by_worker(self) -> np.ndarray:
        """E(wage | x_i) over the worker type's matches."""
        agg = self._aggregates
        return agg["wage_row"] / agg["row_dom"]

    def offshoring_prob_by_firm(self) -> np.ndarray:
        """P(a firm of type y_j is matched with a foreign worker) = sum_i mu*_ij / gbar_j."""
        return self._aggregates["col_for"] / self.model.gbar

    def mean_matched_quality_by_firm(self, k: int = 0) -> np.ndarray:
        """E(x_k | y_j, domestic match): average skill of the domestic workers a firm type hires."""
        agg = self._aggregates
        return agg["colx_dom"][:, k] / agg["col_dom"]

    @property
    def mean_matched_quality(self) -> np.ndarray:
        """E(x | domestic match), each skill dimension."""
        agg = self._aggregates
        return agg["colx_dom"].sum(axis=0) / self.matched_domestic

    def cross_moment(self, foreign: bool = False) -> np.ndarray:
        """E_pi[x y'] among domestic (or foreign) matches, normalised by their mass (m x n)."""
        agg = self._aggregates
        key = "for" if foreign else "dom"
        mass = agg[f"col_{key}"].sum()
        return agg[f"cross_{key}"] / mass if mass > 0 else np.full_like(agg[f"cross_{key}"], np.nan)

    # ---------------------------------------------------------------- welfare (checks)
    def welfare_primal(self) -> float:
        """Social welfare evaluated from the matches (surplus plus generalised entropy; dense).

        W = sum mu Phi~ + sum mu* Phi~* - lx sum_i [sum_j mu log(mu/F) + m0 log(m0/F)] (domestic
        and foreign workers) - ly sum_j [sum_i (mu + mu*) log(./G) + m0j log(m0j/G)].
        """
        self._need_singles("welfare_primal")
        s = self.system
        m = self.model
        lam = m.lam

        def xlogy(a, b):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(a > 0, a * np.log(a / b), 0.0)

        total = 0.0
        col_terms = np.zeros(m.shape[1])
        R = s.logF.size
        for lo, hi in ((0, s.n_dom), (s.n_dom, R)):
            if hi <= lo:
                continue
            sl = slice(lo, hi)
            lmu = self._log_mu_block(sl)
            mu = np.exp(lmu)
            phi_t = lam * (s.kernel_block(sl) + s.row_off[sl][:, None] + s.col_off[None, :])
            total += float(np.sum(mu * phi_t))
            F = np.exp(s.logF[sl])
            m0 = np.exp(self.log_u[sl])
            total -= m.lambda_x * float(np.sum(xlogy(mu, F[:, None])) + np.sum(xlogy(m0, F)))
            col_terms += xlogy(mu, m.gbar[None, :]).sum(axis=0)
        total -= m.lambda_y * float(np.sum(col_terms) + np.sum(xlogy(self.g0, m.gbar)))
        return total

    def welfare_dual(self) -> float:
        """Dual value sum_i F_i u_i + sum_j G_j v_j, u = -lx log(m0/F), v = -ly log(m0/G)."""
        self._need_singles("welfare_dual")
        s = self.system
        m = self.model
        F = np.exp(s.logF)
        u = -m.lambda_x * (self.log_u - s.logF)
        v = -m.lambda_y * (self.log_g0 - s.logG)
        return float(F @ u + m.gbar @ v)

    # ---------------------------------------------------------------- reporting
    def to_frame(self) -> pd.DataFrame:
        """Headline statistics of the equilibrium (one column)."""
        rows = {
            "E(wage)": self.mean_wage,
            "SD(wage)": self.sd_wage,
            "unemployment rate": self.unemployment_rate,
            "offshoring rate |f*|/|f|": self.offshoring_rate,
            "domestic matches |f|": self.matched_domestic,
            "foreign matches |f*|": self.matched_foreign,
            "IPFP sweeps": self.n_iter,
            "max relative margin error": self.marginal_error,
        }
        return pd.DataFrame({"value": rows})

    def summary(self) -> str:
        status = "converged" if self.converged else "NOT converged"
        head = f"Matching equilibrium ({status}; {self.n_iter} sweeps, margin error {self.marginal_error:.2e}, {self.seconds:.3f} s)"
        return head + "\n" + self.to_frame().to_string()
