"""Monte Carlo: the IV covers a planted causal effect; OLS is biased by the confounder."""

from __future__ import annotations

import warnings

import numpy as np
import pyfixest as pf
import pytest

from skillshore.offshoring.iv import iv_regression
from tests.offshoring.iv_sim import simulate_panel

BETA = 0.5
REPS = 100


@pytest.mark.slow
def test_iv_coverage_and_ols_bias():
    cover_wald = cover_ar = 0
    iv_est, ols_est, ols_cover = [], [], 0
    for rep in range(REPS):
        panel = simulate_panel(seed=1000 + rep, n_firms=50, n_years=5, beta=BETA, strength=1.5)[0]
        r = iv_regression(panel, "y", "x", "z", fe=["firm", "sy"], controls="c", cluster="firm")
        lo, hi = r.conf_int(0.95).loc["x"]
        cover_wald += lo <= BETA <= hi
        cover_ar += r.ar_conf_set(0.95).contains(BETA)
        iv_est.append(r.params["x"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ols = pf.feols("y ~ x + c | firm + sy", panel, vcov={"CRV1": "firm"})
        ols_est.append(ols.coef()["x"])
        olo, ohi = ols.confint().loc["x"]
        ols_cover += olo <= BETA <= ohi
    assert 0.88 <= cover_wald / REPS <= 0.99
    assert 0.88 <= cover_ar / REPS <= 0.99
    # no bias beyond Monte Carlo noise (3 simulation standard errors)
    assert abs(np.mean(iv_est) - BETA) < 3 * np.std(iv_est) / np.sqrt(REPS)
    # the confounder enters x and y with the same sign: OLS is biased upwards
    assert np.mean(ols_est) - BETA > 0.1
    assert ols_cover / REPS < 0.5
