"""Dupuy-Galichon continuous-logit matching with singles and a foreign worker pool.

Seed: "Baseline Economy" and "Global Economy" (eqs. 4-10 and the appendix).
Primitives are data (:class:`MatchingModel`), the solver is a plain function
(:func:`solve`, heteroskedastic IPFP in the log domain), and the result
(:class:`Equilibrium`) carries the seed's summaries. See ``docs/model.md``.
"""

from skillshore.matching.economy import MatchingModel
from skillshore.matching.equilibrium import Equilibrium
from skillshore.matching.ipfp import solve, solve_path
from skillshore.matching.presets import SEED_CALIBRATION, SEED_ESTIMATES, seed_economy

__all__ = [
    "MatchingModel",
    "Equilibrium",
    "solve",
    "solve_path",
    "seed_economy",
    "SEED_ESTIMATES",
    "SEED_CALIBRATION",
]
