"""Counterfactuals: the seed's table on the seed preset, theory checks, the decomposition."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.matching import solve
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
from skillshore.structural.counterfactuals import tail_gap, wage_inequality, weighted_quantile

# The seed's slide "Counterfactuals: Wage Inequality" (Baseline 2006 and six counterfactuals),
# transcribed here, not read from the code under test.
SEED_TABLE = {
    "baseline": (147.42, 4.63, 1.33, 15.73),
    "c_F_zero": (130.81, 4.47, 1.01, 15.03),
    "phi_up": (151.72, 9.58, 5.95, 32.51),
    "nu_x_up": (139.18, 4.67, 1.11, 15.90),
    "nu_y_up": (157.96, 4.67, 1.11, 15.90),
    "nu_x_star_up": (145.46, 4.61, 1.27, 15.66),
    "nu_y_star_up": (145.46, 4.61, 1.27, 15.66),
}
ROWS = ("mean_wage", "sd_wage", "firm_gap", "worker_gap")
# Acceptance of issue 20: every cell within 10% of the seed's value (the preset is a fit
# of a few normalisation numbers, not an estimate; the fit lands within 9.5%, docs/model.md).
REL_TOL = 0.10


@pytest.fixture(scope="module")
def cf2006():
    return counterfactuals(seed_economy(2006, n=40))


@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("col", list(SEED_TABLE))
def test_preset_reproduces_the_seed_table_cell(cf2006, col, row):
    seed = SEED_TABLE[col][ROWS.index(row)]
    assert cf2006.stats.loc[row, col] == pytest.approx(seed, rel=REL_TOL)


@pytest.mark.parametrize("row", ROWS)
def test_preset_changes_have_the_seed_sign(cf2006, row):
    base = SEED_TABLE["baseline"][ROWS.index(row)]
    for col, vals in SEED_TABLE.items():
        if col == "baseline":
            continue
        seed_change = vals[ROWS.index(row)] - base
        ours = cf2006.change().loc[row, col]
        assert np.sign(ours) == np.sign(seed_change), (row, col, ours, seed_change)


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


def test_tail_gap_closed_forms():
    # ten equal cells: top cell minus bottom cell
    v = np.arange(10.0) ** 2
    assert tail_gap(v, np.ones(10)) == pytest.approx(81.0)
    # a fine uniform grid on [0, 1]: top-decile mean 0.95 minus bottom-decile mean 0.05
    g = (np.arange(1000) + 0.5) / 1000
    assert tail_gap(g, np.ones(1000)) == pytest.approx(0.9, abs=1e-12)
    # straddling cells enter with their fraction: weights (0.05, 0.9, 0.05) on (0, 1, 2)
    assert tail_gap(np.array([0.0, 1.0, 2.0]), np.array([0.05, 0.9, 0.05])) == pytest.approx(1.0)
    assert np.isnan(tail_gap(np.array([1.0]), np.array([0.0])))
    with pytest.raises(ValueError, match="share"):
        tail_gap(v, np.ones(10), share=0.7)


def test_gap_definitions(cf2006):
    eq = cf2006.equilibria["baseline"]
    d, q = wage_inequality(eq), wage_inequality(eq, gap="quantiles")
    emp = eq.matches_by_firm()
    lo, hi = weighted_quantile(eq.wage_by_firm(), emp, [0.1, 0.9])
    assert q["firm_gap"] == pytest.approx(hi - lo)
    assert d["firm_gap"] > q["firm_gap"] > 0  # tail means lie beyond the quantiles
    with pytest.raises(ValueError, match="gap"):
        wage_inequality(eq, gap="iqr")


def test_decomposition_attributes_a_pure_cost_change_to_globalization():
    a = seed_economy(2006, n=20)
    b = a.replace(C_star=a.C_star + 20.0)
    d = decompose_change(a, b).stats
    np.testing.assert_allclose(d["globalization"], d["change"], atol=1e-7)
    np.testing.assert_allclose(d["structural"], 0.0, atol=1e-7)


@pytest.fixture(scope="module")
def decomposition():
    return decompose_change(seed_economy(1996, n=20), seed_economy(2006, n=20))


def test_shapley_parts_add_up_to_the_change(decomposition):
    d = decomposition.stats
    np.testing.assert_allclose(
        d[["globalization", "structural"]].sum(axis=1), d["change"], atol=1e-9
    )
    # the end points are the two economies themselves
    end = wage_inequality(solve(seed_economy(2006, n=20)))
    assert d.loc["firm_gap", "2006"] == pytest.approx(end["firm_gap"], rel=1e-8)


def test_decomposition_has_the_seed_signs(decomposition):
    """Seed, "Structural Estimation and Counterfactuals": between-firm wage inequality rises
    with structural change and falls with globalization."""
    d = decomposition.stats
    assert d.loc["firm_gap", "structural"] > 0 > d.loc["firm_gap", "globalization"]
    assert d.loc["skill_gap", "structural"] > 0 > d.loc["skill_gap", "globalization"]
    assert d.loc["offshoring_rate", "globalization"] > 0


def test_decomposition_on_two_different_supports():
    """Years on different type grids (sizes and non-uniform masses): still exact Shapley,
    and the same answer as on a common support when the economies are the same."""
    a = seed_economy(1996, n=14)
    b = seed_economy(2006, n=22)
    rng = np.random.default_rng(3)
    w = rng.uniform(0.5, 1.5, 22)
    b = b.replace(fbar=w / w.sum(), fbar_star=0.6325 * w / w.sum(), w0=np.linspace(44.0, 46.5, 22))
    d = decompose_change(a, b).stats
    np.testing.assert_allclose(
        d[["globalization", "structural"]].sum(axis=1), d["change"], atol=1e-9
    )
    assert d.loc["mean_wage", "2006"] == pytest.approx(wage_inequality(solve(b))["mean_wage"])
    # the support is a structural primitive: a pure support change is all structural
    c = seed_economy(2006, n=14)
    e = decompose_change(c, seed_economy(2006, n=22)).stats
    np.testing.assert_allclose(e["globalization"], 0.0, atol=1e-8)


def test_decomposition_carries_per_type_arrays_by_rank():
    from skillshore.structural.counterfactuals import _hybrid

    a = seed_economy(2006, n=10).replace(w0_star=np.linspace(20.0, 30.0, 10))
    b = seed_economy(2006, n=30)
    h = _hybrid(
        a, b, {"structural"}, {"globalization": ("w0_star", "fbar_star"), "structural": ("types",)}
    )
    assert h.shape == (30, 30)
    assert h.fbar_star.sum() == pytest.approx(a.fbar_star.sum())
    assert np.all(np.diff(h.w0_star) >= 0) and 20.0 <= h.w0_star.min() < h.w0_star.max() <= 30.0


def test_figures_render(cf2006):
    for f in (
        plot_between_firm_wages(cf2006),
        plot_firm_matching(cf2006),
        plot_unemployment(cf2006),
    ):
        assert f.axes and f.axes[0].lines


def test_decomposition_with_vector_types_and_a_closed_start():
    """Estimated economies may have vector skills, different supports and no foreign pool
    in one year: the decomposition still runs and adds up."""
    from skillshore.matching import MatchingModel

    rng = np.random.default_rng(0)

    def economy(nx, ny, c_F, foreign):
        return MatchingModel(
            x=rng.normal(size=(nx, 2)),
            y=rng.normal(size=(ny, 1)),
            fbar=np.full(nx, 1 / nx),
            gbar=np.full(ny, 1 / ny),
            Phi=np.array([[2.0], [1.0]]),
            C=5.0,
            lambda_x=1.0,
            lambda_y=1.0,
            w0=rng.uniform(0, 1, nx),
            fbar_star=np.full(nx, 0.5 / nx) if foreign else None,
            C_star=5.0 - c_F,
            w0_star=0.2,
            nu_x_star=-1.0,
            nu_y_star=-1.0,
        )

    d = decompose_change(economy(7, 5, 3.0, False), economy(9, 6, 1.0, True)).stats
    np.testing.assert_allclose(
        d[["globalization", "structural"]].sum(axis=1), d["change"], atol=1e-9
    )
    assert d.loc["offshoring_rate", "1996"] == 0.0 < d.loc["offshoring_rate", "2006"]
