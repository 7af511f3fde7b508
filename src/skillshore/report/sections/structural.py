"""Section 4: structural estimation and counterfactuals."""

from __future__ import annotations

from typing import Any

from skillshore.report.builder import ReportBuilder
from skillshore.structural.stage import CounterfactualResult, StructuralResult


def render_structural(
    rb: ReportBuilder, st: StructuralResult, cf: CounterfactualResult, truth: Any
) -> None:
    from skillshore.structural import (
        plot_between_firm_wages,
        plot_firm_matching,
        plot_unemployment,
    )

    rb.section("4. Structural estimation and counterfactuals")
    rb.table("calibration", st.calibration, "Calibrated parameters")
    if st.estimates is None:
        rb.text(
            "Too few matched workers in high-offshorable occupations to estimate the model.",
            note=True,
        )
        for note in st.notes:
            rb.text(note, note=True)
        return
    rb.table("estimates", st.estimates, "Estimation results (95% bootstrap intervals)")
    rb.text(
        "Markets are 6-digit industries (high-offshorable occupations); Phi, lambda and the "
        "nu's are common, firms' margins are profiled and the offshoring cost shifts with "
        "the growth of China's export supply in the industry's products (docs/estimation.md).",
        note=True,
    )
    for note in (*st.notes, *(truth.notes if truth is not None else ())):
        rb.text(note, note=True)
    if truth is not None and truth.structural is not None:
        rb.table("structural_truth", truth.structural)
        rb.text(
            "Estimate: the study's (measured skill cells and productivity, the study's "
            "calibration, nu_y* = nu_x*); true types: the same estimator on the generator's "
            "skill cells and productivity percentiles with the economy's own calibration "
            "and planted nu_y* - nu_x* (point estimates). C*, c_F and nu_y* depend on that "
            "normalisation, which the data do not identify (docs/estimation.md).",
            note=True,
        )
    if cf.counterfactuals is None:
        return
    rb.table("counterfactuals", cf.counterfactuals, "Counterfactuals: wage inequality")
    rb.figure(
        "cf_between_firm_wages",
        plot_between_firm_wages(cf.counterfactuals),
        "Changes in between-firm wage inequality",
    )
    rb.figure(
        "cf_firm_matching", plot_firm_matching(cf.counterfactuals), "Changes in firms' matching"
    )
    rb.figure("cf_unemployment", plot_unemployment(cf.counterfactuals), "Changes in unemployment")
    if cf.decomposition is not None:
        rb.table("decomposition", cf.decomposition, "Globalization vs structural change")
    elif cf.decomposition_note:
        rb.text(f"Decomposition not computed: {cf.decomposition_note}", note=True)
