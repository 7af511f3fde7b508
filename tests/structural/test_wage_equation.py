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


def test_soft_type_effects_one_hot_are_the_two_way_within():
    rng = np.random.default_rng(7)
    firm, typ, x, y, w = _records(rng)
    z = 2.0 * x * y + np.cos(typ) + rng.normal(0, 0.3, firm.size)
    wage = 40 + 18 * z + rng.normal(0, 5, firm.size)
    hard = wage_equation(z, wage, w, groups=firm, types=typ)
    soft = wage_equation(z, wage, w, groups=firm, types=np.eye(12)[typ])
    assert soft.slope == pytest.approx(hard.slope, rel=1e-10)


def test_soft_type_effects_recover_lambda_x_under_misclassified_types():
    """Wages follow the true type c (type effect d_c, match term x_c B y_j); the records
    carry a measured type c' and z = E[match + t_c | c', j] (regression calibration, with
    a misfit type term t). The measured type's effects leave sum_c P(c | c', j) d_c,
    which varies with the firm's sorting, in the error: biased. The true types' effects
    through the posteriors P(c | c', j) recover lambda_x."""
    rng = np.random.default_rng(11)
    n, J, Nx = 200_000, 400, 12
    xs = (np.arange(Nx) + 0.5) / Nx * 4 - 1
    yj = rng.uniform(0, 1, J)
    firm = rng.integers(0, J, n)
    pc = np.exp(1.5 * np.outer(yj, xs))  # sorting: P(c | j)
    pc /= pc.sum(axis=1, keepdims=True)
    c = (rng.random(n)[:, None] > np.cumsum(pc[firm], axis=1)).sum(axis=1)
    M = 0.7 * np.eye(Nx) + 0.15 * (np.eye(Nx, k=1) + np.eye(Nx, k=-1))
    M /= M.sum(axis=0, keepdims=True)  # M[c', c] = P(c' | c)
    cm = (rng.random(n)[:, None] > np.cumsum(M[:, c].T, axis=1)).sum(axis=1)
    post = M[cm] * pc[firm]  # P(c | c', j)
    post /= post.sum(axis=1, keepdims=True)
    lam_x, B = 18.78, 2.0
    match = B * np.outer(yj, xs)  # (J, Nx)
    d = -25.0 * xs  # the true types' wage effects
    t = -40.0 * xs  # the estimate's (misfit) type term in z
    wage = 50 + 10 * yj[firm] + d[c] + lam_x * match[firm, c] + rng.normal(0, 3, n)
    z = (post * (match[firm] + t)).sum(axis=1)
    wt = np.ones(n)
    soft = wage_equation(z, wage, wt, groups=firm, types=post).slope
    hard = wage_equation(z, wage, wt, groups=firm, types=cm).slope
    assert soft == pytest.approx(lam_x, rel=0.03)
    assert abs(hard / lam_x - 1) > 0.05


def test_type_effects_per_market_are_pyfixest_with_market_by_type_effects():
    """``blocks`` (each record's market; firms nested in markets): the type effects are a
    market's. Hard types: pyfixest's ``firm + market^type``; soft types: the regression
    with every market's posterior columns written out (Frisch-Waugh per market)."""
    pf = pytest.importorskip("pyfixest")
    rng = np.random.default_rng(13)
    firm, typ, x, y, w = _records(rng)
    market = firm % 7  # firms nested in 7 markets
    m0 = rng.normal(0, 0.4, (7, 12))  # a market's unemployed profile, in z only
    z = 2.0 * x * y + m0[market, typ] + rng.normal(0, 0.3, firm.size)
    wage = 40 + 18 * (2.0 * x * y) + rng.normal(0, 5, firm.size)
    got = wage_equation(z, wage, w, groups=firm, types=typ, blocks=market)
    df = pd.DataFrame({"wage": wage, "z": z, "firm": firm, "typ": typ, "mk": market, "w": w})
    fit = pf.feols("wage ~ z | firm + mk^typ", data=df, weights="w")
    assert got.slope == pytest.approx(float(fit.coef()["z"]), rel=1e-8)
    # the market's m0 noise in z attenuates the slope with global type effects only
    glob = wage_equation(z, wage, w, groups=firm, types=typ).slope
    assert abs(got.slope - 18) < abs(glob - 18) and abs(glob / 18 - 1) > 0.1
    # soft types: posterior columns per market, against an explicit dummy regression
    P = rng.dirichlet(np.ones(12), firm.size)
    soft = wage_equation(z, wage, w, groups=firm, types=P, blocks=market)
    cols = [np.asarray(market == k, float)[:, None] * P for k in range(7)]
    D = np.concatenate([np.eye(300)[firm], *cols, z[:, None]], axis=1)
    sw = np.sqrt(w)[:, None]
    coef = np.linalg.lstsq(D * sw, wage * sw[:, 0], rcond=None)[0]
    assert soft.slope == pytest.approx(coef[-1], rel=1e-8)


def test_blocks_need_groups_nested_in_them():
    from skillshore.errors import ModelInputError

    rng = np.random.default_rng(2)
    firm, typ, x, y, w = _records(rng, 600)
    with pytest.raises(ModelInputError, match="one block"):
        wage_equation(x * y, x, w, groups=firm, types=typ, blocks=rng.integers(0, 3, 600))
