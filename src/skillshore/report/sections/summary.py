"""The report's opening summary and its closing "Summary and conclusion", built from the
headline numbers (:mod:`skillshore.report.sections.headline`) and the stages' results."""

from __future__ import annotations

from typing import Any

from skillshore.report.builder import HeadlineRow, ReportBuilder
from skillshore.report.checks import interval_warnings


def synthetic_banner(name: str, data_dir: Any) -> str:
    """The banner of a run on a synthetic economy (its folder has ``truth.json``)."""
    return (
        f"SYNTHETIC DATA. This run used a synthetic economy ({name}; tables and truth.json in "
        f"{data_dir}), not the Danish registers. Its numbers test whether the code recovers "
        "parameters planted by the generator; they are not estimates for Denmark and are not "
        "comparable with the seed paper's published numbers shown beside them."
    )


def render_summary(rb: ReportBuilder, rows: list[HeadlineRow], synthetic: bool, years) -> None:
    y0, y1 = years
    text = [
        "This report reproduces the seed paper (Kim, Lee and Pozzoli 2025, 'Offshoring and "
        "Segregation by Skill') end to end: skills measured from education and training "
        f"titles, stylized facts on the matched employer-employee panel ({y0}-{y1}), the "
        "shift-share IV of offshoring on firms' average skills, and the matching model's "
        "estimates and counterfactuals. Headline numbers below (the same the command line "
        "prints); each section's tables and figures carry a note with their specification; "
        "terms are defined in the glossary at the end."
    ]
    if synthetic:
        text.append(
            "The data are synthetic: compare the numbers with the planted truth (the "
            "'Truth vs estimate' tables), not with the seed paper's column."
        )
    rb.summary(rows, text)


def render_conclusion(
    rb: ReportBuilder, rows: list[HeadlineRow], truth: Any, synthetic: bool
) -> None:
    """What the run supports, in plain sentences, with the caveats that apply."""
    out: list[str] = []
    iv = next((r for r in rows if r.name.startswith("IV high")), None)
    if iv is not None and iv.ci_low is not None:
        sig = iv.ci_low > 0 or iv.ci_high < 0
        out.append(
            f"Offshoring and skills: the main IV column (high-offshorable occupations) estimates "
            f"{iv.estimate:.4f} (95% CI {iv.ci_low:.4f}, {iv.ci_high:.4f}; N = {iv.n:,d}); "
            + (
                "the interval excludes zero, as the seed paper's 0.1491 (SE 0.0544) does."
                if sig
                else "the interval includes zero: this run does not reject no effect, whereas "
                "the seed paper's 0.1491 (SE 0.0544) is significant at 1%."
            )
        )
    else:
        out.append("Offshoring and skills: the main IV column could not be estimated.")
    flags = []
    for r in rows:
        if r.estimate is not None and (r.name.startswith(("Phi", "c_F ("))):
            flags += interval_warnings(r.name, r.estimate, r.ci_low, r.ci_high)
    est = [r for r in rows if r.name.startswith("Phi")]
    if est:
        out.append(
            "Structural model: "
            + "; ".join(f"{r.name} = {r.ours()}" for r in est)
            + " (the seed paper: Phi = 75.38 in 1996, 75.55 in 2006). "
            + (
                "Caveats: " + " ".join(flags)
                if flags
                else "The bootstrap intervals are of plausible width."
            )
        )
    else:
        out.append("Structural model: not estimated in this run (see section 5).")
    if synthetic and truth is not None and truth.structural is not None:
        cov = truth.structural.covers()
        n_yes = int((cov == True).sum().sum())  # noqa: E712 (None means no interval)
        n_all = int(cov.notna().sum().sum())
        miss = truth.structural.misses()
        text = (
            f"Recovery of the planted truth: {n_yes} of {n_all} structural intervals contain "
            "the planted parameter (the 'Truth vs estimate' table)."
        )
        if len(miss):
            by_year = ", ".join(f"{n} in {y}" for y, n in miss.groupby("year").size().items())
            same = int(miss["same_side"].sum())
            text += (
                f" Of the {len(miss)} misses ({by_year}), {same} err in the same direction on "
                "the generator's own skill cells and productivity (the 'true types' column): "
                "there the data depart from the model (the generator plants firm-level tilts "
                "of skill composition that the model does not have, docs/synth.md), which "
                "better measurement would not fix"
                + (
                    f"; the other {len(miss) - same} point to measurement of skills or "
                    "productivity."
                    if same < len(miss)
                    else "."
                )
            )
        out.append(text)
    if synthetic:
        out.append(
            "What this run supports: the code runs the whole study and its estimators behave "
            "as the planted truth says they should (or not, where flagged above). It says "
            "nothing about the Danish economy; run it on the registers (skillshore run "
            "--config study.toml) for that."
        )
    else:
        out.append(
            "What this run supports: the numbers above, with the caveats flagged; compare "
            "them with the seed paper's column of the summary."
        )
    rb.conclusion(out)
