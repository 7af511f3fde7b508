"""The "Sample" table: rows in, dropped and out at each restriction of the study
(:mod:`skillshore.panel.accounting`), assembled from the stages' results."""

from __future__ import annotations

from typing import Any

from skillshore.panel.accounting import (
    SampleAccounting,
    iv_accounting,
    structural_accounting,
)
from skillshore.report.builder import ReportBuilder

__all__ = ["render_sample", "sample_accounting"]


def sample_accounting(results: dict[str, Any]) -> SampleAccounting:
    """The run's accounting: the facts stage's worker-years, firm-years and occupation
    groups, the main IV table's columns (pyfixest's missing values and singletons), and
    each structural year's sample (``results.json["sample"]``)."""
    facts, iv, st = results.get("facts"), results.get("iv"), results.get("structural")
    return SampleAccounting.concat(
        [
            getattr(facts, "accounting", None),
            iv_accounting(iv.tables) if iv is not None else None,
            structural_accounting(getattr(st, "samples", None) or {}),
        ]
    )


def render_sample(rb: ReportBuilder, results: dict[str, Any]) -> None:
    """The Sample table with its note (in the data section)."""
    acc = sample_accounting(results)
    if not acc.steps:
        rb.omitted("Sample", "no stage recorded a restriction (the panel is empty).")
        return
    rb.table(
        "sample",
        acc,
        "Every restriction of the study in the order it is applied, by population (the unit "
        "counted): rows in, rows dropped, rows out (rows out = rows in - dropped; a "
        "population's first line is its starting count). Worker-years and firm-years go "
        "from the raw tables to the baseline sample of firms (seed slide 'Data Sources': "
        "manufacturing firms operating in every study year with at least the minimum "
        "employment; a firm's rows are counted under the first rule that drops it); the "
        "worker panel is then split by occupational offshorability. For each column of the "
        "main IV table: the firm-years passed to pyfixest, those with a missing value, and "
        "the singleton fixed-effect groups pyfixest drops (a firm-year alone in its firm or "
        "sector-year group carries no information once the fixed effects are absorbed), "
        "down to the column's N. For each structural year: the panel's worker-years down to "
        "the high-offshorable workers passed to the estimator, and the market cells (6-digit "
        "industries) and firms they fall in.",
        "Sample",
    )
