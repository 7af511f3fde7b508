"""Dupuy-Galichon continuous-logit matching with singles and a foreign worker pool.

Seed: "Baseline Economy" and "Global Economy" (eqs. 4-10 and the appendix).
Primitives are data (:class:`MatchingModel`), the solver is a plain function
(:func:`solve`, heteroskedastic IPFP in the log domain), and the result
(:class:`Equilibrium`) carries the seed's summaries. See ``docs/model.md``.

Public API::

    model = MatchingModel(x=..., y=..., fbar=..., gbar=..., Phi=..., C=..., lambda_x=...,
                          lambda_y=..., w0=..., r0=..., nu_x=..., nu_y=..., fbar_star=None,
                          C_star=..., w0_star=..., nu_x_star=..., nu_y_star=..., dx=1, dy=1)
    eq = solve(model, tol=1e-10, max_iter=100_000, mode="auto" | "dense" | "kernel_free",
               init=None, verbose=False, relax="auto")      # init: a previous Equilibrium
    eq.pi, eq.pi_star, eq.f0, eq.f0_star, eq.g0, eq.n_iter, eq.marginal_error, eq.converged
    eq.wages(), eq.profits(), eq.a, eq.b, eq.offshoring_rate, eq.unemployment_rate, eq.mean_wage
    eq.matches_by_firm(foreign=False), eq.matches_by_worker(foreign=False)   # no Nx x Ny matrix
    eq.offshoring_prob_by_firm(), eq.mean_matched_quality_by_firm(k=0, weights=None)
    eq.cross_moment(foreign=False), eq.matched_domestic, eq.matched_foreign, eq.summary()
    path = solve_path(model, c_F=np.linspace(88, 0, 5))     # warm-started comparative statics
"""

from skillshore.matching.economy import MatchingModel
from skillshore.matching.equilibrium import Equilibrium
from skillshore.matching.ipfp import MarketState, solve, solve_markets, solve_path
from skillshore.matching.presets import SEED_CALIBRATION, SEED_ESTIMATES, seed_economy

__all__ = [
    "MatchingModel",
    "Equilibrium",
    "solve",
    "solve_path",
    "solve_markets",
    "MarketState",
    "seed_economy",
    "SEED_ESTIMATES",
    "SEED_CALIBRATION",
]
