"""The matching solver against closed forms, a brute-force root solve, POT and its own duality."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from skillshore.errors import ConvergenceError, ModelInputError
from skillshore.matching import MatchingModel, solve


def _model(nx=12, ny=15, foreign=True, seed=0, lx=0.6, ly=0.4, phi=4.0, m=1, n=1):
    rng = np.random.default_rng(seed)
    return MatchingModel(
        x=rng.uniform(size=(nx, m)),
        y=rng.uniform(size=(ny, n)),
        fbar=rng.uniform(0.5, 1.5, nx) / nx,
        gbar=rng.uniform(0.5, 1.5, ny) * 1.2 / ny,
        Phi=rng.normal(size=(m, n)) * phi if (m, n) != (1, 1) else phi,
        C=1.5,
        lambda_x=lx,
        lambda_y=ly,
        w0=rng.uniform(0, 0.5, nx),
        r0=0.1,
        nu_x=0.2,
        nu_y=-0.3,
        fbar_star=rng.uniform(0.2, 1.0, nx) * 0.6 / nx if foreign else None,
        C_star=0.5,
        w0_star=0.1,
        nu_x_star=-0.5,
        nu_y_star=-0.8,
        dx=rng.uniform(0.5, 2.0, nx),
        dy=rng.uniform(0.5, 2.0, ny),
    )


@pytest.mark.parametrize("mode", ["dense", "kernel_free"])
@pytest.mark.parametrize("foreign", [False, True])
def test_margins_duality_and_transfers(mode, foreign):
    m = _model(foreign=foreign, m=2, n=3)
    eq = solve(m, tol=1e-11, mode=mode)
    assert eq.converged and eq.marginal_error < 1e-10
    pi, ps = eq.pi, eq.pi_star
    np.testing.assert_allclose(pi.sum(1) + eq.f0, m.fbar, rtol=1e-9)
    np.testing.assert_allclose(pi.sum(0) + ps.sum(0) + eq.g0, m.gbar, rtol=1e-9)
    if foreign:
        np.testing.assert_allclose(ps.sum(1) + eq.f0_star, m.fbar_star, rtol=1e-9)
    # planner's primal (surplus + generalised entropy) equals the dual value
    assert eq.welfare_primal() == pytest.approx(eq.welfare_dual(), rel=1e-8, abs=1e-10)
    # transferable utility: wages plus profits equal the surplus
    np.testing.assert_allclose(eq.wages() + eq.profits(), m.q(), atol=1e-9)
    if foreign:
        np.testing.assert_allclose(eq.wages_star() + eq.profits_star(), m.q_star(), atol=1e-9)
    # seed eq. 10: lambda log pi(x,y) = q - a(x) - b(y), with densities
    dens = pi / np.outer(m.dx, m.dy)
    np.testing.assert_allclose(
        m.lam * np.log(dens), m.q() - eq.a[:, None] - eq.b[None, :], atol=1e-8
    )
    if foreign:
        np.testing.assert_allclose(eq.b_star - eq.b, -m.lambda_y * (m.nu_y_star - m.nu_y))


def test_dense_and_kernel_free_agree():
    m = _model(nx=40, ny=30, m=3, n=2)
    a, b = solve(m, mode="dense"), solve(m, mode="kernel_free")
    np.testing.assert_allclose(a.pi, b.pi, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(a.pi_star, b.pi_star, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("lx,ly", [(0.6, 0.4), (0.5, 0.5)])
def test_brute_force_root_solve_3x4(lx, ly):
    """Solve the full equation system (all unknowns at once) with scipy and compare.

    lx = ly exercises the closed-form singles update, lx != ly the Newton one.
    """
    m = _model(nx=3, ny=4, foreign=True, seed=3, lx=lx, ly=ly)
    eq = solve(m, tol=1e-13)
    lam, lx, ly = m.lam, m.lambda_x, m.lambda_y
    q, qs = m.q(), m.q_star()
    base = ly * np.log(m.dx)[:, None] + lx * np.log(m.dy)[None, :]

    def mats(z):
        u, us, t = z[:3], z[3:6], z[6:]
        mu = np.exp(
            (
                q
                - m.w0[:, None]
                - m.r0[None, :]
                + lx * m.nu_x
                + ly * m.nu_y
                + base
                + lx * u[:, None]
                + ly * t[None, :]
            )
            / lam
        )
        mus = np.exp(
            (
                qs
                - m.w0_star[:, None]
                - m.r0[None, :]
                + lx * m.nu_x_star
                + ly * m.nu_y_star
                + base
                + lx * us[:, None]
                + ly * t[None, :]
            )
            / lam
        )
        return u, us, t, mu, mus

    def F(z):
        u, us, t, mu, mus = mats(z)
        return np.concatenate(
            [
                np.log(np.exp(u) + mu.sum(1)) - np.log(m.fbar),
                np.log(np.exp(us) + mus.sum(1)) - np.log(m.fbar_star),
                np.log(np.exp(t) + mu.sum(0) + mus.sum(0)) - np.log(m.gbar),
            ]
        )

    z0 = np.concatenate([np.log(m.fbar), np.log(m.fbar_star), np.log(m.gbar)]) - 1.0
    sol = optimize.root(F, z0, tol=1e-12, method="hybr")
    assert np.max(np.abs(F(sol.x))) < 1e-12
    _, _, t, mu, mus = mats(sol.x)
    np.testing.assert_allclose(eq.pi, mu, rtol=1e-8)
    np.testing.assert_allclose(eq.pi_star, mus, rtol=1e-8)
    np.testing.assert_allclose(eq.g0, np.exp(t), rtol=1e-8)


def test_homoskedastic_closed_form_one_by_one():
    """One worker type, one firm type, lx = ly: mu solves a quadratic in closed form."""
    F, G, Phi = 1.0, 1.3, 2.0
    m = MatchingModel(x=[1.0], y=[1.0], fbar=[F], gbar=[G], Phi=Phi, lambda_x=1.0, lambda_y=1.0)
    eq = solve(m, tol=1e-13)
    # mu^2 = e^{Phi} (F - mu)(G - mu)  (Choo-Siow with lambda = 2)
    k = np.exp(Phi)
    a, b, c = 1 - k, k * (F + G), -k * F * G
    mu = (-b + np.sqrt(b * b - 4 * a * c)) / (2 * a)
    assert eq.pi[0, 0] == pytest.approx(mu, rel=1e-10)


@pytest.mark.parametrize("mode", ["dense", "kernel_free"])
def test_no_overflow_at_large_surplus_over_lambda(mode):
    """q / lambda of several hundred: the solver stays finite and the margins hold."""
    m = _model(nx=50, ny=60, phi=900.0, lx=0.5, ly=0.5)
    with np.errstate(over="raise"):  # plain exp(q / lambda) would overflow
        with pytest.raises(FloatingPointError):
            np.exp(m.q() / m.lam)
    eq = solve(m, tol=1e-9, max_iter=200_000, mode=mode)
    assert eq.converged and np.all(np.isfinite(eq.pi)) and np.all(np.isfinite(eq.f0))
    np.testing.assert_allclose(eq.pi.sum(1) + eq.f0, m.fbar, rtol=1e-8)
    np.testing.assert_allclose(eq.pi.sum(0) + eq.pi_star.sum(0) + eq.g0, m.gbar, rtol=1e-8)


def test_non_convergence_and_bad_inputs_raise():
    m = _model(nx=20, ny=20)
    with pytest.raises(ConvergenceError, match="did not converge"):
        solve(m, tol=1e-14, max_iter=2)
    eq = solve(m, tol=1e-14, max_iter=2, raise_on_fail=False)
    assert not eq.converged and eq.marginal_error > 1e-14
    with pytest.raises(ModelInputError, match="fbar"):
        MatchingModel(x=[0, 1], y=[0, 1], fbar=[1.0, -1.0], gbar=[1, 1], Phi=1.0)
    with pytest.raises(ModelInputError, match="lambda_x"):
        MatchingModel(x=[0, 1], y=[0, 1], fbar=[1, 1], gbar=[1, 1], Phi=1.0, lambda_x=0.0)
    with pytest.raises(ModelInputError, match="Phi"):
        MatchingModel(x=[0, 1], y=[0, 1], fbar=[1, 1], gbar=[1, 1], Phi=np.ones((2, 2)))
    with pytest.raises(ModelInputError, match="gbar"):
        MatchingModel(x=[0, 1], y=[0, 1], fbar=[1, 1], gbar=[1, 1, 1], Phi=1.0)


@pytest.mark.parametrize("mode", ["dense", "kernel_free"])
def test_aggregates_match_the_materialised_matrices(mode):
    """Blockwise aggregates (no Nx x Ny matrix) equal sums over pi, pi* and the wages."""
    m = _model(nx=23, ny=17, m=2, n=3, seed=4)
    eq = solve(m, mode=mode)
    pi, ps, w = eq.pi, eq.pi_star, eq.wages()
    np.testing.assert_allclose(eq.matches_by_firm(), pi.sum(0), rtol=1e-12)
    np.testing.assert_allclose(eq.matches_by_firm(foreign=True), ps.sum(0), rtol=1e-12)
    np.testing.assert_allclose(eq.matches_by_worker(), pi.sum(1), rtol=1e-12)
    np.testing.assert_allclose(eq.cross_moment(), m.x.T @ pi @ m.y / pi.sum(), rtol=1e-12)
    np.testing.assert_allclose(
        eq.cross_moment(foreign=True), m.x.T @ ps @ m.y / ps.sum(), rtol=1e-12
    )
    assert eq.mean_wage == pytest.approx((pi * w).sum() / pi.sum(), rel=1e-12)
    sd = np.sqrt((pi * (w - eq.mean_wage) ** 2).sum() / pi.sum())
    assert eq.sd_wage == pytest.approx(sd, rel=1e-9)
    np.testing.assert_allclose(eq.wage_by_firm(), (pi * w).sum(0) / pi.sum(0), rtol=1e-12)
    np.testing.assert_allclose(eq.offshoring_prob_by_firm(), ps.sum(0) / m.gbar, rtol=1e-12)
    wts = np.array([0.3, -1.2])
    np.testing.assert_allclose(
        eq.mean_matched_quality_by_firm(weights=wts), (pi.T @ (m.x @ wts)) / pi.sum(0), rtol=1e-12
    )
    assert eq.offshoring_rate == pytest.approx(ps.sum() / pi.sum(), rel=1e-12)
    assert eq.unmatched_domestic + pi.sum() == pytest.approx(m.fbar.sum(), rel=1e-10)
    assert eq.unmatched_foreign + ps.sum() == pytest.approx(m.fbar_star.sum(), rel=1e-10)
    assert eq.unmatched_firms + pi.sum() + ps.sum() == pytest.approx(m.gbar.sum(), rel=1e-10)


def test_over_relaxation_reaches_the_same_equilibrium_in_fewer_sweeps():
    m = _model(nx=60, ny=50, phi=8.0)
    plain = solve(m, tol=1e-11, relax=1.0)
    fast = solve(m, tol=1e-11, relax="auto")
    np.testing.assert_allclose(fast.pi, plain.pi, rtol=1e-9, atol=1e-16)
    np.testing.assert_allclose(fast.g0, plain.g0, rtol=1e-9)
    assert fast.n_iter < plain.n_iter
    with pytest.raises(ModelInputError, match="relax"):
        solve(m, relax=2.5)


def test_pi_refuses_to_materialise_huge_supports(monkeypatch):
    from skillshore.matching import equilibrium as E

    eq = solve(_model(nx=20, ny=20), mode="kernel_free")
    monkeypatch.setattr(E, "_MATERIALISE_MAX", 100)
    with pytest.raises(ModelInputError, match="aggregates"):
        _ = eq.pi
    assert eq.matches_by_firm().shape == (20,)


def test_warm_start_across_a_change_of_foreign_pool():
    """A warm start from an economy whose foreign pool covers fewer types still converges."""
    m = _model(nx=30, ny=25)
    fs = m.fbar_star.copy()
    fs[:10] = 0.0
    prev = solve(m.replace(fbar_star=fs))
    eq = solve(m, init=prev)
    ref = solve(m)
    np.testing.assert_allclose(eq.pi_star, ref.pi_star, rtol=1e-8, atol=1e-16)


def test_warm_start_saves_sweeps():
    m = _model(nx=30, ny=30)
    cold = solve(m)
    m2 = m.replace(C_star=m.C_star + 0.01)
    warm = solve(m2, init=cold)
    assert warm.converged and warm.n_iter < cold.n_iter
