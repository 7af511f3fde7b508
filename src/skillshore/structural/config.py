"""Wiring from the study config (``[structural]``, ``[counterfactuals]``) to this stage."""

from __future__ import annotations

from skillshore.config import StudyConfig
from skillshore.structural.calibration import CalibrationTable, load_calibration
from skillshore.structural.counterfactuals import Scenario, seed_scenarios

__all__ = ["calibration_from_config", "scenarios_from_config"]


def calibration_from_config(cfg: StudyConfig) -> CalibrationTable:
    """``[structural] calibration``: the preset ``"seed"`` or a CSV path (relative to the config)."""
    return load_calibration(cfg.structural.calibration, root=cfg.root)


def scenarios_from_config(cfg: StudyConfig) -> list[Scenario]:
    """The seed's counterfactuals with the sizes of ``[counterfactuals]``."""
    c = cfg.counterfactuals
    out = seed_scenarios(phi_up=c.phi_up, nu_up=c.nu_up)
    if not c.c_f_zero:
        out = [s for s in out if s.name != "c_F_zero"]
    return out
