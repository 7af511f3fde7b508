"""From a matched sample to the masses the model is solved with.

Units: the domestic workforce has total mass 1 (|fbar| = 1, the seed's
normalisation). Every other mass is relative to it. Where the sample lacks a
group, the calibration fills it in (seed slide "Calibrated Parameters"):

* no unemployed workers: |f0| = u |fbar| with u the calibrated unemployment rate,
  spread across worker types in proportion to matched workers;
* no vacancies: |gbar| = |fbar| (1 + |f*|/|f|), the vacant mass spread across
  firm types in proportion to their matches (domestic and offshored);
* foreign pool: |fbar*| from the sample or the calibration, spread across worker
  types in proportion to fbar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillshore.errors import DataValidationError
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.data import MatchedSample, TypeSupport

__all__ = ["Masses", "build_masses"]


@dataclass(frozen=True, eq=False)
class Masses:
    """Observed masses on the type support (after dropping empty types).

    ``mu``/``mu_star`` are domestic/offshored match masses (Nx, Ny); ``m0`` unemployed
    and ``v0`` vacant masses; ``fbar``, ``gbar``, ``fbar_star`` the margins; ``wage_*``
    the wage records (type indices, wage, weight in mass units).
    """

    x: np.ndarray
    y: np.ndarray
    mu: np.ndarray
    mu_star: np.ndarray | None
    m0: np.ndarray
    v0: np.ndarray
    fbar: np.ndarray
    gbar: np.ndarray
    fbar_star: np.ndarray | None
    wage_i: np.ndarray
    wage_j: np.ndarray
    wage: np.ndarray
    wage_w: np.ndarray
    singles: bool

    @property
    def unemployment_rate(self) -> float:
        return float(self.m0.sum() / self.fbar.sum())

    @property
    def offshoring_rate(self) -> float:
        return 0.0 if self.mu_star is None else float(self.mu_star.sum() / self.mu.sum())


def _grid(i: np.ndarray, j: np.ndarray, w: np.ndarray, nx: int, ny: int) -> np.ndarray:
    return np.bincount(i * ny + j, weights=w, minlength=nx * ny).reshape(nx, ny)


def build_masses(
    s: MatchedSample,
    support: TypeSupport,
    calibration: YearCalibration | None = None,
    singles: bool = True,
    foreign_pool: float | None = None,
) -> Masses:
    """Masses of matches, singles and margins on ``support`` (see the module docstring)."""
    idx = support.assign(s)
    nx, ny = support.x.shape[0], support.y.shape[0]
    mi, mj = idx["match"]
    mu = _grid(mi, mj, s.weights, nx, ny)
    total_matched = mu.sum()
    if total_matched <= 0:
        raise DataValidationError("the sample has no matched mass")
    m0 = np.zeros(nx)
    if "unmatched_x" in idx and singles:
        m0 = np.bincount(idx["unmatched_x"][0], weights=s.unmatched_x_weights, minlength=nx)
        workforce = total_matched + m0.sum()
    elif singles:
        if calibration is None:
            raise DataValidationError(
                "with singles, the sample needs unemployed workers or a calibration "
                "(unemployment rate)"
            )
        u = calibration.unemployment_rate
        m0 = mu.sum(axis=1) * u / (1.0 - u)
        workforce = total_matched + m0.sum()
    else:
        workforce = total_matched
    mu = mu / workforce
    m0 = m0 / workforce
    mu_star = None
    if "foreign" in idx:
        fi, fj = idx["foreign"]
        mu_star = _grid(fi, fj, s.foreign_weights, nx, ny) / workforce
        if mu_star.sum() <= 0:
            mu_star = None
    v0 = np.zeros(ny)
    slots = mu.sum(axis=0) + (0.0 if mu_star is None else mu_star.sum(axis=0))
    if singles and "unmatched_y" in idx:
        v0 = np.bincount(idx["unmatched_y"][0], weights=s.unmatched_y_weights, minlength=ny)
        v0 = v0 / workforce
    elif singles:
        rate = 0.0 if mu_star is None else mu_star.sum() / mu.sum()
        v0 = slots * (m0.sum() * (1.0 + rate)) / slots.sum()
    fbar = mu.sum(axis=1) + m0
    gbar = slots + v0
    fbar_star = None
    if mu_star is not None:
        pool = foreign_pool or s.foreign_pool
        if pool is None and calibration is not None:
            pool = calibration.fbar_star
        if not singles:
            fbar_star = mu_star.sum(axis=1)
        elif pool is None:
            raise DataValidationError(
                "offshored matches need the mass of potential foreign matches |fbar*| "
                "(foreign_pool or a calibration)"
            )
        else:
            fbar_star = fbar * pool / fbar.sum()
            # types absent from this sample (e.g. a bootstrap replicate) have neither
            # workers nor offshored matches; they are dropped below
            off = mu_star.sum(axis=1)
            bad = (fbar_star - off <= 0) & (off > 0)
            if np.any(bad):
                raise DataValidationError(
                    f"the foreign pool |fbar*| = {pool} is smaller than the offshored matches "
                    f"of worker type(s) {np.flatnonzero(bad)[:5].tolist()}"
                )
    keep_x = fbar > 0
    keep_y = gbar > 0
    wi, wj = mi, mj
    wage = np.full(mi.shape, np.nan) if s.wage is None else s.wage
    ok = np.isfinite(wage) & keep_x[wi] & keep_y[wj]
    newx = np.cumsum(keep_x) - 1
    newy = np.cumsum(keep_y) - 1
    sub = np.ix_(keep_x, keep_y)
    return Masses(
        x=support.x[keep_x],
        y=support.y[keep_y],
        mu=mu[sub],
        mu_star=None if mu_star is None else mu_star[sub],
        m0=m0[keep_x],
        v0=v0[keep_y],
        fbar=fbar[keep_x],
        gbar=gbar[keep_y],
        fbar_star=None if fbar_star is None else fbar_star[keep_x],
        wage_i=newx[wi[ok]],
        wage_j=newy[wj[ok]],
        wage=wage[ok],
        wage_w=s.weights[ok] / workforce,
        singles=singles,
    )
