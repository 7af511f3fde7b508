"""Section 4: the model's illustration of equilibrium (the seed paper's 2006 estimates)."""

from __future__ import annotations

from skillshore._results import FrameTable
from skillshore.matching.stage import Illustration
from skillshore.report.builder import ReportBuilder

CAPTIONS = {
    "offshoring_prob_by_firm": "Probability of offshoring is higher for high-type firms.",
    "matched_quality_by_firm": "Average quality of domestic matches improves with offshoring.",
    "wage_along_c_f": "Average wage falls as offshoring becomes cheaper.",
}

_PRESET = (
    "Model solved at the seed paper's 2006 estimates (Phi = 75.55, lambda = 37.56, C = 207.90, "
    "C* = 119.94, nu's as published) and calibration, on quantile-normalised scalar types, by "
    "log-domain IPFP (margin error below 1e-9), along a path of offshoring costs c_F = C - C* "
    "from the estimated 87.96 to zero. No data of this run enter this section. "
)
NOTES = {
    "offshoring_prob_by_firm": _PRESET + "Share of each firm type's matches that are "
    "offshored, %, one line per c_F.",
    "matched_quality_by_firm": _PRESET + "Average skill quantile of the domestic workers a firm "
    "type hires, shown as the change from the estimated c_F (lines at the same level overlap "
    "otherwise).",
    "wage_along_c_f": _PRESET + "Average wage of domestic matches, % change from its value "
    "at the estimated c_F (the level changes by about 1%).",
}


def render_model(rb: ReportBuilder, illus: Illustration) -> None:
    from skillshore.matching.figures import illustration_figures

    rb.section("4. Model: illustration of equilibrium")
    rb.table(
        "model_illustration",
        FrameTable(illus.frame.rename_axis(None)),
        _PRESET + "Rows: c_F. Wages in DKK per hour (the seed paper's units); E(x | matched): "
        "average skill quantile of matched domestic workers; rates as shares; IPFP sweeps and "
        "margin error of the solver.",
        "Equilibrium along the offshoring cost c_F",
    )
    for name, fig in illustration_figures(illus.path).items():
        rb.figure(name, fig, NOTES[name], CAPTIONS[name])
