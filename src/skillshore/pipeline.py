"""The whole study as one function: :func:`run_study` (the CLI's ``skillshore run``).

This module only wires stages. Each stage lives in its own subpackage (``*/stage.py``),
declares the config sections, upstream stages and files it reads, and returns a frozen
dataclass; its cache key is derived from that declaration and its source
(:mod:`skillshore._cache`). Report sections live in :mod:`skillshore.report.sections`,
truth-vs-estimate comparisons on synthetic data in :mod:`skillshore.synth.compare`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillshore._cache import Stage, StageCache
from skillshore._versions import versions
from skillshore.config import StudyConfig, check_scheduler, load_config
from skillshore.facts.stage import facts_stage
from skillshore.matching.stage import illustration_stage
from skillshore.offshoring.stage import offshoring_stage
from skillshore.report import sections, write_json
from skillshore.skills.stage import skills_files, skills_stage
from skillshore.structural.stage import (
    counterfactual_numbers,
    counterfactual_stage,
    estimate_numbers,
    structural_files,
    structural_stage,
)
from skillshore.synth.compare import truth_dir, truth_files, truth_stage
from skillshore.synth.study import synthetic_study
from skillshore.tables.stage import table_files, validate_stage

__all__ = ["STAGES", "TRUTH", "Study", "run_study", "validate_study", "versions"]

_PACKAGES = "numpy scipy polars pyarrow pandas pyfixest matplotlib numba dask".split()

_SHIFTER = ("offshoring.source", "offshoring.home_country", "offshoring.raw_material_hs2")
STAGES: tuple[Stage, ...] = (
    Stage("validate", validate_stage, reads=("study",), files=table_files,
          message="validating raw tables"),
    Stage("skills", skills_stage, reads=("skills",), after=("validate",), files=skills_files,
          message="skills: matching catalog titles to O*NET and building skill vectors"),
    Stage("facts", facts_stage, reads=("study", "sample", "offshoring.high_offshorable_threshold"),
          after=("validate", "skills"),
          message="stylized facts: variance decompositions and within-firm skill dynamics"),
    Stage("iv", offshoring_stage, reads=("study", "offshoring"), after=("validate", "facts"),
          message="offshoring: narrow offshoring, shift-share instrument, IV regressions"),
    Stage("structural", structural_stage, reads=("study", "structural", *_SHIFTER),
          after=("validate", "facts", "skills"), files=structural_files, message="structural estimation"),
    Stage("counterfactuals", counterfactual_stage, reads=("counterfactuals",),
          after=("structural",), message="counterfactuals"),
    Stage("model_illustration", illustration_stage,
          message="model: illustration of equilibrium (seed's 2006 estimates)"),
)  # fmt: skip
"""The study's stages in run order."""

TRUTH = Stage(
    "truth", truth_stage, reads=("structural",),
    after=("skills", "iv", "structural", "counterfactuals"),
    files=truth_files, message="synthetic economy: truth vs estimate",
)  # fmt: skip
"""Run after :data:`STAGES` when the data are a synthetic economy (``truth.json``)."""


@dataclass
class Study:
    """Everything one run produced: each stage's result (by stage name), timings, outputs."""

    config: StudyConfig
    out_dir: Path
    results: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    report_path: Path | None = None
    cache: StageCache | None = None

    def summary(self) -> str:
        lines = [f"skillshore study '{self.config.study.name}' -> {self.out_dir}"]
        lines += [f"  {k}: {v}" for k, v in self.headline.items()]
        lines += [f"  stage {k}: {t:.1f} s" for k, t in self.timings.items()]
        if self.cache is not None and self.cache.reused:
            lines.append(f"  reused from the cache: {', '.join(self.cache.reused)}")
        if self.report_path:
            lines.append(f"  report: {self.report_path}")
        return "\n".join(lines)


def validate_study(config: StudyConfig | str | Path) -> dict:
    """Load and validate every raw table named by the config (raises DataValidationError)."""
    from skillshore.preflight import check_inputs

    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    return check_inputs(cfg)[0]


def _scorecard(results: dict[str, Any]) -> Any:
    """The seed findings scorecard of the run (:mod:`skillshore.report.scorecard`)."""
    from skillshore.report.scorecard import study_scorecard

    return study_scorecard(results)


def _report(study: Study, folder: Path) -> Path:
    """Render every stage's result into ``folder/report.html`` (:mod:`skillshore.report.render`)."""
    from skillshore.report.render import render_report

    return render_report(study, scorecard=study.results.get("scorecard"), folder=folder)


def run_study(
    config: StudyConfig | str | Path | None = None,
    *,
    out: str | Path | None = None,
    scale: str = "demo",
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    scheduler: str | None = None,
    on_stage: Callable[[str, str], None] | None = None,
) -> Study:
    """Run the whole study and write the report.

    Works from a plain script or a notebook: the bootstrap runs on threads in this
    process unless ``[structural] scheduler`` (or ``scheduler``) asks for processes.

    Parameters
    ----------
    config : StudyConfig, path, or None
        The study config; ``None`` runs on the embedded synthetic economy.
    out : path, optional
        Output folder (default: the config's ``[study] output``).
    scale : {"tiny", "demo", "paper"}
        Size of the synthetic economy (ignored with a config).
    seed : int, optional
        Seed of the synthetic economy and of every random step.
    progress : callable, optional
        Receives one line per stage (the CLI passes a rich console printer).
    force : bool
        Recompute every stage instead of reusing cached results in ``out/.cache``.

    The inputs are checked first (:func:`skillshore.preflight.check_inputs`); the outputs
    are written into a staging folder swapped in when the run completes, under a lock
    (:func:`skillshore._outdir.output_folder`): a failed run leaves the previous one.
    scheduler : str, optional
        ``"threads"``, ``"processes"`` or a Dask scheduler address for the bootstrap
        (default: the config's ``[structural] scheduler``).
    on_stage : callable, optional
        Called as ``on_stage(name, "start")`` and ``on_stage(name, "end")`` around each
        stage (``benchmarks/study.py``: time and memory per stage).

    Returns
    -------
    Study
    """
    from skillshore._outdir import output_folder
    from skillshore.preflight import check_inputs

    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    if scheduler is not None:
        check_scheduler(scheduler, "--scheduler")
    if config is not None:
        cfg = _with_scheduler(
            config if isinstance(config, StudyConfig) else load_config(config), scheduler
        )
        out_dir = Path(out) if out else (cfg.root / cfg.study.output)
        check_inputs(cfg, out=out_dir)  # every problem of the inputs, before any work
    else:
        out_dir = Path(out or "out")
    with output_folder(out_dir) as run:  # one run's files, swapped in when complete
        if config is None:
            t0 = time.perf_counter()
            cfg = synthetic_study(out_dir, scale, 0 if seed is None else seed, say, force)
            cfg = _with_scheduler(cfg, scheduler)
            timings["synth"] = time.perf_counter() - t0
        return _run(cfg, run, say, timings, force, on_stage)


def _with_scheduler(cfg: StudyConfig, scheduler: str | None) -> StudyConfig:
    s = cfg.structural if scheduler is None else replace(cfg.structural, scheduler=scheduler)
    return replace(cfg, structural=s)


def _run(cfg: StudyConfig, run: Any, say: Callable[[str], None], timings: dict[str, float],
         force: bool, on_stage: Callable[[str, str], None] | None) -> Study:  # fmt: skip
    """The stages, the report and results.json, written into the run's staging folder."""
    out_dir = run.target
    cache = StageCache(out_dir / ".cache", force=force)
    study = Study(config=cfg, out_dir=out_dir, timings=timings, cache=cache)
    stages = STAGES + ((TRUTH,) if truth_dir(cfg) is not None else ())
    for st in stages:
        t = time.perf_counter()
        say(st.message)
        if on_stage:
            on_stage(st.name, "start")
        study.results[st.name] = cache.run(st, cfg, study.results)
        if on_stage:
            on_stage(st.name, "end")
        timings[st.name] = time.perf_counter() - t
    if cache.reused:
        say(f"reused from the cache: {', '.join(cache.reused)}")
    r = study.results
    r["tables"] = data = r["validate"].description
    study.headline["worker-years"] = data.rows.get("workers", 0)
    study.headline["firm-years"] = data.rows.get("firms", 0)
    if r["skills"].matches is not None:
        study.headline["title match coverage"] = round(r["skills"].matches.coverage, 4)
    t = time.perf_counter()
    say("writing the report")
    r["scorecard"] = _scorecard(r)
    study.report_path = out_dir / _report(study, run.staging).relative_to(run.staging)
    timings["report"] = time.perf_counter() - t
    study.headline.update(sections.headline(r["iv"], r["structural"], r["counterfactuals"]))
    write_json(
        run.staging / "results.json",
        {
            "run": run.stamp(cfg.tables),
            "headline": study.headline,
            "scorecard": r["scorecard"].to_dict() if r["scorecard"] is not None else None,
            "estimates": sections.headline_numbers(r["iv"], r["structural"], r["counterfactuals"]),
            "iv_tables": sections.iv_numbers(r["iv"]),
            "counterfactuals": counterfactual_numbers(r["counterfactuals"]),
            "sample": sections.sample_accounting(r).to_dict(),
            "config": cfg.to_dict(),
            "versions": versions(),
            "timings_s": timings,
            "stages_run": cache.ran,
            "stages_reused": cache.reused,
            "structural": estimate_numbers(
                r["structural"], getattr(getattr(r.get("truth"), "structural", None), "truth", None)
            ),
        },
    )
    return study
