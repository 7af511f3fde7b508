"""Offshoring and the shift-share IV (seed: "Regression Analysis", "Robustness
Exercises", appendix "Validity of Instruments" and "Robustness Checks").

* measures (:mod:`~skillshore.offshoring.measures`): narrow offshoring from customs
  records and the Bartik inputs (initial import shares, China's export supply); the
  firm-year IV panel built from them (:mod:`~skillshore.offshoring.dataset`);
* regressions (:mod:`~skillshore.offshoring.linear`, :mod:`~skillshore.offshoring.iv`):
  OLS and 2SLS with absorbed fixed effects (pyfixest), ``vcov`` = iid / hetero / CRV1
  and an explicit small-sample choice ``ssc``; Kleibergen-Paap and effective F,
  Anderson-Rubin test and set;
* shift-share inference, for any design: the instrument and shock diagnostics
  (:mod:`~skillshore.offshoring.shiftshare`), the BHJ shock-level IV
  (:mod:`~skillshore.offshoring.shocklevel`), Rotemberg weights
  (:mod:`~skillshore.offshoring.rotemberg`), AKM / AKM0
  (:mod:`~skillshore.offshoring.akm`);
* tables in the seed's layout (:mod:`~skillshore.offshoring.tables`) and the
  variance regression (:mod:`~skillshore.offshoring.variance_iv`).

Conventions: ``docs/shiftshare_iv.md``.
"""

from skillshore.offshoring.akm import AKMResult, akm, akm_regression
from skillshore.offshoring.dataset import FIRM_PANEL_COLUMNS, FirmPanel, build_firm_panel
from skillshore.offshoring.iv import (
    ConfidenceSet,
    FirstStage,
    IVResult,
    WaldStatistic,
    iv_regression,
)
from skillshore.offshoring.linear import LinearResult, OLSResult, ols
from skillshore.offshoring.measures import (
    exposure_shares,
    narrow_offshoring,
    shift_share,
    world_export_supply,
    world_import_demand,
)
from skillshore.offshoring.rotemberg import RotembergWeights, rotemberg_weights
from skillshore.offshoring.shiftshare import (
    ShiftShareDesign,
    ShockDiagnostics,
    bartik,
    shock_diagnostics,
    shock_growth,
)
from skillshore.offshoring.shocklevel import (
    ShockLevelResult,
    exposure_robust_table,
    shock_level_regression,
)
from skillshore.offshoring.tables import SEED_TABLES, ColumnSpec, IVTable, run_columns, seed_table
from skillshore.offshoring.variance_iv import variance_table

__all__ = [
    "FIRM_PANEL_COLUMNS",
    "SEED_TABLES",
    "ColumnSpec",
    "ConfidenceSet",
    "FirmPanel",
    "FirstStage",
    "IVResult",
    "IVTable",
    "AKMResult",
    "akm",
    "akm_regression",
    "variance_table",
    "exposure_robust_table",
    "LinearResult",
    "OLSResult",
    "ols",
    "RotembergWeights",
    "ShiftShareDesign",
    "ShockDiagnostics",
    "ShockLevelResult",
    "WaldStatistic",
    "bartik",
    "build_firm_panel",
    "exposure_shares",
    "iv_regression",
    "narrow_offshoring",
    "rotemberg_weights",
    "run_columns",
    "seed_table",
    "shift_share",
    "shock_diagnostics",
    "shock_growth",
    "shock_level_regression",
    "world_export_supply",
    "world_import_demand",
]
