"""The moment-matching criterion: gradient, likelihood, closed form, planted Phi."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.structural import TypeSupport, estimate, simulate_sample
from skillshore.structural.masses import build_masses
from skillshore.structural.reduced import ReducedProblem, serial_numba


def _fd(f, th, h=1e-5):
    out = np.zeros_like(th)
    for k in range(th.size):
        e = np.zeros_like(th)
        e[k] = h
        out[k] = (f(th + e) - f(th - e)) / (2 * h)
    return out


def test_gradient_is_the_moment_gap_singles_and_foreign(truth):
    s = simulate_sample(truth, 3000, 1, wage_noise=0.1)
    P = ReducedProblem(build_masses(s, TypeSupport.build(s)))
    th = P.start() + np.array([0.3, -0.2, 0.1, 0.05])
    with serial_numba():
        _, g, _ = P.value_and_grad(th)
        fd = _fd(lambda t: P.value_and_grad(t)[0], th)
    np.testing.assert_allclose(g, fd, atol=1e-7)


def _pairs(n, rho, seed):
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
    return z[:, :1], z[:, 1:]


def test_without_singles_the_gradient_is_that_of_the_log_likelihood():
    """Plain Dupuy-Galichon: d/dB sum_k log pi_B(x_k, y_k) (margins fixed) = data - model moment."""
    x, y = _pairs(60, 0.4, 3)
    from skillshore.structural import MatchedSample

    s = MatchedSample(x=np.c_[x, x**2], y=y)
    P = ReducedProblem(build_masses(s, TypeSupport.build(s), singles=False))
    mu_hat = P.masses.mu

    def loglik(th):
        eq = P.solve(th)
        return float(np.sum(mu_hat * np.log(eq.pi)))

    th = np.array([0.4, -0.3])
    with serial_numba():
        _, g, _ = P.value_and_grad(th)
        fd = _fd(loglik, th)
    np.testing.assert_allclose(g, fd, atol=1e-7)


def test_gaussian_closed_form():
    """x, y standard bivariate normal with correlation rho: Phi/lambda = rho / (1 - rho^2)."""
    rho = 0.5
    est = [estimate(_pairs(300, rho, s), singles=False).Phi[0, 0] for s in range(6)]
    assert np.mean(est) == pytest.approx(rho / (1 - rho**2), abs=0.05)
    assert np.std(est) < 0.08


def test_planted_phi_recovered_without_singles():
    """Matches drawn from a known 2 x 2 Phi on discrete types: estimate within sampling error."""
    from skillshore.matching import MatchingModel, solve

    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(7, 2)), rng.normal(size=(6, 2))
    Phi = np.array([[1.0, -0.5], [0.3, 0.8]])
    fbar = np.full(7, 1 / 7)
    gbar = np.full(6, 1 / 6)
    eq = solve(
        MatchingModel(
            x=x, y=y, fbar=fbar, gbar=gbar, Phi=Phi, singles=False, lambda_x=0.5, lambda_y=0.5
        )
    )
    draws = []
    for seed in range(5):
        r = np.random.default_rng(seed)
        c = r.multinomial(4000, eq.pi.ravel() / eq.pi.sum()).reshape(eq.pi.shape)
        i, j = np.nonzero(c)
        w = c[i, j]
        draws.append(estimate((x[i], y[j], w), singles=False).Phi)
    draws = np.array(draws)
    se = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - Phi) < 4 * se + 0.05)
    # population margins, exact moments: the estimator returns the truth itself
    i, j = np.nonzero(eq.pi > 0)
    exact = estimate((x[i], y[j], eq.pi[i, j]), singles=False)
    np.testing.assert_allclose(exact.Phi, Phi, atol=1e-5)
