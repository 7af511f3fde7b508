"""2SLS and weak-IV diagnostics against linearmodels with dummies and textbook formulas."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from linearmodels.iv import IV2SLS
from linearmodels.iv.common import kleibergen_paap_f
from scipy import stats

from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring.iv import iv_regression
from tests.offshoring.iv_sim import fe_dummies, simulate_panel, ssc

FE = ["firm", "sy"]


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=3)[0]


@pytest.fixture(scope="module")
def dummies(panel):
    return fe_dummies(panel, FE)


def _lm(panel, dummies, y, endog, instr, controls, cluster, weights, debiased=False):
    exog = np.column_stack([panel[controls].to_numpy(), dummies])
    mod = IV2SLS(
        panel[y].to_numpy(),
        exog,
        panel[endog].to_numpy(),
        panel[instr].to_numpy(),
        weights=None if weights is None else panel[weights].to_numpy(),
    )
    if cluster:
        return mod.fit(cov_type="clustered", clusters=panel[cluster].to_numpy(), debiased=debiased)
    return mod.fit(cov_type="robust", debiased=debiased)


def _expected_k(panel, n_coef, cluster, fe_dof):
    """Parameters in the small-sample factor, counted by hand (fixest's convention)."""
    n_firm, n_sy = panel["firm"].nunique(), panel["sy"].nunique()
    if fe_dof == "none":
        return n_coef
    if cluster == "firm" and fe_dof == "nonnested":
        return n_coef + n_sy  # firm FE nested in the firm clusters
    return n_coef + n_firm + n_sy - 1


@pytest.mark.parametrize(
    "cluster,weights,fe_dof",
    [
        ("firm", None, "nonnested"),
        ("firm", "w", "nonnested"),
        (None, None, "nonnested"),
        ("firm", None, "none"),
    ],
)
def test_2sls_matches_linearmodels_with_dummies(panel, dummies, cluster, weights, fe_dof):
    r = iv_regression(
        panel, "y", "x", "z", fe=FE, controls="c", cluster=cluster, weights=weights, fe_dof=fe_dof
    )
    lm = _lm(panel, dummies, "y", ["x"], ["z"], ["c"], cluster, weights)
    names = ["x", "c"]
    lm_coef = np.array([lm.params.iloc[-1], lm.params.iloc[0]])
    lm_se_raw = np.array([lm.std_errors.iloc[-1], lm.std_errors.iloc[0]])
    np.testing.assert_allclose(r.params[names].to_numpy(), lm_coef, rtol=0, atol=1e-6)
    k = _expected_k(panel, 2, cluster, fe_dof)
    assert r.k == k
    g = panel["firm"].nunique() if cluster else None
    np.testing.assert_allclose(
        r.std_errors[names].to_numpy(), lm_se_raw * np.sqrt(ssc(len(panel), k, g)), rtol=1e-6
    )
    assert r.nobs == len(panel)
    assert r.mean_y == pytest.approx(
        np.average(panel["y"], weights=None if weights is None else panel[weights])
    )


def test_debiased_linearmodels_equals_counting_every_dummy(panel, dummies):
    """With k = all dummy columns, our factor reproduces linearmodels' debiased SE exactly."""
    r = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm", fe_dof="none")
    lm = _lm(panel, dummies, "y", ["x"], ["z"], ["c"], "firm", None, debiased=True)
    n, g = len(panel), panel["firm"].nunique()
    k_all = 2 + dummies.shape[1]
    se = r.std_errors["x"] * np.sqrt(ssc(n, k_all, g) / ssc(n, 2, g))
    assert se == pytest.approx(lm.std_errors.iloc[-1], rel=1e-6)


def test_two_endogenous_matches_linearmodels(panel, dummies):
    r = iv_regression(
        panel, "y2", ["x", "x2"], ["z", "z2", "zw"], fe=FE, controls="c", cluster="firm"
    )
    lm = _lm(panel, dummies, "y2", ["x", "x2"], ["z", "z2", "zw"], ["c"], "firm", None)
    np.testing.assert_allclose(
        r.params[["x", "x2"]].to_numpy(), lm.params.iloc[-2:].to_numpy(), atol=1e-6
    )
    k = _expected_k(panel, 3, "firm", "nonnested")
    fac = np.sqrt(ssc(len(panel), k, panel["firm"].nunique()))
    np.testing.assert_allclose(
        r.std_errors[["x", "x2"]].to_numpy(), lm.std_errors.iloc[-2:].to_numpy() * fac, rtol=1e-6
    )
    assert np.isnan(r.first_stage.effective_f)
    with pytest.raises(ModelInputError):
        r.ar_conf_set()


def test_kp_f_single_endog_matches_linearmodels_dummies(panel, dummies):
    r = iv_regression(panel, "y", "x", ["z", "zw"], fe=FE, controls="c", cluster="firm")
    exog = np.column_stack([panel[["c"]].to_numpy(), dummies])
    lm_f = kleibergen_paap_f(
        panel[["x"]].to_numpy(),
        panel[["z", "zw"]].to_numpy(),
        exog,
        "clustered",
        {"clusters": panel["firm"].to_numpy()},
    )
    n = len(panel)
    # linearmodels: dof = N - L - (controls + dummies); ours: N - (L + controls + absorbed FE)
    k_fs = 2 + 1 + panel["sy"].nunique()
    ours = lm_f * (n - k_fs) / (n - 2 - exog.shape[1])
    assert r.first_stage.kp_f == pytest.approx(ours, rel=1e-6)


def test_kp_f_two_endog_matches_linearmodels_on_demeaned_arrays(panel):
    r = iv_regression(
        panel, "y2", ["x", "x2"], ["z", "z2", "zw"], fe=FE, controls="c", cluster="firm"
    )
    a = r.arrays
    lm_f = kleibergen_paap_f(a.endog, a.instruments, a.exog, "clustered", {"clusters": a.codes})
    n, n_l, p = a.nobs, 3, a.exog.shape[1]
    k_fs = n_l + p + a.k_fe
    assert r.first_stage.kp_f == pytest.approx(lm_f * (n - k_fs) / (n - n_l - p), rel=1e-6)


def test_kp_equals_partial_f_with_one_instrument(panel):
    r = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    fs = r.first_stage
    assert fs.kp_f == pytest.approx(fs.partial_f["x"], rel=1e-8)
    assert fs.effective_f == pytest.approx(fs.partial_f["x"], rel=1e-8)
    # t-statistic of the first stage squared (first stage through pyfixest's own OLS)
    import pyfixest as pf

    first = pf.feols("x ~ z + c | firm + sy", panel, vcov={"CRV1": "firm"})
    assert fs.partial_f["x"] == pytest.approx(first.tstat()["z"] ** 2, rel=1e-6)


def test_effective_f_direct_formula_partials_out_controls(panel, dummies):
    r = iv_regression(panel, "y", "x", ["z", "zw"], fe=FE, controls="c", cluster="firm")
    exog = np.column_stack([panel[["c"]].to_numpy(), dummies])
    zmat = panel[["z", "zw"]].to_numpy()
    ols = IV2SLS(panel["x"].to_numpy(), np.column_stack([zmat, exog]), None, None).fit(
        cov_type="clustered", clusters=panel["firm"].to_numpy(), debiased=False
    )
    k_fs = 2 + 1 + panel["sy"].nunique()
    v = ols.cov.to_numpy()[:2, :2] * ssc(len(panel), k_fs, panel["firm"].nunique())
    pi = ols.params.to_numpy()[:2]
    zperp = zmat - exog @ np.linalg.lstsq(exog, zmat, rcond=None)[0]
    q = zperp.T @ zperp
    direct = pi @ q @ pi / np.trace(v @ q)
    assert r.first_stage.effective_f == pytest.approx(direct, rel=1e-6)


@pytest.mark.parametrize("instr", [["z"], ["z", "zw"]])
@pytest.mark.parametrize("beta0", [0.0, 0.4])
def test_anderson_rubin_matches_textbook_regression(panel, dummies, instr, beta0):
    r = iv_regression(panel, "y", "x", instr, fe=FE, controls="c", cluster="firm")
    exog = np.column_stack([panel[instr].to_numpy(), panel[["c"]].to_numpy(), dummies])
    ytil = panel["y"].to_numpy() - beta0 * panel["x"].to_numpy()
    ols = IV2SLS(ytil, exog, None, None).fit(
        cov_type="clustered", clusters=panel["firm"].to_numpy(), debiased=False
    )
    n_l = len(instr)
    g = panel["firm"].nunique()
    k_fs = n_l + 1 + panel["sy"].nunique()
    v = ols.cov.to_numpy()[:n_l, :n_l] * ssc(len(panel), k_fs, g)
    gam = ols.params.to_numpy()[:n_l]
    stat = gam @ np.linalg.solve(v, gam) / n_l
    ar = r.anderson_rubin(beta0)
    assert ar.stat == pytest.approx(stat, rel=1e-6)
    assert ar.df == (n_l, g - 1)
    assert ar.pvalue == pytest.approx(stats.f.sf(stat, n_l, g - 1), rel=1e-6)


@pytest.mark.parametrize("instr", [["z"], ["z", "zw"]])
def test_ar_conf_set_boundary_is_the_critical_value(panel, instr):
    r = iv_regression(panel, "y", "x", instr, fe=FE, controls="c", cluster="firm")
    cs = r.ar_conf_set(0.95)
    assert cs.kind == "interval"
    assert cs.contains(float(r.params["x"]))
    for end in cs.intervals[0]:
        assert r.anderson_rubin(end).pvalue == pytest.approx(0.05, abs=1e-6)
    lo, hi = cs.intervals[0]
    assert r.anderson_rubin(lo - 0.05 * (hi - lo)).pvalue < 0.05
    assert r.anderson_rubin(hi + 0.05 * (hi - lo)).pvalue < 0.05


def test_ar_conf_set_unbounded_with_irrelevant_instrument():
    panel = simulate_panel(seed=5, weak=0.0)[0]
    r = iv_regression(panel, "y", "x", "zw", fe=FE, controls="c", cluster="firm")
    cs = r.ar_conf_set(0.95)
    assert not cs.bounded
    assert cs.kind in ("rays", "real line")
    # first stage not significant at 5% <=> unbounded set (closed form, one instrument)
    assert r.first_stage.partial_f["x"] < stats.f.ppf(0.95, 1, r.df_resid)
    for lo, hi in cs.intervals:
        for end in (lo, hi):
            if np.isfinite(end):
                assert r.anderson_rubin(end).pvalue == pytest.approx(0.05, abs=1e-6)


@pytest.mark.parametrize(
    "coefs", [(1.0, -2.0, -3.0), (-1.0, 0.5, 2.0), (-1.0, 0.1, -4.0), (2.0, 1.0, 5.0)]
)
def test_quadratic_and_polynomial_routes_agree(coefs):
    a, b, c = coefs
    closed = la.quadratic_set(a, b, c)
    poly = la.polynomial_set(lambda t: a * t * t + b * t + c, 2, 0.3, 2.0)
    assert len(closed) == len(poly)
    for (l1, h1), (l2, h2) in zip(closed, poly, strict=True):
        assert l1 == pytest.approx(l2, abs=1e-8) and h1 == pytest.approx(h2, abs=1e-8)


def test_polars_input_gives_same_result(panel):
    a = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    b = iv_regression(pl.from_pandas(panel), "y", "x", "z", fe=FE, controls="c", cluster="firm")
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.std_errors.to_numpy(), b.std_errors.to_numpy(), rtol=1e-12)


def test_interacted_fe_equals_key_column(panel):
    a = iv_regression(
        panel, "y", "x", "z", fe=["firm", "sector^year"], controls="c", cluster="firm"
    )
    b = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    assert a.params["x"] == pytest.approx(b.params["x"], abs=1e-9)
    assert a.std_errors["x"] == pytest.approx(b.std_errors["x"], rel=1e-9)


def test_no_fixed_effects_matches_linearmodels(panel):
    r = iv_regression(panel, "y", "x", "z", controls="c", cluster=None)
    exog = np.column_stack([np.ones(len(panel)), panel["c"].to_numpy()])
    lm = IV2SLS(panel["y"].to_numpy(), exog, panel[["x"]].to_numpy(), panel[["z"]].to_numpy()).fit(
        cov_type="robust", debiased=True
    )
    assert r.params["x"] == pytest.approx(lm.params.iloc[-1], abs=1e-8)
    assert r.std_errors["x"] == pytest.approx(lm.std_errors.iloc[-1], rel=1e-6)


def test_singletons_are_dropped_and_counted(panel):
    extra = panel.iloc[:1].copy()
    extra["firm"] = 10_000  # a firm seen once
    data = pd.concat([panel, extra], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = iv_regression(data, "y", "x", "z", fe=FE, controls="c", cluster="firm")
        r_all = iv_regression(
            data, "y", "x", "z", fe=FE, controls="c", cluster="firm", drop_singletons=False
        )
    assert r.nobs == len(panel)
    assert len(panel) not in set(r.positions)
    assert r_all.nobs == len(panel) + 1
    assert r.params["x"] == pytest.approx(r_all.params["x"], abs=1e-8)


def test_input_validation(panel):
    with pytest.raises(ModelInputError, match="under-identified"):
        iv_regression(panel, "y2", ["x", "x2"], "z", fe=FE)
    with pytest.raises(ModelInputError, match="no column"):
        iv_regression(panel, "y", "x", "nope", fe=FE)
    with pytest.raises(ModelInputError, match="two roles"):
        iv_regression(panel, "y", "x", "x", fe=FE)
    with pytest.raises(ModelInputError, match="numeric"):
        iv_regression(panel, "y", "x", "sy")
    with pytest.raises(ModelInputError, match="fe_dof"):
        iv_regression(panel, "y", "x", "z", fe=FE, fe_dof="all")
    r = iv_regression(panel, "y", "x", "z", fe=FE, cluster="firm")
    with pytest.raises(ModelInputError):
        r.anderson_rubin([0.0, 1.0])


def test_summary_and_frames(panel):
    r = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    text = r.summary()
    for key in ("IV-2SLS", "KP rk Wald F", "Anderson-Rubin", "Mean Y", "clustered by firm"):
        assert key in text
    frame = r.to_frame()
    assert list(frame.index) == ["x", "c"]
    assert frame.loc["x", "Estimate"] == r.params["x"]
    ci = r.conf_int(0.9)
    q = stats.t.ppf(0.95, r.df_resid)
    assert ci.loc["x", "upper"] == pytest.approx(r.params["x"] + q * r.std_errors["x"])
    ar = r.anderson_rubin()
    assert "F(1, 79)" in repr(ar) and ar.null == "x = 0"
    assert "x" in r.first_stage.to_frame().index


def test_controls_collinear_with_fe_raise_or_are_dropped(panel):
    data = panel.copy()
    # constant within firm: absorbed by the firm fixed effect (the synthetic economy's
    # importer/exporter dummies behave like this)
    data["always"] = (data["firm"].astype("category").cat.codes % 2).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelInputError, match="collinear"):
            iv_regression(data, "y", "x", "z", fe=FE, controls=["c", "always"], cluster="firm")
        r = iv_regression(
            data,
            "y",
            "x",
            "z",
            fe=FE,
            controls=["c", "always"],
            cluster="firm",
            drop_collinear=True,
        )
        # a collinear instrument is never dropped silently
        data["z_fe"] = data["always"]
        with pytest.raises(ModelInputError, match="collinear"):
            iv_regression(data, "y", "x", "z_fe", fe=FE, cluster="firm", drop_collinear=True)
    ref = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    assert r.dropped == ("always",)
    assert r.controls == ("c",)
    assert r.params["x"] == pytest.approx(ref.params["x"], rel=1e-12)
    assert r.std_errors["x"] == pytest.approx(ref.std_errors["x"], rel=1e-12)
    assert "Dropped" in r.summary()


def test_importing_the_iv_module_leaves_the_root_logger_alone():
    """pyfixest 0.60 calls logging.basicConfig(INFO) when its API loads (skillshore._compat)."""
    import subprocess
    import sys

    code = (
        "import logging\n"
        "import skillshore.offshoring.iv\n"
        "import pyfixest\n"
        "pyfixest.feols\n"
        "print(len(logging.getLogger().handlers), logging.getLogger().level)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", str(30)]


def test_exact_first_stage_gives_infinite_f_not_a_crash():
    # x = 3 z exactly (small integers: the first-stage residual is exactly zero), as an
    # industry-level regressor in a subsample with few industries can be
    z = np.tile(np.arange(9.0), 8)
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"z": z, "x": 3 * z, "y": 3 * z + rng.normal(size=z.size), "g": np.repeat(np.arange(8), 9)}
    )
    r = iv_regression(data, "y", "x", "z", cluster="g")
    fs = r.first_stage
    # zero residual variance up to rounding: F is infinite or astronomically large
    for f in (fs.kp_f, fs.partial_f["x"], fs.effective_f):
        assert f > 1e20
    ols = np.polyfit(data["x"], data["y"], 1)[0]  # exact first stage: 2SLS = OLS
    assert r.params["x"] == pytest.approx(ols, rel=1e-10)
