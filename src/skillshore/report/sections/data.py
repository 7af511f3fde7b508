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

    rb.section("1. Data and measurement").table("raw_tables", tables.description, "Raw tables")
    if skills.matches is not None:
        rb.table(
            "title_matching", skills.matches, "Matching education and training titles to O*NET"
        )
    n_missing = skills.workers.filter(pl.col("cognitive").is_null()).height
    if n_missing:
        rb.text(
            f"{n_missing} worker-years have no skill vector (their education code matched no "
            "rated occupation); they are left out of the facts.",
            note=True,
        )
    if truth is not None and truth.skills is not None:
        rb.table("skills_truth", truth.skills)
    if skills.wage_table is not None:
        rb.table("wage_table", skills.wage_table, "Skill measures and wages (log hourly wage)")
        if truth is not None and truth.wage is not None:
            rb.table("wage_truth", truth.wage)
    for note in skills.notes:
        rb.text(note, note=True)
    rb.text("Skill data: " + ATTRIBUTION)
