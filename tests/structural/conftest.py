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
def synthetic_tiny_equal(tmp_path_factory):
    """The tiny synthetic economy (seed 1) with equal firm volumes (``firm_volume =
    "equal"``, the estimator's ``base_measure="uniform"``)."""
    from skillshore.synth import SynthSettings, generate

    out = tmp_path_factory.mktemp("synth") / "tiny1_equal"
    generate(out, scale="tiny", seed=1, settings=SynthSettings(firm_volume="equal"))
    return out


@pytest.fixture(scope="session")
def dask_scheduler():
    """One local Dask cluster (2 worker processes) for the bootstrap tests."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c.scheduler_address


# ------------------------------------------------- segmented markets built from the model

#: Planted parameters of the segmented markets (reduced units B = Phi/lambda = 1.5).
MARKET_TRUTH = dict(
    Phi=6.0,
    lam=4.0,
    C=30.0,
    C_star=26.0,
    w0=10.0,
    r0=0.0,
    w0_star=2.0,
    nu_x=-1.0,
    nu_y=-2.0,
    nu_x_star=-3.0,
    nu_y_star=-3.0,
    fbar_star=0.6,
    offshoring_rate=0.05,
)


def model_markets(
    n_markets: int = 6,
    n_firms: int = 10,
    nx: int = 6,
    seed: int = 0,
    shares=None,
    firm_volume: str = "equal",
) -> list:
    """Population equilibria of segmented markets, each solved by ``matching.solve``.

    Market k: worker types x_c = (c + 1/2)/nx with mass 1/nx each (or ``shares``; dx = 1/nx), its own
    firms y_j ~ U(0, 1) with capacities summing to (1 + o) (dy = 1/n_firms; the seed's
    |gbar| = (1 + o)|fbar|), a uniform foreign pool; common parameters ``MARKET_TRUTH``.
    The estimator's convention (``base_measure="uniform"``), so its estimates compare
    with the planted values directly; ``firm_volume="capacity"``: dy_j = gbar_j / |gbar|
    instead (a firm's share of its market's jobs, ``base_measure="capacity"``).
    """
    p = MARKET_TRUTH
    rng = np.random.default_rng(seed)
    x = ((np.arange(nx) + 0.5) / nx)[:, None]
    fbar = np.full(nx, 1.0 / nx) if shares is None else np.asarray(shares) / np.sum(shares)
    out = []
    for _ in range(n_markets):
        y = np.sort(rng.uniform(size=n_firms))[:, None]
        cap = rng.uniform(0.5, 1.5, n_firms)
        m = MatchingModel(
            x=x,
            y=y,
            fbar=fbar,
            gbar=cap / cap.sum() * (1 + p["offshoring_rate"]),
            Phi=p["Phi"],
            C=p["C"],
            lambda_x=p["lam"] / 2,
            lambda_y=p["lam"] / 2,
            w0=p["w0"],
            r0=p["r0"],
            nu_x=p["nu_x"],
            nu_y=p["nu_y"],
            dx=1.0 / nx,
            dy=1.0 / n_firms if firm_volume == "equal" else cap / cap.sum(),
            fbar_star=fbar * p["fbar_star"],
            C_star=p["C_star"],
            w0_star=p["w0_star"],
            nu_x_star=p["nu_x_star"],
            nu_y_star=p["nu_y_star"],
        )
        out.append(solve(m, tol=1e-13))
    return out


def markets_calibration(eqs: list):
    """The population calibration of equal-sized markets (as ``population_targets``)."""
    from skillshore.structural import YearCalibration

    u = f = fs = wb = q = ws = 0.0
    for eq in eqs:
        u += eq.unmatched_domestic
        f += eq.model.fbar.sum()
        wb += float((eq.pi * eq.wages()).sum())
        q += float((eq.pi * eq.model.q()).sum())
        fs += eq.matched_foreign
        ws += float((eq.pi_star * eq.wages_star()).sum())
    p = MARKET_TRUTH
    return YearCalibration(
        year=0,
        r0=p["r0"],
        w0=p["w0"],
        w0_star=p["w0_star"],
        mean_w_star=ws / fs,
        wage_bill_share=wb / q,
        unemployment_rate=u / f,
        fbar_star=p["fbar_star"],
        offshoring_rate=p["offshoring_rate"],
        fbar=1.0,
    )


def neighbour_misclassification(nx: int, stay: float) -> np.ndarray:
    """M[c', c] = P(measured c' | true c): right with ``stay``, else a neighbouring cell
    (half each side; at an edge the missing side stays). Doubly stochastic."""
    M = np.zeros((nx, nx))
    off = (1 - stay) / 2
    for c in range(nx):
        M[c, c] += stay
        M[max(c - 1, 0), c] += off
        M[min(c + 1, nx - 1), c] += off
    return M
