"""The ``skillshore skills review`` command's work, outside the CLI module (issue 16)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from skillshore.config import StudyConfig
from skillshore.skills.matcher import match_titles
from skillshore.skills.onet import load_bundle
from skillshore.skills.review import write_review

__all__ = ["review_command"]


def review_command(
    cfg: StudyConfig, catalog: pl.DataFrame, out: Path | None, include_all: bool = False
) -> tuple[Path, int]:
    """Match the study's (validated) catalog with its ``[skills]`` settings (existing
    overrides applied) and write the review CSV; returns the path and the number of titles
    listed. Paths of the config resolve against its folder."""
    sk = cfg.skills
    bundle = load_bundle(cfg.path(sk.onet_dir)) if sk.onet_dir else load_bundle()
    overrides = None
    if sk.overrides and cfg.path(sk.overrides).exists():
        overrides = pl.read_csv(cfg.path(sk.overrides), infer_schema=False)
    matches = match_titles(
        catalog,
        bundle,
        top_k=max(sk.top_k, 5),
        min_confidence=sk.min_confidence,
        overrides=overrides,
        semantic=sk.semantic,
    )
    path = write_review(matches, out or cfg.root / "skills_review.csv", include_all)
    n = pl.read_csv(path, infer_schema=False).height
    return path, n
