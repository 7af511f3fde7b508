"""AKM and AKM0 (Adao, Kolesar and Morales 2019) against the paper's formulas written out.

Each reference below is a direct transcription of the paper on a small problem:
residual-maker matrices for the double dots, ``(W'W)^{-1} W' ddX`` for ``hatX``,
``R_s = sum_i w_is e_i`` and ``se^2 = sum_s hatX_s^2 R_s^2 / (ddX'Y2)^2`` (section
III, eq. 14; section IV for IV), and the AKM0 set by checking the null-imposed test
on a grid (section III.B). Tolerances: 1e-10 (the same algebra in floating point on
30-60 rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from skillshore.offshoring import ShiftShareDesign, iv_regression, ols
from skillshore.offshoring.akm import akm, akm_regression
from tests.offshoring.iv_sim import simulate_panel

TOL = 1e-10


def _problem(seed, n=40, s=6, strength=1.0):
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.full(s, 0.5), size=n) * rng.uniform(0.7, 1.0, (n, 1))
    g = rng.normal(size=s)
    z = rng.normal(size=(n, 2))
    eta = rng.normal(size=s)
    x = w @ g
    y2 = strength * x + 0.5 * z[:, 0] + w @ eta + rng.normal(size=n)
    y1 = 0.7 * y2 + z[:, 1] + w @ eta + rng.normal(size=n)
    wt = rng.uniform(0.5, 2.0, n)
    return w, g, z, y1, y2, wt


def _paper(w, g, z, y1, y2, wt, clusters=None, beta0=0.0):
    """AKM's formulas, weighted: double dots by the weighted residual maker of [1, Z]."""
    n = w.shape[0]
    zc = np.column_stack([np.ones(n), z])
    om = np.diag(wt)
    m = np.eye(n) - zc @ np.linalg.solve(zc.T @ om @ zc, zc.T @ om)
    ddx, ddy1, ddy2 = m @ (w @ g), m @ y1, m @ y2
    hat_x = np.linalg.solve(w.T @ om @ w, w.T @ om @ ddx)
    den = ddx @ om @ ddy2
    beta = (ddx @ om @ ddy1) / den

    def v(b):
        r = hat_x * (w.T @ om @ (ddy1 - b * ddy2))
        if clusters is not None:
            r = pd.Series(r).groupby(clusters).sum().to_numpy()
        return r @ r / den**2

    e = ddy1 - beta * ddy2
    ehw = np.sum((wt * e * ddx) ** 2) / den**2
    return beta, np.sqrt(v(beta)), np.sqrt(v(beta0)), np.sqrt(ehw), v


@pytest.mark.parametrize("iv", [False, True])
@pytest.mark.parametrize("clustered", [False, True])
def test_akm_matches_the_paper(iv, clustered):
    w, g, z, y1, y2, wt = _problem(0)
    cl = np.array([0, 0, 1, 1, 2, 2]) if clustered else None
    endog = y2 if iv else None
    ref_y2 = y2 if iv else w @ g
    beta, se, se0, ehw, _ = _paper(w, g, z, y1, ref_y2, wt, cl, beta0=0.3)
    r = akm(y1, w, g, z, endog=endog, weights=wt, sector_clusters=cl, beta0=0.3)
    assert r.beta == pytest.approx(beta, abs=TOL)
    assert r.std_errors["AKM"] == pytest.approx(se, rel=1e-9)
    assert r.std_errors["AKM0"] == pytest.approx(se0, rel=1e-9)
    assert r.std_errors["EHW"] == pytest.approx(ehw, rel=1e-9)
    assert r.pvalues["AKM0"] == pytest.approx(2 * stats.norm.sf(abs(beta - 0.3) / se0), rel=1e-9)
    assert r.n_clusters == (3 if clustered else 6)


def test_rank_deficient_sparse_shares_drop_the_duplicate_sector():
    """A duplicated share column (sparse input) gives the AKM of the merged problem."""
    w, g, z, y1, y2, wt = _problem(1)
    w_dup = sp.csr_array(np.column_stack([w, w[:, 0]]))
    g_dup = np.append(g, 0.4)
    g_merged = g.copy()
    g_merged[0] += 0.4
    a = akm(y1, w_dup, g_dup, z, endog=y2, weights=wt)
    b = akm(y1, w, g_merged, z, endog=y2, weights=wt)
    assert a.beta == pytest.approx(b.beta, abs=TOL)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-9)


def _grid_check(r, v, level=0.95):
    """Membership of the AKM0 set on a grid equals the paper's test inversion."""
    cv2 = stats.norm.ppf(0.5 + level / 2) ** 2
    cs = r.akm0_set(level)
    grid = np.linspace(r.beta - 50, r.beta + 50, 4001)
    inside = np.array([(r.beta - b) ** 2 <= cv2 * v(b) for b in grid])
    ours = np.array([cs.contains(b) for b in grid])
    assert (inside == ours).mean() > 0.999  # only grid points within rounding of an end may differ
    for lo, hi in cs.intervals:
        for end in (lo, hi):
            if np.isfinite(end):
                assert (r.beta - end) ** 2 == pytest.approx(cv2 * v(end), rel=1e-8)
    return cs.kind


def test_akm0_set_bounded_rays_and_whole_line():
    kinds = set()
    for seed in range(200):
        for strength in (1.0, 0.05, 0.0):
            w, g, z, y1, y2, wt = _problem(seed, strength=strength)
            r = akm(y1, w, g, z, endog=y2, weights=wt)
            _, _, _, _, v = _paper(w, g, z, y1, y2, wt)
            kinds.add(_grid_check(r, v))
        if {"interval", "rays", "real line"} <= kinds:
            break
    assert {"interval", "rays", "real line"} <= kinds


def test_akm_regression_on_a_design_matches_unit_iv():
    panel, shares, shocks = simulate_panel(seed=2, n_firms=50, n_industries=10, n_products=8)
    design = ShiftShareDesign.from_panel(
        panel, shares, shocks, unit="industry", product="product", share="share", period="year"
    )
    iv = iv_regression(panel, "y", "x", "z", fe=["firm", "sy"])
    r = akm_regression(design, panel, "y", "x", fe=["firm", "sy"], cluster="product")
    assert r.beta == pytest.approx(iv.params["x"], rel=1e-7)  # demeaning tolerance 1e-10
    assert r.n_clusters == 8 and np.isfinite(r.std_errors["AKM"])
    rf = akm_regression(design, panel.sample(frac=1.0, random_state=0), "y", fe=["firm", "sy"])
    ols_rf = ols(panel, "y", "z", fe=["firm", "sy"])
    assert rf.beta == pytest.approx(ols_rf.params["z"], rel=1e-7)


@pytest.mark.slow
def test_monte_carlo_ehw_over_rejects_akm_does_not():
    """AKM's placebo design (their section II): shares concentrated by region, placebo
    shocks independent of the outcome, errors correlated within sectors. 600 draws: the
    5% test's rejection rate has simulation SE 0.9 points."""
    rng = np.random.default_rng(2019)
    n, s, draws = 300, 60, 600
    w = rng.dirichlet(np.full(s, 0.15), size=n)
    rej = {"EHW": 0, "AKM": 0, "AKM0": 0}
    for _ in range(draws):
        g = rng.normal(size=s)  # placebo shocks
        y = w @ rng.normal(size=s) * 2.0 + rng.normal(size=n)  # sector-correlated errors
        r = akm(y, w, g)
        p = r.pvalues
        for k in rej:
            rej[k] += p[k] < 0.05
    rate = {k: v / draws for k, v in rej.items()}
    assert rate["EHW"] > 0.15, rate  # measured 0.187; AKM 0.063, AKM0 0.038
    assert 0.03 <= rate["AKM"] <= 0.08, rate
    assert 0.03 <= rate["AKM0"] <= 0.08, rate


def test_sparse_and_dense_shares_agree_full_rank():
    w, g, z, y1, y2, wt = _problem(3)
    a = akm(y1, sp.csr_array(w), g, z, endog=y2, weights=wt)
    b = akm(y1, w, g, z, endog=y2, weights=wt)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-9)


def test_rows_map_gives_the_expanded_problem():
    """Observations sharing a share row (firms of an industry): ``rows`` equals expanding W."""
    w, g, z, y1, y2, wt = _problem(4, n=60)
    rows = np.random.default_rng(0).integers(0, 15, 60)
    small = w[:15]
    a = akm(y1, small, g, z, endog=y2, weights=wt, rows=rows)
    b = akm(y1, small[rows], g, z, endog=y2, weights=wt)
    assert a.beta == pytest.approx(b.beta, abs=TOL)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-9)


def test_residual_sector_enters_hat_x_only():
    """ShiftShareSE's residual_sector: hatX from [W, 1 - rowsum], the last one dropped."""
    w, g, z, y1, y2, wt = _problem(5)
    n = w.shape[0]
    w0 = np.column_stack([w, 1 - w.sum(1)])
    zc = np.column_stack([np.ones(n), z])
    om = np.diag(wt)
    m = np.eye(n) - zc @ np.linalg.solve(zc.T @ om @ zc, zc.T @ om)
    ddx, ddy1, ddy2 = m @ (w @ g), m @ y1, m @ y2
    hat_x = np.linalg.solve(w0.T @ om @ w0, w0.T @ om @ ddx)[:-1]
    beta = (ddx @ om @ ddy1) / (ddx @ om @ ddy2)
    r = hat_x * (w.T @ om @ (ddy1 - beta * ddy2))
    se = np.sqrt(r @ r) / abs(ddx @ om @ ddy2)
    res = akm(y1, w, g, z, endog=y2, weights=wt, residual_sector=True)
    assert res.std_errors["AKM"] == pytest.approx(se, rel=1e-9)
    assert res.std_errors["AKM"] != pytest.approx(
        akm(y1, w, g, z, endog=y2, weights=wt).std_errors["AKM"], rel=1e-6
    )
