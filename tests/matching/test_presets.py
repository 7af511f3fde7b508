"""The seed preset reproduces the seed's calibration targets (seed "Calibrated Parameters")."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.matching import solve
from skillshore.matching.presets import (
    SEED_NORMALISATION,
    TypeNormalisation,
    seed_economy,
    seed_economy_unit_grid,
)

# The seed's calibrated rates, transcribed from its slide (not read from the code).
# Acceptance of issue 20: within 10% (the fit lands within 4%, docs/model.md).
RATES = {1996: {"u": 0.0633, "off": 0.0005}, 2006: {"u": 0.0391, "off": 0.0155}}
WAGE_BILL_SHARE = {1996: 0.5371, 2006: 0.6786}  # W/Y, fitted with --with-levels
FOREIGN_WAGE = {1996: 28.672, 2006: 56.513}  # E(w*)
REL_TOL = 0.10


@pytest.fixture(scope="module", params=[1996, 2006])
def year_eq(request):
    return request.param, solve(seed_economy(request.param))


def test_unemployment_rate(year_eq):
    year, eq = year_eq
    assert eq.unemployment_rate == pytest.approx(RATES[year]["u"], rel=REL_TOL)


def test_offshoring_rate(year_eq):
    year, eq = year_eq
    assert eq.offshoring_rate == pytest.approx(RATES[year]["off"], rel=REL_TOL)


def test_wage_bill_share(year_eq):
    year, eq = year_eq
    pi, m = eq.pi, eq.model
    wy = (pi * eq.wages()).sum() / (pi * m.q()).sum()
    assert wy == pytest.approx(WAGE_BILL_SHARE[year], rel=0.02)


def test_average_foreign_wage(year_eq):
    """One foreign base-measure number sets E(w*) of both years (docs/model.md)."""
    year, eq = year_eq
    ps = eq.pi_star
    with np.errstate(divide="ignore", invalid="ignore"):
        ws = np.where(ps > 0, eq.wages_star(), 0.0)
    assert (ps * ws).sum() / ps.sum() == pytest.approx(FOREIGN_WAGE[year], rel=0.02)


def test_the_estimates_are_not_refitted():
    m = seed_economy(2006)
    assert (m.lambda_x + m.lambda_y, m.C, m.C_star, m.nu_x, m.nu_y) == pytest.approx(
        (37.56, 207.90, 119.94, -4.51, -2.79)
    )
    assert float(m.Phi[0, 0]) == 75.55
    # the foreign pool's base measures are the normalisations that move intensities
    assert m.nu_y_star == pytest.approx(-6.99 + SEED_NORMALISATION.log_measure_foreign)
    assert m.nu_x_star == pytest.approx(-7.57 + SEED_NORMALISATION.log_measure_foreign_firms)


def test_results_converge_in_the_number_of_types():
    coarse, fine = solve(seed_economy(2006, n=40)), solve(seed_economy(2006, n=160))
    for attr in ("mean_wage", "sd_wage", "unemployment_rate", "offshoring_rate"):
        assert getattr(coarse, attr) == pytest.approx(getattr(fine, attr), rel=0.01), attr


def test_base_measure_acts_as_an_intensity_shift():
    """Scaling dy by k is nu_x + log k (docs/model.md): same allocation and wages."""
    n = TypeNormalisation(1.0, 0.12, 0.0, 2.0, 0.0)
    a = seed_economy(2006, n=12, normalisation=n)
    b = a.replace(dy=a.dy * np.e, nu_x=a.nu_x - 1.0, nu_x_star=a.nu_x_star - 1.0)
    ea, eb = solve(a, tol=1e-12), solve(b, tol=1e-12)
    np.testing.assert_allclose(ea.pi, eb.pi, rtol=1e-8)
    assert ea.mean_wage == pytest.approx(eb.mean_wage, rel=1e-10)


def test_old_unit_grid_preset_is_kept_and_misses_the_rates():
    eq = solve(seed_economy_unit_grid(2006, n=30))
    assert eq.unemployment_rate > 3 * RATES[2006]["u"]
    np.testing.assert_allclose(eq.model.x[:, 0], (np.arange(30) + 0.5) / 30)


def test_bad_input():
    with pytest.raises(ValueError, match="1996"):
        seed_economy(2001)
    with pytest.raises(ValueError, match="n >= 2"):
        seed_economy(2006, n=1)


def test_config_default_phi_up_is_the_presets():
    """The config's default "Phi up" is the size inferred in docs/model.md (one number)."""
    from skillshore.config import CounterfactualSection
    from skillshore.matching.presets import SEED_PHI_UP

    assert CounterfactualSection().phi_up == SEED_PHI_UP
