"""Recovery (issue 8 acceptance): bootstrap intervals cover the planted truth, over seeds."""

from __future__ import annotations

import numpy as np
import pytest
from dask.distributed import LocalCluster

from skillshore.structural import calibration_from_equilibrium, estimate, simulate_sample

CHECKED = ("Phi[1,1]", "Phi[2,1]", "lambda", "c_F", "nu_x", "nu_y", "nu_x_star", "nu_y_star")


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c.scheduler_address


def _truth_vector(m):
    return {
        "Phi[1,1]": m.Phi[0, 0],
        "Phi[2,1]": m.Phi[1, 0],
        "lambda": m.lam,
        "c_F": m.c_F,
        "nu_x": m.nu_x,
        "nu_y": m.nu_y,
        "nu_x_star": m.nu_x_star,
        "nu_y_star": m.nu_y_star,
    }


@pytest.mark.slow
def test_bootstrap_intervals_cover_the_truth_over_seeds(truth, scheduler):
    cal = calibration_from_equilibrium(truth)
    tv = _truth_vector(truth.model)
    n_seeds, B = 12, 29
    cover = {k: 0 for k in CHECKED}
    est_draws, boot_sd = [], []
    for seed in range(n_seeds):
        s = simulate_sample(truth, 3000, 100 + seed, wage_noise=0.5)
        e = estimate(s, calibration=cal, bootstrap=B, seed=seed, scheduler=scheduler)
        for k in CHECKED:
            lo, hi = e.conf_int().loc[k]
            cover[k] += lo <= tv[k] <= hi
        est_draws.append([e.vector[e.names.index(k)] for k in CHECKED])
        boot_sd.append([e.std_errors[k] for k in CHECKED])
    share = {k: v / n_seeds for k, v in cover.items()}
    # nominal 95%; with B = 29 percentile intervals and 12 seeds, allow sampling slack
    assert np.mean(list(share.values())) >= 0.8, share
    assert min(share.values()) >= 0.6, share
    # bootstrap sd agrees with the Monte Carlo sd of the estimates
    ratio = np.mean(boot_sd, axis=0) / np.std(est_draws, axis=0, ddof=1)
    assert np.all((ratio > 0.5) & (ratio < 2.0)), dict(zip(CHECKED, ratio, strict=True))
    # and the estimates are centred on the truth
    bias = np.mean(est_draws, axis=0) - np.array([tv[k] for k in CHECKED])
    mc_se = np.std(est_draws, axis=0, ddof=1) / np.sqrt(n_seeds)
    assert np.all(np.abs(bias) < 4 * mc_se + 0.02), dict(zip(CHECKED, bias, strict=True))
