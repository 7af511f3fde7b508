"""The facts stage: the seed's baseline sample, the worker panel and stylized facts 1-3
(seed slides "Data Sources" and "Stylized Facts")."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from skillshore.config import StudyConfig
from skillshore.facts.dynamics import SkillDynamics
from skillshore.facts.variance import BetweenFirmShare, VarianceDecomposition
from skillshore.panel.accounting import SampleAccounting, panel_accounting
from skillshore.panel.sample import BaselineSample
from skillshore.skills.stage import SkillsResult
from skillshore.tables.stage import RawTables

__all__ = ["FactsResult", "facts_stage"]


@dataclass(frozen=True)
class FactsResult:
    """Baseline sample, worker panel (high/low offshorable groups), the facts it supports
    (None where the panel is too thin), the worker-years without a skill vector, and the
    rows each restriction dropped (worker-years, firm-years, occupation groups)."""

    sample: BaselineSample
    panel: pl.DataFrame
    no_skill_rows: int
    fact1: VarianceDecomposition | None = None
    fact2: BetweenFirmShare | None = None
    fact3: SkillDynamics | None = None
    accounting: SampleAccounting | None = None

    @property
    def panel_rows(self) -> int:
        return self.panel.height


def facts_stage(cfg: StudyConfig, validate: RawTables, skills: SkillsResult) -> FactsResult:
    """Baseline sample (``[sample]``, ``[study] years``), worker panel (``[offshoring]
    high_offshorable_threshold``) and stylized facts 1-3."""
    from skillshore.facts import between_firm_share, skill_dynamics, within_between
    from skillshore.panel import baseline_sample, build_worker_panel

    sample = baseline_sample(
        validate["firms"],
        cfg.study.years,
        sectors=cfg.sample.manufacturing_sectors,
        classification=cfg.sample.classification,
        min_employees=cfg.sample.min_employees,
        continuous=cfg.sample.continuous_firms,
    )
    workers = skills.workers.drop_nulls(["cognitive", "manual", "interpersonal"])
    panel = build_worker_panel(
        workers,
        sample,
        validate["offshorability"],
        threshold=cfg.offshoring.high_offshorable_threshold,
    )
    dropped = skills.workers.height - workers.height
    acc = panel_accounting(workers, dropped, validate["firms"], sample, panel)
    if panel.height == 0:
        return FactsResult(sample, panel, dropped, accounting=acc)
    facts: dict = {"fact1": within_between(panel), "accounting": acc}
    if panel.filter(pl.col("occ_group").is_not_null()).height:
        for key, fn in (("fact2", between_firm_share), ("fact3", skill_dynamics)):
            res = fn(panel)
            if len(res.to_frame()):  # too few workers per firm-cell or firm leave it empty
                facts[key] = res
    return FactsResult(sample, panel, dropped, **facts)
