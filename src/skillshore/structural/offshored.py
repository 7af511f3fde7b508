"""Unobserved offshored matches (seed slide "Identifying Assumption: Unobserved
Offshored Matches", with eq. 10).

The seed's assumption: for each firm,

    purchases abroad / value added = offshored workers / domestic workers,

so a firm's offshored mass is its domestic employment times its purchases abroad
over value added. Eq. 10 spreads that mass across worker types: at a firm of type
y,

    lambda log(pi*(x, y) / pi(x, y)) = -c_F - (a*(x) - a(x)) - (b*(y) - b(y)),

and b* - b does not depend on x, so pi*(. | y) is proportional to pi(x, y) h(x)
with the tilt h(x) = exp(-(a*(x) - a(x)) / lambda). Before estimation h = 1 (the
"equally talented" reading of the assumption: firms indifferent between home and
foreign hires pick equally skilled workers); with an estimated equilibrium h comes
from its potentials (:func:`tilt_from_equilibrium`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from skillshore.errors import DataValidationError
from skillshore.matching import Equilibrium
from skillshore.structural.data import MatchedSample

__all__ = [
    "distribute_offshored",
    "impute_offshored_matches",
    "offshored_workers",
    "tilt_from_equilibrium",
]


def offshored_workers(purchases_abroad, value_added, domestic_workers) -> np.ndarray:
    """Offshored workers = domestic workers x purchases abroad / value added (per firm)."""
    p = np.asarray(purchases_abroad, dtype=np.float64)
    va = np.asarray(value_added, dtype=np.float64)
    n = np.asarray(domestic_workers, dtype=np.float64)
    if np.any(va <= 0) or np.any(p < 0) or np.any(n < 0):
        raise DataValidationError(
            "offshored workers need value added > 0, purchases >= 0, workers >= 0"
        )
    return n * p / va


def tilt_from_equilibrium(eq: Equilibrium) -> np.ndarray:
    """h(x) = exp(-(a*(x) - a(x)) / lambda) from an equilibrium's potentials (eq. 10)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        d = eq.a_star - eq.a
    h = np.exp(-(d - np.nanmin(d[np.isfinite(d)])) / eq.model.lam)
    return np.where(np.isfinite(d), h, 0.0)


def distribute_offshored(
    pi: np.ndarray, offshored_by_firm: np.ndarray, tilt: np.ndarray | None = None
) -> np.ndarray:
    """Offshored matches pi*(x, y) (Nx, Ny) from each firm type's offshored mass (eq. 10).

    Parameters
    ----------
    pi : array (Nx, Ny)
        Domestic matches.
    offshored_by_firm : array (Ny,)
        Offshored mass of each firm type, sum_x pi*(x, y).
    tilt : array (Nx,), optional
        h(x); default 1.
    """
    pi = np.asarray(pi, dtype=np.float64)
    h = np.ones(pi.shape[0]) if tilt is None else np.asarray(tilt, dtype=np.float64)
    w = pi * h[:, None]
    tot = w.sum(axis=0)
    off = np.asarray(offshored_by_firm, dtype=np.float64)
    if np.any((tot <= 0) & (off > 0)):
        raise DataValidationError("a firm type with offshored mass has no domestic matches")
    return w * np.where(tot > 0, off / np.where(tot > 0, tot, 1.0), 0.0)[None, :]


def impute_offshored_matches(
    sample: MatchedSample,
    ratio: float | np.ndarray,
    firm: np.ndarray | None = None,
    tilt=None,
) -> MatchedSample:
    """Add the unobserved offshored matches to a sample of domestic matches.

    Each domestic match record k at firm f yields an offshored record with the same
    (x, y) and mass ``w_k r_f h(x_k) / mean_f(h)``, so that firm f's offshored mass is
    r_f times its domestic employment (the seed's assumption) and it is spread across
    worker types by eq. 10.

    Parameters
    ----------
    ratio : float or array
        Purchases abroad / value added: one number (e.g. the calibrated offshoring
        rate |f*|/|f|) or one per firm (indexed by ``firm``'s codes 0..F-1).
    firm : array (K,) of int, optional
        Firm code of each match record (needed with a per-firm ``ratio``).
    tilt : callable or array, optional
        h as a function of x (callable on an (K, m) array) or per-record values.
    """
    K = sample.x.shape[0]
    r = np.asarray(ratio, dtype=np.float64)
    if r.ndim == 0:
        rk = np.full(K, float(r))
        codes = np.zeros(K, dtype=np.int64) if firm is None else np.asarray(firm)
    else:
        if firm is None:
            raise DataValidationError("a per-firm ratio needs the firm of each match")
        codes = np.asarray(firm, dtype=np.int64)
        rk = r[codes]
    if np.any(rk < 0):
        raise DataValidationError("purchases abroad / value added must be >= 0")
    if tilt is None:
        h = np.ones(K)
    elif callable(tilt):
        h = np.asarray(tilt(sample.x), dtype=np.float64)
    else:
        h = np.asarray(tilt, dtype=np.float64)
    w = sample.weights
    nf = int(codes.max()) + 1
    emp = np.bincount(codes, weights=w, minlength=nf)
    hw = np.bincount(codes, weights=w * h, minlength=nf)
    mean_h = np.where(emp > 0, hw / np.where(emp > 0, emp, 1.0), 1.0)
    fw = w * rk * h / mean_h[codes]
    keep = fw > 0
    return replace(
        sample,
        foreign_x=sample.x[keep],
        foreign_y=sample.y[keep],
        foreign_weights=fw[keep],
    )
