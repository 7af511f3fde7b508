"""Structural estimation: identification at the population, recovery, interfaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillshore.errors import DataValidationError, ModelInputError
from skillshore.matching import solve
from skillshore.structural import (
    EstimationTable,
    MatchedSample,
    calibration_from_equilibrium,
    estimate,
    sample_from_frame,
    simulate_sample,
)

TRUE = dict(
    lambda_=2.0,
    lambda_x=1.0,
    C=5.0,
    C_star=2.0,
    c_F=3.0,
    nu_x=-0.5,
    nu_y=-1.0,
    nu_x_star=-2.0,
    nu_y_star=-2.0,
)


def _population_sample(eq) -> MatchedSample:
    """The population itself as a weighted sample (exact moments and wages)."""
    m = eq.model
    i, j = np.nonzero(eq.pi > 0)
    fi, fj = np.nonzero(eq.pi_star > 0)
    return MatchedSample(
        x=m.x[i],
        y=m.y[j],
        weights=eq.pi[i, j],
        wage=eq.wages()[i, j],
        unmatched_x=m.x,
        unmatched_x_weights=eq.f0,
        unmatched_y=m.y,
        unmatched_y_weights=eq.g0,
        foreign_x=m.x[fi],
        foreign_y=m.y[fj],
        foreign_weights=eq.pi_star[fi, fj],
        foreign_pool=float(m.fbar_star.sum() / m.fbar.sum()),
    )


def _check_truth(est, m, tol):
    p = est.params
    np.testing.assert_allclose(est.Phi, m.Phi, atol=tol * 3)
    assert p["lambda"] == pytest.approx(m.lam, abs=tol)
    for k in ("C", "C_star", "nu_x", "nu_y", "nu_x_star", "nu_y_star", "lambda_x"):
        assert p[k] == pytest.approx(getattr(m, k), abs=tol * 3), k
    assert p["c_F"] == pytest.approx(m.c_F, abs=tol * 3)


def test_population_moments_give_back_the_truth(truth):
    """Identification: with exact moments every parameter is recovered."""
    cal = calibration_from_equilibrium(truth)
    est = estimate(_population_sample(truth), calibration=cal)
    _check_truth(est, truth.model, 1e-6)
    assert est.converged


def test_wage_share_normalisation_at_the_population(truth):
    """With C* from the foreign wage share the truth is recovered when it satisfies that normalisation."""
    m = truth.model
    cal = calibration_from_equilibrium(truth)
    ps = truth.pi_star
    q = m.x @ m.Phi @ m.y.T
    # choose nu_y* so that E*(w*)/E*(q*) = W/Y holds in the truth, keeping kappa_f fixed
    Cs = cal.mean_w_star / cal.wage_bill_share - float((ps * q).sum() / ps.sum())
    base = m.C_star + m.lambda_y * m.nu_y_star
    m2 = m.replace(C_star=Cs, nu_y_star=(base - Cs) / m.lambda_y)
    eq2 = solve(m2, tol=1e-12)
    est = estimate(
        _population_sample(eq2),
        calibration=calibration_from_equilibrium(eq2),
        foreign_normalisation="wage_share",
    )
    _check_truth(est, m2, 1e-6)


def test_known_gap_normalisation_at_the_population(truth):
    """nu_y* = nu_x* + d recovers a truth whose foreign intensities differ by d."""
    m = truth.model.replace(nu_y_star=-1.4, C_star=2.0 - 0.6)  # same kappa_f, gap 0.6
    eq = solve(m, tol=1e-12)
    est = estimate(
        _population_sample(eq),
        calibration=calibration_from_equilibrium(eq),
        foreign_normalisation=0.6,
    )
    _check_truth(est, m, 1e-6)


def test_sampled_estimates_are_close_and_model_reproduces_the_data(truth):
    cal = calibration_from_equilibrium(truth)
    s = simulate_sample(truth, 20000, 7, wage_noise=0.3)
    est = estimate(s, calibration=cal)
    m = truth.model
    assert np.max(np.abs(est.Phi - m.Phi)) < 0.6
    assert est.params["lambda"] == pytest.approx(m.lam, rel=0.1)
    assert est.params["c_F"] == pytest.approx(m.c_F, abs=0.4)
    eq = solve(est.model())
    # the estimated economy matches the data's rates and cross moment (moment conditions)
    M = est.fit.masses
    assert eq.unemployment_rate == pytest.approx(M.unemployment_rate, abs=1e-6)
    assert eq.offshoring_rate == pytest.approx(M.offshoring_rate, abs=1e-6)
    data_cross = M.x.T @ (M.mu + M.mu_star) @ M.y
    model_cross = (
        eq.cross_moment() * eq.matched_domestic + eq.cross_moment(True) * eq.matched_foreign
    )
    np.testing.assert_allclose(model_cross, data_cross, atol=1e-6)
    # reporting
    assert {"Φ[1,1]", "λ", "C", "C*", "νx", "νy", "νx*", "νy*"} <= set(est.seed_table().index)
    num = est.to_frame()
    assert list(num.columns) == ["estimate", "std_error", "lower", "upper", "n_failed"]
    assert num.loc["lambda", "estimate"] == est.params["lambda"]
    assert "moment matching converged" in est.summary()
    tab = EstimationTable({2006: est, 2007: est}).to_frame()
    assert list(tab.columns) == ["Parameter", "2006", "2007"]


def test_frame_input_and_imputed_foreign_matches(truth):
    cal = calibration_from_equilibrium(truth)
    s = simulate_sample(truth, 5000, 2, wage_noise=0.3, foreign=False)
    workers = pd.DataFrame(
        np.c_[
            np.vstack([s.x, s.unmatched_x]), np.r_[s.y[:, 0], np.full(len(s.unmatched_x), np.nan)]
        ],
        columns=["x1", "x2", "y1"],
    )
    workers["wage"] = np.r_[s.wage, np.full(len(s.unmatched_x), np.nan)]
    vac = pd.DataFrame({"y1": s.unmatched_y[:, 0]})
    s2 = sample_from_frame(workers, ["x1", "x2"], ["y1"], wage_col="wage", vacancies=vac)
    a = estimate(s2, foreign="calibration", calibration=cal)
    b = estimate(s, foreign="calibration", calibration=cal)
    np.testing.assert_allclose(a.vector, b.vector, rtol=1e-10, equal_nan=True)
    # the imputed offshoring rate is the calibration's
    assert a.fit.masses.offshoring_rate == pytest.approx(cal.offshoring_rate, rel=1e-9)


def test_clear_errors(truth):
    s = simulate_sample(truth, 500, 3)
    bare = MatchedSample(x=s.x, y=s.y)
    with pytest.raises(DataValidationError, match="unemployed workers or a calibration"):
        estimate(bare)
    with pytest.raises(ModelInputError, match="calibration"):
        estimate(bare, foreign="calibration")
    with pytest.raises(DataValidationError, match="foreign_x and foreign_y"):
        MatchedSample(x=s.x, y=s.y, foreign_x=s.x)
    # no wages: lambda normalised to 1, levels not identified
    est = estimate(MatchedSample(x=s.x, y=s.y, unmatched_x=s.unmatched_x))
    assert est.params["lambda"] == 1.0 and np.isnan(est.params["nu_x"])
    assert "lambda = 1" in est.summary()
    with pytest.raises(ModelInputError, match="wages"):
        est.model()


def test_grid_truth_maps_to_discrete_types_by_the_base_measure():
    """A truth with cell volumes dx, dy (the seed's preset) is recovered with nu's shifted by log dy, log dx."""
    from skillshore.structural import seed_economy

    m = seed_economy(2006, n=8)
    eq = solve(m, tol=1e-12)
    est = estimate(
        _population_sample(eq),
        calibration=calibration_from_equilibrium(eq),
        foreign_normalisation=m.nu_y_star - m.nu_x_star,
    )
    ldx, ldy = np.log(m.dx[0]), np.log(m.dy[0])
    shifted = m.replace(
        nu_x=m.nu_x + ldy,
        nu_y=m.nu_y + ldx,
        nu_x_star=m.nu_x_star + ldy,
        nu_y_star=m.nu_y_star + ldx,
    )
    _check_truth(est, shifted, 1e-5 * m.lam)
