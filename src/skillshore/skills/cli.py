"""The ``skillshore skills review`` command's work, outside the CLI module (issue 16)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from skillshore.skills.matcher import match_titles
from skillshore.skills.onet import load_bundle
from skillshore.skills.review import write_review

__all__ = ["review_command"]


def review_command(config: Path, out: Path | None, include_all: bool = False) -> tuple[Path, int]:
    """Match the study's catalog with its ``[skills]`` settings (existing overrides applied)
    and write the review CSV; returns the path and the number of titles listed."""
    from skillshore.config import load_config
    from skillshore.pipeline import validate_study

    cfg = load_config(config)
    frames = validate_study(cfg)
    sk = cfg.skills
    bundle = load_bundle(sk.onet_dir) if sk.onet_dir else load_bundle()
    overrides = None
    if sk.overrides and (cfg.root / sk.overrides).exists():
        overrides = pl.read_csv(cfg.root / sk.overrides, infer_schema=False)
    threshold = getattr(sk, "min_confidence", None)
    matches = match_titles(
        frames["catalog"],
        bundle,
        top_k=max(sk.top_k, 5),
        min_confidence=sk.min_score if threshold is None else threshold,
        overrides=overrides,
        semantic=sk.semantic,
    )
    path = write_review(matches, out or Path(config).parent / "skills_review.csv", include_all)
    n = pl.read_csv(path, infer_schema=False).height
    return path, n
