"""Small simulated firm-year panels for the IV and shift-share tests.

Firm FE, sector x year FE, a confounder ``u`` that moves both offshoring and
the outcome, a strong shift-share instrument built from industry shares and
product shocks, a weak instrument, a control, a second endogenous regressor
with its own instrument, and a planted causal effect ``beta``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.linalg import qr


def simulate_panel(
    seed: int = 0,
    n_firms: int = 80,
    n_years: int = 6,
    n_sectors: int = 4,
    n_industries: int = 12,
    n_products: int = 15,
    beta: float = 0.5,
    gamma: float = -0.3,
    strength: float = 1.0,
    weak: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return ``(panel, shares, shocks)``.

    ``panel``: firm, year, sector, industry, sy (sector_year key), y, x, x2,
    z (shift-share), zw (weak), z2, c (control), w (weights).
    ``shares``: industry, product, share (rows sum to one by industry).
    ``shocks``: product, year, shock.
    """
    rng = np.random.default_rng(seed)
    ind_of_firm = rng.integers(0, n_industries, n_firms)
    sector_of_ind = np.arange(n_industries) % n_sectors
    sh = rng.dirichlet(np.full(n_products, 0.4), size=n_industries)
    g = rng.normal(size=(n_products, n_years)) + rng.normal(size=(1, n_years))
    firm = np.repeat(np.arange(n_firms), n_years)
    year = np.tile(np.arange(n_years), n_firms)
    ind = ind_of_firm[firm]
    sector = sector_of_ind[ind]
    n = firm.shape[0]
    z = (sh @ g)[ind, year]
    alpha = rng.normal(size=n_firms)[firm]
    sy_effect = rng.normal(size=(n_sectors, n_years))[sector, year]
    u = rng.normal(size=n)
    c = rng.normal(size=n) + 0.3 * alpha
    zw = rng.normal(size=n)
    z2 = rng.normal(size=n)
    x = strength * z + weak * zw + 0.8 * u + 0.5 * alpha + 0.3 * c + sy_effect + rng.normal(size=n)
    x2 = z2 + 0.5 * z + 0.6 * u + rng.normal(size=n)
    y = beta * x + alpha + sy_effect + u + 0.2 * c + rng.normal(size=n)
    panel = pd.DataFrame(
        {
            "firm": firm,
            "year": year,
            "sector": sector,
            "industry": ind,
            "sy": [f"{s}_{t}" for s, t in zip(sector, year, strict=True)],
            "y": y,
            "y2": y + gamma * x2,
            "x": x,
            "x2": x2,
            "z": z,
            "zw": zw,
            "z2": z2,
            "c": c,
            "w": rng.uniform(0.5, 2.0, n),
        }
    )
    shares = pd.DataFrame(
        [(k, h, sh[k, h]) for k in range(n_industries) for h in range(n_products)],
        columns=["industry", "product", "share"],
    )
    shocks = pd.DataFrame(
        [(h, t, g[h, t]) for h in range(n_products) for t in range(n_years)],
        columns=["product", "year", "shock"],
    )
    return panel, shares, shocks


def fe_dummies(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Full-rank dummy matrix of the fixed effects (redundant columns dropped by pivoted QR)."""
    d = pd.get_dummies(df[cols].astype(str)).astype(float).to_numpy()
    _, r, piv = qr(d, pivoting=True, mode="economic")
    rank = int((np.abs(np.diag(r)) > 1e-9 * abs(r[0, 0])).sum())
    return d[:, np.sort(piv[:rank])]


def ssc(n: int, k: int, g: int | None) -> float:
    """Stata/fixest small-sample factor, written out independently of the package."""
    if g is None:
        return n / (n - k)
    return (n - 1) / (n - k) * g / (g - 1)
