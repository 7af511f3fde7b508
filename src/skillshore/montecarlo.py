"""Monte Carlo of the shift-share IV on the synthetic economy (issue: empirical analysis).

Each replication draws a synthetic economy (:func:`skillshore.synth.generate`, its own
seed), runs the study's own stages on its raw tables (validation, skills from text or the
generator's true skills, baseline sample, narrow offshoring, Bartik instrument) and
estimates the seed's main column, "Average Cognitive Skills x 100" in high-offshorable
occupations on narrow offshoring from China instrumented by I_kt = sum_h s_hk0 WES_ht
(seed eq. 3), firm and sector x year fixed effects:

* 2SLS with firm-clustered standard errors (the seed's inference) and its Wald interval;
* the weak-IV-robust Anderson-Rubin confidence set (same clustering);
* the BHJ (2022) shock-level equivalent with exposure-robust (product-clustered) errors;
* OLS with the same fixed effects and clustering.

The target of every replication is the causal effect its generator recorded in
``truth.json`` (``effect_cognitive_x100_per_offshoring``: the 2SLS of the with-minus-
without-shock change in E(education-based cognitive skill | firm) on the change in
offshoring, with the study's instrument and fixed effects; ``docs/synth.md``). The
outcome is therefore the education-based ("invariant") skill by default: the generator's
static equilibria have no training channel, so the skills-after-training outcome has no
exact target (its estimates are reported with ``outcome="avg_cognitive"``).

Replications run in parallel on dask.distributed (:func:`skillshore._parallel.parallel_map`);
results depend only on the seeds, not on the number of workers.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError

__all__ = ["IVMonteCarlo", "iv_montecarlo", "iv_replication"]

METHODS = {
    "iv": "2SLS, firm-clustered Wald",
    "ar": "Anderson-Rubin set, firm-clustered",
    "bhj": "2SLS, exposure-robust (BHJ shock level)",
    "ols": "OLS, firm-clustered",
}
FE = ("firm_id", "sector_year")


def iv_replication(
    seed: int,
    *,
    scale: str = "tiny",
    settings: dict[str, Any] | None = None,
    skills: Literal["text", "truth"] = "text",
    outcome: str = "avg_cognitive_inv",
    level: float = 0.95,
) -> dict[str, Any]:
    """One replication: synthesize, run the study's stages, estimate (module docstring).

    Returns
    -------
    dict
        ``seed, truth``, and for each method ``<m>`` of :data:`METHODS` the estimate
        ``<m>``, its standard error ``<m>_se`` (not for ``ar``) and interval
        ``<m>_lo, <m>_hi`` (``ar``: the set's hull, with ``ar_covers``); the first-stage
        KP F ``kp_f``, the exposure-robust first-stage F ``bhj_f``, ``n_obs``, ``n_firms``.
    """
    import polars as pl

    from skillshore._compat import import_pyfixest
    from skillshore.config import load_config
    from skillshore.facts.stage import facts_stage
    from skillshore.offshoring import iv_regression, shock_level_regression
    from skillshore.offshoring.stage import firm_panel, shift_share_design
    from skillshore.skills import worker_skills
    from skillshore.skills.stage import SkillsResult, skills_stage
    from skillshore.synth import generate
    from skillshore.synth.params import SynthSettings
    from skillshore.tables.stage import validate_stage

    if skills not in ("text", "truth"):
        raise ModelInputError(f"skills must be 'text' or 'truth', got {skills!r}")
    with tempfile.TemporaryDirectory(prefix="skillshore-mc-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = Path(tmp)
        generate(d, scale=scale, seed=seed, settings=SynthSettings(**(settings or {})))
        truth = json.loads((d / "truth.json").read_text())["effect_cognitive_x100_per_offshoring"]
        cfg = load_config(d / "study.toml")
        tables = validate_stage(cfg)
        if skills == "text":
            sk = skills_stage(cfg, tables)
        else:
            codes = pl.read_parquet(d / "truth" / "catalog_truth.parquet").select(
                "code", "cognitive", "manual", "interpersonal"
            )
            sk = SkillsResult(None, codes, worker_skills(tables["workers"], codes))
        facts = facts_stage(cfg, tables, sk)
        high = (
            firm_panel(tables, facts, cfg)
            .data.filter(pl.col("occ_group") == "high")
            .drop_nulls([outcome, "off_china", "iv_china"])
        )
        design = shift_share_design(tables, high.select("industry", "year"), cfg)
        data = high.to_pandas()
        iv = iv_regression(data, outcome, "off_china", "iv_china", fe=FE, cluster="firm_id")
        ar = iv.ar_conf_set(level)
        bhj = shock_level_regression(design, data, outcome, "off_china", fe=FE, cluster="product")
        ols = import_pyfixest().feols(
            f"{outcome} ~ off_china | {' + '.join(FE)}", data=data, vcov={"CRV1": "firm_id"}
        )
    lo, hi = iv.conf_int(level).iloc[0].tolist()
    blo, bhi = bhj.conf_int(level).iloc[0].tolist()
    o_ci = ols.confint(alpha=1 - level).iloc[0].tolist()
    bounds = [b for iv_ in ar.intervals for b in iv_] if hasattr(ar, "intervals") else []
    t = float(truth["all"])
    return {
        "seed": int(seed),
        "truth": t,
        "iv": float(iv.params.iloc[0]),
        "iv_se": float(iv.std_errors.iloc[0]),
        "iv_lo": lo,
        "iv_hi": hi,
        "ar": float(iv.params.iloc[0]),
        "ar_lo": float(min(bounds)) if bounds else np.nan,
        "ar_hi": float(max(bounds)) if bounds else np.nan,
        "ar_covers": bool(ar.contains(t)),
        "ar_bounded": bool(ar.bounded),
        "bhj": float(bhj.params.iloc[0]),
        "bhj_se": float(bhj.std_errors.iloc[0]),
        "bhj_lo": float(blo),
        "bhj_hi": float(bhi),
        "ols": float(ols.coef().iloc[0]),
        "ols_se": float(ols.se().iloc[0]),
        "ols_lo": float(o_ci[0]),
        "ols_hi": float(o_ci[1]),
        "kp_f": float(iv.first_stage.kp_f),
        "bhj_f": float(bhj.first_stage_f),
        "n_obs": int(iv.nobs),
        "n_firms": int(data["firm_id"].nunique()),
    }


@dataclass(frozen=True)
class IVMonteCarlo(TableMixin):
    """Replications of :func:`iv_replication` (one row per seed in ``draws``)."""

    draws: pd.DataFrame
    scale: str
    skills: str
    outcome: str
    settings: dict[str, Any] = field(default_factory=dict)
    level: float = 0.95
    title: str = "Monte Carlo: shift-share IV on the synthetic economy"

    @property
    def n(self) -> int:
        return len(self.draws)

    def covers(self, method: str = "iv") -> pd.Series:
        """Whether each replication's interval contains its truth."""
        if method not in METHODS:
            raise ModelInputError(f"method must be one of {sorted(METHODS)}, got {method!r}")
        d = self.draws
        if method == "ar":
            return d["ar_covers"].astype(bool)
        return (d[f"{method}_lo"] <= d["truth"]) & (d["truth"] <= d[f"{method}_hi"])

    def coverage(self, method: str = "iv") -> float:
        """Share of replications whose ``level`` interval covers the truth."""
        return float(self.covers(method).mean())

    def coverage_interval(self, method: str = "iv", level: float = 0.95) -> tuple[float, float]:
        """Clopper-Pearson interval of the coverage rate (binomial over replications)."""
        k = int(self.covers(method).sum())
        a = 1 - level
        lo = stats.beta.ppf(a / 2, k, self.n - k + 1) if k > 0 else 0.0
        hi = stats.beta.ppf(1 - a / 2, k + 1, self.n - k) if k < self.n else 1.0
        return float(lo), float(hi)

    def bias(self, method: str = "iv") -> tuple[float, float]:
        """Mean of estimate - truth over replications and its standard error."""
        e = self.draws[method] - self.draws["truth"]
        return float(e.mean()), float(e.std(ddof=1) / np.sqrt(len(e)))

    def to_frame(self) -> pd.DataFrame:
        rows = {}
        for m, label in METHODS.items():
            e = self.draws[m] - self.draws["truth"]
            b, se = self.bias(m)
            lo, hi = self.coverage_interval(m)
            width = (self.draws[f"{m}_hi"] - self.draws[f"{m}_lo"]).replace(np.inf, np.nan)
            rows[label] = {
                "mean estimate": float(self.draws[m].mean()),
                "mean truth": float(self.draws["truth"].mean()),
                "mean bias": b,
                "t (bias = 0)": b / se if se > 0 else np.nan,
                "median bias": float(e.median()),
                "RMSE": float(np.sqrt((e**2).mean())),
                f"coverage ({self.level:.0%})": self.coverage(m),
                "coverage 95% CI": f"[{lo:.2f}, {hi:.2f}]",
                "median width": float(width.median()),
            }
        return pd.DataFrame(rows).T

    def summary(self) -> str:
        head = (
            f"{self.title}\n{self.n} replications, scale={self.scale}, skills={self.skills}, "
            f"outcome={self.outcome}, DGP settings={self.settings or 'default'}\n"
            f"median first-stage F: KP {self.draws['kp_f'].median():.1f}, "
            f"exposure-robust {self.draws['bhj_f'].median():.1f}"
        )
        return head + "\n" + self.to_frame().to_string(float_format=lambda v: f"{v:.4f}")


def iv_montecarlo(
    seeds: int | Iterable[int] = 50,
    *,
    scale: str = "tiny",
    settings: dict[str, Any] | None = None,
    skills: Literal["text", "truth"] = "text",
    outcome: str = "avg_cognitive_inv",
    level: float = 0.95,
    n_workers: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> IVMonteCarlo:
    """Monte Carlo of the study's IV over synthetic economies (module docstring).

    Parameters
    ----------
    seeds : int or iterable of int
        Generator seeds (an int ``n`` means ``1..n``).
    scale : {"tiny", "demo", "paper"}
        Size of each synthetic economy.
    settings : dict, optional
        :class:`skillshore.synth.SynthSettings` fields (for example ``{"kappa": 2.0}``).
    skills : {"text", "truth"}
        Skills from the catalog titles by the study's matcher (the full pipeline), or the
        generator's true skills (isolates the IV stage).
    outcome : str
        Firm-panel outcome column (default the education-based skill the truth refers to).
    level : float
        Confidence level of every interval.
    n_workers, scheduler, progress
        Parallel execution (:func:`skillshore._parallel.parallel_map`). The default, one
        worker, runs the replications in this process (safe in a plain script or a
        notebook); ``n_workers > 1`` starts worker processes, which a script must guard
        with ``if __name__ == "__main__":`` (the CLI does).

    Returns
    -------
    IVMonteCarlo
    """
    from skillshore._parallel import parallel_map

    seed_list = list(range(1, seeds + 1)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list:
        raise ModelInputError("iv_montecarlo needs at least one seed")
    fn = partial(
        iv_replication,
        scale=scale,
        settings=settings,
        skills=skills,
        outcome=outcome,
        level=level,
    )
    rows = parallel_map(
        fn,
        seed_list,
        n_workers=n_workers,
        scheduler=scheduler,
        progress="Monte Carlo (IV)" if progress else False,
        key="iv-mc",
    )
    return IVMonteCarlo(
        draws=pd.DataFrame(rows),
        scale=scale,
        skills=skills,
        outcome=outcome,
        settings=dict(settings or {}),
        level=level,
    )
