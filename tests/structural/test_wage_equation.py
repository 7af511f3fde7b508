"""The wage equation w = a + lambda_x log(pi/f0) with firm and worker-type effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillshore.structural.levels import wage_equation


def _records(rng: np.random.Generator, n: int = 6000):
    firm = rng.integers(0, 300, n)
    typ = rng.integers(0, 12, n)
    x = (typ + 0.5) / 12
    y = rng.uniform(0, 1, 300)[firm]
    w = rng.uniform(0.5, 2.0, n)
    return firm, typ, x, y, w


def test_two_way_slope_is_pyfixest_feols_with_firm_and_type_effects():
    pf = pytest.importorskip("pyfixest")
    rng = np.random.default_rng(3)
    firm, typ, x, y, w = _records(rng)
    z = 2.0 * x * y + np.sin(typ) + rng.normal(0, 0.3, firm.size)
    wage = 40 + 18 * z + rng.normal(0, 5, firm.size)
    got = wage_equation(z, wage, w, groups=firm, types=typ)
    df = pd.DataFrame({"wage": wage, "z": z, "firm": firm, "typ": typ, "w": w})
    fit = pf.feols("wage ~ z | firm + typ", data=df, weights="w")
    assert got.slope == pytest.approx(float(fit.coef()["z"]), rel=1e-9)
    one = pf.feols("wage ~ z | firm", data=df, weights="w")
    assert wage_equation(z, wage, w, groups=firm).slope == pytest.approx(
        float(one.coef()["z"]), rel=1e-9
    )


def test_type_effects_make_lambda_x_immune_to_a_misfit_unemployed_profile():
    """The model's z = x'By - s_y log m0(x) + firm terms; the data's wages follow the true
    m0, the estimate's z another one (the model fits cross moments and the unemployment
    rate, not the unemployed type by type). Firm effects alone mix the two profiles
    into the slope; firm and type effects leave only x'By, which both share."""
    rng = np.random.default_rng(5)
    firm, typ, x, y, w = _records(rng, 20000)
    lam_x = 18.78
    match = 2.0 * x * y
    true_z = match - 0.5 * np.log(0.04 + 0.02 * x)  # the truth's unemployed by type
    model_z = match - 0.5 * np.log(0.04 + 0.05 * x)  # the estimate's: tilted to high x
    wage = 45.0 + lam_x * (true_z + 2.0)  # deterministic model wages
    one = wage_equation(model_z, wage, w, groups=firm).slope
    two = wage_equation(model_z, wage, w, groups=firm, types=typ).slope
    assert two == pytest.approx(lam_x, rel=1e-9)
    assert abs(one / lam_x - 1) > 0.1  # the firm-only slope is off by more than 10%
