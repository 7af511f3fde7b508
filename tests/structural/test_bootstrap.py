"""Bootstrap on Dask: determinism across worker counts, a closed-form check, failures."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.errors import ConvergenceError, SkillshoreError
from skillshore.structural import (
    calibration_from_equilibrium,
    estimate,
    replicate_seeds,
    run_bootstrap,
    simulate_sample,
)


def _mean(data, rng):
    return [np.mean(data)]


def _resample(data, rng):
    return data[rng.integers(0, data.size, data.size)]


def _flaky(data, rng):
    if rng.uniform() < 0.5:
        raise ConvergenceError("planted failure")
    return [1.0]


def test_bootstrap_se_of_a_mean_matches_the_closed_form():
    data = np.random.default_rng(0).exponential(size=400)
    res = run_bootstrap(_mean, data, 199, seed=3, resample=_resample, n_workers=1, processes=False)
    se = data.std() / np.sqrt(data.size)
    assert res.se[0] == pytest.approx(se, rel=0.15)
    lo, hi = res.ci()[0]
    assert lo < data.mean() < hi


def test_replicate_seeds_are_spawned_from_the_root():
    a = replicate_seeds(5, 4)
    b = np.random.SeedSequence(5).spawn(4)
    assert [s.spawn_key for s in a] == [s.spawn_key for s in b]


def test_identical_on_one_and_two_workers(truth):
    cal = calibration_from_equilibrium(truth)
    s = simulate_sample(truth, 1500, 11, wage_noise=0.3)
    one = estimate(s, calibration=cal, bootstrap=8, seed=42, n_workers=1)
    two = estimate(s, calibration=cal, bootstrap=8, seed=42, n_workers=2)
    np.testing.assert_array_equal(one.bootstrap.draws, two.bootstrap.draws)
    np.testing.assert_array_equal(one.conf_int(), two.conf_int())
    assert two.bootstrap.n_workers == 2
    other = run_bootstrap(
        _mean, np.arange(50.0), 8, seed=43, resample=_resample, n_workers=1, processes=False
    )
    same = run_bootstrap(
        _mean, np.arange(50.0), 8, seed=43, resample=_resample, n_workers=1, processes=False
    )
    np.testing.assert_array_equal(other.draws, same.draws)


def test_failed_replications_are_reported():
    data = np.arange(10.0)
    with pytest.raises(SkillshoreError, match="bootstrap replications failed"):
        run_bootstrap(_flaky, data, 20, resample=_resample, n_workers=1, processes=False)
    res = run_bootstrap(
        _flaky, data, 20, resample=_resample, n_workers=1, processes=False, max_fail_share=0.9
    )
    assert 0 < len(res.failures) < 20
    assert np.isnan(res.draws[list(res.failures)]).all()
    with pytest.raises(ValueError, match="n_workers=1"):
        run_bootstrap(_mean, data, 2, resample=_resample, n_workers=2, processes=False)


def test_failed_replications_are_counted_and_warned():
    """n_failed per parameter, the warning above 5% failed or an estimate outside its
    interval, and the count in the seed's table."""
    import warnings

    from skillshore.structural import (
        BootstrapResult,
        BootstrapWarning,
        StructuralEstimate,
        parameter_names,
    )

    names = parameter_names(1, 1)  # Phi, lambda, ... (13)
    draws = np.ones((20, len(names)))
    draws[:, :2] = np.array([[1.0, 2.0], [1.1, np.nan], [0.9, 2.2], [np.nan, np.nan]] * 5)
    boot = BootstrapResult(draws=draws, names=tuple(names), seed=0, n_workers=1, seconds=0.0)

    class Fit:
        converged = True

        def header(self, est):
            return "test"

    values = np.ones(len(names))
    values[:2] = [1.0, 5.0]
    est = StructuralEstimate(
        values=values,
        names=tuple(names),
        phi_shape=(1, 1),
        calibration=None,
        info={},
        fit=Fit(),
        bootstrap=boot,
        ci_method="percentile",
    )
    assert est.n_failed.tolist()[:3] == [5, 10, 0]
    assert est.to_frame()["n_failed"].tolist()[:3] == [5, 10, 0]
    msgs = est.honesty_warnings()
    assert len(msgs) == 3, msgs
    assert "10 of 20 bootstrap replications failed (lambda)" in msgs
    assert "5 of 20 bootstrap replications failed (Phi)" in msgs
    assert any("lambda: the estimate 5 lies outside" in m for m in msgs)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        est.warn()
    assert sum(issubclass(x.category, BootstrapWarning) for x in w) == 3
    assert est.summary().count("warning: ") == 3
    assert "[10 of 20 failed]" in est.seed_table().loc["λ"].iloc[1]
    # intervals from the finite draws only (independent: numpy's quantiles of them)
    a = draws[:, 0][np.isfinite(draws[:, 0])]
    np.testing.assert_allclose(est.conf_int().loc["Phi"], np.quantile(a, [0.025, 0.975]))
