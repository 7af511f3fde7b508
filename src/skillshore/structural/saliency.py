"""Rank and saliency of the complementarity matrix Phi (Dupuy and Galichon 2014, sec. 5).

Phi is first expressed for standardised attributes, ``Phi_std = diag(sd_x) Phi
diag(sd_y)``, so that its entries compare across skills and firm characteristics.
Its singular value decomposition ``Phi_std = U diag(s) V'`` orders the "dimensions
of matching": the k-th pair of indices (u_k' x, v_k' y) contributes s_k to the
surplus. We report each dimension's share of the squared Frobenius norm,
s_k^2 / sum s^2, and its cumulative share (how many dimensions matter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillshore._results import TableMixin

__all__ = ["Saliency", "saliency"]


@dataclass(frozen=True, eq=False)
class Saliency(TableMixin):
    """Singular values of the standardised Phi and the share of each dimension."""

    singular_values: np.ndarray
    shares: np.ndarray
    U: np.ndarray
    V: np.ndarray
    ci: np.ndarray | None = None
    title: str = "Saliency of Phi (singular values of the standardised Phi)"

    @property
    def rank(self) -> int:
        """Numerical rank (singular values above 1e-10 of the largest)."""
        s = self.singular_values
        return int(np.sum(s > 1e-10 * max(s[0], 1e-300))) if s.size else 0

    def to_frame(self) -> pd.DataFrame:
        k = self.singular_values.size
        df = pd.DataFrame(
            {
                "singular value": self.singular_values,
                "share": self.shares,
                "cumulative share": np.cumsum(self.shares),
            },
            index=[f"dimension {i + 1}" for i in range(k)],
        )
        if self.ci is not None:
            df["2.5%"] = self.ci[:, 0]
            df["97.5%"] = self.ci[:, 1]
        return df


def _svd(phi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    U, s, Vt = np.linalg.svd(phi, full_matrices=False)
    # sign convention: the largest entry of each left vector is positive
    sign = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])])
    sign[sign == 0] = 1.0
    return U * sign, s, (Vt.T * sign)


def saliency(
    Phi: np.ndarray,
    sd_x: np.ndarray | None = None,
    sd_y: np.ndarray | None = None,
    draws: np.ndarray | None = None,
    level: float = 0.95,
) -> Saliency:
    """Saliency analysis of Phi (m x n).

    Parameters
    ----------
    Phi : array (m, n)
    sd_x, sd_y : arrays (m,), (n,), optional
        Standard deviations of the attributes; default 1 (Phi already standardised).
    draws : array (B, m, n), optional
        Bootstrap draws of Phi, for percentile intervals of the singular values.
    """
    phi = np.atleast_2d(np.asarray(Phi, dtype=np.float64))
    dx = np.ones(phi.shape[0]) if sd_x is None else np.asarray(sd_x, dtype=np.float64)
    dy = np.ones(phi.shape[1]) if sd_y is None else np.asarray(sd_y, dtype=np.float64)
    std = dx[:, None] * phi * dy[None, :]
    U, s, V = _svd(std)
    tot = float(np.sum(s**2))
    shares = s**2 / tot if tot > 0 else np.zeros_like(s)
    ci = None
    if draws is not None:
        d = np.asarray(draws, dtype=np.float64)
        d = d[np.all(np.isfinite(d.reshape(d.shape[0], -1)), axis=1)]
        sv = np.array([np.linalg.svd(dx[:, None] * p * dy[None, :], compute_uv=False) for p in d])
        a = (1 - level) / 2
        ci = np.quantile(sv, [a, 1 - a], axis=0).T
    return Saliency(singular_values=s, shares=shares, U=U, V=V, ci=ci)
