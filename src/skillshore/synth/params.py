"""Settings and structural parameters of the synthetic economy.

The matching parameters of year t are the seed's estimates ("Estimation Results") and
calibration ("Calibrated Parameters"), linearly interpolated between 1996 and 2006
(held at the end values outside). Two intensities are then *calibrated* so that the
synthetic economy's reference market reproduces the seed's calibration targets on our
normalisation of types (quantile grids in [0, 1], docs/model.md):

* a common shift ``d_nu`` of the domestic intensities (nu_x, nu_y) so that the
  unemployment rate |f0|/|fbar| equals the seed's calibrated rate of that year;
* a common shift ``d_nu_star`` of the foreign intensities (nu_x*, nu_y*) so that the
  offshoring rate |f*|/|f| equals the seed's calibrated rate of that year.

The reference market is the high-offshorable workers' skill grid (``N_CELLS`` uniform
cells) against a uniform grid of 30 firm types. Without the shifts the seed's estimates
put 28-40% of workers in unemployment on this normalisation (docs/model.md, "Units").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq

from skillshore.errors import ConvergenceError, SkillshoreError
from skillshore.matching import SEED_CALIBRATION, SEED_ESTIMATES, MatchingModel, solve

__all__ = [
    "SCALES",
    "N_CELLS",
    "SynthSettings",
    "year_parameters",
    "calibrated_parameters",
    "market_model",
]

N_CELLS = 12
"""Skill cells per occupation group (quantiles of the cognitive index)."""

#: size of the economy: 6-digit industries per sector, firms per industry, catalog codes,
#: firm capacity multiplier (workers)
SCALES: dict[str, dict[str, float]] = {
    "tiny": {"industries_per_sector": 2, "firms_per_industry": 6, "codes": 240, "size": 14.0},
    "demo": {"industries_per_sector": 3, "firms_per_industry": 22, "codes": 800, "size": 22.0},
    "paper": {"industries_per_sector": 4, "firms_per_industry": 160, "codes": 2449, "size": 21.0},
}


@dataclass(frozen=True)
class SynthSettings:
    """Knobs of the data-generating process (every one is recorded in ``truth.json``).

    Parameters
    ----------
    kappa : float
        Strength of the shock: the offshoring cost of industry k falls by
        ``kappa * lambda_t`` per unit of the industry's proportional China export-supply
        growth since the first study year, I*_kt / I*_k,t0 - 1, above the cross-industry
        mean (so log offshoring moves about ``kappa`` x that relative growth).
    shock_cap : float
        Smooth bound on the demeaned growth, ``cap * tanh(dev / cap)`` (keeps the few
        boom industries' offshoring rates below about one half).
    gamma : float
        Confounder's tilt of hiring in high-offshorable occupations towards low skill.
    delta : float
        Confounder's effect on log offshoring purchases.
    rho_confounder : float
        AR(1) persistence of the firm-year confounder (unit variance).
    stay_prob : float
        Probability that an incumbent stays with the firm (if the firm's cell still
        has room).
    rehire_prob : float
        Probability that a separated worker is available for a new match that year.
    train_prob_initial, train_prob_later : float
        Share of new persons holding a training record / completing one later.
    lambda_x_share : float
        lambda_x / lambda (the seed does not report the split).
    china_share_lowwage : float
        Imports from the other low-wage countries relative to China's (own products).
    param_overrides : dict
        Structural parameters replaced in every year (e.g. ``{"Phi": 150.0}``).
    """

    kappa: float = 1.0
    shock_cap: float = 2.5
    gamma: float = 0.1
    delta: float = 0.5
    rho_confounder: float = 0.5
    stay_prob: float = 0.82
    rehire_prob: float = 0.6
    train_prob_initial: float = 0.15
    train_prob_later: float = 0.2
    lambda_x_share: float = 0.5
    china_share_lowwage: float = 0.25
    param_overrides: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def year_parameters(year: int) -> dict[str, float]:
    """The seed's estimates and calibration, linearly interpolated between 1996 and 2006."""
    w = min(max((year - 1996) / 10.0, 0.0), 1.0)
    out: dict[str, float] = {}
    for src in (SEED_ESTIMATES, SEED_CALIBRATION):
        for k in src[1996]:
            out[k] = (1 - w) * src[1996][k] + w * src[2006][k]
    return out


def market_model(
    p: dict[str, float],
    x: np.ndarray,
    y: np.ndarray,
    gbar: np.ndarray,
    c_F: float | None,
    lambda_x_share: float = 0.5,
    foreign: bool = True,
) -> MatchingModel:
    """The global-economy model of one market: uniform worker masses on the skill grid
    ``x`` (total 1, cell volume 1/len(x)), firms ``y`` with masses ``gbar`` (cell volume
    1/len(y)), the foreign pool uniform with total mass |fbar*| (seed eqs. 4-10)."""
    nx, ny = len(x), len(y)
    lam = p["lambda"]
    kw = dict(
        x=x,
        y=y,
        fbar=np.full(nx, 1.0 / nx),
        gbar=gbar,
        Phi=p["Phi"],
        C=p["C"],
        lambda_x=lam * lambda_x_share,
        lambda_y=lam * (1 - lambda_x_share),
        w0=p["w0"],
        r0=p["r0"],
        nu_x=p["nu_x"],
        nu_y=p["nu_y"],
        dx=1.0 / nx,
        dy=1.0 / ny,
    )
    if foreign:
        kw.update(
            fbar_star=np.full(nx, p["fbar_star"] / nx),
            C_star=p["C"] - (p["C"] - p["C_star"] if c_F is None else c_F),
            w0_star=p["w0_star"],
            nu_x_star=p["nu_x_star"],
            nu_y_star=p["nu_y_star"],
        )
    return MatchingModel(**kw)


def _root(f, lo: float, hi: float, what: str) -> float:
    try:
        return float(brentq(f, lo, hi, xtol=1e-6))
    except ValueError as err:
        raise ConvergenceError(f"calibration of {what} found no root in [{lo}, {hi}]") from err


@lru_cache(maxsize=64)
def _calibrate(
    year: int, lambda_x_share: float, overrides: tuple[tuple[str, float], ...]
) -> tuple[float, float, int]:
    base = {**year_parameters(year), **dict(overrides)}
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    ny = 30
    yg = (np.arange(ny) + 0.5) / ny
    gbar = np.full(ny, (1 + base["offshoring_rate"]) / ny)
    n_solves = [0]

    def eq(dnu: float, dstar: float):
        p = dict(base)
        p["nu_x"] += dnu
        p["nu_y"] += dnu
        p["nu_x_star"] += dstar
        p["nu_y_star"] += dstar
        n_solves[0] += 1
        return solve(market_model(p, grid, yg, gbar, None, lambda_x_share), tol=1e-11)

    dnu, dstar = 0.0, 0.0
    for _ in range(3):
        ds0 = dstar
        dnu = _root(
            lambda d, ds0=ds0: eq(d, ds0).unemployment_rate - base["unemployment_rate"],
            -5.0,
            15.0,
            "d_nu",
        )
        dn0 = dnu
        dstar = _root(
            lambda s, dn0=dn0: np.log(eq(dn0, s).offshoring_rate / base["offshoring_rate"]),
            -15.0,
            25.0,
            "d_nu_star",
        )
    return dnu, dstar, n_solves[0]


def calibrated_parameters(year: int, settings: SynthSettings) -> dict[str, float]:
    """Year-t parameters with the calibrated intensity shifts (module docstring).

    Returns the interpolated seed values with ``nu_x, nu_y, nu_x_star, nu_y_star``
    shifted and the shifts themselves as ``d_nu`` and ``d_nu_star``.
    """
    bad = set(settings.param_overrides) - set(year_parameters(year))
    if bad:
        raise SkillshoreError(f"unknown parameter override(s) {sorted(bad)}")
    ov = tuple(sorted((k, float(v)) for k, v in settings.param_overrides.items()))
    dnu, dstar, n = _calibrate(int(year), float(settings.lambda_x_share), ov)
    p = {**year_parameters(year), **dict(ov)}
    p["nu_x"] += dnu
    p["nu_y"] += dnu
    p["nu_x_star"] += dstar
    p["nu_y_star"] += dstar
    p["d_nu"] = dnu
    p["d_nu_star"] = dstar
    p["calibration_solves"] = n
    return p
