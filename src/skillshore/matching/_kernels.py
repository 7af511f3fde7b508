"""Numba kernels of the log-domain IPFP: log-sum-exp of the match kernel along
rows and columns, either from a stored kernel matrix (dense mode) or computing
``x_r' Phi y_j / lambda`` on the fly (kernel-free mode, O(Nx + Ny) memory).

The kernel entry is ``K[r, j] = <Xt[r], Y[j]>`` (kernel-free) or ``K[r, j]``
(dense); the row and column offsets are added inside the sums. Each pass is an
online (single-pass, running-max) log-sum-exp, so nothing overflows whatever the
size of Phi / lambda.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange  # noqa: F401

__all__ = ["row_lse_free", "col_lse_free", "row_lse_dense", "col_lse_dense"]


@njit(parallel=True, cache=True)
def row_lse_free(Xt, Y, colw):  # pragma: no cover - compiled
    """out[r] = log sum_j exp(<Xt[r], Y[j]> + colw[j])."""
    R, n = Xt.shape
    J = Y.shape[0]
    out = np.empty(R)
    for r in prange(R):
        m = -np.inf
        s = 0.0
        for j in range(J):
            v = colw[j]
            for k in range(n):
                v += Xt[r, k] * Y[j, k]
            if v > m:
                if m > -np.inf:
                    s = s * np.exp(m - v) + 1.0
                else:
                    s = 1.0
                m = v
            elif v > -np.inf:
                s += np.exp(v - m)
        out[r] = m + np.log(s) if m > -np.inf else -np.inf
    return out


@njit(parallel=True, cache=True)
def col_lse_free(Xt, Y, roww):  # pragma: no cover - compiled
    """out[j] = log sum_r exp(<Xt[r], Y[j]> + roww[r])."""
    R, n = Xt.shape
    J = Y.shape[0]
    out = np.empty(J)
    for j in prange(J):
        m = -np.inf
        s = 0.0
        for r in range(R):
            v = roww[r]
            for k in range(n):
                v += Xt[r, k] * Y[j, k]
            if v > m:
                if m > -np.inf:
                    s = s * np.exp(m - v) + 1.0
                else:
                    s = 1.0
                m = v
            elif v > -np.inf:
                s += np.exp(v - m)
        out[j] = m + np.log(s) if m > -np.inf else -np.inf
    return out


@njit(parallel=True, cache=True)
def row_lse_dense(K, colw):  # pragma: no cover - compiled
    """out[r] = log sum_j exp(K[r, j] + colw[j])."""
    R, J = K.shape
    out = np.empty(R)
    for r in prange(R):
        m = -np.inf
        for j in range(J):
            v = K[r, j] + colw[j]
            if v > m:
                m = v
        if m == -np.inf:
            out[r] = -np.inf
            continue
        s = 0.0
        for j in range(J):
            s += np.exp(K[r, j] + colw[j] - m)
        out[r] = m + np.log(s)
    return out


@njit(parallel=True, cache=True)
def _col_lse_dense(K, roww, P):  # pragma: no cover - compiled
    """out[j] = log sum_r exp(K[r, j] + roww[r]), row-major friendly (P chunks of rows)."""
    R, J = K.shape
    P = min(P, max(R, 1))
    mx = np.full((P, J), -np.inf)
    sm = np.zeros((P, J))
    chunk = (R + P - 1) // P
    for p in prange(P):
        lo = p * chunk
        hi = min(R, lo + chunk)
        for r in range(lo, hi):
            w = roww[r]
            for j in range(J):
                v = K[r, j] + w
                m = mx[p, j]
                if v > m:
                    if m > -np.inf:
                        sm[p, j] = sm[p, j] * np.exp(m - v) + 1.0
                    else:
                        sm[p, j] = 1.0
                    mx[p, j] = v
                elif v > -np.inf:
                    sm[p, j] += np.exp(v - m)
    out = np.empty(J)
    for j in range(J):
        m = -np.inf
        for p in range(P):
            if mx[p, j] > m:
                m = mx[p, j]
        if m == -np.inf:
            out[j] = -np.inf
            continue
        s = 0.0
        for p in range(P):
            if mx[p, j] > -np.inf:
                s += sm[p, j] * np.exp(mx[p, j] - m)
        out[j] = m + np.log(s)
    return out


def col_lse_dense(K, roww):
    """out[j] = log sum_r exp(K[r, j] + roww[r]) (one chunk of rows per thread)."""
    return _col_lse_dense(K, roww, get_num_threads())
