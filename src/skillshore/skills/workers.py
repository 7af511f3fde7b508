"""Skill vectors of catalog codes and of workers, with the training update rule.

Seed slides "Measurement: Worker Skill" (skills from *hfaudd*, the highest education, and
*erhaudd*, the highest completed training) and the IV tables' "invariant skills", which
exclude the skill updates.

Rule (``rule="max"``, default): a worker's skills start from the occupation matched to the
highest education (``educ_code``); a completed training record (``train_code``) updates each
skill to the larger of the education and the training value, so training adds skills and
never removes them. ``rule="mean"`` averages the two, ``rule="replace"`` takes the training
vector. A training code without a skill vector leaves the education skills unchanged.
``<skill>_invariant`` always keeps the education-only value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

from skillshore.errors import ConfigError, DataValidationError
from skillshore.skills.matcher import TitleMatches
from skillshore.skills.vectors import SKILLS

__all__ = ["code_skills", "worker_skills"]


def code_skills(
    matches: TitleMatches, occ_skills: pl.DataFrame, skills: Sequence[str] = SKILLS
) -> pl.DataFrame:
    """Skill vector of every catalog code from its best O*NET match.

    Returns
    -------
    polars.DataFrame
        ``code, onet_soc, score, flagged, <skills>...`` (nulls where the matched occupation
        has no ratings).
    """
    return matches.best.select("code", "onet_soc", "score", "flagged").join(
        occ_skills.select("onet_soc", *skills), on="onet_soc", how="left"
    )


def worker_skills(
    workers: pl.DataFrame,
    codes: pl.DataFrame,
    skills: Sequence[str] = SKILLS,
    rule: Literal["max", "mean", "replace"] = "max",
) -> pl.DataFrame:
    """Add skill columns (and ``<skill>_invariant``) to the worker panel.

    Parameters
    ----------
    workers : polars.DataFrame
        Needs ``educ_code``; ``train_code`` (nullable) is used when present.
    codes : polars.DataFrame
        ``code, <skills>...`` from :func:`code_skills`.
    skills : sequence of str
        Skill columns.
    rule : {"max", "mean", "replace"}
        How a training record updates the education skills (see module docstring).

    Returns
    -------
    polars.DataFrame
        ``workers`` plus ``<skill>`` and ``<skill>_invariant``; no row is dropped, workers
        whose education code has no vector keep nulls.
    """
    if rule not in ("max", "mean", "replace"):
        raise ConfigError(f"training update rule must be 'max', 'mean' or 'replace', got {rule!r}")
    if "educ_code" not in workers.columns:
        raise DataValidationError("workers: column 'educ_code' is required for worker skills")
    skills = tuple(skills)
    e = codes.select(
        pl.col("code").alias("educ_code"), *[pl.col(s).alias(f"{s}_invariant") for s in skills]
    )
    out = workers.join(e, on="educ_code", how="left")
    if "train_code" not in workers.columns:
        return out.with_columns([pl.col(f"{s}_invariant").alias(s) for s in skills])
    t = codes.select(
        pl.col("code").alias("train_code"), *[pl.col(s).alias(f"__t_{s}") for s in skills]
    )
    out = out.join(t, on="train_code", how="left")
    upd = []
    for s in skills:
        ed, tr = pl.col(f"{s}_invariant"), pl.col(f"__t_{s}")
        if rule == "max":
            new = pl.max_horizontal(ed, tr)  # max_horizontal skips nulls
        elif rule == "mean":
            new = (
                pl.when(tr.is_null()).then(ed).when(ed.is_null()).then(tr).otherwise((ed + tr) / 2)
            )
        else:
            new = pl.coalesce(tr, ed)
        upd.append(new.alias(s))
    return out.with_columns(upd).drop([f"__t_{s}" for s in skills])
