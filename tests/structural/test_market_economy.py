"""Counterfactuals and the decomposition on the estimated markets (issue 14, part 3):
:mod:`skillshore.structural.economy` and :mod:`skillshore.structural.cf_bootstrap`."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from skillshore.structural import estimate_markets
from skillshore.structural.bootstrap import BootstrapResult
from skillshore.structural.cf_bootstrap import with_intervals
from skillshore.structural.counterfactuals import (
    Scenario,
    counterfactuals,
    decompose_change,
    wage_inequality,
)
from skillshore.structural.economy import MarketEconomy, market_economy
from tests.structural.conftest import markets_calibration, model_markets
from tests.structural.test_misclassification import NX, _population_sample

#: the seed's scenarios at the sizes of the seed's table (docs/model.md)
SCEN = [
    Scenario("c_F_zero", "c_F = 0", (("c_F", "set", 0.0),)),
    Scenario("phi_up", "Phi up", (("Phi", "scale", 2.267),)),
    Scenario("nu_x_up", "nu_x up", (("nu_x", "add", 1.0),)),
    Scenario("nu_y_star_up", "nu_y* up", (("nu_y_star", "add", 1.0),)),
]


@pytest.fixture(scope="module")
def population():
    """Six model markets, their population sample and its estimate (= the truth, 1e-6)."""
    eqs = model_markets(nx=NX)
    s = _population_sample(eqs, np.eye(NX))
    est = estimate_markets(s, markets_calibration(eqs))
    K = len(eqs)
    # the population economy, each market's masses over the total workforce (K markets of 1)
    truth = MarketEconomy(
        tuple(
            e.model.replace(
                fbar=e.model.fbar / K, gbar=e.model.gbar / K, fbar_star=e.model.fbar_star / K
            )
            for e in eqs
        )
    )
    return eqs, est, truth


def test_market_economy_reproduces_the_estimators_equilibrium(population):
    """At the point estimate each market's solved equilibrium is the estimator's own
    (profiled IPFP tolerance 1e-13; 1e-9 leaves room for the second solver's)."""
    _, est, _ = population
    check_economy_is_the_estimate(est)


def check_economy_is_the_estimate(est) -> None:
    """Each market of ``market_economy(est)``, solved again by ``matching.solve``, has the
    estimator's matches by firm (domestic and offshored) and unmatched workers."""
    eq = market_economy(est).solve(tol=1e-12)
    out, P = est.fit.result.out, est.fit.problem
    T = out["W"].sum()
    for k, part in enumerate(eq.parts):
        cols, rows = P.colok[k], P.rowok[k]
        np.testing.assert_allclose(part.matches_by_firm(), out["mu"][k].sum(0)[cols] / T, atol=1e-9)
        if out.get("mu_star") is not None:
            np.testing.assert_allclose(
                part.matches_by_firm(True), out["mu_star"][k].sum(0)[cols] / T, atol=1e-9
            )
        np.testing.assert_allclose(part.f0, out["m0"][k][rows] / T, atol=1e-9)


def test_estimated_counterfactuals_are_the_populations(population):
    """On the population sample the estimated model's counterfactuals, market by market,
    are the population's (values to 1e-6, so every sign)."""
    _, est, truth = population
    a = counterfactuals(market_economy(est), SCEN).change()
    b = counterfactuals(truth, SCEN).change()
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-5, atol=1e-7)
    assert (np.sign(a) == np.sign(b)).all().all()


def test_pooled_statistics_match_a_direct_computation(population):
    """E(wage), SD(wage), unemployment and offshoring rates of the pooled markets against
    the cells (pi, wages) of all markets concatenated; two copies of a market at half
    mass give that market's statistics."""
    eqs, _, truth = population
    seg = truth.solve(tol=1e-12)
    mu = np.concatenate([e.pi.ravel() for e in seg.parts])
    w = np.concatenate([e.wages().ravel() for e in seg.parts])
    mean = mu @ w / mu.sum()
    assert seg.mean_wage == pytest.approx(mean, rel=1e-12)
    assert seg.sd_wage == pytest.approx(np.sqrt(mu @ (w - mean) ** 2 / mu.sum()), rel=1e-9)
    f0 = sum(e.f0.sum() for e in seg.parts)
    assert seg.unemployment_rate == pytest.approx(f0 / sum(m.fbar.sum() for m in truth.models))
    m = eqs[0].model
    half = m.replace(fbar=m.fbar / 2, gbar=m.gbar / 2, fbar_star=m.fbar_star / 2)
    two = MarketEconomy((half, half)).solve(tol=1e-12)
    one = wage_inequality(eqs[0])
    for k, v in wage_inequality(two).items():
        assert v == pytest.approx(one[k], rel=1e-8, abs=1e-12), k


def test_between_firm_gaps_within_and_pooled_markets(population):
    """``markets="within"``: each market's E(wage|y)_10-90 and E(x|y)_10-90 from its own
    cells (pi, wages; computed here without the library's statistics), averaged with the
    markets' employment. ``"pooled"``: one gap over all firms by decile of y, here from
    the firms' wages and types concatenated by hand."""
    _, _, truth = population
    seg = truth.solve(tol=1e-12)

    def decile_gap(v, w, key):  # employment-weighted top-decile mean minus bottom one
        o = np.lexsort((v, key))
        v, w = v[o], w[o] / w.sum()

        def low(vv, ww):
            take = np.clip(0.1 - (np.cumsum(ww) - ww), 0.0, ww)
            return take @ vv / 0.1

        return low(v[::-1], w[::-1]) - low(v, w)

    gaps, skill, emp = [], [], []
    wages_all, x_all, emp_all, y_all = [], [], [], []
    for e in seg.parts:
        mu, m = e.pi, e.model
        emp_y = mu.sum(axis=0)
        wage_y = (mu * e.wages()).sum(axis=0) / emp_y
        x_y = (mu * m.x[:, [0]]).sum(axis=0) / emp_y
        gaps.append(decile_gap(wage_y, emp_y, m.y[:, 0]))
        skill.append(decile_gap(x_y, emp_y, m.y[:, 0]))
        emp.append(mu.sum())
        wages_all.append(wage_y), x_all.append(x_y), emp_all.append(emp_y)
        y_all.append(m.y[:, 0])
    within = wage_inequality(seg)
    assert within["firm_gap"] == pytest.approx(np.average(gaps, weights=emp), rel=1e-9)
    assert within["skill_gap"] == pytest.approx(np.average(skill, weights=emp), rel=1e-9)
    pooled = wage_inequality(seg, markets="pooled")
    cat = [np.concatenate(a) for a in (wages_all, x_all, emp_all, y_all)]
    assert pooled["firm_gap"] == pytest.approx(decile_gap(cat[0], cat[2], cat[3]), rel=1e-9)
    assert pooled["skill_gap"] == pytest.approx(decile_gap(cat[1], cat[2], cat[3]), rel=1e-9)
    # the worker gap and the rest do not depend on the reading
    for k in ("mean_wage", "sd_wage", "worker_gap", "unemployment_rate"):
        assert within[k] == pooled[k]
    with pytest.raises(ValueError, match="within"):
        wage_inequality(seg, markets="by_value")


def _economy(seed: int, nx: int, labels: tuple, **change) -> MarketEconomy:
    eqs = model_markets(n_markets=len(labels), nx=nx, seed=seed)
    return MarketEconomy(tuple(e.model.replace(**change) for e in eqs), labels)


def test_decomposition_on_two_supports():
    """Two years with different worker supports (6 and 8 types), different firms and a
    market that only the later year has: the Shapley parts add up to the change, and
    when only structural primitives (Phi; the supports) differ, globalization's part is 0."""
    start = _economy(0, 6, ("a", "b", "c"))
    end = _economy(1, 8, ("a", "b", "d"), Phi=9.0)
    d = decompose_change(start, end)
    s = d.stats
    np.testing.assert_allclose(s["globalization"] + s["structural"], s["change"], atol=1e-10)
    np.testing.assert_allclose(s["globalization"], 0.0, atol=1e-8)
    assert np.abs(s["structural"]).max() > 1e-3
    # a globalization change too (C* of every market): both parts move, still additive
    end2 = end.map(lambda m: m.replace(C_star=m.C_star + 3.0))
    d2 = decompose_change(start, end2).stats
    np.testing.assert_allclose(d2["globalization"] + d2["structural"], d2["change"], atol=1e-10)
    assert abs(d2.loc["offshoring_rate", "globalization"]) > 1e-4


def test_intervals_from_draws(population):
    """Draws equal to the point estimate give zero-width intervals at the point; a draw
    with lambda_x <= 0 gives no economy and is left out (counted in n_boot)."""
    _, est, _ = population
    B = 4
    draws = np.tile(est.vector, (B, 1))
    draws[0, est.names.index("lambda_x")] = -1.0
    boot = BootstrapResult(draws=draws, names=est.names, seed=0, n_workers=1, seconds=0.0)
    e = dataclasses.replace(est, bootstrap=boot)
    econ = market_economy(e)
    cf = with_intervals(counterfactuals(econ, SCEN), e)
    assert cf.n_boot == B and len(cf.draws) == B - 1
    ci = cf.conf_int()
    point = cf.change().stack()
    np.testing.assert_allclose(ci["lower"].to_numpy(), point.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(ci["upper"].to_numpy(), point.to_numpy(), atol=1e-8)
    dec = with_intervals(decompose_change(econ, econ), e, e)
    assert len(dec.draws) == B - 1
    np.testing.assert_allclose(dec.conf_int().to_numpy(), 0.0, atol=1e-8)


def test_synthetic_population_counterfactuals(synthetic_tiny):
    """The tiny synthetic economy of 2006: the estimate on the population masses (which
    returns truth.json's parameters, test_synthetic_recovery) gives, market by market,
    the population's counterfactuals (:func:`truth_economy`, the generator's own markets
    rebuilt) on every statistic and scenario: same values to 1e-5 relative, same signs."""
    from skillshore.structural import synthetic_calibration, synthetic_truth
    from skillshore.structural.synthetic import synthetic_base_measure
    from skillshore.synth.compare import compare_counterfactuals, truth_economy
    from tests.structural.test_synthetic_recovery import _population_sample as pop

    s = pop(synthetic_tiny, 2006)
    tv = synthetic_truth(synthetic_tiny, 2006)
    est = estimate_markets(
        s,
        synthetic_calibration(synthetic_tiny, 2006),
        foreign_normalisation=tv["nu_gap"],
        base_measure=synthetic_base_measure(synthetic_tiny),
    )
    table = counterfactuals(market_economy(est), SCEN)
    a = table.change()
    b = counterfactuals(truth_economy(synthetic_tiny, 2006), SCEN).change()
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-5, atol=1e-8)
    assert (np.sign(a) == np.sign(b)).all().all()
    cmp = compare_counterfactuals(synthetic_tiny, table, 2006)
    assert cmp.n_same_sign == a.size
    np.testing.assert_allclose(cmp.stats["estimate"], cmp.stats["truth"], rtol=1e-5, atol=1e-8)


def test_counterfactual_numbers_are_plain(population):
    """results.json's block: one row per statistic x scenario / part, numbers or None."""
    import json

    from skillshore.structural.stage import CounterfactualResult, counterfactual_numbers

    _, est, _ = population
    econ = market_economy(est)
    cf = CounterfactualResult(counterfactuals(econ, SCEN), decompose_change(econ, econ))
    out = json.loads(json.dumps(counterfactual_numbers(cf)))
    assert len(out["changes"]) == 7 * len(SCEN)
    assert len(out["decomposition"]) == 7 * 3
    assert all(r["lower"] is None for r in out["changes"])  # no bootstrap, no interval


def test_gap_by_type_differs_from_gap_by_value():
    """Deciles of the type, not of the value: a wage falling in y has a negative gap by y
    (top decile of y minus bottom) and a positive one by value; equal types pool."""
    from skillshore.structural.counterfactuals import tail_gap, weighted_quantile

    y = np.arange(10.0)
    w = 10.0 - y
    ones = np.ones(10)
    assert tail_gap(w, ones, 0.1, by=y) == pytest.approx(-9.0)
    assert tail_gap(w, ones, 0.1) == pytest.approx(9.0)
    # two firms of type 0 with wages 10 and 30 (mean 20) are one cell of weight 2
    y2, w2 = np.array([0.0, 0.0, 1.0, 2.0]), np.array([10.0, 30.0, 5.0, 1.0])
    assert tail_gap(w2, np.ones(4), 0.25, by=y2) == pytest.approx(1.0 - 20.0)
    lo, hi = weighted_quantile(w, ones, [0.05, 0.95], by=y)
    assert (lo, hi) == (pytest.approx(10.0), pytest.approx(1.0))
