"""Skill vectors of catalog codes and of workers, with the training update rule.

Rule (documented in docs/skills.md): a worker's skills are those of the occupation
matched to the highest education (``educ_code``); a completed training record
(``train_code``) updates each skill to the larger of the two (training adds skills,
never removes them). ``<skill>_invariant`` keeps the education-only value: the seed's
"invariant skills", which exclude skill updates.
"""

from __future__ import annotations

import polars as pl

from skillshore.skills.matcher import TitleMatches
from skillshore.skills.vectors import SKILLS

__all__ = ["code_skills", "worker_skills"]


def code_skills(matches: TitleMatches, occ_skills: pl.DataFrame) -> pl.DataFrame:
    """``code, onet_soc, score, flagged, cognitive, manual, interpersonal`` per catalog code."""
    return matches.best.select("code", "onet_soc", "score", "flagged").join(
        occ_skills.select("onet_soc", *SKILLS), on="onet_soc", how="left"
    )


def worker_skills(
    workers: pl.DataFrame, codes: pl.DataFrame, skills: tuple[str, ...] = SKILLS
) -> pl.DataFrame:
    """Add skill columns (and ``<skill>_invariant``) to the worker panel.

    Workers whose education code has no skill vector keep nulls (counted by the caller);
    no row is dropped.
    """
    e = codes.select("code", *skills).rename(
        {s: f"{s}_invariant" for s in skills} | {"code": "educ_code"}
    )
    t = codes.select("code", *skills).rename(
        {s: f"__t_{s}" for s in skills} | {"code": "train_code"}
    )
    out = workers.join(e, on="educ_code", how="left").join(t, on="train_code", how="left")
    out = out.with_columns(
        [pl.max_horizontal(f"{s}_invariant", f"__t_{s}").alias(s) for s in skills]
    )
    # a missing training skill leaves the education skill (max_horizontal ignores nulls)
    return out.drop([f"__t_{s}" for s in skills])
