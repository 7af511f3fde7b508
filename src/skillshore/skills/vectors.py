"""Skill vectors from O*NET ratings (seed slide "Measurement: Worker Skill").

Three indices per occupation, from the 35 O*NET skills (grouping configurable):

* **cognitive**: basic content skills (Reading Comprehension, Active Listening, Writing,
  Speaking, Mathematics, Science), process skills (Critical Thinking, Active Learning,
  Learning Strategies, Monitoring), Complex Problem Solving, the analytical technical
  skills (Operations Analysis, Technology Design, Programming) and the systems skills
  (Judgment and Decision Making, Systems Analysis, Systems Evaluation);
* **manual**: the technical skills of operating and maintaining equipment (Equipment
  Selection, Installation, Operation Monitoring, Operation and Control, Equipment
  Maintenance, Troubleshooting, Repairing, Quality Control Analysis);
* **interpersonal**: the social skills (Social Perceptiveness, Coordination, Persuasion,
  Negotiation, Instructing, Service Orientation) and Management of Personnel Resources.

Each element's intensity is importance x level rescaled to [0, 1]
((IM - 1) / 4 x LV / 7); a group's raw score is the mean over its elements; the index
is the raw score's percentile rank among all rated O*NET occupations, in [0, 1]
(so that "average cognitive skills x 100" has the seed's scale, mean about 50).
"""

from __future__ import annotations

import polars as pl

from skillshore.skills.onet import OnetBundle, load_bundle

__all__ = ["DEFAULT_GROUPS", "occupation_skills", "SKILLS"]

SKILLS = ("cognitive", "manual", "interpersonal")

DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "cognitive": (
        "Reading Comprehension",
        "Active Listening",
        "Writing",
        "Speaking",
        "Mathematics",
        "Science",
        "Critical Thinking",
        "Active Learning",
        "Learning Strategies",
        "Monitoring",
        "Complex Problem Solving",
        "Operations Analysis",
        "Technology Design",
        "Programming",
        "Judgment and Decision Making",
        "Systems Analysis",
        "Systems Evaluation",
    ),
    "manual": (
        "Equipment Selection",
        "Installation",
        "Operation Monitoring",
        "Operation and Control",
        "Equipment Maintenance",
        "Troubleshooting",
        "Repairing",
        "Quality Control Analysis",
    ),
    "interpersonal": (
        "Social Perceptiveness",
        "Coordination",
        "Persuasion",
        "Negotiation",
        "Instructing",
        "Service Orientation",
        "Management of Personnel Resources",
    ),
}


def occupation_skills(
    bundle: OnetBundle | None = None, groups: dict[str, tuple[str, ...]] | None = None
) -> pl.DataFrame:
    """Cognitive, manual and interpersonal indices of every rated O*NET occupation.

    Parameters
    ----------
    bundle : OnetBundle, optional
        O*NET tables (default: the shipped bundle).
    groups : dict, optional
        Index name -> O*NET skill element names (default :data:`DEFAULT_GROUPS`).

    Returns
    -------
    polars.DataFrame
        ``onet_soc, title, isco, <index>...`` (indices in [0, 1], percentile ranks),
        plus ``<index>_raw`` (mean rescaled importance x level).
    """
    bundle = bundle or load_bundle()
    groups = groups or DEFAULT_GROUPS
    known = set(bundle.skills["element"].unique())
    for g, els in groups.items():
        bad = sorted(set(els) - known)
        if bad:
            raise ValueError(f"skill group {g!r} names unknown O*NET elements {bad}")
    sk = bundle.skills.with_columns(
        intensity=((pl.col("importance") - 1.0) / 4.0).clip(0, 1)
        * (pl.col("level") / 7.0).clip(0, 1)
    )
    parts = []
    for g, els in groups.items():
        parts.append(
            sk.filter(pl.col("element").is_in(list(els)))
            .group_by("onet_soc")
            .agg(pl.col("intensity").mean().alias(f"{g}_raw"))
        )
    out = parts[0]
    for p in parts[1:]:
        out = out.join(p, on="onet_soc", how="inner")
    n = out.height
    out = out.with_columns(
        [((pl.col(f"{g}_raw").rank("average") - 0.5) / n).alias(g) for g in groups]
    )
    occ = bundle.occupations.select("onet_soc", "title", "isco")
    return (
        occ.join(out, on="onet_soc", how="inner")
        .sort("onet_soc")
        .select("onet_soc", "title", "isco", *groups, *[f"{g}_raw" for g in groups])
    )
