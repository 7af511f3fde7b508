"""Wage regression with skill measures (seed slide "Measurement: Worker Skill", table
"Wage Regression with Skill Measures").

Five nested OLS regressions of the log hourly wage, estimated with pyfixest, standard errors
clustered by ``cluster`` (default the person):

1. education (years) + experience + experience squared;
2. (1) + cognitive, manual and interpersonal skills;
3. (2) + year fixed effects;
4. (3) + occupation (4-digit ISCO-08) fixed effects;
5. the full set: (4) + region fixed effects.

Each column uses the worker-years with every variable it needs; N and R-squared are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from skillshore._results import FrameTable, TableMixin, fmt_coef, fmt_num, fmt_se
from skillshore.errors import DataValidationError, ModelInputError
from skillshore.skills.vectors import SKILLS

__all__ = ["WageTable", "wage_table", "WAGE_SPECS"]

_BASE = ("educ_years", "experience", "experience_sq")
WAGE_SPECS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (_BASE, ()),
    (_BASE + SKILLS, ()),
    (_BASE + SKILLS, ("year",)),
    (_BASE + SKILLS, ("year", "isco")),
    (_BASE + SKILLS, ("year", "isco", "region")),
)
"""(regressors, fixed effects) of the five columns."""

_LABELS = {
    "educ_years": "Education",
    "experience": "Experience",
    "experience_sq": "Experience Squared",
    "cognitive": "Cognitive Skills",
    "manual": "Manual Skills",
    "interpersonal": "Interpersonal Skills",
}
_FE_LABELS = {"year": "Year FE", "isco": "Occupation FE", "region": "Region FE"}


@dataclass(frozen=True)
class WageTable(TableMixin):
    """The five wage regressions.

    Attributes
    ----------
    coefs : pandas.DataFrame
        Long: ``column, variable, coef, se, pvalue``.
    nobs, r2 : tuple
        Observations and R-squared per column.
    specs : tuple
        (regressors, fixed effects) per column.
    cluster : str
        Clustering variable of the standard errors.
    """

    coefs: pd.DataFrame
    nobs: tuple[int, ...]
    r2: tuple[float, ...]
    specs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    cluster: str
    title: str = "Wage Regression with Skill Measures"

    def coef(self, column: int, variable: str) -> float:
        """Coefficient of ``variable`` in column ``column`` (1-based)."""
        return float(self._row(column, variable)["coef"])

    def se(self, column: int, variable: str) -> float:
        return float(self._row(column, variable)["se"])

    def pvalue(self, column: int, variable: str) -> float:
        return float(self._row(column, variable)["pvalue"])

    def _row(self, column: int, variable: str) -> pd.Series:
        r = self.coefs[(self.coefs["column"] == column) & (self.coefs["variable"] == variable)]
        if r.empty:
            raise KeyError(f"{variable!r} is not in column ({column})")
        return r.iloc[0]

    def compare(self, expected: dict[str, float], column: int | None = None) -> FrameTable:
        """Estimates of one column next to expected coefficients (e.g. the synthetic
        economy's ``truth.json["dgp"]["wage_coefficients"]``, whose direct skill effects the
        estimates should share the sign of).

        Parameters
        ----------
        expected : dict
            ``{variable: coefficient}``; variables not in the column are skipped (the
            generator's ``experience2`` is read as ``experience_sq``).
        column : int, optional
            1-based column (default: the last, full specification).
        """
        column = column or len(self.specs)
        rows = {}
        for v, b in expected.items():
            v = "experience_sq" if v == "experience2" else v
            try:
                r = self._row(column, v)
            except KeyError:
                continue
            rows[_LABELS.get(v, v)] = {
                "expected": fmt_num(float(b), 4),
                f"estimate ({column})": fmt_coef(r["coef"], r["pvalue"], 4),
                "s.e.": fmt_se(r["se"], 4),
                "same sign": "yes" if np.sign(r["coef"]) == np.sign(b) else "no",
            }
        return FrameTable(
            pd.DataFrame(rows).T, f"{self.title}: column ({column}) vs expected coefficients"
        )

    def to_frame(self) -> pd.DataFrame:
        cols = [f"({j})" for j in range(1, len(self.specs) + 1)]
        variables = list(dict.fromkeys(v for regs, _ in self.specs for v in regs))
        rows: dict[str, list[str]] = {}
        for v in variables:
            label = _LABELS.get(v, v)
            cells, ses = [], []
            for j in range(1, len(self.specs) + 1):
                try:
                    r = self._row(j, v)
                    cells.append(fmt_coef(r["coef"], r["pvalue"], 4))
                    ses.append(fmt_se(r["se"], 4))
                except KeyError:
                    cells.append("")
                    ses.append("")
            rows[label] = cells
            rows[f"{label} (s.e.)"] = ses
        fes = list(dict.fromkeys(f for _, fe in self.specs for f in fe))
        for f in fes:
            rows[_FE_LABELS.get(f, f"{f} FE")] = ["✓" if f in fe else "-" for _, fe in self.specs]
        rows["Observations"] = [fmt_num(int(n)) for n in self.nobs]
        rows["R-squared"] = [f"{r:.3f}" for r in self.r2]
        df = pd.DataFrame(rows, index=cols).T
        df.index = [i if not i.endswith("(s.e.)") else "" for i in df.index]
        return df


def _prepare(workers: pl.DataFrame, cluster: str) -> pd.DataFrame:
    need = {"hourly_wage", "educ_years", "experience", cluster}
    missing = sorted(need - set(workers.columns))
    if missing:
        raise DataValidationError(f"wage table: workers lack column(s) {missing}")
    w = workers.filter(pl.col("hourly_wage") > 0).with_columns(
        log_wage=pl.col("hourly_wage").log(),
        experience_sq=pl.col("experience") ** 2,
    )
    if w.height == 0:
        raise DataValidationError("wage table: no worker-year with a positive hourly wage")
    return w.to_pandas()


def wage_table(
    workers_with_skills: pl.DataFrame,
    cluster: str = "person_id",
    specs: Sequence[tuple[Sequence[str], Sequence[str]]] = WAGE_SPECS,
) -> WageTable:
    """Estimate the seed's wage regression table.

    Parameters
    ----------
    workers_with_skills : polars.DataFrame
        Worker-years with ``hourly_wage``, ``educ_years``, ``experience``, the skill columns
        (from :func:`skillshore.skills.worker_skills`) and the fixed-effect columns the specs
        use (``year``, ``isco``, ``region``).
    cluster : str
        Column to cluster the standard errors on (CRV1).
    specs : sequence of (regressors, fixed effects)
        Default :data:`WAGE_SPECS` (the seed's five columns plus region FE in the last).

    Returns
    -------
    WageTable
    """
    from skillshore._compat import import_pyfixest

    pf = import_pyfixest()

    d = _prepare(workers_with_skills, cluster)
    specs_t = tuple((tuple(r), tuple(f)) for r, f in specs)
    rows: list[dict[str, Any]] = []
    nobs, r2 = [], []
    for j, (regs, fes) in enumerate(specs_t, start=1):
        miss = [c for c in (*regs, *fes) if c not in d.columns]
        if miss:
            raise DataValidationError(f"wage table column ({j}): workers lack {miss}")
        sub = d.dropna(subset=["log_wage", *regs, *fes, cluster])
        fml = "log_wage ~ " + " + ".join(regs) + (" | " + " + ".join(fes) if fes else "")
        try:
            fit = pf.feols(fml, data=sub, vcov={"CRV1": cluster})
        except Exception as exc:  # pyfixest raises many types; re-raise as ours
            raise ModelInputError(
                f"wage table column ({j}): pyfixest could not fit {fml!r} on {len(sub):,} "
                f"worker-years: {type(exc).__name__}: {exc}"
            ) from exc
        coef, se, pv = fit.coef(), fit.se(), fit.pvalue()
        for v in regs:
            rows.append(
                {
                    "column": j,
                    "variable": v,
                    "coef": float(coef.get(v, np.nan)),
                    "se": float(se.get(v, np.nan)),
                    "pvalue": float(pv.get(v, np.nan)),
                }
            )
        nobs.append(int(fit._N))
        r2.append(float(fit._r2))
    return WageTable(
        coefs=pd.DataFrame(rows), nobs=tuple(nobs), r2=tuple(r2), specs=specs_t, cluster=cluster
    )
