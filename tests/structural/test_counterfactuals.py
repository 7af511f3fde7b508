"""Counterfactuals: the seed's signs on its 2006 estimates, theory checks, decomposition."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.structural import (
    Scenario,
    apply_scenario,
    counterfactuals,
    decompose_change,
    plot_between_firm_wages,
    plot_firm_matching,
    plot_unemployment,
    seed_economy,
)
from skillshore.structural.counterfactuals import weighted_quantile


@pytest.fixture(scope="module")
def cf2006():
    return counterfactuals(seed_economy(2006, n=40))


def test_seed_signs_on_the_2006_preset(cf2006):
    """Seed table: c_F = 0 lowers E(wage) and the between-firm gap; Phi up raises E(wage), SD(wage)."""
    d = cf2006.change()
    assert d.loc["mean_wage", "c_F_zero"] < 0
    assert d.loc["firm_gap", "c_F_zero"] < 0
    assert d.loc["mean_wage", "phi_up"] > 0
    assert d.loc["sd_wage", "phi_up"] > 0
    assert d.loc["offshoring_rate", "c_F_zero"] > 0
    # and the rest of the seed's signs
    assert d.loc["mean_wage", "nu_x_up"] < 0 < d.loc["mean_wage", "nu_y_up"]
    assert d.loc["firm_gap", "nu_x_up"] < 0 and d.loc["worker_gap", "nu_x_up"] > 0
    assert (d["nu_x_star_up"].drop("offshoring_rate").drop("unemployment_rate") < 0).all()


def test_foreign_intensities_enter_only_through_their_weighted_sum(cf2006):
    """With lambda_x = lambda_y, nu_x* + 1 and nu_y* + 1 are the same economy (seed's table: equal columns)."""
    a, b = cf2006.stats["nu_x_star_up"], cf2006.stats["nu_y_star_up"]
    np.testing.assert_allclose(a, b, rtol=1e-8)
    # nu_x and nu_y shift the same allocation but wages by -lambda_x * 1 vs +lambda_y * 1 more
    m = seed_economy(2006, n=40)
    sx, sy = cf2006.stats["nu_x_up"], cf2006.stats["nu_y_up"]
    np.testing.assert_allclose(sx.drop("mean_wage"), sy.drop("mean_wage"), rtol=1e-8)
    # w = w0 + lambda_x (log(pi/f0) - nu_x): the gap is lambda_x x 1 (seed: 157.96 - 139.18 = 37.56/2)
    assert sy["mean_wage"] - sx["mean_wage"] == pytest.approx(m.lambda_x, rel=1e-6)


def test_scenarios_change_what_they_say():
    m = seed_economy(2006, n=10)
    z = apply_scenario(m, Scenario("z", "z", (("c_F", "set", 0.0),)))
    assert z.C_star == z.C and np.array_equal(z.Phi, m.Phi)
    p = apply_scenario(m, Scenario("p", "p", (("Phi", "scale", 1.1), ("nu_x", "add", 1.0))))
    np.testing.assert_allclose(p.Phi, 1.1 * m.Phi)
    assert p.nu_x == m.nu_x + 1


def test_decomposition_attributes_a_pure_cost_change_to_globalization():
    a = seed_economy(2006, n=20)
    b = a.replace(C_star=a.C_star + 20.0)
    d = decompose_change(a, b).stats
    np.testing.assert_allclose(d["globalization"], d["change"], atol=1e-7)
    np.testing.assert_allclose(d[["structural", "other"]].to_numpy(), 0.0, atol=1e-7)
    full = decompose_change(seed_economy(1996, n=20), seed_economy(2006, n=20)).stats
    np.testing.assert_allclose(
        full[["globalization", "structural", "other"]].sum(axis=1), full["change"], atol=1e-8
    )


def test_weighted_quantile_matches_numpy_hazen():
    v = np.random.default_rng(0).normal(size=25)
    np.testing.assert_allclose(
        weighted_quantile(v, np.ones(25), [0.1, 0.5, 0.9]),
        np.quantile(v, [0.1, 0.5, 0.9], method="hazen"),
    )


def test_figures_render(cf2006):
    for f in (
        plot_between_firm_wages(cf2006),
        plot_firm_matching(cf2006),
        plot_unemployment(cf2006),
    ):
        assert f.axes and f.axes[0].lines
