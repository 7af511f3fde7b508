"""Numba kernels of the log-domain IPFP.

The match kernel is ``K[i, j] = <Xt[i], Y[j]>`` (``Xt = x Phi / lambda``, computed on
the fly: O(Nx + Ny) memory) or a stored matrix ``K`` (a general surplus). Row and
column log-sum-exps add an offset vector inside the sums.

Each log-sum-exp takes a ``hint`` (the previous sweep's result, or NaN): with a
finite hint h the sum ``s = sum exp(v - h)`` is taken in one branch-free pass and
accepted when ``1e-280 <= s <= 1e280`` (then no term that matters has under- or
overflowed and the result ``h + log s`` is exact to rounding); otherwise, or
without a hint, an online (running-maximum) log-sum-exp is used, so nothing
overflows whatever the size of Phi / lambda.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "row_lse_free",
    "col_lse_free",
    "row_lse_dense",
    "col_lse_dense",
    "scaled_kernel_free",
]

_LO, _HI = 1e-280, 1e280


@njit(inline="always", cache=True, fastmath=False)
def _online(m, s, v):  # pragma: no cover - compiled
    if v > m:
        if m > -np.inf:
            s = s * np.exp(m - v) + 1.0
        else:
            s = 1.0
        m = v
    elif v > -np.inf:
        s += np.exp(v - m)
    return m, s


@njit(parallel=True, cache=True, fastmath=False)
def row_lse_free(Xt, Y, colw, hint):  # pragma: no cover - compiled
    """out[r] = log sum_j exp(<Xt[r], Y[j]> + colw[j])."""
    R, n = Xt.shape
    J = Y.shape[0]
    out = np.empty(R)
    for r in prange(R):
        h = hint[r]
        done = False
        if np.isfinite(h):
            s = 0.0
            for j in range(J):
                v = colw[j] - h
                for k in range(n):
                    v += Xt[r, k] * Y[j, k]
                s += np.exp(v)
            if s >= _LO and s <= _HI:
                out[r] = h + np.log(s)
                done = True
        if not done:
            m = -np.inf
            s = 0.0
            for j in range(J):
                v = colw[j]
                for k in range(n):
                    v += Xt[r, k] * Y[j, k]
                m, s = _online(m, s, v)
            out[r] = m + np.log(s) if m > -np.inf else -np.inf
    return out


@njit(parallel=True, cache=True, fastmath=False)
def col_lse_free(Xt, Y, roww, hint):  # pragma: no cover - compiled
    """out[j] = log sum_r exp(<Xt[r], Y[j]> + roww[r])."""
    R, n = Xt.shape
    J = Y.shape[0]
    out = np.empty(J)
    for j in prange(J):
        h = hint[j]
        done = False
        if np.isfinite(h):
            s = 0.0
            for r in range(R):
                v = roww[r] - h
                for k in range(n):
                    v += Xt[r, k] * Y[j, k]
                s += np.exp(v)
            if s >= _LO and s <= _HI:
                out[j] = h + np.log(s)
                done = True
        if not done:
            m = -np.inf
            s = 0.0
            for r in range(R):
                v = roww[r]
                for k in range(n):
                    v += Xt[r, k] * Y[j, k]
                m, s = _online(m, s, v)
            out[j] = m + np.log(s) if m > -np.inf else -np.inf
    return out


@njit(parallel=True, cache=True, fastmath=False)
def row_lse_dense(K, colw):  # pragma: no cover - compiled
    """out[r] = log sum_j exp(K[r, j] + colw[j]) for a stored kernel."""
    R, J = K.shape
    out = np.empty(R)
    for r in prange(R):
        m = -np.inf
        s = 0.0
        for j in range(J):
            m, s = _online(m, s, K[r, j] + colw[j])
        out[r] = m + np.log(s) if m > -np.inf else -np.inf
    return out


@njit(parallel=True, cache=True, fastmath=False)
def _col_lse_dense(K, roww, P):  # pragma: no cover - compiled
    R, J = K.shape
    P = min(P, max(R, 1))
    mx = np.full((P, J), -np.inf)
    sm = np.zeros((P, J))
    chunk = (R + P - 1) // P
    for p in prange(P):
        for r in range(p * chunk, min(R, p * chunk + chunk)):
            w = roww[r]
            for j in range(J):
                mx[p, j], sm[p, j] = _online(mx[p, j], sm[p, j], K[r, j] + w)
    out = np.empty(J)
    for j in range(J):
        m = -np.inf
        for p in range(P):
            m = max(m, mx[p, j])
        if m == -np.inf:
            out[j] = -np.inf
            continue
        s = 0.0
        for p in range(P):
            if mx[p, j] > -np.inf:
                s += sm[p, j] * np.exp(mx[p, j] - m)
        out[j] = m + np.log(s)
    return out


#: row blocks of the dense column reduction: a fixed number, not the thread count, so that
#: the partial sums (and the result, to the last bit) do not depend on how many threads run
_COL_BLOCKS = 16


def col_lse_dense(K, roww):
    """out[j] = log sum_r exp(K[r, j] + roww[r]) for a stored (row-major) kernel; the rows
    are reduced in :data:`_COL_BLOCKS` fixed blocks (bit-identical for any thread count)."""
    return _col_lse_dense(K, roww, _COL_BLOCKS)


@njit(parallel=True, cache=True, fastmath=False)
def scaled_kernel_free(Xt, Y, rho, kappa, out):  # pragma: no cover - compiled
    """out[i, j] = exp(<Xt[i], Y[j]> + rho[i] + kappa[j] - shift); returns shift.

    ``shift`` is 0 unless the largest exponent exceeds 600 (then it is that maximum
    minus 600), so no entry overflows.
    """
    R, n = Xt.shape
    J = Y.shape[0]
    rowmax = np.empty(R)
    for r in prange(R):
        m = -np.inf
        for j in range(J):
            v = rho[r] + kappa[j]
            for k in range(n):
                v += Xt[r, k] * Y[j, k]
            m = max(m, v)
        rowmax[r] = m
    top = rowmax.max()
    shift = top - 600.0 if top > 600.0 else 0.0
    for r in prange(R):
        for j in range(J):
            v = rho[r] + kappa[j] - shift
            for k in range(n):
                v += Xt[r, k] * Y[j, k]
            out[r, j] = np.exp(v)
    return shift
