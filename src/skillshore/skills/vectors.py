"""Skill vectors of O*NET occupations (seed slide "Measurement: Worker Skill").

Three indices per occupation, cognitive, manual and interpersonal, each from a group of
O*NET descriptors. The default grouping (:data:`DEFAULT_GROUPS`) uses the 35 O*NET skills
shipped in the bundle:

* **cognitive** (17): the basic content skills (Reading Comprehension, Active Listening,
  Writing, Speaking, Mathematics, Science), the process skills (Critical Thinking, Active
  Learning, Learning Strategies, Monitoring), Complex Problem Solving, the analytical
  technical skills (Operations Analysis, Technology Design, Programming) and the systems
  skills (Judgment and Decision Making, Systems Analysis, Systems Evaluation);
* **manual** (8): the technical skills of setting up, running and fixing equipment
  (Equipment Selection, Installation, Operation Monitoring, Operation and Control, Equipment
  Maintenance, Troubleshooting, Repairing, Quality Control Analysis);
* **interpersonal** (7): the social skills (Social Perceptiveness, Coordination, Persuasion,
  Negotiation, Instructing, Service Orientation) and Management of Personnel Resources.

The resource-management skills Time Management, Management of Financial Resources and
Management of Material Resources are in no group. :data:`EXTENDED_GROUPS` adds abilities and
work activities of a full O*NET release (``"domain:Element Name"``).

Combination and scale: an element's intensity is importance x level rescaled to [0, 1],
``(IM - 1)/4 x LV/7``; a group's raw score (``<index>_raw``) is the mean intensity over its
elements; the index is then, with ``scale="percentile"`` (default), the raw score's mid-rank
percentile among all rated occupations, in (0, 1) with mean 0.5 (so "average cognitive
skills x 100" reads on the seed's 0-100 scale); ``"zscore"`` standardises the raw score
(mean 0, sd 1) and ``"raw"`` keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import polars as pl

from skillshore.errors import ConfigError
from skillshore.skills.onet import OnetBundle, load_bundle

__all__ = ["DEFAULT_GROUPS", "EXTENDED_GROUPS", "SKILLS", "occupation_skills", "element_intensity"]

SKILLS: tuple[str, ...] = ("cognitive", "manual", "interpersonal")

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

EXTENDED_GROUPS: dict[str, tuple[str, ...]] = {
    "cognitive": DEFAULT_GROUPS["cognitive"]
    + (
        "abilities:Deductive Reasoning",
        "abilities:Inductive Reasoning",
        "abilities:Mathematical Reasoning",
        "abilities:Written Comprehension",
        "work_activities:Analyzing Data or Information",
        "work_activities:Thinking Creatively",
        "work_activities:Processing Information",
    ),
    "manual": DEFAULT_GROUPS["manual"]
    + (
        "abilities:Manual Dexterity",
        "abilities:Finger Dexterity",
        "abilities:Arm-Hand Steadiness",
        "abilities:Control Precision",
        "work_activities:Handling and Moving Objects",
        "work_activities:Controlling Machines and Processes",
        "work_activities:Repairing and Maintaining Mechanical Equipment",
    ),
    "interpersonal": DEFAULT_GROUPS["interpersonal"]
    + (
        "work_activities:Establishing and Maintaining Interpersonal Relationships",
        "work_activities:Assisting and Caring for Others",
        "work_activities:Selling or Influencing Others",
        "work_activities:Resolving Conflicts and Negotiating with Others",
        "work_activities:Coordinating the Work and Activities of Others",
    ),
}

_NAMED = {"default": DEFAULT_GROUPS, "extended": EXTENDED_GROUPS}


def _split(item: str) -> tuple[str, str]:
    domain, sep, name = item.partition(":")
    return (domain.strip(), name.strip()) if sep else ("skills", item.strip())


def element_intensity(bundle: OnetBundle, domain: str = "skills") -> pl.DataFrame:
    """``onet_soc, element, intensity``: importance x level rescaled to [0, 1] for one domain."""
    t = bundle.ratings(domain)
    return t.select(
        "onet_soc",
        "element",
        intensity=((pl.col("importance") - 1.0) / 4.0).clip(0, 1)
        * (pl.col("level") / 7.0).clip(0, 1),
    )


def _resolve(grouping: Mapping[str, Sequence[str]] | str | None) -> dict[str, tuple[str, ...]]:
    if grouping is None:
        return dict(DEFAULT_GROUPS)
    if isinstance(grouping, str):
        if grouping not in _NAMED:
            raise ConfigError(f"unknown skill grouping {grouping!r}; use one of {sorted(_NAMED)}")
        return dict(_NAMED[grouping])
    if not grouping:
        raise ConfigError("skill grouping is empty")
    return {str(k): tuple(v) for k, v in grouping.items()}


def occupation_skills(
    bundle: OnetBundle | None = None,
    grouping: Mapping[str, Sequence[str]] | Literal["default", "extended"] | None = None,
    scale: Literal["percentile", "zscore", "raw"] = "percentile",
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Cognitive, manual and interpersonal indices of every rated O*NET occupation.

    Parameters
    ----------
    bundle : OnetBundle, optional
        O*NET tables (default: the shipped bundle).
    grouping : mapping or {"default", "extended"}, optional
        Index name -> O*NET element names; ``"domain:Element"`` names another rating domain
        (abilities, knowledge, work_activities), a bare name is a skill. Default
        :data:`DEFAULT_GROUPS`; ``"extended"`` is :data:`EXTENDED_GROUPS` (full release only).
    scale : {"percentile", "zscore", "raw"}
        Scale of the indices (see module docstring).
    groups : mapping, optional
        Older spelling of ``grouping``.

    Returns
    -------
    polars.DataFrame
        ``onet_soc, title, isco, <index>..., <index>_raw...``, one row per occupation rated in
        every domain the grouping uses, sorted by ``onet_soc``.
    """
    bundle = bundle or load_bundle()
    grouping = _resolve(grouping if grouping is not None else groups)
    if scale not in ("percentile", "zscore", "raw"):
        raise ConfigError(f"scale must be 'percentile', 'zscore' or 'raw', got {scale!r}")
    by_domain: dict[str, set[str]] = {}
    for items in grouping.values():
        for it in items:
            d, n = _split(it)
            by_domain.setdefault(d, set()).add(n)
    parts = []
    for domain, names in by_domain.items():
        inten = element_intensity(bundle, domain)
        bad = sorted(names - set(inten["element"].unique()))
        if bad:
            raise ConfigError(f"skill grouping names unknown O*NET {domain} elements {bad}")
        parts.append(
            inten.filter(pl.col("element").is_in(list(names))).with_columns(
                item=pl.lit(domain + ":") + pl.col("element")
            )
        )
    inten = pl.concat(parts)
    rated = inten.group_by("onet_soc").agg(pl.col("item").n_unique().alias("k"))
    need = sum(len(v) for v in by_domain.values())
    keep = rated.filter(pl.col("k") == need)["onet_soc"]
    inten = inten.filter(pl.col("onet_soc").is_in(keep.implode()))
    out = None
    for g, items in grouping.items():
        keys = [":".join(_split(it)) for it in items]
        s = (
            inten.filter(pl.col("item").is_in(keys))
            .group_by("onet_soc")
            .agg(pl.col("intensity").mean().alias(f"{g}_raw"))
        )
        out = s if out is None else out.join(s, on="onet_soc", how="inner")
    n = out.height
    if scale == "percentile":
        idx = [((pl.col(f"{g}_raw").rank("average") - 0.5) / n).alias(g) for g in grouping]
    elif scale == "zscore":
        idx = [
            ((pl.col(f"{g}_raw") - pl.col(f"{g}_raw").mean()) / pl.col(f"{g}_raw").std()).alias(g)
            for g in grouping
        ]
    else:
        idx = [pl.col(f"{g}_raw").alias(g) for g in grouping]
    out = out.with_columns(idx)
    occ = bundle.occupations.select("onet_soc", "title", "isco")
    return (
        occ.join(out, on="onet_soc", how="inner")
        .sort("onet_soc")
        .select("onet_soc", "title", "isco", *grouping, *[f"{g}_raw" for g in grouping])
    )
