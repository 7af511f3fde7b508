"""The model illustration stage (seed slide "Illustration of Equilibrium"): the seed's
2006 economy solved along a path of offshoring costs c_F from its estimate to zero."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from skillshore.config import StudyConfig
from skillshore.matching.equilibrium import Equilibrium

__all__ = ["Illustration", "illustration_stage"]

YEAR, STEPS = 2006, 5


@dataclass(frozen=True)
class Illustration:
    """Equilibria along the c_F path and their summary frame (one row per c_F)."""

    path: tuple[Equilibrium, ...]
    frame: pd.DataFrame


def illustration_stage(cfg: StudyConfig) -> Illustration:
    """Solve the seed's 2006 economy at ``STEPS`` offshoring costs (reads no config)."""
    import numpy as np

    from skillshore.matching import seed_economy, solve_path

    model = seed_economy(YEAR)
    path = tuple(solve_path(model, np.linspace(model.c_F, 0.0, STEPS)))
    frame = pd.DataFrame(
        {
            "c_F": [e.model.c_F for e in path],
            "E(wage)": [e.mean_wage for e in path],
            "SD(wage)": [e.sd_wage for e in path],
            "E(x | matched)": [e.mean_matched_quality[0] for e in path],
            "unemployment rate": [e.unemployment_rate for e in path],
            "offshoring rate": [e.offshoring_rate for e in path],
            "IPFP sweeps": [e.n_iter for e in path],
            "margin error": [e.marginal_error for e in path],
        }
    ).set_index("c_F")
    frame.index = [f"{v:.1f}" for v in frame.index]
    frame.index.name = "c_F"
    return Illustration(path, frame)
