"""Agreement with independent implementations: cupid-matching (frozen fixtures) and POT."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skillshore.matching import MatchingModel, solve

FIX = Path(__file__).resolve().parents[1] / "reference" / "cupid_fixtures.npz"


@pytest.fixture(scope="module")
def cupid():
    return np.load(FIX)


@pytest.mark.parametrize("k", [0, 1])
def test_global_economy_matches_cupid(cupid, k):
    g = {key.split("_", 1)[1]: cupid[key] for key in cupid.files if key.startswith(f"global{k}_")}
    nu = g["nu"]
    m = MatchingModel(
        x=g["x"],
        y=g["y"],
        fbar=g["fbar"],
        gbar=g["gbar"],
        Phi=g["Phi"],
        C=float(g["C"]),
        lambda_x=float(g["lx"]),
        lambda_y=float(g["ly"]),
        w0=g["w0"],
        r0=g["r0"],
        nu_x=nu[0],
        nu_y=nu[1],
        fbar_star=g["fbar_s"],
        C_star=float(g["C_star"]),
        w0_star=g["w0s"],
        nu_x_star=nu[2],
        nu_y_star=nu[3],
        dx=g["dx"],
        dy=g["dy"],
    )
    for mode in ("dense", "kernel_free"):
        eq = solve(m, tol=1e-13, mode=mode)
        nx = m.shape[0]
        np.testing.assert_allclose(eq.pi, g["muxy"][:nx], rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(eq.pi_star, g["muxy"][nx:], rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(eq.f0, g["mux0"][:nx], rtol=1e-8)
        np.testing.assert_allclose(eq.f0_star, g["mux0"][nx:], rtol=1e-8)
        np.testing.assert_allclose(eq.g0, g["mu0y"], rtol=1e-8)


@pytest.mark.parametrize("k", [0, 1])
def test_general_surplus_matches_cupid(cupid, k):
    g = {key.split("_", 1)[1]: cupid[key] for key in cupid.files if key.startswith(f"general{k}_")}
    X, Y = g["Phi"].shape
    m = MatchingModel(
        x=np.zeros(X),
        y=np.zeros(Y),
        fbar=g["men"],
        gbar=g["women"],
        Phi=0.0,
        lambda_x=float(g["lx"]),
        lambda_y=float(g["ly"]),
        surplus=g["Phi"],
    )
    eq = solve(m, tol=1e-13)
    np.testing.assert_allclose(eq.pi, g["muxy"], rtol=1e-8)
    np.testing.assert_allclose(eq.f0, g["mux0"], rtol=1e-8)
    np.testing.assert_allclose(eq.g0, g["mu0y"], rtol=1e-8)


def test_no_singles_limit_matches_pot_sinkhorn_log():
    """Without singles the matching is entropic optimal transport: POT's log-domain Sinkhorn."""
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(5)
    nx = ny = 25
    x, y = rng.normal(size=(nx, 2)), rng.normal(size=(ny, 2))
    Phi = np.array([[1.0, 0.3], [-0.2, 0.8]])
    a = rng.uniform(0.5, 1.5, nx)
    a /= a.sum()
    b = rng.uniform(0.5, 1.5, ny)
    b /= b.sum()
    lx = ly = 0.5
    m = MatchingModel(x=x, y=y, fbar=a, gbar=b, Phi=Phi, lambda_x=lx, lambda_y=ly, singles=False)
    eq = solve(m, tol=1e-12)
    M = -(x @ Phi @ y.T)
    P = ot.bregman.sinkhorn_log(a, b, M, reg=lx + ly, numItermax=100000, stopThr=1e-14)
    np.testing.assert_allclose(eq.pi, P, rtol=1e-8, atol=1e-14)


def test_singles_converge_to_no_singles_as_outside_options_worsen():
    """With balanced masses and ever worse outside options the matching tends to entropic OT."""
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(10, 1)), rng.normal(size=(10, 1))
    a = np.full(10, 0.1)
    base = MatchingModel(
        x=x, y=y, fbar=a, gbar=a, Phi=1.0, lambda_x=0.5, lambda_y=0.5, singles=False
    )
    ref = solve(base).pi
    gaps = []
    for w in (2.0, 4.0, 8.0):
        m = base.replace(singles=True, w0=-w, r0=-w, gbar=a * 1.05)
        gaps.append(np.abs(solve(m, tol=1e-12).pi - ref * 1.0).sum())
    assert gaps[0] > gaps[1] > gaps[2]
