"""Shift-share tools against direct computations (numpy / pandas loops, dummies)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from skillshore.errors import ModelInputError
from skillshore.offshoring.iv import iv_regression
from skillshore.offshoring.rotemberg import rotemberg_weights
from skillshore.offshoring.shiftshare import ShiftShareDesign, bartik, shock_diagnostics
from skillshore.offshoring.shocklevel import shock_level_regression
from tests.offshoring.iv_sim import fe_dummies, simulate_panel

FE = ["firm", "sy"]
KW = dict(unit="industry", product="product", share="share", period="year", shock="shock")


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(seed=11, n_firms=90, n_industries=15, n_products=12)


@pytest.fixture(scope="module")
def design(sim):
    panel, shares, shocks = sim
    return ShiftShareDesign.from_panel(panel, shares, shocks, **KW)


def _matrices(shares, shocks):
    s = shares.pivot(index="industry", columns="product", values="share").to_numpy()
    g = shocks.pivot(index="product", columns="year", values="shock").to_numpy().copy()
    return s, g


def test_bartik_long_equals_matrix_product(sim):
    _, shares, shocks = sim
    s, g = _matrices(shares, shocks)
    out = bartik(shares, shocks, **KW)
    wide = out.pivot(index="industry", columns="year", values="instrument").to_numpy()
    np.testing.assert_allclose(wide, s @ g, atol=1e-12)
    np.testing.assert_allclose(bartik(s, g), s @ g)
    out_pl = bartik(pl.from_pandas(shares), pl.from_pandas(shocks), **KW)
    np.testing.assert_allclose(out_pl["instrument"].to_numpy(), out["instrument"].to_numpy())


def test_bartik_missing_shock_counts_zero(sim):
    _, shares, shocks = sim
    drop = (shocks["product"] == 0) & (shocks["year"] == 2)
    out = bartik(shares, shocks[~drop], **KW)
    s, g = _matrices(shares, shocks)
    g[0, 2] = 0.0
    wide = out.pivot(index="industry", columns="year", values="instrument").to_numpy()
    np.testing.assert_allclose(wide, s @ g, atol=1e-12)


def test_design_instrument_matches_panel_and_bartik(sim, design):
    panel, shares, shocks = sim
    np.testing.assert_allclose(design.instrument(), panel["z"].to_numpy(), atol=1e-12)
    assert design.n_obs == len(panel)
    assert design.n_shocks == len(shocks)


def _direct_weights(panel, shares, weights):
    """s_(h,t) by an explicit loop over observations."""
    e = np.ones(len(panel)) if weights is None else panel[weights].to_numpy()
    sh = shares.set_index(["industry", "product"])["share"]
    acc: dict[tuple, float] = {}
    for i, (k, t) in enumerate(zip(panel["industry"], panel["year"], strict=True)):
        for h in shares["product"].unique():
            acc[(h, t)] = acc.get((h, t), 0.0) + e[i] * sh.get((k, h), 0.0)
    out = pd.Series(acc) / e.sum()
    out.index.names = ["product", "year"]
    return out


@pytest.mark.parametrize("weights", [None, "w"])
def test_shock_diagnostics_against_direct_numpy(sim, design, weights):
    panel, shares, shocks = sim
    s_n = _direct_weights(panel, shares, weights)
    g = shocks.set_index(["product", "year"])["shock"].reindex(s_n.index)
    s, gv = s_n.to_numpy(), g.to_numpy()
    d = shock_diagnostics(design, None if weights is None else panel[weights].to_numpy())
    mean = np.average(gv, weights=s)
    assert d.raw["Mean"] == pytest.approx(mean, abs=1e-12)
    assert d.raw["Standard deviation"] == pytest.approx(
        np.sqrt(np.average((gv - mean) ** 2, weights=s))
    )
    q = np.quantile(gv, [0.25, 0.75], weights=s, method="inverted_cdf")
    assert d.raw["Interquartile range"] == pytest.approx(q[1] - q[0], abs=1e-12)
    frame = pd.DataFrame({"g": gv, "s": s, "t": s_n.index.get_level_values("year")})
    tmean = frame.groupby("t").apply(
        lambda f: np.average(f["g"], weights=f["s"]), include_groups=False
    )
    resid = gv - tmean.reindex(frame["t"]).to_numpy()
    assert d.period_fe["Mean"] == pytest.approx(0.0, abs=1e-12)
    assert d.period_fe["Standard deviation"] == pytest.approx(
        np.sqrt(np.average(resid**2, weights=s))
    )
    qr_ = np.quantile(resid, [0.25, 0.75], weights=s, method="inverted_cdf")
    assert d.period_fe["Interquartile range"] == pytest.approx(qr_[1] - qr_[0], abs=1e-12)
    sn = s / s.sum()
    assert d.ess_shocks == pytest.approx(1 / np.sum(sn**2))
    s_h = s_n.groupby(level="product").sum() / s.sum()
    assert d.ess_products == pytest.approx(1 / np.sum(s_h**2))
    assert d.max_weight_shocks == pytest.approx(sn.max())
    assert d.max_weight_products == pytest.approx(s_h.max())
    assert (d.n_shocks, d.n_products, d.n_periods) == (len(shocks), 12, 6)
    assert s.sum() == pytest.approx(1.0)  # complete shares


def test_shock_diagnostics_table_layout(design):
    frame = shock_diagnostics(design).to_frame()
    assert list(frame.columns) == ["(1) Raw", "(2) Year FE"]
    for row in (
        "Mean",
        "Standard deviation",
        "Interquartile range",
        "No. of shocks",
        "No. of products",
    ):
        assert row in frame.index
    tex = shock_diagnostics(design).to_latex()
    assert r"\toprule" in tex and "across products and periods" in tex


@pytest.mark.parametrize("weights", [None, "w"])
def test_rotemberg_weights_decompose_the_iv(sim, design, weights):
    panel = sim[0]
    rw = rotemberg_weights(design, panel, "y", "x", fe=FE, controls=["c"], weights=weights)
    iv = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", weights=weights)
    assert rw.frame["alpha"].sum() == pytest.approx(1.0)
    assert (rw.frame["alpha"] * rw.frame["beta"]).sum() == pytest.approx(iv.params["x"], abs=1e-8)
    assert rw.beta == pytest.approx(iv.params["x"], abs=1e-8)
    # beta_h is the just-identified IV with the product-h instrument alone
    h = rw.to_frame().index[0]
    zh = (
        design.exposure[:, np.flatnonzero(design.products == h)]
        @ design.shocks[design.products == h]
    )
    iv_h = iv_regression(panel.assign(zh=zh), "y", "x", "zh", fe=FE, controls="c", weights=weights)
    assert rw.frame.loc[h, "beta"] == pytest.approx(iv_h.params["x"], abs=1e-7)
    assert len(rw.to_frame()) == 5
    assert rw.negative_sum <= 0


@pytest.mark.parametrize("shock_controls", [None, "period"])
@pytest.mark.parametrize("weights", [None, "w"])
def test_bhj_shock_level_coefficient_equals_unit_level_iv(sim, design, shock_controls, weights):
    panel = sim[0]
    iv = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", weights=weights, cluster="firm")
    sl = shock_level_regression(
        design,
        panel,
        "y",
        "x",
        fe=FE,
        controls=["c"],
        weights=weights,
        shock_controls=shock_controls,
    )
    assert sl.params["x"] == pytest.approx(iv.params["x"], abs=1e-8)
    assert sl.n_shocks == design.n_shocks


def test_shock_level_se_against_direct_formula(sim, design):
    """Robust SE of the s_n-weighted shock-level IV (no shock controls), written out."""
    panel, shares, shocks = sim
    dmat = np.column_stack([panel[["c"]].to_numpy(), fe_dummies(panel, FE)])
    yx = panel[["y", "x"]].to_numpy()
    res = yx - dmat @ np.linalg.lstsq(dmat, yx, rcond=None)[0]
    s_raw = np.asarray(design.exposure.T @ np.ones(len(panel))).ravel()
    ybar = (design.exposure.T @ res[:, 0]) / s_raw
    xbar = (design.exposure.T @ res[:, 1]) / s_raw
    s = s_raw / len(panel)
    g = design.shocks
    beta = np.sum(s * g * ybar) / np.sum(s * g * xbar)
    eps = ybar - beta * xbar
    n = g.shape[0]
    var = np.sum((s * g * eps) ** 2) / np.sum(s * g * xbar) ** 2  # ivreg2 robust: no factor
    sl = shock_level_regression(design, panel, "y", "x", fe=FE, controls=["c"], shock_controls=None)
    assert sl.params["x"] == pytest.approx(beta, abs=1e-8)
    assert sl.std_errors["x"] == pytest.approx(np.sqrt(var), rel=1e-6)
    assert np.isinf(sl.df_resid)
    small = shock_level_regression(
        design, panel, "y", "x", fe=FE, controls=["c"], shock_controls=None, ssc="small"
    )
    assert small.std_errors["x"] == pytest.approx(np.sqrt(var * n / (n - 1)), rel=1e-6)
    cl = shock_level_regression(
        design, panel, "y", "x", fe=FE, controls=["c"], cluster="product", ssc="small"
    )
    assert cl.n_clusters == 12 and cl.df_resid == 11
    assert cl.first_stage_f > 0
    assert "Exposure-robust SE" in cl.to_frame().columns


def test_design_validation(sim):
    panel, shares, shocks = sim
    with pytest.raises(ModelInputError):
        ShiftShareDesign.from_arrays(np.ones((3, 4)), np.ones(5))
    with pytest.raises(ModelInputError, match="unique"):
        ShiftShareDesign.from_panel(panel, pd.concat([shares, shares.iloc[:1]]), shocks, **KW)
    with pytest.raises(ModelInputError, match="conform"):
        bartik(np.ones((3, 4)), np.ones((5, 2)))
    design = ShiftShareDesign.from_panel(panel, shares, shocks, **KW)
    with pytest.raises(ModelInputError, match="absent from the design"):
        shock_level_regression(design, panel.assign(industry=panel["industry"] + 100), "y", "x")
    with pytest.raises(ModelInputError, match="year"):
        shock_level_regression(design, panel.drop(columns="year"), "y", "x")
    with pytest.raises(ModelInputError):
        shock_diagnostics(design, weights=-np.ones(len(panel)))


def test_cross_section_design():
    rng = np.random.default_rng(0)
    s = rng.dirichlet(np.ones(6), size=40)
    g = rng.normal(size=6)
    d = ShiftShareDesign.from_arrays(s, g)
    np.testing.assert_allclose(d.instrument(), s @ g)
    diag = shock_diagnostics(d)
    assert diag.n_periods == 1 and diag.n_shocks == 6
    assert diag.ess_shocks == pytest.approx(diag.ess_products)
