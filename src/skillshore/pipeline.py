"""The whole study as one function: :func:`run_study` (the CLI's ``skillshore run``).

This module only wires stages. Each stage lives in its own subpackage (``*/stage.py``),
declares the config sections, upstream stages and files it reads, and returns a frozen
dataclass; its cache key is derived from that declaration and its source
(:mod:`skillshore._cache`). Report sections live in :mod:`skillshore.report.sections`,
truth-vs-estimate comparisons on synthetic data in :mod:`skillshore.synth.compare`.
"""

from __future__ import annotations

import dataclasses
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from skillshore import __version__
from skillshore._cache import Stage, StageCache
from skillshore._source import source_digest
from skillshore.config import StudyConfig, check_scheduler, load_config
from skillshore.facts.stage import facts_stage
from skillshore.matching.stage import illustration_stage
from skillshore.offshoring.stage import offshoring_stage
from skillshore.report import sections, write_json
from skillshore.skills.stage import skills_files, skills_stage
from skillshore.structural.stage import counterfactual_stage, structural_files, structural_stage
from skillshore.synth.compare import truth_dir, truth_files, truth_stage
from skillshore.tables.stage import table_files, validate_stage

__all__ = ["STAGES", "TRUTH", "Study", "run_study", "validate_study", "versions"]

_PACKAGES = (
    "numpy",
    "scipy",
    "polars",
    "pyarrow",
    "pandas",
    "pyfixest",
    "matplotlib",
    "numba",
    "dask",
)

STAGES: tuple[Stage, ...] = (
    Stage("validate", validate_stage, reads=("study",), files=table_files,
          message="validating raw tables"),
    Stage("skills", skills_stage, reads=("skills",), after=("validate",), files=skills_files,
          message="skills: matching catalog titles to O*NET and building skill vectors"),
    Stage("facts", facts_stage, reads=("study", "sample", "offshoring"),
          after=("validate", "skills"),
          message="stylized facts: variance decompositions and within-firm skill dynamics"),
    Stage("iv", offshoring_stage, reads=("study", "offshoring"), after=("validate", "facts"),
          message="offshoring: narrow offshoring, shift-share instrument, IV regressions"),
    Stage("structural", structural_stage, reads=("study", "offshoring", "structural"),
          after=("validate", "facts"), files=structural_files, message="structural estimation"),
    Stage("counterfactuals", counterfactual_stage, reads=("counterfactuals",),
          after=("structural",), message="counterfactuals"),
    Stage("model_illustration", illustration_stage,
          message="model: illustration of equilibrium (seed's 2006 estimates)"),
)  # fmt: skip
"""The study's stages in run order."""

TRUTH = Stage(
    "truth", truth_stage, reads=("structural",), after=("skills", "iv", "structural"),
    files=truth_files, message="synthetic economy: truth vs estimate",
)  # fmt: skip
"""Run after :data:`STAGES` when the data are a synthetic economy (``truth.json``)."""


def versions() -> dict[str, str]:
    """Versions of Python, skillshore and its main dependencies (for reproducibility)."""
    out = {"python": platform.python_version(), "skillshore": __version__}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


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
    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    return dict(validate_stage(STAGES[0].view(cfg)).frames)


def _synth_config(
    out: Path, scale: str, seed: int, progress: Callable[[str], None], force: bool = False
) -> StudyConfig:
    """Write (or reuse: same scale, seed and generator source) the synthetic economy under
    ``out/data`` and return its config."""
    import json

    from skillshore.synth import generate

    data_dir = out / "data"
    stamp = data_dir / ".synth.json"
    want = {"scale": scale, "seed": seed, "source": source_digest(["skillshore.synth"])}
    toml = data_dir / "study.toml"
    if not force and toml.exists() and stamp.exists() and json.loads(stamp.read_text()) == want:
        cfg = load_config(toml)
        if all(p is None or p.exists() for p in cfg.tables.values()):
            progress(f"reusing the {scale} synthetic economy (seed {seed}) in {data_dir}")
            return cfg
    progress(f"synthesizing the {scale} economy (seed {seed}) into {data_dir}")
    generate(data_dir, scale=scale, seed=seed)
    write_json(stamp, want)
    return load_config(toml)


def _report(study: Study) -> Path:
    """Render every stage's result into ``report.html`` (:mod:`skillshore.report.render`)."""
    from skillshore.report.render import render_report

    return render_report(study)


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
    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if config is None:
        out_dir = Path(out or "out")
        cfg = _synth_config(out_dir, scale, 0 if seed is None else seed, say, force)
        timings["synth"] = time.perf_counter() - t0
    else:
        cfg = config if isinstance(config, StudyConfig) else load_config(config)
        out_dir = Path(out) if out else (cfg.root / cfg.study.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    if scheduler is not None:
        check_scheduler(scheduler, "--scheduler")
        cfg = dataclasses.replace(
            cfg, structural=dataclasses.replace(cfg.structural, scheduler=scheduler)
        )
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
    study.report_path = _report(study)
    timings["report"] = time.perf_counter() - t
    study.headline.update(sections.headline(r["iv"], r["structural"], r["counterfactuals"]))
    write_json(
        out_dir / "results.json",
        {
            "headline": study.headline,
            "estimates": sections.headline_numbers(r["iv"], r["structural"], r["counterfactuals"]),
            "iv_tables": sections.iv_numbers(r["iv"]),
            "config": cfg.to_dict(),
            "versions": versions(),
            "timings_s": timings,
            "stages_run": cache.ran,
            "stages_reused": cache.reused,
        },
    )
    return study
