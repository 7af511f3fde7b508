"""BHJ shock-level IV, Rotemberg weights and shock summaries against written-out algebra.

The fixed effects enter as full-rank dummy controls (``fe=None``) so that every
quantity is exact linear algebra: equalities hold to 1e-10 (floating point on
a few hundred rows with condition numbers below 1e4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillshore.errors import ModelInputError
from skillshore.offshoring import (
    ShiftShareDesign,
    rotemberg_weights,
    shock_diagnostics,
    shock_growth,
    shock_level_regression,
)
from tests.offshoring.iv_sim import fe_dummies, simulate_panel

KW = dict(unit="industry", product="product", share="share", period="year", shock="shock")
TOL = 1e-10


@pytest.fixture(scope="module")
def sim():
    """Panel with incomplete shares (industry k keeps a fraction 0.6-0.95 of its shares)."""
    panel, shares, shocks = simulate_panel(seed=21, n_firms=60, n_industries=10, n_products=8)
    rng = np.random.default_rng(1)
    keepfrac = rng.uniform(0.6, 0.95, shares["industry"].nunique())
    shares = shares.assign(share=shares["share"] * keepfrac[shares["industry"]])
    ssum = shares.groupby("industry")["share"].sum()
    design = ShiftShareDesign.from_panel(panel, shares, shocks, **KW)
    panel = panel.assign(z=design.instrument(), sharesum=panel["industry"].map(ssum))
    dum = fe_dummies(panel, ["firm", "sy"])
    ctrl = {f"d{j}": dum[:, j] for j in range(dum.shape[1])}
    for t in sorted(panel["year"].unique())[1:]:  # sum of shares x period (BHJ)
        ctrl[f"ss{t}"] = panel["sharesum"] * (panel["year"] == t)
    panel = pd.concat([panel, pd.DataFrame(ctrl, index=panel.index)], axis=1)
    return panel, shares, shocks, design, [*ctrl, "c"]


def _resid(panel, cols, controls):
    w = panel[controls].to_numpy()
    a = panel[cols].to_numpy()
    return a - w @ np.linalg.lstsq(w, a, rcond=None)[0]


def _unit_iv(panel, controls):
    yp, xp, zp = _resid(panel, ["y", "x", "z"], controls).T
    return float(zp @ yp / (zp @ xp)), float(zp @ xp / (zp @ zp))


@pytest.mark.parametrize("missing", [False, True])
def test_shock_level_iv_equals_unit_2sls(sim, missing):
    panel, _, _, design, controls = sim
    beta, pi = _unit_iv(panel, controls)
    r = shock_level_regression(design, panel, "y", "x", controls=controls, missing_industry=missing)
    assert r.params["x"] == pytest.approx(beta, abs=TOL)
    assert r.first_stage["pi"] == pytest.approx(pi, abs=TOL)  # BHJ: xbar on zbar by g
    n_missing = panel["year"].nunique() if missing else 0
    assert r.n_shocks == design.n_shocks + n_missing


def test_bhj_first_stage_f_and_clusters_written_out(sim):
    panel, _, _, design, controls = sim
    yp, xp, zp = _resid(panel, ["y", "x", "z"], controls).T
    s_raw = design.exposure.T @ np.ones(len(panel))
    ybar, xbar, zbar = (design.exposure.T @ np.column_stack([yp, xp, zp])).T / s_raw
    s, g = s_raw / len(panel), design.shocks
    pi = np.sum(s * g * xbar) / np.sum(s * g * zbar)
    beta = np.sum(s * g * ybar) / np.sum(s * g * xbar)
    eps = ybar - beta * xbar
    group = design.products // 3

    def csum2(v):
        return np.sum(pd.Series(v).groupby(group).sum().to_numpy() ** 2)

    v_pi = csum2(s * g * (xbar - pi * zbar)) / np.sum(s * g * zbar) ** 2
    v_cl = csum2(s * g * eps) / np.sum(s * g * xbar) ** 2
    shock_data = pd.DataFrame({"product": np.unique(design.products)}).assign(
        grp=lambda f: f["product"] // 3
    )
    r = shock_level_regression(
        design, panel, "y", "x", controls=controls, shock_controls=None, cluster="grp",
        shock_data=shock_data,
    )  # fmt: skip
    assert r.first_stage_f == pytest.approx(pi**2 / v_pi, rel=1e-9)
    assert r.std_errors["x"] == pytest.approx(np.sqrt(v_cl), rel=1e-9)
    assert r.n_clusters == len(np.unique(group))
    with pytest.raises(ModelInputError, match="shock_data"):
        shock_level_regression(design, panel, "y", "x", controls=controls, cluster="grp")


def test_reordered_and_subset_data_give_the_same_results(sim):
    panel, _, _, design, controls = sim
    shuffled = panel.sample(frac=1.0, random_state=3)
    for func in (shock_level_regression, rotemberg_weights):
        a = func(design, panel, "y", "x", controls=controls)
        b = func(design, shuffled, "y", "x", controls=controls)
        pa = a.params["x"] if hasattr(a, "params") else a.beta
        pb = b.params["x"] if hasattr(b, "params") else b.beta
        assert pa == pytest.approx(pb, abs=TOL)
    sub = panel.iloc[::2].assign(const=1.0)
    ctrl = ["c", *[c for c in controls if c.startswith("ss")]]
    r_sub = shock_level_regression(
        design, sub.sample(frac=1.0, random_state=4), "y", "x", controls=ctrl, shock_controls=None
    )
    # without shock controls the shock-level IV equals the unit IV residualized on any
    # unit-level controls (here: a constant, c and sum of shares x period)
    yp, xp, zp = _resid(sub, ["y", "x", "z"], ["const", *ctrl]).T
    assert r_sub.params["x"] == pytest.approx(float(zp @ yp / (zp @ xp)), abs=TOL)


def test_rotemberg_per_shock_and_gpss_aggregation(sim):
    panel, _, _, design, controls = sim
    beta, _ = _unit_iv(panel, controls)
    rw = rotemberg_weights(design, panel, "y", "x", controls=controls, top=3)
    bs = rw.by_shock
    assert bs["alpha"].sum() == pytest.approx(1.0, abs=TOL)
    assert (bs["alpha"] * bs["beta"]).sum() == pytest.approx(beta, abs=TOL)
    agg = bs.groupby("product").apply(
        lambda f: pd.Series(
            {
                "alpha": f["alpha"].sum(),
                "beta": (f["alpha"] * f["beta"]).sum() / f["alpha"].sum(),
                "g": (f["alpha"] * f["shock"]).sum() / f["alpha"].sum(),
            }
        ),
        include_groups=False,
    )
    for col in ("alpha", "beta", "g"):
        np.testing.assert_allclose(rw.frame[col], agg[col], rtol=1e-9, atol=TOL)
    assert (rw.frame["alpha"] * rw.frame["beta"]).sum() == pytest.approx(beta, abs=TOL)
    # per-industry first-stage F: robust t^2 of x on z_k alone (controls partialled), no factor
    k = rw.to_frame().index[0]
    zk = design.exposure[:, design.products == k] @ design.shocks[design.products == k]
    xp, zkp = _resid(panel.assign(zk=zk), ["x", "zk"], controls).T
    pi = zkp @ xp / (zkp @ zkp)
    v = np.sum((zkp * (xp - pi * zkp)) ** 2) / (zkp @ zkp) ** 2
    assert rw.frame.loc[k, "first_stage_f"] == pytest.approx(pi**2 / v, rel=1e-9)
    assert rw.frame["first_stage_f"].notna().sum() == 3


def test_stata_sd_and_growth_rates(sim):
    _, _, shocks, design, _ = sim
    pop = shock_diagnostics(design)
    stata = shock_diagnostics(design, sd="stata")
    n = pop.n_shocks
    assert stata.raw["Standard deviation"] == pytest.approx(
        pop.raw["Standard deviation"] * np.sqrt(n / (n - 1)), rel=1e-12
    )
    lv = shocks.assign(shock=np.exp(shocks["shock"]))  # positive levels
    gr = shock_growth(lv, period="year")
    wide = lv.pivot(index="product", columns="year", values="shock")
    want = (wide / wide.shift(axis=1) - 1).iloc[:, 1:].stack()
    got = gr.set_index(["product", "year"])["shock"]
    np.testing.assert_allclose(got.to_numpy(), want.reindex(got.index).to_numpy(), rtol=1e-12)
    assert gr.attrs["dropped"] == wide.shape[0]  # the first period
    lg = shock_growth(lv, period="year", kind="log")
    np.testing.assert_allclose(lg["shock"], np.log1p(gr["shock"]), rtol=1e-10)


def test_rotemberg_chernozhukov_hansen_set_inverts_the_ar_test(sim):
    """The CH set's ends are where the AR t^2 of (y - b x) on z_k equals chi2(1) quantile."""
    panel, _, _, design, controls = sim
    rw = rotemberg_weights(design, panel, "y", "x", controls=controls, top=2)
    crit = 3.841458820694124  # chi2(1) 95% quantile
    for k, cs in rw.ch_sets.items():
        zk = design.exposure[:, design.products == k] @ design.shocks[design.products == k]
        yp, xp, zkp = _resid(panel.assign(zk=zk), ["y", "x", "zk"], controls).T

        def ar(b):
            u = yp - b * xp
            g = zkp @ u / (zkp @ zkp)
            v = np.sum((zkp * (u - g * zkp)) ** 2) / (zkp @ zkp) ** 2
            return g * g / v

        for lo, hi in cs.intervals:
            for end in (lo, hi):
                if np.isfinite(end):
                    assert ar(end) == pytest.approx(crit, rel=1e-7)
        assert cs.contains(rw.frame.loc[k, "beta"]) == (ar(rw.frame.loc[k, "beta"]) <= crit)


def test_exposure_robust_table_rows_come_from_the_results(sim):
    from skillshore.offshoring import akm_regression
    from skillshore.offshoring.shocklevel import exposure_robust_table

    panel, _, _, design, controls = sim
    r = shock_level_regression(design, panel, "y", "x", controls=controls, cluster="product")
    a = akm_regression(design, panel, "y", "x", controls=controls, cluster="product")
    f = exposure_robust_table({"main": r}, {"main": a}).to_frame()
    assert f.loc["main", "Estimate"] == r.params["x"]
    assert f.loc["main", "Exposure-robust SE"] == r.std_errors["x"]
    assert f.loc["main", "95% CI low"] == r.conf_int().loc["x", "lower"]
    assert f.loc["main", "AKM SE"] == a.std_errors["AKM"]
    assert f.loc["main", "Clusters"] == r.n_clusters
