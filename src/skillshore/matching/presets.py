"""The seed's estimated economies as ready-made models (seed "Estimation Results").

Types are quantile-normalised: worker skill x and firm type y on uniform grids in
[0, 1] with cell volumes 1/n (docs/model.md, "Units in the seed's illustration").
The split of lambda into lambda_x and lambda_y is not reported by the seed;
``lambda_x_share`` sets it (default 1/2).
"""

from __future__ import annotations

import numpy as np

from skillshore.matching.economy import MatchingModel

__all__ = ["SEED_ESTIMATES", "SEED_CALIBRATION", "seed_economy"]

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


def seed_economy(
    year: int = 2006, n: int = 60, lambda_x_share: float = 0.5, **changes
) -> MatchingModel:
    """The seed's estimated global economy for ``year`` (1996 or 2006) on an n-point grid.

    ``changes`` override any MatchingModel field (e.g. ``C_star=...`` for a counterfactual).
    """
    if year not in SEED_ESTIMATES:
        raise ValueError(f"the seed reports estimates for {sorted(SEED_ESTIMATES)}, not {year}")
    e, c = SEED_ESTIMATES[year], SEED_CALIBRATION[year]
    grid = (np.arange(n) + 0.5) / n
    fbar = np.full(n, c["fbar"] / n)
    model = MatchingModel(
        x=grid,
        y=grid,
        fbar=fbar,
        gbar=fbar * (1 + c["offshoring_rate"]),
        Phi=e["Phi"],
        C=e["C"],
        lambda_x=e["lambda"] * lambda_x_share,
        lambda_y=e["lambda"] * (1 - lambda_x_share),
        w0=c["w0"],
        r0=c["r0"],
        nu_x=e["nu_x"],
        nu_y=e["nu_y"],
        fbar_star=np.full(n, c["fbar_star"] / n),
        C_star=e["C_star"],
        w0_star=c["w0_star"],
        nu_x_star=e["nu_x_star"],
        nu_y_star=e["nu_y_star"],
        dx=1.0 / n,
        dy=1.0 / n,
    )
    return model.replace(**changes) if changes else model
