"""The one finite-difference Jacobian of the structural estimators (moment equations)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["central_jacobian"]


def central_jacobian(
    fn: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """d fn / d theta by central differences, (len(fn(theta)), len(theta)).

    ``fn`` maps a parameter vector to the model's moments (each call one equilibrium
    solve; the caller warm-starts them from the same point). Truncation error O(h^2).
    """
    theta = np.asarray(theta, dtype=np.float64)
    cols = []
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = h
        cols.append((np.asarray(fn(theta + e)) - np.asarray(fn(theta - e))) / (2 * h))
    return np.stack(cols, axis=1)
