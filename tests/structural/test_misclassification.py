"""Estimation with mismeasured worker types (issue 14, item 1; docs/estimation.md,
"Mismeasured worker types").

Markets are built from the model itself (``matching.solve``, conftest ``model_markets``);
measured types come from the true ones through a misclassification matrix M
(M[c', c] = P(measured c' | true c)).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from skillshore.errors import DataValidationError
from skillshore.structural import MarketSample, estimate_markets

from .conftest import (
    MARKET_TRUTH,
    markets_calibration,
    model_markets,
    neighbour_misclassification,
)

TRUTH = {
    "Phi": MARKET_TRUTH["Phi"],
    "lambda": MARKET_TRUTH["lam"],
    "C": MARKET_TRUTH["C"],
    "C_star": MARKET_TRUTH["C_star"],
    "c_F": MARKET_TRUTH["C"] - MARKET_TRUTH["C_star"],
    "nu_x": MARKET_TRUTH["nu_x"],
    "nu_y": MARKET_TRUTH["nu_y"],
    "nu_x_star": MARKET_TRUTH["nu_x_star"],
    "nu_y_star": MARKET_TRUTH["nu_y_star"],
}
NX = 6


@pytest.fixture(scope="module")
def markets():
    eqs = model_markets(nx=NX)
    return eqs, markets_calibration(eqs)


def _markets_sample(eqs, records, **kw) -> MarketSample:
    """A MarketSample of the markets ``eqs``; ``records(eq)`` gives each market's match
    records (measured type index, firm index, weight, wage) and firms' offshored workers."""
    xs, firm, w, wage, fy, fm, off = [], [], [], [], [], [], []
    f0 = 0
    for k, eq in enumerate(eqs):
        c, j, wt, wg, o = records(eq)
        n = eq.pi.shape[1]
        xs.append(eq.model.x[c, 0])
        firm.append(f0 + j)
        w.append(wt)
        wage.append(wg)
        fy.append(eq.model.y[:, 0])
        fm.append(np.full(n, k))
        off.append(o)
        f0 += n
    cat = np.concatenate
    return MarketSample(
        x=cat(xs),
        firm=cat(firm),
        firm_y=cat(fy),
        firm_market=cat(fm),
        weights=cat(w),
        wage=cat(wage),
        firm_offshored=cat(off),
        foreign_pool=MARKET_TRUTH["fbar_star"],
        n_worker_types=NX,
        **kw,
    )


def _population_sample(eqs, M: np.ndarray, **kw) -> MarketSample:
    """The population seen through M: one record per (market, measured type, firm) with
    the observed mass sum_c M[c', c] mu_kcj and the mean wage of its true types."""

    def records(eq):
        mu, W = eq.pi, eq.wages()
        obs = M @ mu
        c, j = np.meshgrid(np.arange(NX), np.arange(mu.shape[1]), indexing="ij")
        wobs = (M @ (mu * W)) / obs
        return c.ravel(), j.ravel(), obs.ravel(), wobs.ravel(), eq.pi_star.sum(axis=0)

    return _markets_sample(eqs, records, **kw)


def test_population_with_correction_gives_back_the_truth(markets):
    """At the population, the corrected estimator returns the planted parameters (to the
    solver's tolerance); ignoring the misclassification attenuates the sorting."""
    eqs, cal = markets
    M = neighbour_misclassification(NX, stay=0.6)
    s = _population_sample(eqs, M, misclassification=M)
    est = estimate_markets(s, cal)
    for k, v in TRUTH.items():
        assert est.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k
    naive = estimate_markets(s, cal, correct_types=False)
    # classical misclassification attenuates B = Phi/lambda (measured cross moment is
    # closer to independence): documented bias, docs/estimation.md
    # (measured: Phi 5.64 for 6, lambda 4.00 for 4, c_F 4.02 for 4 at stay = 0.6)
    assert naive.params["Phi"] < 0.96 * TRUTH["Phi"]


def test_without_misclassification_the_correction_is_the_identity(markets):
    eqs, cal = markets
    s = _population_sample(eqs, np.eye(NX), misclassification=np.eye(NX))
    a = estimate_markets(s, cal)
    b = estimate_markets(s, cal, correct_types=False)
    np.testing.assert_allclose(a.vector, b.vector, rtol=1e-9, atol=1e-9)
    for k, v in TRUTH.items():
        assert a.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k


def test_matrix_from_a_validation_set():
    """M's columns are the validation set's measured-type shares of each true type."""
    x = (np.arange(3) + 0.5) / 3
    true = x[[0, 0, 0, 0, 1, 1, 2]]
    meas = x[[0, 0, 0, 1, 1, 2, 2]]
    s = MarketSample(
        x=x,
        firm=np.zeros(3, int),
        firm_y=[0.5],
        firm_market=[0],
        validation_true=true,
        validation_measured=meas,
    )
    M = s.misclassification_matrix(x[:, None])
    np.testing.assert_allclose(M[:, 0], [0.75, 0.25, 0.0])
    np.testing.assert_allclose(M[:, 1], [0.0, 0.5, 0.5])
    np.testing.assert_allclose(M[:, 2], [0.0, 0.0, 1.0])
    # the replicate resamples the validation set (its own uncertainty)
    r = s.resample(np.random.default_rng(0))
    assert r.validation_true.shape == true[:, None].shape
    with pytest.raises(DataValidationError, match="not worker types"):
        MarketSample(
            x=x,
            firm=np.zeros(3, int),
            firm_y=[0.5],
            firm_market=[0],
            validation_true=[0.9],
            validation_measured=[0.9],
        ).misclassification_matrix(x[:, None])


def sample_markets(eqs, M, n_workers: int, n_validation: int, rng, wage_sd: float = 0.3):
    """A sample: matched workers drawn from each market's matches, measured types drawn
    through M, wages with noise, offshored workers = the firm's domestic sample times its
    population ratio mu*_j / mu_j (the seed's identifying assumption), and a validation set
    of (true, measured) types of randomly drawn persons."""
    per = n_workers // len(eqs)

    def records(eq):
        mu, W = eq.pi, eq.wages()
        cell = rng.choice(mu.size, size=per, p=(mu / mu.sum()).ravel())
        c, j = np.unravel_index(cell, mu.shape)
        cm = np.array([rng.choice(NX, p=M[:, t]) for t in c])
        D = np.bincount(j, minlength=mu.shape[1])
        o = D * eq.pi_star.sum(axis=0) / mu.sum(axis=0)
        return cm, j, np.ones(per), W[c, j] + rng.normal(0, wage_sd, per), o

    s = _markets_sample(eqs, records)  # (draws in this order: markets, then validation)
    vt = rng.integers(0, NX, n_validation)
    vm = np.array([rng.choice(NX, p=M[:, t]) for t in vt])
    x = eqs[0].model.x[:, 0]
    return dataclasses.replace(s, validation_true=x[vt], validation_measured=x[vm])


@pytest.mark.slow
def test_corrected_intervals_cover_under_misclassification(markets):
    """Monte Carlo: R samples (12,000 workers, 2,000 validation persons, 40% of types
    misclassified to a neighbouring cell), bootstrap B = 39 resampling firms and the
    validation set. With the correction the 95% intervals of Phi, lambda and c_F cover;
    without it, Phi's intervals miss (its bias, about 6% at the population, is several
    bootstrap standard deviations at this size).

    Tolerances: with R = 10 draws and nominal 95%, P(Binomial(10, 0.95) <= 7) = 0.012, so
    at least 8 of 10 per parameter; the naive estimator's Phi must miss in at least 6 of
    10 (it covers in 0 of 10 measured).
    """
    eqs, cal = markets
    M = neighbour_misclassification(NX, stay=0.6)
    cover = {k: 0 for k in ("Phi", "lambda", "c_F")}
    naive_cover = 0
    R = 10
    for r in range(R):
        s = sample_markets(eqs, M, 12_000, 2_000, np.random.default_rng(100 + r))
        e = estimate_markets(s, cal, bootstrap=39, seed=r, n_workers=1, processes=False)
        ci = e.conf_int()
        for k in cover:
            cover[k] += bool(ci.loc[k, "lower"] <= TRUTH[k] <= ci.loc[k, "upper"])
        n = estimate_markets(
            s, cal, bootstrap=39, seed=r, n_workers=1, processes=False, correct_types=False
        )
        lo, hi = n.conf_int().loc["Phi"]
        naive_cover += bool(lo <= TRUTH["Phi"] <= hi)
    assert min(cover.values()) >= 8, cover
    assert naive_cover <= R - 6, naive_cover


def test_type_shares_from_the_nonemployed():
    """With unequal population shares of the worker types, the non-employed (the seed's
    f0(x)) give them back and the estimator returns the truth; equal shares do not."""
    shares = np.arange(1, NX + 1, dtype=float)
    eqs = model_markets(nx=NX, shares=shares)
    cal = markets_calibration(eqs)
    s = _population_sample(eqs, np.eye(NX))
    m0 = sum(eq.f0 for eq in eqs)  # non-employed by type, all markets
    x = eqs[0].model.x
    s0 = MarketSample(**{**_fields(s), "nonemployed_x": x, "nonemployed_weights": m0})
    np.testing.assert_allclose(
        s0.type_shares(x, cal.unemployment_rate), shares / shares.sum(), rtol=1e-9
    )
    est = estimate_markets(s0, cal)
    for k, v in TRUTH.items():
        assert est.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k
    # equal shares: misspecified here. Type effects in the wage equation keep Phi (the
    # match term does not depend on the shares) but B = Phi / lambda and the levels go
    # wrong; with firm effects alone Phi goes wrong too
    equal = estimate_markets(s, cal)
    assert equal.params["Phi"] == pytest.approx(TRUTH["Phi"], rel=1e-6)
    assert abs(equal.params["lambda"] - TRUTH["lambda"]) > 0.1
    assert abs(equal.params["c_F"] - TRUTH["c_F"]) > 0.1
    firm = estimate_markets(s, cal, wage_effects="firm")
    assert abs(firm.params["Phi"] - TRUTH["Phi"]) > 1e-3


def test_measured_type_shares_are_taken_back_to_the_true_types():
    """Unequal true shares, types measured through M for the matches *and* the
    non-employed (as the pipeline measures both): the shares they give are M applied to
    the true ones, and the corrected estimator returns the truth only when it takes them
    back through M (issue 14: measured shares used as true ones tripled B = Phi/lambda on
    the synthetic economy, lambda 8.6 for 37.6)."""
    from skillshore.structural.markets import true_type_shares

    shares = np.arange(1, NX + 1, dtype=float)
    eqs = model_markets(nx=NX, shares=shares)
    cal = markets_calibration(eqs)
    M = neighbour_misclassification(NX, stay=0.6)
    m0 = sum(eq.f0 for eq in eqs)  # true non-employed by type, all markets
    s = _population_sample(
        eqs, M, misclassification=M, nonemployed_x=eqs[0].model.x, nonemployed_weights=M @ m0
    )
    x = eqs[0].model.x
    measured = s.type_shares(x, cal.unemployment_rate)
    np.testing.assert_allclose(measured, M @ shares / shares.sum(), rtol=1e-9)
    np.testing.assert_allclose(true_type_shares(M, measured), shares / shares.sum(), rtol=1e-9)
    est = estimate_markets(s, cal)
    for k, v in TRUTH.items():  # the solver's tolerance, as at the population above
        assert est.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k
    # a validation set of the population instead of M (every (true, measured) pair with
    # its mass): the shares go back through its own P(true c | measured c'), no inverse
    c, cm = np.meshgrid(np.arange(NX), np.arange(NX))
    sv = _population_sample(
        eqs,
        M,
        validation_true=x[c.ravel()],
        validation_measured=x[cm.ravel()],
        validation_weights=(M * shares[None, :]).ravel(),
        nonemployed_x=x,
        nonemployed_weights=M @ m0,
    )
    np.testing.assert_allclose(sv.misclassification_matrix(x), M, rtol=1e-12)
    np.testing.assert_allclose(
        true_type_shares(M, measured, sv.validation_type_shares(x)),
        shares / shares.sum(),
        rtol=1e-12,
    )
    est = estimate_markets(sv, cal)
    for k, v in TRUTH.items():
        assert est.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k


def test_true_type_shares_maximise_the_likelihood():
    """Measured shares outside M's image (M^-1 phi' has a negative entry): the EM fixed
    point satisfies the Kuhn-Tucker conditions of max sum_c' phi'_c' log (M phi)_c' on the
    simplex: the gradient M'(phi' / M phi) is 1 where phi_c > 0 and at most 1 where 0."""
    from skillshore.structural.markets import true_type_shares

    M = neighbour_misclassification(4, stay=0.6)
    q = np.array([0.5, 0.0, 0.1, 0.4])
    assert np.any(np.linalg.solve(M, q) < 0)
    phi = true_type_shares(M, q)
    assert phi.sum() == pytest.approx(1.0) and np.all(phi >= 0)
    grad = M.T @ (q / (M @ phi))
    pos = phi > 1e-6
    np.testing.assert_allclose(grad[pos], 1.0, atol=1e-6)
    assert np.all(grad[~pos] <= 1 + 1e-6)
    np.testing.assert_allclose(true_type_shares(np.eye(4), q), q)  # M = I: the identity


def _fields(s: MarketSample) -> dict:
    import dataclasses

    return {f.name: getattr(s, f.name) for f in dataclasses.fields(s) if f.name != "_groups"}


def test_validation_clusters_are_resampled_whole():
    """With ``validation_groups`` (labelled codes, each misclassified as one) a replicate
    draws codes with replacement and brings all persons of each: every replicate's
    (true, measured) pairs of a drawn code are exactly that code's pairs, and its size
    is a sum of whole codes (a person-level draw would split codes)."""
    x = (np.arange(3) + 0.5) / 3
    # code a: 4 persons, all measured one cell up; code b: 3 persons, correct; c: 1 person
    code = np.array(["a"] * 4 + ["b"] * 3 + ["c"])
    true = x[[0, 0, 0, 0, 1, 1, 1, 2]]
    meas = x[[1, 1, 1, 1, 1, 1, 1, 2]]
    s = MarketSample(
        x=x,
        firm=np.zeros(3, int),
        firm_y=[0.5],
        firm_market=[0],
        validation_true=true,
        validation_measured=meas,
        validation_groups=code,
    )
    sizes = {4, 3, 1}
    seen = set()
    for seed in range(20):
        r = s.resample(np.random.default_rng(seed))
        g = r.validation_groups
        for lab in np.unique(g):
            sel = g == lab
            pairs = {
                (float(a), float(b))
                for a, b in zip(
                    r.validation_true[sel, 0], r.validation_measured[sel, 0], strict=True
                )
            }
            assert sel.sum() in sizes and len(pairs) == 1  # one whole code
        seen.add(r.validation_true.shape[0])
    assert len(seen) > 1  # the validation set's size varies with the codes drawn
    with pytest.raises(DataValidationError, match="one cluster label"):
        MarketSample(
            x=x, firm=np.zeros(3, int), firm_y=[0.5], firm_market=[0],
            validation_true=true, validation_measured=meas, validation_groups=code[:3],
        )  # fmt: skip


def test_controls_are_regression_calibrated(markets):
    """With ``calibrated_controls`` the type correction replaces each (firm, measured type)
    cell's mean control by sum_c P(c | c', k, j) m_c, P proportional to M[c', c] mu_kcj and
    m_c the labelled persons' mean control of true type c (docs/estimation.md §4c),
    keeping the within-cell deviations; a transcription of that formula, independent of
    ``MarketProblem.expected_given_measured``."""
    from skillshore.structural.segmented import _calibrated_controls

    eqs, cal = markets
    M = neighbour_misclassification(NX, stay=0.6)
    base = _population_sample(eqs, M, misclassification=M)
    x = np.unique(base.x)
    c_rec = np.searchsorted(x, base.x[:, 0])
    # two records per cell (controls m_c' +- 0.1 with half the mass each); validation: the
    # true types' mean controls are m_c = 2 x_c + 0.3 (a regression to the mean: measured
    # controls of a measured type are those of its own grid point, 2 x_c')
    R = base.x.shape[0]
    dup = np.r_[np.arange(R), np.arange(R)]
    h = np.r_[2 * x[c_rec] + 0.1, 2 * x[c_rec] - 0.1][:, None]
    s = dataclasses.replace(
        base,
        x=base.x[dup],
        firm=base.firm[dup],
        weights=base.weights[dup] / 2,
        wage=base.wage[dup],
        wage_controls=h,
        wage_reference=np.zeros(1),
        misclassification=None,
        validation_true=x[:, None],
        validation_measured=x[:, None],
        validation_controls=(2 * x + 0.3)[:, None],
        calibrated_controls=(0,),
    )
    est = estimate_markets(
        dataclasses.replace(
            s,
            misclassification=M,
            validation_true=None,
            validation_measured=None,
            validation_controls=None,
            calibrated_controls=(),
        ),
        cal,
    )
    out = est.fit.result.out  # an equilibrium of these markets (any mu serves the check)
    ok = np.ones(2 * R, bool)
    from skillshore.structural.profiled import MarketProblem

    Pc = MarketProblem(s, cal, est.fit.problem.sx, "uniform", None, None, True)
    Pc.M = M  # the known M (the validation set above only carries the control means)
    cells = s.firm * NX + np.searchsorted(x, s.x[:, 0])
    H = _calibrated_controls(Pc, out, s, ok, cells)
    mu = out["mu"]
    k, c, j = Pc.rec
    m = 2 * x + 0.3
    want = np.array(
        [
            (M[c_, :] * mu[k_, :, j_] * m).sum() / (M[c_, :] * mu[k_, :, j_]).sum()
            for k_, c_, j_ in zip(k, c, j, strict=True)
        ]
    )
    dev = np.r_[np.full(R, 0.1), np.full(R, -0.1)]
    np.testing.assert_allclose(H[:, 0], want + dev, rtol=1e-10, atol=1e-12)
