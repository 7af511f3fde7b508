"""Section 1: data and measurement (raw tables, title matching, skills, the wage table)."""

from __future__ import annotations

from typing import Any

import polars as pl

from skillshore.report.builder import ReportBuilder
from skillshore.skills.stage import SkillsResult
from skillshore.tables.stage import RawTables


def render_data(rb: ReportBuilder, tables: RawTables, skills: SkillsResult, truth: Any) -> None:
    """Raw tables, title matches and the wage table; ``truth`` (a synthetic economy's
    comparisons, or None) adds the truth-vs-estimate tables."""
    from skillshore.skills import ATTRIBUTION

    rb.section("1. Data and measurement").table(
        "raw_tables",
        tables.description,
        "Each raw table named by the study config, after validation against its schema "
        "(docs/data.md): rows, years covered and the units it describes. Nothing is dropped "
        "at this stage; an invalid table stops the run with one line per problem.",
        "Raw tables",
    )
    if skills.matches is not None:
        rb.table(
            "title_matching",
            skills.matches,
            "Education and training titles of the catalog matched to O*NET occupations "
            "(text similarity, docs/skills.md); coverage is the share of worker-years whose "
            "title found a rated occupation. Skill data: " + ATTRIBUTION,
            "Matching education and training titles to O*NET",
        )
    else:
        rb.omitted("Title matching", "the config gives skill vectors directly (no catalog).")
    n_missing = skills.workers.filter(pl.col("cognitive").is_null()).height
    if n_missing:
        rb.text(
            f"{n_missing} worker-years have no skill vector (their education code matched no "
            "rated occupation); they are left out of the facts.",
            note=True,
        )
    if truth is not None and truth.skills is not None:
        rb.table(
            "skills_truth",
            truth.skills,
            "Synthetic economy only: the title matcher's choices compared with the "
            "generator's planted occupation of each title (truth.json).",
        )
    if skills.wage_table is not None:
        rb.table(
            "wage_table",
            skills.wage_table,
            "Five nested OLS regressions of the log hourly wage (the seed paper's 'Wage "
            "Regression with Skill Measures'): (1) education years, experience and its square; "
            "(2) adds the cognitive, manual and interpersonal skill measures; (3) year fixed "
            "effects; (4) occupation (4-digit ISCO-08) fixed effects; (5) region fixed effects. "
            "All worker-years of the panel with the variables a column needs; unweighted; SEs "
            "clustered by person in parentheses; stars: *** p < 0.01, ** p < 0.05, * p < 0.1.",
            "Skill measures and wages (log hourly wage)",
        )
        if truth is not None and truth.wage is not None:
            rb.table(
                "wage_truth",
                truth.wage,
                "Synthetic economy only: the wage equation's skill coefficients next to the "
                "generator's direct skill effects (truth.json).",
            )
    else:
        rb.omitted("Wage table", "not estimated (the reason is in the note below).")
    for note in skills.notes:
        rb.text(note, note=True)
