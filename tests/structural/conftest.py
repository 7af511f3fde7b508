"""Shared fixtures: a small economy with singles and a foreign pool (the planted truth)."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.matching import MatchingModel, solve


def truth_model(nx: int = 6, ny: int = 5) -> MatchingModel:
    """Two skills, one firm characteristic; nu_y* = nu_x* (the default normalisation)."""
    rng = np.random.default_rng(0)
    x = np.c_[np.linspace(0, 1, nx), rng.uniform(size=nx)]
    y = np.linspace(0, 1, ny)[:, None]
    return MatchingModel(
        x=x,
        y=y,
        fbar=np.full(nx, 1 / nx),
        gbar=np.full(ny, 1.1 / ny),
        Phi=np.array([[3.0], [1.0]]),
        C=5.0,
        lambda_x=1.0,
        lambda_y=1.0,
        w0=2.0,
        r0=0.0,
        nu_x=-0.5,
        nu_y=-1.0,
        fbar_star=np.full(nx, 0.5 / nx),
        C_star=2.0,
        w0_star=1.0,
        nu_x_star=-2.0,
        nu_y_star=-2.0,
    )


@pytest.fixture(scope="session")
def truth():
    return solve(truth_model(), tol=1e-12)


@pytest.fixture(scope="session")
def synthetic_tiny(tmp_path_factory):
    """The tiny synthetic economy (seed 1): raw tables, truth.json and truth/."""
    from skillshore.synth import generate

    out = tmp_path_factory.mktemp("synth") / "tiny1"
    generate(out, scale="tiny", seed=1)
    return out


@pytest.fixture(scope="session")
def dask_scheduler():
    """One local Dask cluster (2 worker processes) for the bootstrap tests."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c.scheduler_address
