"""The report's sections, one module per stage of the study (each renders a stage's result
into a :class:`~skillshore.report.ReportBuilder`), the headline numbers, the opening summary
and the closing conclusion."""

from skillshore.report.sections.data import render_data
from skillshore.report.sections.facts import render_facts
from skillshore.report.sections.headline import (
    headline,
    headline_numbers,
    headline_rows,
    iv_numbers,
)
from skillshore.report.sections.model import render_model
from skillshore.report.sections.offshoring import render_offshoring
from skillshore.report.sections.sample import render_sample, sample_accounting
from skillshore.report.sections.structural import render_structural

__all__ = [
    "headline",
    "headline_numbers",
    "headline_rows",
    "iv_numbers",
    "render_data",
    "render_facts",
    "render_model",
    "render_offshoring",
    "render_sample",
    "render_structural",
    "sample_accounting",
]
