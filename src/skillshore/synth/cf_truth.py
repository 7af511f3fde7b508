"""Counterfactuals of the estimated model against the synthetic economy's population truth
(issue 14, acceptance: "the counterfactual signs of the population truth are reproduced").

The truth is the generator's own markets of the year (:func:`truth_economy`)
under the same scenarios; the estimate is the study's
:class:`~skillshore.structural.counterfactuals.CounterfactualTable` (market by market, with
bootstrap intervals where it has them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.structural.counterfactuals import STATISTICS, CounterfactualTable, counterfactuals
from skillshore.structural.economy import MarketEconomy
from skillshore.synth.truth import market_equilibria

__all__ = ["CounterfactualTruth", "compare_counterfactuals", "truth_economy"]


@dataclass(frozen=True, eq=False)
class CounterfactualTruth(TableMixin):
    """Per statistic and scenario: the population's change, the estimated change with its
    interval, whether the signs agree and whether the interval covers the truth.

    ``stats`` columns: statistic, scenario, truth, estimate, lower, upper, same_sign, covers
    (numbers; ``covers`` NaN without an interval).
    """

    stats: pd.DataFrame
    year: int
    title: str = "Truth vs estimate: counterfactual changes"

    def to_frame(self) -> pd.DataFrame:
        df = self.stats.copy()
        df["statistic"] = df["statistic"].map(STATISTICS)
        return df.set_index(["statistic", "scenario"])

    @property
    def n_same_sign(self) -> int:
        return int(self.stats["same_sign"].sum())

    def summary(self) -> str:
        n = len(self.stats)
        return f"{self.title} ({self.year}): same sign in {self.n_same_sign} of {n}\n" + (
            self.to_frame().to_string()
        )


def compare_counterfactuals(
    out_dir: str | Path, table: CounterfactualTable, year: int, tol: float = 1e-10
) -> CounterfactualTruth:
    """The study's counterfactual changes against the population's (same scenarios).

    Parameters
    ----------
    out_dir : path
        The synthetic economy's folder (``truth.json``).
    table : CounterfactualTable
        The study's counterfactuals of ``year``.
    """
    truth = counterfactuals(truth_economy(out_dir, year), list(table.scenarios), tol=tol)
    t, e, ci = truth.change(), table.change(), table.conf_int()
    labels = {s.name: s.label for s in table.scenarios}
    rows = []
    for stat in e.index:
        for sc in e.columns:
            lo, hi = ci.loc[(stat, sc)]
            tv, ev = float(t.loc[stat, sc]), float(e.loc[stat, sc])
            rows.append(
                {
                    "statistic": stat,
                    "scenario": labels.get(sc, sc),
                    "truth": tv,
                    "estimate": ev,
                    "lower": lo,
                    "upper": hi,
                    "same_sign": bool(np.sign(tv) == np.sign(ev)),
                    "covers": float(lo <= tv <= hi) if np.isfinite(lo) else np.nan,
                }
            )
    return CounterfactualTruth(pd.DataFrame(rows), year)


def truth_economy(out_dir: str | Path, year: int, group: str = "high") -> MarketEconomy:
    """The synthetic economy's population markets of ``year`` (``group`` "high": the
    high-offshorable markets the pipeline estimates), rebuilt from ``truth.json``
    (:func:`skillshore.synth.truth.market_equilibria`), each market's masses scaled by its
    size in workers (all divided by the total)."""
    mk = market_equilibria(out_dir, year, group)
    size = np.array([float(d["market_size"]) for d in mk])
    share = size / size.sum()
    models = []
    for d, s in zip(mk, share, strict=True):
        m = d["equilibrium"].model
        kw = {"fbar_star": m.fbar_star * s} if m.fbar_star is not None else {}
        models.append(m.replace(fbar=m.fbar * s, gbar=m.gbar * s, **kw))
    c_F = [m.c_F for m in models]
    return MarketEconomy(tuple(models), tuple(d["industry"] for d in mk), float(np.median(c_F)))
