"""Truth vs estimate on a synthetic economy (``skillshore synth`` output): the generator's
planted values beside what the study's stages recovered.

The only module of :mod:`skillshore.synth` the estimation side's results meet, and the
only one that may import the estimation stages: estimation never imports the generator.
Used by the pipeline's ``truth`` stage when the workers table has a ``truth.json`` beside
it; reads the planted values from the files, never from the generator's code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl

from skillshore._results import FrameTable
from skillshore.config import StudyConfig
from skillshore.errors import SkillshoreError
from skillshore.offshoring.stage import OffshoringResult
from skillshore.skills import SKILLS
from skillshore.skills.stage import SkillsResult
from skillshore.structural.stage import CounterfactualResult, StructuralResult

__all__ = ["TruthComparisons", "truth_dir", "truth_files", "truth_stage"]


@dataclass(frozen=True)
class TruthComparisons:
    """Each comparison the economy's truth supports (None where it does not)."""

    skills: FrameTable | None = None
    wage: FrameTable | None = None
    iv: FrameTable | None = None
    structural: object | None = None  # structural.synthetic.TruthComparison
    counterfactuals: object | None = None  # synth.cf_truth.CounterfactualTruth
    notes: tuple[str, ...] = ()


def truth_dir(cfg: StudyConfig) -> Path | None:
    """The folder of a synthetic economy's ``truth.json`` beside the workers table, or None."""
    workers = cfg.tables.get("workers")
    if workers is None or not (workers.parent / "truth.json").exists():
        return None
    return workers.parent


def truth_files(cfg: StudyConfig) -> list[Path]:
    d = truth_dir(cfg)
    return [] if d is None else [d / "truth.json", d / "truth" / "catalog_truth.parquet"]


def _skills_truth(skills: SkillsResult, d: Path) -> FrameTable | None:
    path = d / "truth" / "catalog_truth.parquet"
    if not path.exists() or skills.matches is None:
        return None
    t = pl.read_parquet(path).select(
        "code",
        pl.col("onet_soc").alias("true_soc"),
        *[pl.col(s).alias(f"true_{s}") for s in SKILLS],
    )
    j = skills.codes.join(t, on="code")
    rows = {"top-1 accuracy of the title matcher": float((j["onet_soc"] == j["true_soc"]).mean())}
    top = skills.matches.top.join(t.select("code", "true_soc"), on="code")
    rows["top-5 accuracy"] = float(
        top.group_by("code")
        .agg((pl.col("onet_soc") == pl.col("true_soc")).any())["onet_soc"]
        .mean()
    )
    for s in SKILLS:
        rows[f"corr(recovered, true) {s}"] = float(j.select(pl.corr(s, f"true_{s}")).item())
    return FrameTable(
        pd.DataFrame({"value": rows}), "Truth vs estimate: skills (synthetic economy)"
    )


def _wage_truth(skills: SkillsResult, truth: dict) -> FrameTable | None:
    coef = truth.get("dgp", {}).get("wage_coefficients")
    if not coef or skills.wage_table is None:
        return None
    return FrameTable(
        skills.wage_table.compare(coef).to_frame(),
        "Truth vs estimate: wage equation (the DGP's direct skill effects; "
        "the equilibrium wage adds to the cognitive coefficient)",
    )


def _iv_truth(offshoring: OffshoringResult, truth: dict) -> FrameTable | None:
    tab = offshoring.tables.get("productivity")
    target = truth.get("effect_cognitive_x100_per_offshoring")
    if tab is None or not target:
        return None
    rows = {}
    # the DGP's target is the effect on education-based (invariant) skill: the static
    # equilibrium has no training channel (docs/synth.md, "Truth")
    for label, res, key in zip(
        ("All", "Low productivity", "High productivity"),
        tab.columns[3:6],
        ("all", "low_productivity", "high_productivity"),
        strict=False,
    ):
        lo, hi = res.conf_int().iloc[0].tolist()
        ar = res.ar_conf_set()
        rows[label] = {
            "truth (DGP)": target[key],
            "IV estimate": float(res.params.iloc[0]),
            "95% CI low": lo,
            "95% CI high": hi,
            "covers": "yes" if lo <= target[key] <= hi else "no",
            "AR 95% set": str(ar),
            "AR covers": "yes" if ar.contains(target[key]) else "no",
        }
    return FrameTable(
        pd.DataFrame(rows).T,
        "Truth vs estimate: effect of offshoring on average cognitive skill x 100 "
        "(invariant skills, high-offshorable occupations)",
    )


def truth_stage(
    cfg: StudyConfig,
    skills: SkillsResult,
    iv: OffshoringResult,
    structural: StructuralResult,
    counterfactuals: CounterfactualResult | None = None,
) -> TruthComparisons:
    """Every truth-vs-estimate comparison of a synthetic economy (``[structural]
    lambda_x_share`` for the structural estimator rerun on the true types; the estimated
    counterfactuals against the same scenarios solved on the generator's own markets)."""
    d = truth_dir(cfg)
    if d is None:
        return TruthComparisons()
    truth = json.loads((d / "truth.json").read_text())
    notes: list[str] = []
    st = None
    if structural.estimates is not None:
        from skillshore.structural.synthetic import compare_with_truth

        try:
            st = compare_with_truth(
                d, structural.estimates.estimates, cfg.structural.lambda_x_share
            )
        except SkillshoreError as err:
            notes.append(f"truth vs estimate not available ({err})")
    cft = None
    table = counterfactuals.counterfactuals if counterfactuals is not None else None
    if table is not None and structural.estimates is not None:
        from skillshore.synth.cf_truth import compare_counterfactuals

        last = max(structural.estimates.estimates)
        try:
            cft = compare_counterfactuals(d, table, last)
        except SkillshoreError as err:
            notes.append(f"counterfactuals vs the population truth not available ({err})")
    return TruthComparisons(
        counterfactuals=cft,
        skills=_skills_truth(skills, d),
        wage=_wage_truth(skills, truth),
        iv=_iv_truth(iv, truth),
        structural=st,
        notes=tuple(notes),
    )
