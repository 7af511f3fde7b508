"""The seed's estimated economies of 1996 and 2006 with their intervals (seed slide
"Estimation Results").

The economies themselves come from :func:`skillshore.matching.seed_economy` (scalar
types under the normalisation fitted to the seed's calibration targets and 2006
counterfactual table, lambda_x = lambda_y = lambda / 2; docs/model.md "Reproducing the
seed's tables"); this module adds the seed's 95% intervals.
"""

from __future__ import annotations

from skillshore.matching import SEED_ESTIMATES as _POINT
from skillshore.matching import seed_economy

__all__ = ["SEED_ESTIMATES", "SEED_INTERVALS", "seed_economy"]

#: The seed's 95% intervals (lower, upper) of the "Estimation Results" table.
SEED_INTERVALS: dict[int, dict[str, tuple[float, float]]] = {
    1996: {
        "Phi": (69.16, 79.58),
        "lambda": (80.49, 170.42),
        "C": (240.01, 241.30),
        "C_star": (137.75, 139.46),
        "nu_x": (-1.92, -0.7),
        "nu_y": (-2.47, -0.96),
        "nu_x_star": (-9.70, -9.43),
        "nu_y_star": (-10.00, -8.44),
    },
    2006: {
        "Phi": (70.37, 79.07),
        "lambda": (33.55, 41.69),
        "C": (207.35, 208.71),
        "C_star": (119.38, 120.62),
        "nu_x": (-5.15, -3.98),
        "nu_y": (-3.23, -2.43),
        "nu_x_star": (-7.78, -7.37),
        "nu_y_star": (-7.44, -6.59),
    },
}

#: Point estimate and interval per year: {year: {parameter: (estimate, lower, upper)}}.
SEED_ESTIMATES: dict[int, dict[str, tuple[float, float, float]]] = {
    y: {k: (v, *SEED_INTERVALS[y][k]) for k, v in _POINT[y].items()} for y in _POINT
}
