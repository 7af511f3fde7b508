"""Wages net of worker characteristics outside the matching model.

The model's wage w(x, y) = w0 + lambda_x (log(pi/f0) - nu_x) (docs/model.md) is the
wage of a match between types; observed wages also move with characteristics that do
not define the types (experience, schooling within a skill cell, ...). The seed's wage
table is a log-linear regression of the hourly wage on such characteristics, so we take

    log w_i = log w(x_c, y_j) + (h_i - h_ref)' gamma + e_i,   e_i ~ (0, sigma^2),

estimate gamma within (market, type, firm) cells (one fixed effect per model wage),
and return each record's wage at the reference characteristics h_ref,

    w~_i = exp(log w_i - (h_i - h_ref)' gamma_hat - sigma_hat^2 / 2),

whose mean in a cell is w(x_c, y_j) when e is normal (the sigma^2/2 term undoes the
log-normal mean). ``h_ref`` is a normalisation: the model's wage level refers to a
worker with these characteristics (state it in the study).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError

__all__ = ["WageResidualisation", "residualise_wages"]


@dataclass(frozen=True, eq=False)
class WageResidualisation(TableMixin):
    """Within-cell regression of log wages on worker characteristics."""

    wage: np.ndarray
    coef: np.ndarray
    se: np.ndarray
    names: tuple[str, ...]
    sigma: float
    n: int
    n_cells: int
    title: str = "Log wage on worker characteristics (within market x type x firm)"

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame({"coef": self.coef, "se": self.se}, index=list(self.names))
        df.loc["sigma (residual sd)"] = [self.sigma, np.nan]
        return df


def residualise_wages(
    wage: np.ndarray,
    controls: np.ndarray,
    cells: np.ndarray,
    reference: np.ndarray | None = None,
    names: list[str] | None = None,
) -> WageResidualisation:
    """Wages at reference characteristics (module docstring).

    Parameters
    ----------
    wage : array (N,)
        Hourly wages (> 0).
    controls : array (N, k)
        Worker characteristics h_i outside the model's types.
    cells : array (N,) of int
        Cell of each record (e.g. market x worker type x firm): one fixed effect each.
    reference : array (k,), optional
        h_ref (default 0).
    """
    w = np.asarray(wage, dtype=np.float64).reshape(-1)
    H = np.asarray(controls, dtype=np.float64)
    H = H[:, None] if H.ndim == 1 else H
    g = np.unique(np.asarray(cells), return_inverse=True)[1].reshape(-1)
    if H.shape[0] != w.size or g.size != w.size:
        raise DataValidationError("wages, controls and cells need one row per record")
    if np.any(~np.isfinite(w)) or np.any(w <= 0) or not np.all(np.isfinite(H)):
        raise DataValidationError("wages must be finite and > 0, controls finite")
    k = H.shape[1]
    ref = np.zeros(k) if reference is None else np.asarray(reference, dtype=np.float64)
    lw = np.log(w)
    cnt = np.bincount(g)
    G = cnt.size

    def demean(v: np.ndarray) -> np.ndarray:
        if v.ndim == 1:
            return v - (np.bincount(g, weights=v) / cnt)[g]
        return v - np.stack([np.bincount(g, weights=c) / cnt for c in v.T], axis=1)[g]

    yd, Hd = demean(lw), demean(H)
    dof = w.size - G - k
    if dof <= 0:
        raise DataValidationError(
            f"too few records ({w.size}) for {G} cells and {k} characteristics"
        )
    coef, *_ = np.linalg.lstsq(Hd, yd, rcond=None)
    resid = yd - Hd @ coef
    s2 = float(resid @ resid / dof)
    cov = s2 * np.linalg.pinv(Hd.T @ Hd)
    net = np.exp(lw - (H - ref) @ coef - s2 / 2)
    return WageResidualisation(
        wage=net,
        coef=coef,
        se=np.sqrt(np.diag(cov)),
        names=tuple(names) if names else tuple(f"h{i + 1}" for i in range(k)),
        sigma=float(np.sqrt(s2)),
        n=int(w.size),
        n_cells=int(G),
    )
