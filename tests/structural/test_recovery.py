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
    # nominal 95% over 12 seeds: P(Binomial(12, 0.95) <= 8) = 0.0027 per parameter, so each
    # parameter covers in at least 9 of 12 (0.75); the mean over the 8 parameters (equal
    # to one parameter's share if they all miss together) at least 0.8 = 9.6 of 12,
    # P(Binomial(12, 0.95) <= 9) = 0.020
    assert min(share.values()) >= 0.75, share
    assert np.mean(list(share.values())) >= 0.8, share
    # bootstrap sd agrees with the Monte Carlo sd of the estimates: the MC sd from 12 draws
    # lies within sqrt(chi2_11 / 11) in (0.49, 1.56) of the true sd with 99% probability,
    # so the ratio bootstrap sd / MC sd lies in (0.64, 2.06) when the bootstrap is right
    ratio = np.mean(boot_sd, axis=0) / np.std(est_draws, axis=0, ddof=1)
    assert np.all((ratio > 0.6) & (ratio < 2.1)), dict(zip(CHECKED, ratio, strict=True))
    # and the estimates are centred on the truth (4 Monte Carlo standard errors)
    bias = np.mean(est_draws, axis=0) - np.array([tv[k] for k in CHECKED])
    mc_se = np.std(est_draws, axis=0, ddof=1) / np.sqrt(n_seeds)
    assert np.all(np.abs(bias) < 4 * mc_se), dict(zip(CHECKED, bias / mc_se, strict=True))
