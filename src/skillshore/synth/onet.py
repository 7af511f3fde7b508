"""The synthetic economy's own reader of O*NET occupation skills (its true skills).

The generator needs, for every rated O*NET occupation, its title, ISCO-08 code and
three skill indices (the seed's slide "Measurement: Worker Skill": cognitive, manual,
interpersonal). It reads them from the O*NET tables shipped with the package (the
Parquet bundle under ``skillshore/skills/data/onet``, read as data files) with its own
definition, :data:`TRUE_SKILL_GROUPS`, so that the truth it writes is computed from the
generator's own primitives and not by the estimator's code (issue 13: no import edge
``synth -> skills``). The definition is the study's default measurement (a skill's
intensity = importance x level rescaled to [0, 1], ``(IM - 1)/4 x LV/7``; a group's
raw score = the mean intensity over its elements; the index = the raw score's mid-rank
percentile among all rated occupations); ``tests/synth`` checks that it equals
``skillshore.skills.occupation_skills()`` exactly, so the planted skills are the ones a
perfect title match would measure.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

from skillshore.errors import SkillshoreError

__all__ = ["TRUE_SKILL_GROUPS", "onet_dir", "true_occupation_skills"]

#: O*NET skills (elements of the "Skills" domain) behind each true skill index.
TRUE_SKILL_GROUPS: dict[str, tuple[str, ...]] = {
    "cognitive": (
        "Reading Comprehension", "Active Listening", "Writing", "Speaking", "Mathematics",
        "Science", "Critical Thinking", "Active Learning", "Learning Strategies", "Monitoring",
        "Complex Problem Solving", "Operations Analysis", "Technology Design", "Programming",
        "Judgment and Decision Making", "Systems Analysis", "Systems Evaluation",
    ),
    "manual": (
        "Equipment Selection", "Installation", "Operation Monitoring", "Operation and Control",
        "Equipment Maintenance", "Troubleshooting", "Repairing", "Quality Control Analysis",
    ),
    "interpersonal": (
        "Social Perceptiveness", "Coordination", "Persuasion", "Negotiation", "Instructing",
        "Service Orientation", "Management of Personnel Resources",
    ),
}  # fmt: skip


def onet_dir() -> Path:
    """The shipped O*NET Parquet bundle (``occupations.parquet``, ``skills.parquet``)."""
    return Path(str(resources.files("skillshore"))) / "skills" / "data" / "onet"


@lru_cache(maxsize=1)
def true_occupation_skills() -> pl.DataFrame:
    """``onet_soc, title, isco, cognitive, manual, interpersonal`` (percentile indices in
    (0, 1)) and the raw scores ``<index>_raw``, one row per occupation rated in every element
    of :data:`TRUE_SKILL_GROUPS`, sorted by ``onet_soc``.

    Raises
    ------
    SkillshoreError
        If the bundle's files are missing or lack an element of the definition.
    """
    root = onet_dir()
    paths = {n: root / f"{n}.parquet" for n in ("occupations", "skills")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise SkillshoreError(f"synthetic economy: O*NET bundle files missing: {missing}")
    ratings = pl.read_parquet(paths["skills"])
    inten = ratings.select(
        "onet_soc",
        "element",
        intensity=((pl.col("importance") - 1.0) / 4.0).clip(0, 1)
        * (pl.col("level") / 7.0).clip(0, 1),
    )
    names = {e for items in TRUE_SKILL_GROUPS.values() for e in items}
    unknown = sorted(names - set(inten["element"].unique()))
    if unknown:
        raise SkillshoreError(f"{paths['skills']}: no ratings for O*NET skills {unknown}")
    inten = inten.filter(pl.col("element").is_in(list(names))).with_columns(
        item=pl.lit("skills:") + pl.col("element")
    )
    rated = inten.group_by("onet_soc").agg(pl.col("item").n_unique().alias("k"))
    keep = rated.filter(pl.col("k") == len(names))["onet_soc"]
    inten = inten.filter(pl.col("onet_soc").is_in(keep.implode()))
    out = None
    for g, items in TRUE_SKILL_GROUPS.items():
        s = (
            inten.filter(pl.col("item").is_in([f"skills:{it}" for it in items]))
            .group_by("onet_soc")
            .agg(pl.col("intensity").mean().alias(f"{g}_raw"))
        )
        out = s if out is None else out.join(s, on="onet_soc", how="inner")
    assert out is not None
    n = out.height
    out = out.with_columns(
        [((pl.col(f"{g}_raw").rank("average") - 0.5) / n).alias(g) for g in TRUE_SKILL_GROUPS]
    )
    occ = pl.read_parquet(paths["occupations"]).select("onet_soc", "title", "isco")
    return (
        occ.join(out, on="onet_soc", how="inner")
        .sort("onet_soc")
        .select(
            "onet_soc",
            "title",
            "isco",
            *TRUE_SKILL_GROUPS,
            *[f"{g}_raw" for g in TRUE_SKILL_GROUPS],
        )
    )
