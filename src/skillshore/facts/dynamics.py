"""Stylized Fact 3: within-firm average skills over time, continuing workers vs new matches.

Seed, Fact 3: *"For high-offshorable occupations, the within-firm average of
cognitive and interpersonal skills increases while that of manual skills
decreases - the contribution of new matches increases over time."*

For each firm ``j`` and year ``t`` (workers of the chosen occupation group),
``m_jt`` is the mean skill of all workers, ``m^C_jt`` of continuing workers,
``m^N_jt`` of new matches and ``n_jt`` the share of new matches (see
:func:`skillshore.panel.match_status`). When every worker's status is known,

.. math:: m_{jt} = m^C_{jt} + n_{jt}\\,(m^N_{jt} - m^C_{jt}),

so ``contribution_new = m_jt - m^C_jt`` is the part of the firm's average due
to its new matches (zero for a firm without new matches). Each yearly number
is the average over firms of the firm-level quantity, with equal weights
(``weights="firms"``, default: with the balanced baseline sample the path is
within a fixed set of firms) or weighted by the number of workers behind it
(``weights="workers"``). Averages of ``m^C``, ``m^N`` and the contribution use
the firms where they are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import polars as pl

from skillshore._results import FrameTable, TableMixin
from skillshore.errors import DataValidationError
from skillshore.panel.aggregate import firm_group_means
from skillshore.panel.occupations import GROUP_LABELS

__all__ = ["SkillDynamics", "skill_dynamics"]


@dataclass(frozen=True, eq=False)
class SkillDynamics(TableMixin):
    """Fact 3 by year and skill.

    ``data`` columns: ``skill, year, n_firms, n_workers, mean_all,
    mean_continuing, mean_new, share_new, contribution_new``.
    """

    data: pl.DataFrame
    group: str
    weights: str
    title: str = "Fact 3: within-firm average skills, continuing workers vs new matches"

    def to_frame(self) -> pd.DataFrame:
        skills = self.data["skill"].unique(maintain_order=True).to_list()
        recs: dict[int, dict[str, object]] = {}
        for r in self.data.iter_rows(named=True):
            row = recs.setdefault(
                r["year"], {"Firms": r["n_firms"], "New-match share": r["share_new"]}
            )
            pre = f"{r['skill']}: " if len(skills) > 1 else ""
            row[pre + "all"] = r["mean_all"]
            row[pre + "continuing"] = r["mean_continuing"]
            row[pre + "new"] = r["mean_new"]
        df = pd.DataFrame.from_dict(recs, orient="index")
        df.index.name = GROUP_LABELS.get(self.group, self.group)
        return df

    def contribution(self) -> FrameTable:
        """Fact 3's "contribution of new matches" by year: ``m_jt - m^C_jt`` per skill
        (firm average; seed: it *increases over time*) and the new-match share."""
        d = self.data.to_pandas()
        wide = d.pivot(index="year", columns="skill", values="contribution_new")
        wide = wide[list(dict.fromkeys(d["skill"]))]
        wide.columns = [f"{s}: contribution of new matches" for s in wide.columns]
        share = d.groupby("year")["share_new"].first().rename("New-match share")
        frame = pd.concat([wide, share], axis=1)
        frame.index.name = "Year"
        return FrameTable(
            frame,
            f"Fact 3: contribution of new matches to the within-firm average skill, "
            f"{GROUP_LABELS.get(self.group, self.group)} occupations",
        )


def skill_dynamics(
    panel: pl.DataFrame,
    skills: Sequence[str] = ("cognitive", "manual", "interpersonal"),
    *,
    group: str = "high",
    weights: Literal["firms", "workers"] = "firms",
) -> SkillDynamics:
    """Fact 3: yearly within-firm average skills of all, continuing and new workers.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker panel from :func:`skillshore.panel.build_worker_panel`.
    skills : sequence of str
        Skill columns.
    group : str
        Occupation group (``"high"`` = high-offshorable, as in the seed) or ``"all"``.
    weights : {"firms", "workers"}
        Equal weight per firm, or weights by the number of workers behind each mean.

    Returns
    -------
    SkillDynamics
    """
    if weights not in ("firms", "workers"):
        raise DataValidationError(f"weights must be 'firms' or 'workers', got {weights!r}.")
    skills = tuple(skills)
    if not skills:
        raise DataValidationError("at least one skill column is required.")
    fm = firm_group_means(panel, skills).filter(pl.col("occ_group") == group)
    parts = []
    for s in skills:
        f = fm.select(
            "year",
            pl.col("n_workers"),
            pl.col("n_workers_cont"),
            pl.col("n_workers_new"),
            pl.col(s).alias("m"),
            pl.col(f"{s}_cont").alias("mc"),
            pl.col(f"{s}_new").alias("mn"),
            (pl.col("n_workers_new") / (pl.col("n_workers_cont") + pl.col("n_workers_new"))).alias(
                "share"
            ),
        ).with_columns(
            pl.when(pl.col("n_workers_cont") + pl.col("n_workers_new") == 0)
            .then(None)
            .when(pl.col("n_workers_new") == 0)
            .then(0.0)
            .otherwise(pl.col("m") - pl.col("mc"))
            .alias("contrib"),
        )
        if weights == "firms":
            w_all = w_c = w_n = w_k = pl.lit(1.0)
        else:
            w_all = pl.col("n_workers").cast(pl.Float64)
            w_c = pl.col("n_workers_cont").cast(pl.Float64)
            w_n = pl.col("n_workers_new").cast(pl.Float64)
            w_k = (pl.col("n_workers_cont") + pl.col("n_workers_new")).cast(pl.Float64)

        def wmean(x: str, w: pl.Expr) -> pl.Expr:
            ok = pl.col(x).is_not_null() & pl.col(x).is_not_nan() & (w > 0)
            return (pl.col(x) * w).filter(ok).sum() / w.filter(ok).sum()

        out = f.group_by("year").agg(
            pl.len().alias("n_firms"),
            pl.col("n_workers").sum().alias("n_workers"),
            wmean("m", w_all).alias("mean_all"),
            wmean("mc", w_c).alias("mean_continuing"),
            wmean("mn", w_n).alias("mean_new"),
            wmean("share", w_k).alias("share_new"),
            wmean("contrib", w_k).alias("contribution_new"),
        )
        parts.append(out.with_columns(pl.lit(s).alias("skill")))
    data = (
        pl.concat(parts)
        .select(
            "skill",
            "year",
            "n_firms",
            "n_workers",
            "mean_all",
            "mean_continuing",
            "mean_new",
            "share_new",
            "contribution_new",
        )
        .sort(["skill", "year"])
    )
    return SkillDynamics(data=data, group=group, weights=weights)
