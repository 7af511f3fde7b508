"""The IPFP's row/column structure and its log-sum-exps (private).

Rows ("stacked") are the domestic worker types followed by the foreign worker types
with a positive mass; both share the kernel rows ``K[i, :] = x_i' Phi y / lambda``
(the foreign surplus differs only by a constant, which sits in the row offsets).
So a row half-step computes one log-sum-exp per *kernel* row and a column
half-step one per column over the kernel rows, the domestic and foreign row
weights being combined per type first: the foreign pool costs O(Nx) extra work,
not another Nx x Ny pass.

Two modes:

* ``kernel_free``: log-sum-exps computed on the fly by the numba kernels
  (O(Nx + Ny) memory).
* ``dense``: one stored matrix ``E = exp(K + rho_i + kappa_j - shift)`` and
  log-sum-exps as BLAS matrix-vector products with ``exp(colw - kappa)`` or
  ``exp(roww - rho)`` (absorbed scaling, Schmitzer 2019). Whenever these factors
  leave [e^-30, e^30] the current potentials are re-absorbed into E (recomputed
  from x, Phi, y, so nothing is lost for good); a result whose sum is not within
  [1e-280, 1e280] (under- or overflow) is recomputed exactly in the log domain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillshore.matching import _kernels as K
from skillshore.matching.economy import MatchingModel

_ABSORB = 30.0
_LO, _HI = 1e-280, 1e280


@dataclass(eq=False)
class _System:
    model: MatchingModel
    mode: str
    n_dom: int
    foreign_idx: np.ndarray
    row_off: np.ndarray  # stacked rows
    col_off: np.ndarray
    logF: np.ndarray  # stacked rows
    logG: np.ndarray
    sx: float
    sy: float
    Xt: np.ndarray | None  # (Nx, n) = x Phi / lambda, when the kernel is x' Phi y
    Y: np.ndarray | None
    Kmat: np.ndarray | None  # general surplus / lambda (Nx, Ny)

    _E: np.ndarray | None = None
    _rho: np.ndarray | None = None
    _kappa: np.ndarray | None = None
    _shift: float = 0.0
    _row_hint: np.ndarray | None = None
    _col_hint: np.ndarray | None = None
    _valid: bool = False
    absorbed: int = 0
    exact_fallbacks: int = 0

    def __post_init__(self) -> None:
        nx, ny = self.model.shape
        self.krow = np.concatenate([np.arange(nx), self.foreign_idx])
        self._row_hint = np.full(nx, np.nan)
        self._col_hint = np.full(ny, np.nan)

    # ------------------------------------------------------------ stacked rows
    def combine(self, w: np.ndarray) -> np.ndarray:
        """Per kernel row: log(exp(w_domestic) + exp(w_foreign))."""
        wk = w[: self.n_dom].copy()
        if self.foreign_idx.size:
            wk[self.foreign_idx] = np.logaddexp(wk[self.foreign_idx], w[self.n_dom :])
        return wk

    def row_a(self, t: np.ndarray) -> np.ndarray:
        """a_r = row_off_r + log sum_j exp(K[r, j] + col_off_j + sy t_j), stacked rows."""
        return self.row_off + self.row_lse(self.col_off + self.sy * t)[self.krow]

    def col_b(self, u: np.ndarray) -> np.ndarray:
        """b_j = col_off_j + log sum_r exp(K[r, j] + row_off_r + sx u_r), over stacked rows."""
        return self.col_off + self.col_lse(self.combine(self.row_off + self.sx * u))

    # ------------------------------------------------------------ kernel rows
    def _exact_rows(self, colw: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        if self.Kmat is not None:
            Km = self.Kmat if idx is None else self.Kmat[idx]
            return K.row_lse_dense(Km, colw)
        Xt = self.Xt if idx is None else np.ascontiguousarray(self.Xt[idx])
        hint = self._row_hint if idx is None else self._row_hint[idx]
        return K.row_lse_free(Xt, self.Y, colw, hint)

    def _exact_cols(self, roww: np.ndarray) -> np.ndarray:
        if self.Kmat is not None:
            return K.col_lse_dense(self.Kmat, roww)
        return K.col_lse_free(self.Xt, self.Y, roww, self._col_hint)

    def row_lse(self, colw: np.ndarray) -> np.ndarray:
        """log sum_j exp(K[i, j] + colw[j]) for each kernel row i."""
        if self.mode == "kernel_free":
            out = self._exact_rows(colw)
        else:
            if not self._valid:
                self._absorb(None, colw)
            d = colw - self._kappa
            if not np.all(np.abs(d) < _ABSORB):
                self._absorb(self._rho, colw)
                d = colw - self._kappa
            s = self._E @ np.exp(d)
            bad = ~((s >= _LO) & (s <= _HI))
            with np.errstate(divide="ignore"):
                out = np.log(s) - self._rho + self._shift
            if np.any(bad):
                idx = np.flatnonzero(bad)
                out[idx] = self._exact_rows(colw, idx)
                self.exact_fallbacks += 1
                self._valid = False  # re-absorb at the next call, with fresh potentials
        self._row_hint = out
        return out

    def col_lse(self, roww: np.ndarray) -> np.ndarray:
        """log sum_i exp(K[i, j] + roww[i]) for each column j."""
        if self.mode == "kernel_free":
            out = self._exact_cols(roww)
        else:
            if not self._valid:
                self._absorb(roww, self._kappa)
            d = roww - self._rho
            if not np.all(np.abs(d) < _ABSORB):
                self._absorb(roww, self._kappa)
                d = roww - self._rho
            s = np.exp(d) @ self._E
            bad = ~((s >= _LO) & (s <= _HI))
            with np.errstate(divide="ignore"):
                out = np.log(s) - self._kappa + self._shift
            if np.any(bad):
                out = self._exact_cols(roww)
                self.exact_fallbacks += 1
                self._valid = False
        self._col_hint = out
        return out

    def _absorb(self, rho: np.ndarray | None, kappa: np.ndarray | None) -> None:
        """E = exp(K + rho_i + kappa_j - shift); missing rho: each row's maximum is 1."""
        nx, ny = self.model.shape
        kappa = np.zeros(ny) if kappa is None else np.asarray(kappa, dtype=np.float64)
        if rho is None:
            rho = -self._exact_rowmax(kappa)
        rho = np.where(np.isfinite(rho), rho, -745.0)
        kappa = np.where(np.isfinite(kappa), kappa, -745.0)
        if self._E is None or self._E.shape != (nx, ny):
            self._E = np.empty((nx, ny))
        if self.Kmat is not None:
            E = self._E
            np.add(self.Kmat, rho[:, None], out=E)
            E += kappa[None, :]
            top = float(E.max())
            shift = top - 600.0 if top > 600.0 else 0.0
            if shift:
                E -= shift
            np.exp(E, out=E)
        else:
            shift = K.scaled_kernel_free(self.Xt, self.Y, rho, kappa, self._E)
        self._rho, self._kappa, self._shift = rho.copy(), kappa.copy(), float(shift)
        self._valid = True
        self.absorbed += 1

    def _exact_rowmax(self, colw: np.ndarray) -> np.ndarray:
        if self.Kmat is not None:
            return (self.Kmat + colw[None, :]).max(axis=1)
        # the log-sum-exp bounds the maximum within log(Ny): good enough for scaling
        return K.row_lse_free(self.Xt, self.Y, colw, np.full(self.Xt.shape[0], np.nan))

    def release(self) -> None:
        """Drop the scaling matrix: the equilibrium keeps O(Nx + Ny) memory."""
        self._E = None
        self._valid = False

    # ------------------------------------------------------------ blocks
    def kernel_block(self, kidx: np.ndarray) -> np.ndarray:
        """K[kidx, :] (kernel rows; computed on the fly unless the surplus is a matrix)."""
        if self.Kmat is not None:
            return self.Kmat[kidx]
        return self.Xt[kidx] @ self.Y.T


class MarketKernel:
    """exp(x'By) of every market of a multi-market problem, stored once per solve
    (absorbed scaling): the log-sum-exps over firms or worker types become batched
    matrix-vector products with exp(potential - max). Falls back to the log domain when
    a market's kernel spans more than e^600. ``Kn`` is (K, Nx, J), -inf at padding."""

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
    def _exp(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = np.max(v, axis=1, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(under="ignore"):
            return np.exp(v - m), m[:, 0]

    @staticmethod
    def _lse(a: np.ndarray, axis: int) -> np.ndarray:
        m = np.max(a, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(divide="ignore", under="ignore"):
            return np.log(np.exp(a - m).sum(axis=axis)) + np.squeeze(m, axis=axis)

    def over_firms(self, b: np.ndarray) -> np.ndarray:
        """log sum_j exp(K_kcj + b_kj), (K, Nx)."""
        if self.log_domain:
            return self._lse(self.Kn + b[:, None, :], axis=2)
        eb, m = self._exp(b)
        with np.errstate(divide="ignore"):
            return np.log(np.einsum("kcj,kj->kc", self.E, eb)) + (m + self.shift)[:, None]

    def over_workers(self, a: np.ndarray) -> np.ndarray:
        """log sum_c exp(K_kcj + a_kc), (K, J)."""
        if self.log_domain:
            return self._lse(self.Kn + a[:, :, None], axis=1)
        ea, m = self._exp(a)
        with np.errstate(divide="ignore"):
            return np.log(np.einsum("kcj,kc->kj", self.E, ea)) + (m + self.shift)[:, None]
