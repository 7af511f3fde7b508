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

import numpy as np
import pandas as pd
import polars as pl

from skillshore._results import FrameTable, TableMixin
from skillshore.config import StudyConfig
from skillshore.errors import DataValidationError, SkillshoreError
from skillshore.offshoring.stage import OffshoringResult
from skillshore.skills import SKILLS
from skillshore.skills.stage import SkillsResult
from skillshore.structural.counterfactuals import STATISTICS, CounterfactualTable, counterfactuals
from skillshore.structural.economy import MarketEconomy
from skillshore.structural.markets import MarketSample
from skillshore.structural.stage import CounterfactualResult, StructuralResult
from skillshore.structural.synthetic import synthetic_truth
from skillshore.synth.truth import market_equilibria

__all__ = [
    "CounterfactualTruth",
    "TruthComparisons",
    "compare_counterfactuals",
    "population_sample",
    "truth_dir",
    "truth_economy",
    "truth_files",
    "truth_stage",
]


@dataclass(frozen=True)
class TruthComparisons:
    """Each comparison the economy's truth supports (None where it does not)."""

    skills: FrameTable | None = None
    wage: FrameTable | None = None
    iv: FrameTable | None = None
    structural: object | None = None  # structural.synthetic.TruthComparison
    counterfactuals: object | None = None  # CounterfactualTruth
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


# --- counterfactuals of the estimated model against the population truth (issue 14:
# "the counterfactual signs of the population truth are reproduced"): the generator's own
# markets of the year (truth_economy) under the same scenarios; the estimate is the study's
# CounterfactualTable (market by market, with bootstrap intervals where it has them).


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

    def display_frame(self) -> pd.DataFrame:
        """:meth:`to_frame` with ``same_sign`` and ``covers`` as yes/no (empty: no interval)."""
        df = self.to_frame()
        df["same_sign"] = np.where(df["same_sign"].astype(bool), "yes", "no")
        df["covers"] = [
            "" if not np.isfinite(v) else ("yes" if v else "no") for v in df["covers"].to_numpy()
        ]
        return df

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


#: The masses of :func:`population_sample`: column of ``truth/matches.parquet``.
POPULATION_MASSES = {"model": "expected_model", "planted": "expected", "drawn-from": "draw_mean"}


def population_sample(
    out_dir: str | Path,
    year: int,
    masses: str = "model",
    shares_from_f0: bool = False,
) -> MarketSample:
    """Every (skill cell, firm) of every high-offshorable market of ``year`` with its
    population mass, the model's wage, each firm's offshored mass and the market's shock.

    The markets are the generator's equilibria rebuilt from ``truth.json``
    (:func:`skillshore.synth.truth.market_equilibria`); the shifter is the shock,
    (c_F - c_F,k) / lambda, so its slope is 1. ``masses``: ``"model"`` the equilibria's
    M pi (the estimator returns truth.json's parameters on it); ``"planted"`` the masses
    the generator draws around without the confounder (the planted effect of offshoring
    and Fact 2's firm tilt); ``"drawn-from"`` the multinomial's means, with the
    confounder's tilt too (``truth/matches.parquet``: ``expected_model``, ``expected``,
    ``draw_mean``; docs/estimation.md, "The acceptance as written"). ``shares_from_f0``:
    the worker types' population shares from the matches and the equilibria's
    unemployed (the pipeline's way, :meth:`MarketSample.type_shares`) instead of equal.
    """
    if masses not in POPULATION_MASSES:
        raise DataValidationError(f"masses must be one of {sorted(POPULATION_MASSES)}")
    d = Path(out_dir)
    mks = market_equilibria(d, year)
    tv = synthetic_truth(d, year)
    table = None
    if masses != "model":
        mt = pl.read_parquet(d / "truth" / "matches.parquet").filter(
            (pl.col("year") == year) & (pl.col("group") == "high")
        )
        col = POPULATION_MASSES[masses]
        table = {(int(f), int(c)): v for f, c, v in mt.select("firm_id", "cell", col).iter_rows()}
    xs, firm, w, wage, fy, fm, off, z = [], [], [], [], [], [], [], []
    unemployed, n = 0.0, 0
    for k, mk in enumerate(mks):
        eq, M = mk["equilibrium"], mk["market_size"]
        m = eq.model
        C, J = m.x.shape[0], m.y.shape[0]
        ci, cj = np.meshgrid(np.arange(C), np.arange(J), indexing="ij")
        if table is None:
            mass = M * eq.pi
        else:
            ids = [int(f) for f in mk["firm_id"]]
            mass = np.array([[table[(ids[j], c)] for j in range(J)] for c in range(C)])
        xs.append(m.x[ci.ravel()])
        firm.append(n + cj.ravel())
        w.append(mass.ravel())
        wage.append(eq.wages().ravel())
        fy.append(m.y)
        fm.append(np.full(J, k))
        off.append(M * eq.pi_star.sum(axis=0))
        z.append((tv["c_F"] - m.c_F) / tv["lambda"])  # = kappa x the demeaned growth
        unemployed = unemployed + M * eq.f0
        n += J
    zz = np.array(z)[:, None]
    x_types = mks[0]["equilibrium"].model.x
    ne = dict(nonemployed_x=x_types, nonemployed_weights=unemployed) if shares_from_f0 else {}
    return MarketSample(
        x=np.concatenate(xs),
        firm=np.concatenate(firm),
        weights=np.concatenate(w),
        wage=np.concatenate(wage),
        firm_y=np.concatenate(fy),
        firm_market=np.concatenate(fm),
        firm_offshored=np.concatenate(off),
        shifters=zz if np.ptp(zz) > 0 else None,
        shifter_names=("z",),
        n_worker_types=x_types.shape[0],
        **ne,
    )
