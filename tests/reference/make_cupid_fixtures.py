"""Generate frozen reference outputs from cupid-matching (Galichon and Salanie).

cupid-matching pins numpy<2, so it never enters skillshore's dependencies. Run
this script once in a separate virtual environment:

    python -m venv .cupid-venv && .cupid-venv/bin/pip install cupid-matching 'numpy<2'
    .cupid-venv/bin/python tests/reference/make_cupid_fixtures.py

It writes ``tests/reference/cupid_fixtures.npz``. Convention mapping: cupid solves
(sigma_x + tau_y) log mu_xy = Phi_xy + sigma_x log mu_x0 + tau_y log mu_0y, i.e.
lambda_x = sigma_x, lambda_y = tau_y, and Phi_xy is skillshore's joint surplus net of
outside options, intensities and base-measure terms. The global economy maps to
one cupid market whose "men" are the domestic types followed by the foreign types.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from cupid_matching.ipfp_solvers import ipfp_heteroskedastic_solver


def global_case(seed: int) -> dict[str, np.ndarray]:
    """Primitives of a global economy and cupid's solution of the stacked market."""
    rng = np.random.default_rng(seed)
    nx, ny = 6, 5
    x = rng.uniform(size=(nx, 2))
    y = rng.uniform(size=(ny, 2))
    Phi = rng.normal(size=(2, 2)) * 3.0
    C, C_star = 2.0, 0.8
    lx, ly = 0.7, 0.3
    w0 = rng.uniform(0, 0.5, nx)
    w0s = rng.uniform(0, 0.3, nx)
    r0 = rng.uniform(0, 0.2, ny)
    nu = np.array([0.2, -0.3, -0.6, -0.9])  # nu_x, nu_y, nu_x*, nu_y*
    fbar = rng.uniform(0.5, 1.5, nx) / nx
    fbar_s = rng.uniform(0.2, 1.0, nx) * 0.6 / nx
    gbar = rng.uniform(0.5, 1.5, ny) * 1.2 / ny
    dx = rng.uniform(0.5, 2.0, nx)
    dy = rng.uniform(0.5, 2.0, ny)
    q = x @ Phi @ y.T + C
    base = ly * np.log(dx)[:, None] + lx * np.log(dy)[None, :]
    phi_dom = q - w0[:, None] - r0[None, :] + lx * nu[0] + ly * nu[1] + base
    phi_for = q - (C - C_star) - w0s[:, None] - r0[None, :] + lx * nu[2] + ly * nu[3] + base
    Phi_c = np.vstack([phi_dom, phi_for])
    men = np.concatenate([fbar, fbar_s])
    sig = np.full(2 * nx, lx)
    tau = np.full(ny, ly)
    res = ipfp_heteroskedastic_solver(Phi_c, men, gbar, sig, tau, tol=1e-14, maxiter=100000)
    muxy, mux0, mu0y = res[0].muxy, res[0].mux0, res[0].mu0y
    return dict(
        x=x,
        y=y,
        Phi=Phi,
        C=C,
        C_star=C_star,
        lx=lx,
        ly=ly,
        w0=w0,
        w0s=w0s,
        r0=r0,
        nu=nu,
        fbar=fbar,
        fbar_s=fbar_s,
        gbar=gbar,
        dx=dx,
        dy=dy,
        muxy=muxy,
        mux0=mux0,
        mu0y=mu0y,
    )


def general_case(seed: int) -> dict[str, np.ndarray]:
    """A general surplus matrix, unequal scales."""
    rng = np.random.default_rng(seed)
    X, Y = 8, 7
    Phi = rng.normal(size=(X, Y)) * 2.0
    men = rng.uniform(0.5, 1.5, X)
    women = rng.uniform(0.5, 1.5, Y)
    lx, ly = 1.3, 0.4
    res = ipfp_heteroskedastic_solver(
        Phi, men, women, np.full(X, lx), np.full(Y, ly), tol=1e-14, maxiter=100000
    )
    muxy, mux0, mu0y = res[0].muxy, res[0].mux0, res[0].mu0y
    return dict(Phi=Phi, men=men, women=women, lx=lx, ly=ly, muxy=muxy, mux0=mux0, mu0y=mu0y)


if __name__ == "__main__":
    out = {}
    for k, case in enumerate([global_case(11), global_case(12)]):
        out.update({f"global{k}_{key}": np.asarray(v) for key, v in case.items()})
    for k, case in enumerate([general_case(21), general_case(22)]):
        out.update({f"general{k}_{key}": np.asarray(v) for key, v in case.items()})
    path = Path(__file__).with_name("cupid_fixtures.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({len(out)} arrays)")
