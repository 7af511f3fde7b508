"""The seed's estimated economies as ready-made models (seed "Estimation Results").

The seed does not report how its types are normalised. :func:`seed_economy` uses the
normalisation fitted by ``scripts/fit_seed_preset.py`` (:data:`SEED_NORMALISATION`,
docs/model.md "Reproducing the seed's tables"): under it the seed's published
estimates, **not re-fitted**, reproduce its calibration targets and its 2006
counterfactual table. The normalisation has five numbers:

* worker skill x: a standardised index, x = ``x_mean`` + z with z standard normal
  truncated at +-``x_trunc``, on a grid of equal-mass ranks (peaked cells);
* firm type y: productivity percentiles s in (0, 1), y = ``y_scale`` (s + ``y_shift``);
* the base measure of each type space (the Poisson acquaintance process's dx and dy,
  docs/model.md "Discretisation"): total ``exp(log_measure)`` spread over the ranks,
  i.e. about 10 units (the Choo-Siow convention with ten unit-measure decile cells);
* the foreign pool's base measures relative to the domestic ones: firms meet foreign
  workers at rate exp(nu_y*) dx* and foreign workers meet firms at rate exp(nu_x*) dy*,
  so ``log_measure_foreign`` (dx*/dx) acts exactly as nu_y* + that number and
  ``log_measure_foreign_firms`` (dy*/dy) as nu_x* + that number (the model has one dx
  and one dy for both pools). With lambda_x = lambda_y only their sum moves the
  allocation; the second one sets the foreign wage level E(w*) alone.

The split of lambda into lambda_x and lambda_y is not reported; the seed's table
(nu_x* up = nu_y* up, and nu_y up - nu_x up = lambda/2 in E(wage)) implies
lambda_x = lambda_y, the default ``lambda_x_share = 0.5``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from skillshore.errors import ModelInputError
from skillshore.matching.economy import MatchingModel

__all__ = [
    "SEED_ESTIMATES",
    "SEED_CALIBRATION",
    "SEED_NORMALISATION",
    "SEED_NU_UP",
    "SEED_PHI_UP",
    "TypeNormalisation",
    "seed_economy",
    "seed_economy_unit_grid",
]

#: Point estimates of the seed's "Estimation Results" table.
SEED_ESTIMATES: dict[int, dict[str, float]] = {
    1996: {
        "Phi": 75.38,
        "lambda": 108.78,
        "C": 240.66,
        "C_star": 138.73,
        "nu_x": -1.32,
        "nu_y": -1.73,
        "nu_x_star": -9.56,
        "nu_y_star": -9.22,
    },
    2006: {
        "Phi": 75.55,
        "lambda": 37.56,
        "C": 207.90,
        "C_star": 119.94,
        "nu_x": -4.51,
        "nu_y": -2.79,
        "nu_x_star": -7.57,
        "nu_y_star": -6.99,
    },
}

#: The seed's "Calibrated Parameters" (w0, w0* hourly DKK; rates; masses).
SEED_CALIBRATION: dict[int, dict[str, float]] = {
    1996: {
        "r0": 0.0,
        "w0": 40.538,
        "w0_star": 17.945,
        "E_w_star": 28.672,
        "wage_bill_share": 0.5371,
        "unemployment_rate": 0.0633,
        "fbar_star": 0.6325,
        "offshoring_rate": 0.0005,
        "fbar": 1.0,
    },
    2006: {
        "r0": 0.0,
        "w0": 45.276,
        "w0_star": 25.825,
        "E_w_star": 56.513,
        "wage_bill_share": 0.6786,
        "unemployment_rate": 0.0391,
        "fbar_star": 0.6325,
        "offshoring_rate": 0.0155,
        "fbar": 1.0,
    },
}


@dataclass(frozen=True)
class TypeNormalisation:
    """How the seed's types are normalised (the numbers the seed does not report).

    Parameters
    ----------
    x_mean : float
        Location of worker skill in standard deviations (x = x_mean + z).
    y_scale, y_shift : float
        Firm type y = y_scale * (s + y_shift), s the productivity percentile in (0, 1).
    log_measure : float
        Log of the total base measure of each type space (dx and dy sum to exp(.)).
    log_measure_foreign : float
        Log of the foreign pool's base measure over worker types relative to the
        domestic one (firms meet foreign workers at rate exp(nu_y*) dx*: acts as
        nu_y* + log_measure_foreign).
    log_measure_foreign_firms : float
        Log of the base measure over firm types in the foreign workers' acquaintance
        process relative to the domestic one (acts as nu_x* + this number).
    x_trunc : float
        Truncation of the standard-normal skill distribution (in SD).
    """

    x_mean: float
    y_scale: float
    y_shift: float
    log_measure: float
    log_measure_foreign: float
    log_measure_foreign_firms: float = 0.0
    x_trunc: float = 3.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def supports(self, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
        """Worker and firm type grids (equal-mass ranks) of sizes nx and ny."""
        lo, hi = stats.norm.cdf([-self.x_trunc, self.x_trunc])
        t = lo + (hi - lo) * (np.arange(nx) + 0.5) / nx
        s = (np.arange(ny) + 0.5) / ny
        return self.x_mean + stats.norm.ppf(t), self.y_scale * (s + self.y_shift)


#: Fitted by ``scripts/fit_seed_preset.py`` (docs/model.md, "Reproducing the seed's tables").
SEED_NORMALISATION = TypeNormalisation(
    x_mean=1.12961,
    y_scale=0.121438,
    y_shift=0.009467,
    log_measure=2.35910,
    log_measure_foreign=-0.11218,
    log_measure_foreign_firms=-0.17141,
)

#: Size of the seed's "Phi up" counterfactual implied by its table (Phi x (1 + SEED_PHI_UP)),
#: fitted with the normalisation; "nu up" is +1 (nu_y up - nu_x up = lambda/2 in E(wage)).
SEED_PHI_UP = 1.26696
SEED_NU_UP = 1.0


def seed_economy(
    year: int = 2006,
    n: int = 40,
    lambda_x_share: float = 0.5,
    normalisation: TypeNormalisation | None = None,
    **changes,
) -> MatchingModel:
    """The seed's estimated global economy for ``year`` (1996 or 2006) on n x n types.

    Parameters
    ----------
    year : int
        1996 or 2006 (the seed's "Estimation Results" and "Calibrated Parameters").
    n : int
        Types per side (equal-mass ranks); results converge as n grows (n = 40 is
        within 1.5% of n = 160 on every statistic of the counterfactual table).
    lambda_x_share : float
        lambda_x / lambda (default 1/2, implied by the seed's table).
    normalisation : TypeNormalisation, optional
        Default :data:`SEED_NORMALISATION`.
    **changes
        Override any MatchingModel field (e.g. ``C_star=...`` for a counterfactual).
    """
    if year not in SEED_ESTIMATES:
        raise ValueError(f"the seed reports estimates for {sorted(SEED_ESTIMATES)}, not {year}")
    if n < 2:
        raise ModelInputError(f"seed_economy needs n >= 2 types per side, got {n}")
    norm = normalisation or SEED_NORMALISATION
    e, c = SEED_ESTIMATES[year], SEED_CALIBRATION[year]
    x, y = norm.supports(n, n)
    share = np.full(n, 1.0 / n)
    measure = np.exp(norm.log_measure) / n
    model = MatchingModel(
        x=x,
        y=y,
        fbar=c["fbar"] * share,
        gbar=c["fbar"] * (1 + c["offshoring_rate"]) * share,
        Phi=e["Phi"],
        C=e["C"],
        lambda_x=e["lambda"] * lambda_x_share,
        lambda_y=e["lambda"] * (1 - lambda_x_share),
        w0=c["w0"],
        r0=c["r0"],
        nu_x=e["nu_x"],
        nu_y=e["nu_y"],
        fbar_star=c["fbar_star"] * share,
        C_star=e["C_star"],
        w0_star=c["w0_star"],
        nu_x_star=e["nu_x_star"] + norm.log_measure_foreign_firms,
        nu_y_star=e["nu_y_star"] + norm.log_measure_foreign,
        dx=measure,
        dy=measure,
    )
    return model.replace(**changes) if changes else model


def seed_economy_unit_grid(
    year: int = 2006, n: int = 60, lambda_x_share: float = 0.5, **changes
) -> MatchingModel:
    """The earlier preset: uniform grids in [0, 1] with unit total base measure.

    Kept for comparison (docs/model.md): on it the seed's estimates give 24% (2006)
    and 38% (1996) unemployment instead of the seed's 3.91% and 6.33%.
    """
    unit = TypeNormalisation(0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    m = seed_economy(year, n, lambda_x_share, unit, **changes)
    grid = (np.arange(n) + 0.5) / n
    return m.replace(x=grid, y=grid)
