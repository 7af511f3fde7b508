"""Section 2: the baseline sample and stylized facts 1-3."""

from __future__ import annotations

from skillshore._results import FrameTable
from skillshore.facts.stage import FactsResult
from skillshore.report import export
from skillshore.report.builder import ReportBuilder

_SAMPLE = (
    "Worker-years of the baseline sample (manufacturing firms present in every year with at "
    "least 10 employees), skills from education and training titles (section 1). "
)


def render_facts(rb: ReportBuilder, facts: FactsResult, years: tuple[int, int]) -> None:
    from skillshore.facts import (
        plot_between_firm_share,
        plot_skill_dynamics,
        plot_variance_decomposition,
    )

    y0, y1 = years
    rb.section("2. Stylized facts")
    rb.table(
        "baseline_sample",
        facts.sample,
        f"Firms kept at each step of the seed paper's sample rules, {y0}-{y1}: manufacturing "
        "(NACE sectors 10-33), operating in every year, at least 10 employees in every year. "
        "Each row counts the firms left after the rule.",
        "Baseline sample",
    )
    if facts.fact1 is None:
        rb.omitted("Stylized facts 1-3", "the baseline sample is empty.")
        return
    rb.table(
        "fact1_variance",
        export.group_columns(facts.fact1.to_frame(), ": "),
        _SAMPLE + "Fact 1 (the seed paper's eq. 1): the total variance of each skill measure "
        "split into within- and between-cell parts, cells = industry x occupation x education; unweighted; "
        "units: skill units squared.",
        "Fact 1: within- and between-cell skill variance",
    )
    rb.figure(
        "fact1_variance",
        plot_variance_decomposition(facts.fact1),
        _SAMPLE + "Within- and between-cell variance of each skill by year, all occupations "
        "(one panel per skill).",
        "Fact 1: skill variance within and between cells",
    )
    if facts.fact2 is not None:
        frame = FrameTable(facts.fact2.compact("share_kss")).to_frame()
        rb.table(
            "fact2_between_firm",
            export.group_columns(frame, ": "),
            _SAMPLE + "Fact 2 (the seed paper's eq. 2): between-firm share of the within-cell "
            "variance of each skill, %, by occupation group (High = high-offshorable; Low (H) "
            "/ Low (M/L) = low-offshorable, high / medium-low skill), KSS leave-one-out "
            "corrected (a corrected share can be slightly negative when the true share is "
            "near zero); empty where a group has fewer than 30 workers.",
            "Fact 2: between-firm share of within-cell skill variance, %",
        )
        rb.figure(
            "fact2_between_firm",
            plot_between_firm_share(facts.fact2),
            _SAMPLE + "Between-firm share of within-cell variance by year and occupation "
            "group, KSS corrected; the thin grey line is the uncorrected (plug-in) share of "
            "all workers.",
            "Fact 2: between-firm share of within-cell variance",
        )
    else:
        rb.omitted(
            "Fact 2",
            "empty: no occupation groups, or too few workers per firm and cell for the "
            "leave-one-out correction.",
        )
    if facts.fact3 is not None:
        rb.table(
            "fact3_dynamics",
            export.group_columns(facts.fact3.to_frame(), ": "),
            _SAMPLE + "Fact 3: within-firm average skills in high-offshorable occupations by "
            "year, for all workers, continuing workers (same firm as the year before) and new "
            "matches; unweighted means over firms; units: skill index.",
            "Fact 3: within-firm average skills, high-offshorable occupations",
        )
        rb.figure(
            "fact3_dynamics",
            plot_skill_dynamics(facts.fact3),
            _SAMPLE + "Within-firm average skill of all workers, continuing workers and new "
            "matches, high-offshorable occupations.",
            "Fact 3: continuing workers and new matches",
        )
        from skillshore.facts.figures import plot_new_match_contribution

        rb.table(
            "fact3_contribution",
            facts.fact3.contribution(),
            _SAMPLE + "The contribution of new matches to the within-firm average skill: the "
            "firm's average over all workers minus its average over continuing workers, by "
            "year and skill (the seed paper: it increases over time for cognitive and "
            "interpersonal skills), and the share of new matches among the firm's workers.",
            "Fact 3: contribution of new matches",
        )
        rb.figure(
            "fact3_contribution",
            plot_new_match_contribution(facts.fact3),
            _SAMPLE + "Contribution of new matches to the within-firm average skill by year "
            "(all workers minus continuing workers), high-offshorable occupations.",
            "Fact 3: contribution of new matches over time",
        )
    else:
        rb.omitted(
            "Fact 3", "no firm-years with high-offshorable workers in two consecutive years."
        )
