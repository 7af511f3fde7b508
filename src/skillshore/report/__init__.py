"""The report stage: atomic output files, tables, figures and ``report.html``."""

from skillshore.report.builder import ReportBuilder
from skillshore.report.io import atomic_path, write_json, write_text

__all__ = ["ReportBuilder", "atomic_path", "write_json", "write_text"]
