"""Section 2b: offshoring, the shift-share IV, its diagnostics and exposure-robust column."""

from __future__ import annotations

from typing import Any

from skillshore.offshoring.stage import OffshoringResult
from skillshore.report.builder import ReportBuilder


def render_offshoring(rb: ReportBuilder, iv: OffshoringResult, truth: Any) -> None:
    rb.section("2b. Regression analysis: offshoring and the shift-share IV")
    for name, table in iv.tables.items():
        rb.table(f"iv_{name}", table)
        for note in getattr(table, "notes", ()):
            rb.text(note, note=True)
    if iv.shock_diagnostics is not None:
        rb.table(
            "shock_diagnostics",
            iv.shock_diagnostics,
            "Validity of the Bartik-type instrument (shock-level diagnostics)",
        )
    if iv.exposure_robust is not None:
        rb.table("iv_exposure_robust", iv.exposure_robust)
    if iv.rotemberg is not None:
        rb.table("rotemberg_weights", iv.rotemberg, "Rotemberg weights of the top products")
    for note in iv.notes:
        rb.text(note, note=True)
    if truth is not None and truth.iv is not None:
        rb.table("iv_truth", truth.iv)
