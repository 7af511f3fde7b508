"""Resolution independence and the seed's "Illustration of Equilibrium" properties."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from skillshore.matching import MatchingModel, solve, solve_path


def _gaussian_model(n: int) -> MatchingModel:
    edges = np.linspace(-4, 4, n + 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    w = np.diff(stats.norm.cdf(edges))
    w /= w.sum()
    vol = np.diff(edges)
    return MatchingModel(
        x=mid,
        y=mid,
        fbar=w,
        gbar=1.1 * w,
        Phi=1.5,
        C=1.0,
        lambda_x=0.6,
        lambda_y=0.4,
        w0=0.2,
        r0=0.0,
        nu_x=0.0,
        nu_y=0.0,
        fbar_star=0.5 * w,
        C_star=0.3,
        w0_star=0.0,
        dx=vol,
        dy=vol,
    )


def test_grid_refinement_converges():
    """Statistics of a Gaussian economy settle as the grid is refined (errors shrink ~ h^2)."""
    stats_ = []
    for n in (20, 40, 80, 160):
        eq = solve(_gaussian_model(n), tol=1e-12)
        stats_.append(
            np.array(
                [eq.unemployment_rate, eq.offshoring_rate, eq.mean_wage, eq.cross_moment()[0, 0]]
            )
        )
    d1 = np.abs(stats_[1] - stats_[0])
    d2 = np.abs(stats_[2] - stats_[1])
    d3 = np.abs(stats_[3] - stats_[2])
    assert np.all(d2 < 0.6 * d1) and np.all(d3 < 0.6 * d2)
    assert np.all(d3 < 2e-3 * (1 + np.abs(stats_[3])))


def test_without_base_measure_results_depend_on_resolution():
    """The counterpart: ignoring cell volumes (dx = dy = 1) is not resolution independent."""
    a = solve(_gaussian_model(20).replace(dx=1.0, dy=1.0))
    b = solve(_gaussian_model(80).replace(dx=1.0, dy=1.0))
    a_ok, b_ok = solve(_gaussian_model(20)), solve(_gaussian_model(80))
    drift_without = abs(a.unemployment_rate - b.unemployment_rate)
    drift_with = abs(a_ok.unemployment_rate - b_ok.unemployment_rate)
    assert drift_without > 5 * drift_with


@pytest.fixture(scope="module")
def seed_2006_path():
    """The seed's 2006 estimates on quantile-normalised types in [0, 1] (docs/model.md)."""
    n = 60
    x = (np.arange(n) + 0.5) / n
    lam = 37.56
    m = MatchingModel(
        x=x,
        y=x,
        fbar=np.full(n, 1 / n),
        gbar=np.full(n, (1 + 0.0155) / n),
        Phi=75.55,
        C=207.90,
        lambda_x=lam / 2,
        lambda_y=lam / 2,
        w0=45.276,
        r0=0.0,
        nu_x=-4.51,
        nu_y=-2.79,
        fbar_star=np.full(n, 0.6325 / n),
        C_star=119.94,
        w0_star=25.825,
        nu_x_star=-7.57,
        nu_y_star=-6.99,
        dx=1 / n,
        dy=1 / n,
    )
    return solve_path(m, np.linspace(m.c_F, 0.0, 5))


def test_lower_offshoring_cost_raises_offshoring_mostly_for_high_y(seed_2006_path):
    first, last = seed_2006_path[0], seed_2006_path[-1]
    p0, p1 = first.offshoring_prob_by_firm(), last.offshoring_prob_by_firm()
    assert np.all(np.diff(p0) > 0), "with Phi > 0, high-y firms offshore more"
    rise = p1 - p0
    assert np.all(rise > 0)
    assert rise[-10:].mean() > 1.2 * rise[:10].mean()
    rates = [e.offshoring_rate for e in seed_2006_path]
    assert np.all(np.diff(rates) > 0)


def test_lower_offshoring_cost_raises_matched_quality_and_lowers_wage(seed_2006_path):
    quality = [e.mean_matched_quality[0] for e in seed_2006_path]
    wages = [e.mean_wage for e in seed_2006_path]
    assert np.all(np.diff(quality) > 0)
    assert np.all(np.diff(wages) < 0)
    assert all(e.converged for e in seed_2006_path)


def test_globalization_moves_firms_skill_mix_only_through_worker_potentials():
    """Under the logit (IIA) structure a firm's domestic skill mix pi(x | y) changes with
    the globalization primitives (C*, nu*, w0*, fbar*) only through the worker potentials:
    lambda log pi(x, y) = q(x, y) - a(x) - b(y), and q and b's x-part do not move, so

        pi'(x | y) = pi(x | y) exp(-(a'(x) - a(x)) / lambda) / normaliser(y)

    exactly (docs/model.md, "Why globalization barely moves skill segregation"). The same
    identity fails for a structural change (Phi up), so the check can fail."""
    m = _gaussian_model(21)
    eq = solve(m, tol=1e-13)

    def conditional(e):
        p = e.pi
        return p / p.sum(axis=0, keepdims=True)

    def tilted(e0, e1):
        t = conditional(e0) * np.exp(-(e1.a - e0.a) / m.lam)[:, None]
        return t / t.sum(axis=0, keepdims=True)

    glob = m.replace(C_star=m.C_star + 0.8, nu_x_star=0.5, fbar_star=0.7 * m.fbar_star)
    eq_g = solve(glob, tol=1e-13)
    assert (
        np.max(np.abs(eq_g.offshoring_rate - eq.offshoring_rate)) > 0.02
    )  # a real shock (0.46 -> 0.43)
    np.testing.assert_allclose(conditional(eq_g), tilted(eq, eq_g), rtol=0, atol=1e-10)
    # the tilt is common to every firm type: the skill mix moves, but not firm by firm
    assert np.max(np.abs(conditional(eq_g) - conditional(eq))) > 1e-3

    struct = m.replace(Phi=2.0 * m.Phi)
    eq_s = solve(struct, tol=1e-13)
    assert np.max(np.abs(conditional(eq_s) - tilted(eq, eq_s))) > 1e-2
