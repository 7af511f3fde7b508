"""Section 3: the model's illustration of equilibrium (seed's 2006 estimates)."""

from __future__ import annotations

from skillshore._results import FrameTable
from skillshore.matching.stage import Illustration
from skillshore.report.builder import ReportBuilder

CAPTIONS = {
    "offshoring_prob_by_firm": "Probability of offshoring is higher for high-type firms.",
    "matched_quality_by_firm": "Average quality of domestic matches improves with offshoring.",
    "wage_along_c_f": "Average wage falls as offshoring becomes cheaper.",
}


def render_model(rb: ReportBuilder, illus: Illustration) -> None:
    from skillshore.matching.figures import illustration_figures

    rb.section("3. Model: illustration of equilibrium")
    rb.text(
        "The seed's 2006 estimates (Phi = 75.55, lambda = 37.56, C = 207.90, C* = 119.94) on "
        "quantile-normalised types, solved by log-domain IPFP along a path of offshoring costs "
        "c_F = C - C* from its estimated value to zero."
    )
    rb.table("model_illustration", FrameTable(illus.frame, "Equilibrium along the offshoring cost"))
    for name, fig in illustration_figures(illus.path).items():
        rb.figure(name, fig, CAPTIONS[name])
