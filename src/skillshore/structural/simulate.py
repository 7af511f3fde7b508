"""Draw observed matchings from a solved matching model (for recovery checks).

The population is the equilibrium of a :class:`~skillshore.matching.MatchingModel`
on discrete types; a sample of ``n_workers`` domestic workers records each
worker's outcome (employer type or unemployment) and wage (plus optional
measurement error); vacancies and offshored matches are drawn as Poisson counts
at the same scale. The matching calibration targets (wage-bill share, foreign
mean wage, outside options, rates) are read off the same equilibrium.
"""

from __future__ import annotations

import numpy as np

from skillshore.errors import ModelInputError
from skillshore.matching import Equilibrium, MatchingModel, solve
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.data import MatchedSample

__all__ = ["calibration_from_equilibrium", "simulate_sample"]


def _scalar(a, name: str) -> float:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim and not np.allclose(arr, arr.flat[0]):
        raise ModelInputError(f"{name} must be the same for every type to serve as a calibration")
    return float(arr.flat[0]) if arr.ndim else float(arr)


def calibration_from_equilibrium(eq: Equilibrium, year: int = 0) -> YearCalibration:
    """The seed's calibration targets computed from an equilibrium (population values).

    W/Y is the wage bill over the surplus of domestic matches; E(w*) the mean wage of
    offshored matches.
    """
    m = eq.model
    pi = eq.pi
    wbar = eq.mean_wage
    wy = float((pi * eq.wages()).sum() / (pi * m.q()).sum())
    mean_w_star = np.nan
    if m.has_foreign:
        ps = eq.pi_star
        ws = np.where(ps > 0, eq.wages_star(), 0.0)
        mean_w_star = float((ps * ws).sum() / ps.sum())
    del wbar
    return YearCalibration(
        year=year,
        r0=_scalar(m.r0, "r0"),
        w0=_scalar(m.w0, "w0"),
        w0_star=_scalar(m.w0_star, "w0_star"),
        mean_w_star=mean_w_star,
        wage_bill_share=wy,
        unemployment_rate=eq.unemployment_rate,
        fbar_star=float(m.fbar_star.sum() / m.fbar.sum()) if m.has_foreign else 0.0,
        offshoring_rate=eq.offshoring_rate if m.has_foreign else 0.0,
        fbar=1.0,
    )


def simulate_sample(
    model: MatchingModel | Equilibrium,
    n_workers: int,
    rng: np.random.Generator | int | None = None,
    wage_noise: float = 0.0,
    vacancies: bool = True,
    foreign: bool = True,
) -> MatchedSample:
    """Draw a matched sample of ``n_workers`` domestic workers from the model's equilibrium.

    Parameters
    ----------
    model : MatchingModel or Equilibrium
        The population (discrete types, ``dx = dy = 1``).
    n_workers : int
        Number of sampled domestic workers (multinomial over outcomes).
    wage_noise : float
        Standard deviation of additive wage measurement error (DKK).
    vacancies, foreign : bool
        Also draw vacant firm slots and offshored matches, as Poisson counts with means
        ``n_workers x mass / |fbar|``.
    """
    eq = model if isinstance(model, Equilibrium) else solve(model)
    m = eq.model
    rng = np.random.default_rng(rng)
    nx, ny = m.shape
    scale = n_workers / m.fbar.sum()
    pi = eq.pi
    p = np.concatenate([pi, eq.f0[:, None]], axis=1).ravel()
    counts = rng.multinomial(n_workers, p / p.sum()).reshape(nx, ny + 1)
    ii, jj = np.nonzero(counts[:, :ny])
    reps = counts[ii, jj]
    xi, yj = np.repeat(ii, reps), np.repeat(jj, reps)
    wages = eq.wages()[xi, yj]
    if wage_noise > 0:
        wages = wages + wage_noise * rng.standard_normal(wages.shape)
    un = np.repeat(np.arange(nx), counts[:, ny])
    kw: dict = {}
    if un.size:
        kw["unmatched_x"] = m.x[un]
    if vacancies:
        v = rng.poisson(scale * eq.g0)
        if v.sum():
            kw["unmatched_y"] = m.y[np.repeat(np.arange(ny), v)]
    if foreign and m.has_foreign:
        c = rng.poisson(scale * eq.pi_star)
        fi, fj = np.nonzero(c)
        r = c[fi, fj]
        if r.sum():
            kw["foreign_x"] = m.x[np.repeat(fi, r)]
            kw["foreign_y"] = m.y[np.repeat(fj, r)]
        kw["foreign_pool"] = float(m.fbar_star.sum() / m.fbar.sum())
    return MatchedSample(x=m.x[xi], y=m.y[yj], wage=wages, **kw)
