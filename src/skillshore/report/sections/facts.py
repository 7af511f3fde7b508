"""Section 2: the baseline sample and stylized facts 1-3."""

from __future__ import annotations

from skillshore._results import FrameTable
from skillshore.facts.stage import FactsResult
from skillshore.report.builder import ReportBuilder


def render_facts(rb: ReportBuilder, facts: FactsResult) -> None:
    from skillshore.facts import (
        plot_between_firm_share,
        plot_skill_dynamics,
        plot_variance_decomposition,
    )

    rb.table("baseline_sample", facts.sample, "Baseline sample")
    rb.section("2. Stylized facts")
    if facts.fact1 is None:
        rb.text("The baseline sample is empty: no stylized facts.", note=True)
        return
    rb.table("fact1_variance", facts.fact1, "Fact 1: within- and between-cell skill variance")
    rb.figure("fact1_variance", plot_variance_decomposition(facts.fact1), "Fact 1 (seed eq. 1)")
    if facts.fact2 is not None:
        rb.table(
            "fact2_between_firm",
            FrameTable(
                facts.fact2.compact("share_kss"),
                "Fact 2: between-firm share of within-cell skill variance, % "
                "(leave-one-out corrected; – where fewer than 30 workers)",
            ),
        )
        rb.figure(
            "fact2_between_firm",
            plot_between_firm_share(facts.fact2),
            "Fact 2 (seed eq. 2), bias-corrected",
        )
    if facts.fact3 is not None:
        rb.table(
            "fact3_dynamics",
            facts.fact3,
            "Fact 3: within-firm average skills, high-offshorable occupations",
        )
        rb.figure(
            "fact3_dynamics",
            plot_skill_dynamics(facts.fact3),
            "Fact 3: continuing workers and new matches",
        )
