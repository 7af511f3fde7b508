"""The skills stage (seed slide "Measurement: Worker Skill"): catalog titles -> O*NET
occupations -> skill vectors -> each worker-year's skills, and the seed's wage table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from skillshore.config import StudyConfig
from skillshore.errors import ConfigError, SkillshoreError
from skillshore.skills.matcher import TitleMatches
from skillshore.skills.wages import WageTable
from skillshore.tables.stage import RawTables

__all__ = ["SkillsResult", "skills_stage", "skills_files"]


@dataclass(frozen=True)
class SkillsResult:
    """Title matches (None when skills come from elsewhere, e.g. a generator's truth), skill
    vectors by education/training code, worker-years with skills, the wage table."""

    matches: TitleMatches | None
    codes: pl.DataFrame
    workers: pl.DataFrame
    wage_table: WageTable | None = None
    notes: tuple[str, ...] = ()


def skills_files(cfg: StudyConfig) -> list[Path]:
    """O*NET data (the configured folder or the shipped bundle) and the overrides table."""
    from skillshore.skills.onet import BUNDLE_DIR

    files = [cfg.path(cfg.skills.onet_dir) if cfg.skills.onet_dir else BUNDLE_DIR]
    if cfg.skills.overrides:
        files.append(cfg.path(cfg.skills.overrides))
    return files


def skills_stage(cfg: StudyConfig, validate: RawTables) -> SkillsResult:
    """Match catalog titles to O*NET, build skill vectors and each worker's skills (config
    ``[skills]``; paths relative to the config file)."""
    from skillshore.skills import (
        code_skills,
        load_bundle,
        match_titles,
        occupation_skills,
        wage_table,
        worker_skills,
    )

    s = cfg.skills
    onet = cfg.path(s.onet_dir) if s.onet_dir else None
    if onet is not None and not onet.is_dir():
        raise ConfigError(f"{cfg.source}: [skills] onet_dir {onet} is not a folder.")
    bundle = load_bundle(onet)
    overrides = None
    if s.overrides:
        path = cfg.path(s.overrides)
        if not path.is_file():
            raise ConfigError(f"{cfg.source}: [skills] overrides file {path} not found.")
        overrides = pl.read_csv(path, infer_schema=False)
    matches = match_titles(
        validate["catalog"],
        bundle,
        top_k=s.top_k,
        min_confidence=s.min_confidence,
        overrides=overrides,
        semantic=s.semantic,
    )
    codes = code_skills(matches, occupation_skills(bundle))
    workers = worker_skills(validate["workers"], codes)
    notes: list[str] = []
    wages = None
    try:  # the seed's wage table (slide "Skill Measures and Wages")
        wages = wage_table(
            workers.drop_nulls(["cognitive", "manual", "interpersonal", "hourly_wage"])
        )
    except SkillshoreError as err:
        notes.append(f"wage table: not estimated ({err})")
    return SkillsResult(matches, codes, workers, wages, tuple(notes))
