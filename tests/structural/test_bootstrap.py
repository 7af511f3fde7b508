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
