"""``vcov`` x ``ssc`` of :func:`iv_regression` and :func:`ols` against linearmodels.

linearmodels' ``debiased=False`` is ``ssc="none"`` (no factor, normal critical values),
``debiased=True`` is ``ssc="small"`` (``N/(N-k)`` iid and robust, ``(N-1)/(N-k) G/(G-1)``
clustered, every dummy counted in ``k``). The fixed effects enter linearmodels as
full-rank dummies. Tolerance 1e-8 (relative): the demeaning runs to 1e-10, the rest is
the same algebra in floating point.
"""

from __future__ import annotations

import numpy as np
import pytest
from linearmodels.iv import IV2SLS, IVLIML
from scipy import stats

from skillshore.errors import ModelInputError
from skillshore.offshoring import iv_regression, ols
from tests.offshoring.iv_sim import fe_dummies, simulate_panel

FE = ["firm", "sy"]
TOL = 1e-8


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=5, n_firms=40, n_years=5)[0]


@pytest.fixture(scope="module")
def dummies(panel):
    return fe_dummies(panel, FE)


def _fit_lm(model, panel, kind, debiased):
    if kind == "CRV1":
        return model.fit(cov_type="clustered", clusters=panel["firm"].to_numpy(), debiased=debiased)
    return model.fit(cov_type="unadjusted" if kind == "iid" else "robust", debiased=debiased)


VCOVS = {"iid": "iid", "hetero": "hetero", "CRV1": {"CRV1": "firm"}}


@pytest.mark.parametrize("kind", ["iid", "hetero", "CRV1"])
@pytest.mark.parametrize("ssc,debiased", [("none", False), ("small", True)])
@pytest.mark.parametrize("estimator", [IV2SLS, IVLIML])
@pytest.mark.parametrize("weights", [None, "w"])
def test_2sls_variance_matches_linearmodels(
    panel, dummies, kind, ssc, debiased, estimator, weights
):
    """Just identified, LIML is 2SLS (kappa = 1): both linearmodels estimators must agree."""
    r = iv_regression(
        panel, "y", "x", "z", fe=FE, controls="c", vcov=VCOVS[kind], ssc=ssc, weights=weights
    )
    w = None if weights is None else panel[weights].to_numpy()
    exog = np.column_stack([panel["c"].to_numpy(), dummies])
    mod = estimator(panel["y"], exog, panel[["x"]], panel[["z"]], weights=w)
    lm = _fit_lm(mod, panel, kind, debiased)
    assert r.params["x"] == pytest.approx(lm.params["x"], rel=TOL)
    assert r.params["c"] == pytest.approx(lm.params.iloc[0], rel=TOL)
    assert r.std_errors["x"] == pytest.approx(lm.std_errors["x"], rel=TOL)
    assert r.std_errors["c"] == pytest.approx(lm.std_errors.iloc[0], rel=TOL)
    if ssc == "none":  # normal critical values, as linearmodels
        assert np.isinf(r.df_resid)
        assert r.pvalues["x"] == pytest.approx(lm.pvalues["x"], rel=1e-6, abs=1e-300)
        lo = r.conf_int().loc["x", "lower"]
        assert lo == pytest.approx(lm.conf_int().loc["x", "lower"], rel=TOL)


@pytest.mark.parametrize("kind", ["iid", "hetero", "CRV1"])
@pytest.mark.parametrize("ssc,debiased", [("none", False), ("small", True)])
def test_ols_variance_matches_linearmodels(panel, dummies, kind, ssc, debiased):
    r = ols(panel, "y", "z", fe=FE, controls="c", vcov=VCOVS[kind], ssc=ssc)
    exog = np.column_stack([panel[["z", "c"]].to_numpy(), dummies])
    lm = _fit_lm(IV2SLS(panel["y"], exog, None, None), panel, kind, debiased)
    np.testing.assert_allclose(r.params[["z", "c"]], lm.params.iloc[:2], rtol=TOL)
    np.testing.assert_allclose(r.std_errors[["z", "c"]], lm.std_errors.iloc[:2], rtol=TOL)


def test_fixest_ssc_does_not_count_fe_nested_in_clusters(panel):
    """Default ``ssc="fixest"``: firm FE nested in firm clusters are not in k (reghdfe)."""
    r_fix = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    r_none = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm", ssc="none")
    n, g = len(panel), panel["firm"].nunique()
    k = 2 + panel["sy"].nunique()
    fac = (n - 1) / (n - k) * g / (g - 1)
    assert r_fix.k == k
    assert r_fix.std_errors["x"] == pytest.approx(r_none.std_errors["x"] * np.sqrt(fac), rel=TOL)
    assert r_fix.df_resid == g - 1
    q = stats.t.ppf(0.975, g - 1)
    assert r_fix.conf_int().loc["x", "upper"] == pytest.approx(
        r_fix.params["x"] + q * r_fix.std_errors["x"], rel=1e-12
    )


def test_iid_first_stage_f_is_the_classical_f(panel):
    """Without fixed effects or controls, the iid partial F is the textbook F of x on z."""
    r = iv_regression(panel, "y", "x", "z", vcov="iid", ssc="small")
    fs = ols(panel, "x", "z", vcov="iid", ssc="small")
    assert r.first_stage.partial_f["x"] == pytest.approx(fs.tstats["z"] ** 2, rel=TOL)
    xm = panel["x"] - panel["x"].mean()
    zm = panel["z"] - panel["z"].mean()
    n = len(panel)
    r2 = (xm @ zm) ** 2 / ((xm @ xm) * (zm @ zm))
    assert r.first_stage.partial_f["x"] == pytest.approx(r2 / (1 - r2) * (n - 2), rel=TOL)
    assert r.first_stage.kp_f == pytest.approx(r.first_stage.partial_f["x"], rel=1e-8)


def test_bad_vcov_and_ssc_raise(panel):
    with pytest.raises(ModelInputError, match="vcov"):
        iv_regression(panel, "y", "x", "z", vcov="HC3")
    with pytest.raises(ModelInputError, match="conflicts"):
        iv_regression(panel, "y", "x", "z", vcov={"CRV1": "sy"}, cluster="firm")
    with pytest.raises(ModelInputError, match="ssc"):
        ols(panel, "y", "z", ssc="stata")


def test_2sls_on_the_arrays_equals_pyfixest(panel):
    r = iv_regression(panel, "y", "x", "z", fe=FE, controls="c", cluster="firm")
    assert r.params["x"] == pytest.approx(r.arrays.pf_params["x"], rel=1e-10)
