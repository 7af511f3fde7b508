"""The ``clusters`` bootstrap of the market sample (Owen 2007, pigeonhole; docs/estimation.md
§4 "Inference"): replicate weights, the crossed-design variance, market duplication."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.errors import DataValidationError
from skillshore.structural import (
    MarketSample,
    estimate_markets,
    synthetic_calibration,
    synthetic_market_sample,
    synthetic_truth,
)
from skillshore.structural.resampling import Draw, _records, draw, take
from skillshore.structural.synthetic import synthetic_base_measure


def _design(rng, K=16, firms=6, per_firm=15, G=40, n_types=1):
    """K markets of ``firms`` firms with ``per_firm`` workers each; worker codes uniform
    over G codes (crossed with markets); ``n_types`` worker types drawn per code."""
    F = K * firms
    firm = np.repeat(np.arange(F), per_firm)
    code = rng.integers(0, G, firm.size)
    code_type = rng.integers(0, n_types, G)
    s = MarketSample(
        x=(code_type[code] + 0.5)[:, None] / n_types,
        firm=firm,
        firm_y=rng.uniform(size=F),
        firm_market=np.repeat(np.arange(K), firms),
        shifters=rng.normal(size=K),
        worker_groups=np.array([f"c{g}" for g in code]),
    )
    return s, code


def test_pigeonhole_counts_and_weights_have_expectation_one():
    """Each record's count (firm copy x market copy x code multiplicity) is 1 in
    expectation; the post-stratified weights keep every worker type's mass exactly."""
    rng = np.random.default_rng(1)
    s, _ = _design(rng, K=5, firms=4, per_firm=6, G=12, n_types=3)
    R, B = s.x.shape[0], 3000
    counts = np.empty((B, R))
    types = np.unique(s.x[:, 0])
    mass = np.bincount(np.searchsorted(types, s.x[:, 0]), minlength=types.size)
    for b in range(B):
        d = draw(s, rng, "clusters")
        counts[b] = d.record_counts(R)
        r = take(s, d)
        got = np.bincount(
            np.searchsorted(types, r.x[:, 0]), weights=r.weights, minlength=types.size
        )
        present = got > 0  # a type whose codes were all left out stays empty
        np.testing.assert_allclose(got[present], mass[present], rtol=1e-12)
    mean = counts.mean(axis=0)
    se = counts.std(axis=0, ddof=1) / np.sqrt(B)  # MC standard error of each mean
    assert np.all(np.abs(mean - 1.0) < 5 * se.max())  # 5 se over 120 records
    # pooled over records: the mean count's se is much smaller
    assert abs(mean.mean() - 1.0) < 5 * counts.mean(axis=1).std(ddof=1) / np.sqrt(B)
    # and the variance is that of three independent draws (about 2^3 - 1 = 7 per record)
    assert counts.var(axis=0).mean() > 3.0


def _variance_ratios(s, effects, schemes, truth, rng, M=25, B=100):
    """Mean over M realisations of ``effects()`` of each scheme's bootstrap variance (B
    replicates) of the weighted mean of the effects, over the closed form ``truth``."""
    var: dict[str, list[float]] = {k: [] for k in schemes}
    for _ in range(M):
        v = effects()
        for scheme in schemes:
            t = []
            for _ in range(B):
                d = draw(s, rng, scheme)
                w = s.weights[d.records] * (1.0 if d.record_scale is None else d.record_scale)
                t.append(np.sum(w * v[d.records]) / w.sum())
            var[scheme].append(np.var(t, ddof=1))
    return {k: float(np.mean(x)) / truth for k, x in var.items()}


def test_cluster_variance_matches_crossed_design_and_firms_understate_it():
    """T = mean over workers of v = a_code + c_market + e (independent N(0, 1) effects).
    Over redraws of the effects with the design fixed, Var T = sum_g n_g^2/N^2 +
    sum_k n_k^2/N^2 + 1/N (closed form). The pigeonhole variance (averaged over
    realisations) is close to it (Owen 2007: a few % conservative here, less the
    (1 - 1/K) of resampling K = 16 markets); the within-market firm bootstrap misses
    the code and market effects."""
    rng = np.random.default_rng(7)
    s, code = _design(rng)
    N = s.x.shape[0]
    market = s.firm_market[s.firm]
    n_g = np.bincount(code)
    n_k = np.bincount(market)
    truth = (n_g**2).sum() / N**2 + (n_k**2).sum() / N**2 + 1.0 / N
    ratio = _variance_ratios(
        s,
        lambda: (
            rng.normal(size=n_g.size)[code] + rng.normal(size=n_k.size)[market] + rng.normal(size=N)
        ),
        ("clusters", "firms"),
        truth,
        rng,
    )
    # relative sd of the averaged bootstrap variance: realised effects, sqrt(2/(K-1)) on
    # the market part (2/3 of Var T) and sqrt(2/(G-1)) on the code part, over M = 25
    # realisations, and sqrt(2/(B-1)) / sqrt(M) from the replicates: about 0.06; 4 sd
    assert abs(ratio["clusters"] - 1.0) < 0.25, ratio
    assert ratio["firms"] < 0.1, ratio  # e and the firms' share of a only: ~1-2%


@pytest.fixture(scope="module")
def tiny_sample(synthetic_tiny):
    return synthetic_market_sample(synthetic_tiny, 2006)


def test_market_draws_keep_per_market_arrays_aligned(synthetic_tiny, tiny_sample):
    """Markets drawn once each, in a permuted order, with all their firms and workers:
    the same economy, so the same estimate; a market drawn twice carries its shifter."""
    s = tiny_sample
    members = s._groups[3]
    K = s.n_markets
    perm = np.random.default_rng(3).permutation(K)
    firms = np.concatenate([members[k] for k in perm])
    fm = np.repeat(np.arange(K), [members[k].size for k in perm])
    rec, rf = _records(s, firms)
    r = take(s, Draw(perm, firms, fm, rec, rf))
    np.testing.assert_array_equal(r.shifters, s.shifters[perm])
    np.testing.assert_array_equal(r.shifters[r.firm_market], s.shifters[s.firm_market[firms]])
    assert r.market_labels == tuple(s.market_labels[k] for k in perm)
    kw = dict(
        foreign_normalisation=synthetic_truth(synthetic_tiny, 2006)["nu_gap"],
        base_measure=synthetic_base_measure(synthetic_tiny),
    )
    cal = synthetic_calibration(synthetic_tiny, 2006)
    a = estimate_markets(s, cal, **kw).params
    b = estimate_markets(r, cal, **kw).params
    # both fits reach moment gaps below 1e-10: parameters agree to solver precision
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-5, atol=1e-6)
    # a pigeonhole replicate: every firm sits in a market with its own market's shifter
    d = draw(s, np.random.default_rng(0), "clusters")
    r = take(s, d)
    np.testing.assert_array_equal(
        r.shifters[r.firm_market, 0], s.shifters[s.firm_market[d.firms], 0]
    )
    assert r.n_markets == K and np.unique(d.markets).size < K  # some market drawn twice


def test_worker_groups_are_validated(tiny_sample):
    s = tiny_sample
    with pytest.raises(DataValidationError, match="worker_groups: one cluster label"):
        MarketSample(x=s.x, firm=s.firm, firm_y=s.firm_y, firm_market=s.firm_market,
                     worker_groups=s.worker_groups[:-1])  # fmt: skip
    g = s.worker_groups.astype(object)
    g[3] = None
    with pytest.raises(DataValidationError, match=r"worker_groups: missing .* rows \[3\]"):
        MarketSample(x=s.x, firm=s.firm, firm_y=s.firm_y, firm_market=s.firm_market,
                     worker_groups=g)  # fmt: skip
    bare = MarketSample(x=s.x, firm=s.firm, firm_y=s.firm_y, firm_market=s.firm_market)
    with pytest.raises(DataValidationError, match="needs worker_groups"):
        bare.resample(np.random.default_rng(0), "clusters")
    with pytest.raises(DataValidationError, match="scheme must be one of"):
        s.resample(np.random.default_rng(0), "codes")


def test_a_codes_validation_rows_take_its_multiplicity():
    """One market, one firm: a replicate's workers of code c are mult_c times the sample's,
    and so are the labelled rows of c (the code's error and its labels move together)."""
    rng = np.random.default_rng(2)
    code = np.repeat(["a", "b", "c", "d"], [5, 3, 4, 2])
    x = np.linspace(0, 1, code.size)[:, None]
    vcode = np.repeat(["a", "b", "c", "d", "e"], [2, 1, 3, 1, 2])  # "e" labels no worker
    s = MarketSample(
        x=x, firm=np.zeros(code.size, int), firm_y=[0.5], firm_market=[0],
        shifters=None, worker_groups=code,
        validation_true=x[:9], validation_measured=x[:9], validation_groups=vcode,
    )  # fmt: skip
    seen_e = set()
    for _ in range(50):
        d = draw(s, rng, "clusters")
        for c, n, v in zip("abcd", (5, 3, 4, 2), (2, 1, 3, 1), strict=True):
            m = np.sum(code[d.records] == c) / n
            assert np.sum(vcode[d.validation] == c) == m * v
        seen_e.add(int(np.sum(vcode[d.validation] == "e")))
    assert seen_e == {2}  # "e", the one unshared cluster, drawn on its own: 1 of 1


def _nested(rng, K=30, firms=8, per_firm=12, n_types=3):
    """K markets of ``firms`` firms of ``per_firm`` workers; types drawn per worker."""
    F = K * firms
    firm = np.repeat(np.arange(F), per_firm)
    s = MarketSample(
        x=(rng.integers(0, n_types, firm.size) + 0.5)[:, None] / n_types,
        firm=firm,
        firm_y=rng.uniform(size=F),
        firm_market=np.repeat(np.arange(K), firms),
        shifters=rng.normal(size=K),
    )
    return s


def test_market_scheme_counts_and_type_masses():
    """``markets``: whole markets with replacement (no worker_groups needed); each record's
    expected count is 1; the post-stratified weights keep every worker type's mass; a
    market's firms and records come whole, with its shifter."""
    rng = np.random.default_rng(4)
    s = _nested(rng, K=6, firms=3, per_firm=4)
    R, B = s.x.shape[0], 3000
    counts = np.empty((B, R))
    types = np.unique(s.x[:, 0])
    mass = np.bincount(np.searchsorted(types, s.x[:, 0]), minlength=types.size)
    members = s._groups[3]
    for b in range(B):
        d = draw(s, rng, "markets")
        counts[b] = d.record_counts(R)
        r = take(s, d)
        got = np.bincount(np.searchsorted(types, r.x[:, 0]), weights=r.weights)
        np.testing.assert_allclose(got, mass, rtol=1e-12)
        np.testing.assert_array_equal(d.firms, np.concatenate([members[k] for k in d.markets]))
        np.testing.assert_array_equal(r.shifters[:, 0], s.shifters[d.markets, 0])
    se = counts.std(axis=0, ddof=1) / np.sqrt(B)
    assert np.all(np.abs(counts.mean(axis=0) - 1.0) < 5 * se.max())
    # a record's count is its market's multiplicity: Binomial(K, 1/K), variance 1 - 1/K
    assert counts.var(axis=0).mean() == pytest.approx(1 - 1 / 6, rel=0.1)


def test_market_variance_matches_nested_design_and_clusters_overstate_it():
    """T = mean over workers of v = c_market + f_firm + e (independent N(0, 1) effects),
    firms nested in markets. Over redraws of the effects, Var T = sum_k n_k^2/N^2 +
    sum_j n_j^2/N^2 + 1/N (closed form). The market bootstrap's variance is close to it
    times (1 - 1/K) (every level below the markets counted once); drawing firms again
    inside the drawn markets (the clusters scheme without codes) counts the firms' part
    twice; the firm bootstrap misses the markets' part."""
    rng = np.random.default_rng(8)
    s = _nested(rng, n_types=1)
    N, K = s.x.shape[0], s.n_markets
    market = s.firm_market[s.firm]
    n_k, n_j = np.bincount(market), np.bincount(s.firm)
    truth = (n_k**2).sum() / N**2 + (n_j**2).sum() / N**2 + 1.0 / N
    s = MarketSample(x=s.x, firm=s.firm, firm_y=s.firm_y, firm_market=s.firm_market,
                     shifters=s.shifters, worker_groups=np.arange(N).astype(str))  # fmt: skip
    ratio = _variance_ratios(
        s,
        lambda: rng.normal(size=K)[market] + rng.normal(size=n_j.size)[s.firm] + rng.normal(size=N),
        ("markets", "firms", "clusters"),
        truth,
        rng,
    )
    # the market part is K/(K + 1 + 1/(firms per market)) of Var T here; its realised
    # sum has relative sd sqrt(2/(K-1)) per realisation, /sqrt(M): about 0.05; 4 sd
    assert abs(ratio["markets"] - (1 - 1 / K)) < 0.2, ratio
    assert ratio["firms"] < 0.2, ratio
    assert ratio["clusters"] > ratio["markets"] + 0.02, ratio


def test_market_bootstrap_needs_two_markets_and_notes_few(synthetic_tiny, tiny_sample):
    """One market cannot be resampled as a cluster (a clear error, not zero-width
    intervals); fewer than FEW_MARKETS markets: the estimate says its intervals rest on
    few clusters (the firm bootstrap does not draw markets and says nothing)."""
    from skillshore.errors import ModelInputError
    from skillshore.structural.result import FEW_MARKETS

    s = tiny_sample
    cal = synthetic_calibration(synthetic_tiny, 2006)
    kw = dict(
        foreign_normalisation=synthetic_truth(synthetic_tiny, 2006)["nu_gap"],
        base_measure=synthetic_base_measure(synthetic_tiny),
        n_workers=1,
        processes=False,
    )
    keep = s.firm_market[s.firm] == 0
    firms = np.unique(s.firm[keep])
    one = MarketSample(
        x=s.x[keep], firm=np.searchsorted(firms, s.firm[keep]), firm_y=s.firm_y[firms],
        firm_market=np.zeros(firms.size, int), weights=s.weights[keep], wage=s.wage[keep],
    )  # fmt: skip
    with pytest.raises(ModelInputError, match="at least 2 markets; this sample has 1"):
        estimate_markets(one, cal, bootstrap=3, bootstrap_scheme="markets", **kw)
    assert s.n_markets < FEW_MARKETS
    est = estimate_markets(s, cal, bootstrap=3, bootstrap_scheme="markets", **kw)
    notes = est.identification_notes()
    assert any(f"rest on {s.n_markets} markets" in n for n in notes), notes
    firm = estimate_markets(s, cal, bootstrap=3, bootstrap_scheme="firms", **kw)
    assert not any("markets drawn" in n for n in firm.identification_notes())
