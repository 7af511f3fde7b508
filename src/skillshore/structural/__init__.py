"""Structural estimation and counterfactuals of the matching model with offshoring.

Seed: "Structural Estimation with Offshoring", "Calibrated Parameters", "Estimation
Results", "Counterfactuals: Wage Inequality" and the appendix "Estimation Strategy" /
"Identification". Built on :mod:`skillshore.matching`; see ``docs/estimation.md``.

* :func:`load_calibration` / :func:`seed_calibration`: the calibration table by year;
* :func:`impute_offshored_matches`: the seed's unobserved offshored matches (eq. 10);
* :func:`estimate`: Phi (any m x n), lambda, C, C*, the nu's from observed matches,
  with bootstrap intervals on Dask (:func:`run_bootstrap`) and a saliency analysis;
* :func:`estimate_markets`: the same with segmented markets (matches only within a
  market, profiled firm margins, market shifters of the offshoring cost), as in the
  synthetic economy; :func:`synthetic_market_sample` builds its data from a generated
  economy;
* :func:`counterfactuals`, :func:`decompose_change`: the seed's counterfactual table and
  the 1996 -> 2006 decomposition; :func:`seed_economy`: the seed's estimates as presets.
"""

from skillshore.structural.bootstrap import BootstrapResult, replicate_seeds, run_bootstrap
from skillshore.structural.calibration import (
    CalibrationTable,
    YearCalibration,
    load_calibration,
    seed_calibration,
)
from skillshore.structural.config import calibration_from_config, scenarios_from_config
from skillshore.structural.counterfactuals import (
    CounterfactualTable,
    Decomposition,
    Scenario,
    apply_scenario,
    counterfactuals,
    decompose_change,
    seed_scenarios,
    wage_inequality,
)
from skillshore.structural.data import MatchedSample, TypeSupport, sample_from_frame
from skillshore.structural.estimation import estimate, estimate_params
from skillshore.structural.figures import (
    plot_between_firm_wages,
    plot_firm_matching,
    plot_unemployment,
)
from skillshore.structural.frames import market_sample_from_frames
from skillshore.structural.levels import SCALARS
from skillshore.structural.markets import MarketSample
from skillshore.structural.offshored import (
    distribute_offshored,
    impute_offshored_matches,
    offshored_workers,
    tilt_from_equilibrium,
)
from skillshore.structural.presets import SEED_ESTIMATES, SEED_INTERVALS, seed_economy
from skillshore.structural.result import (
    BootstrapWarning,
    EstimationTable,
    StructuralEstimate,
    parameter_names,
)
from skillshore.structural.saliency import Saliency, saliency
from skillshore.structural.segmented import MarketEstimate, estimate_markets
from skillshore.structural.simulate import calibration_from_equilibrium, simulate_sample
from skillshore.structural.synthetic import (
    synthetic_calibration,
    synthetic_market_sample,
    synthetic_truth,
)
from skillshore.structural.wages import WageResidualisation, residualise_wages

__all__ = [
    "BootstrapResult",
    "BootstrapWarning",
    "SCALARS",
    "CalibrationTable",
    "CounterfactualTable",
    "Decomposition",
    "EstimationTable",
    "MarketEstimate",
    "MarketSample",
    "MatchedSample",
    "SEED_ESTIMATES",
    "SEED_INTERVALS",
    "Saliency",
    "Scenario",
    "StructuralEstimate",
    "TypeSupport",
    "YearCalibration",
    "apply_scenario",
    "calibration_from_config",
    "calibration_from_equilibrium",
    "counterfactuals",
    "decompose_change",
    "distribute_offshored",
    "WageResidualisation",
    "estimate",
    "estimate_markets",
    "estimate_params",
    "impute_offshored_matches",
    "load_calibration",
    "market_sample_from_frames",
    "offshored_workers",
    "parameter_names",
    "plot_between_firm_wages",
    "plot_firm_matching",
    "plot_unemployment",
    "replicate_seeds",
    "residualise_wages",
    "run_bootstrap",
    "saliency",
    "sample_from_frame",
    "scenarios_from_config",
    "seed_calibration",
    "seed_economy",
    "seed_scenarios",
    "simulate_sample",
    "synthetic_calibration",
    "synthetic_market_sample",
    "synthetic_truth",
    "tilt_from_equilibrium",
    "wage_inequality",
]
