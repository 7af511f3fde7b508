"""The whole report from a finished run: :func:`render_report` (what ``pipeline._report``
calls), so the order of the page lives here, not in the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillshore.report import sections
from skillshore.report.builder import ReportBuilder
from skillshore.report.sections.summary import (
    render_conclusion,
    render_summary,
    synthetic_banner,
)

__all__ = ["render_report"]


def render_report(study: Any, scorecard: Any = None, folder: Path | None = None) -> Path:
    """Render every stage's result of ``study`` (a :class:`skillshore.pipeline.Study`) into
    ``folder/report.html`` (default ``study.out_dir``) with its tables and figures; returns
    the HTML path.

    ``scorecard``: the seed findings scorecard (a table object with ``to_frame()``); ``None``
    shows a placeholder.
    """
    from skillshore import __version__

    cfg, r = study.config, study.results
    years = tuple(cfg.study.years)
    # the pipeline runs the truth stage exactly when the data folder has truth.json
    synthetic = r.get("truth") is not None
    tdir = cfg.tables["workers"].parent if synthetic else None
    rb = ReportBuilder(
        "Offshoring and Segregation by Skill: a replication of Kim, Lee and Pozzoli (2025)",
        meta=f"skillshore {__version__} · study '{cfg.study.name}' · years {years[0]}-{years[1]} "
        f"· random seed {cfg.study.seed}",
        synthetic=synthetic_banner(cfg.study.name, tdir) if synthetic else None,
    )
    truth = r.get("truth")
    rows = sections.headline_rows(r["iv"], r["structural"], r["counterfactuals"])
    render_summary(rb, rows, synthetic, years)
    rb.scorecard(scorecard)
    sections.render_data(rb, r["validate"], r["skills"], truth)
    sections.render_sample(rb, r)
    sections.render_facts(rb, r["facts"], years)
    sections.render_offshoring(rb, r["iv"], truth, years, tuple(cfg.study.base_years))
    sections.render_model(rb, r["model_illustration"])
    sections.render_structural(rb, r["structural"], r["counterfactuals"], truth)
    render_conclusion(rb, rows, truth, synthetic)
    return rb.write(study.out_dir if folder is None else folder)
