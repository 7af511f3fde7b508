"""Per-code type probabilities from a measurement-error model fitted on labelled codes.

Worker types are quantile cells of a skill that the title matcher measures per education
code. A validation set labels only some codes with their true cell, and misclassification
is a property of the code, so a misclassification matrix counted on the labelled codes
rests on a few dozen clusters (docs/estimation.md, "Mismeasured worker types"). This
module uses every code instead: the measured skill s'_e of code e is its true skill plus
an error, s'_e = s_e + delta + sigma eps_e, eps_e ~ N(0, 1) independent across codes, so
that (locally flat prior)

    P(true cell c | s'_e) = Phi((kappa_c + delta - s'_e) / sigma) - Phi((kappa_{c-1} + delta - s'_e) / sigma),

mixed with a share ``outlier`` of codes whose true cell is unrelated to the measured
skill (uniform over cells: a title matched to a wrong occupation; without it a handful of
such codes inflate sigma): an ordered probit of the true cell on the measured skill whose thresholds kappa are the
measured cells' cut points (the true cells are quantile cells of the true skill, whose
distribution the measured one approximates), with the error's sd sigma and a common shift
delta fitted by maximum likelihood on the labelled codes. Each code's persons then enter
the validation set with weight P(c | s'_e) for each true cell c (:func:`soft_validation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import norm

from skillshore.errors import DataValidationError

__all__ = ["CodeTypeModel", "fit_code_type_model", "soft_validation"]


@dataclass(frozen=True)
class CodeTypeModel:
    """The fitted measurement-error model (module docstring)."""

    sigma: float
    delta: float
    outlier: float
    cuts: np.ndarray
    n_codes: int
    loglik: float

    def probabilities(self, skill: np.ndarray, outliers: bool = True) -> np.ndarray:
        """P(true cell c | measured skill), shape (len(skill), number of cells); without
        ``outliers`` the probit part alone (the outlier share fitted, then left out)."""
        s = np.asarray(skill, dtype=np.float64).reshape(-1, 1)
        k = np.concatenate([[-np.inf], self.cuts + self.delta, [np.inf]])[None, :]
        cdf = norm.cdf((k - s) / self.sigma)
        if not outliers:
            return np.diff(cdf, axis=1)
        return (1 - self.outlier) * np.diff(cdf, axis=1) + self.outlier / (self.cuts.size + 1)


def fit_code_type_model(
    skill: np.ndarray, true_cell: np.ndarray, cuts: np.ndarray
) -> CodeTypeModel:
    """Maximum likelihood of (sigma, delta) on labelled codes.

    Parameters
    ----------
    skill : array (E,)
        Measured skill of each labelled code.
    true_cell : array (E,) of int
        Its true cell (0 .. len(cuts)).
    cuts : array (N - 1,)
        The measured cells' cut points on the skill scale (increasing).
    """
    s = np.asarray(skill, dtype=np.float64).reshape(-1)
    c = np.asarray(true_cell, dtype=np.int64).reshape(-1)
    cuts = np.asarray(cuts, dtype=np.float64).reshape(-1)
    if s.size != c.size or s.size < 3 or not np.isfinite(s).all():
        raise DataValidationError("labelled codes: at least 3 with a finite measured skill")
    if np.any(c < 0) or np.any(c > cuts.size) or np.any(np.diff(cuts) < 0):
        raise DataValidationError(f"true cells must be in 0..{cuts.size}, cuts increasing")
    k = np.concatenate([[-np.inf], cuts, [np.inf]])
    spread = float(np.ptp(cuts)) if cuts.size > 1 else float(np.std(s)) or 1.0

    N = cuts.size + 1

    def nll(p: np.ndarray) -> float:
        sig, d, eps = np.exp(p[0]), p[1], 1 / (1 + np.exp(-p[2]))
        pr = norm.cdf((k[c + 1] + d - s) / sig) - norm.cdf((k[c] + d - s) / sig)
        return -float(np.log((1 - eps) * pr + eps / N).sum())

    x0 = np.array([np.log(spread / (2 * max(cuts.size, 1))), 0.0, -3.0])
    r = minimize(
        nll, x0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}
    )
    return CodeTypeModel(
        float(np.exp(r.x[0])),
        float(r.x[1]),
        float(1 / (1 + np.exp(-r.x[2]))),
        cuts,
        int(s.size),
        -float(r.fun),
    )


def soft_validation(
    workers: pd.DataFrame,
    labelled: pd.DataFrame,
    cuts: np.ndarray,
    *,
    code_col: str = "educ_code",
    skill_col: str = "skill",
    cell_col: str = "cell",
    keep_cols: list[str] | None = None,
    min_prob: float = 1e-6,
    outliers: bool = True,
) -> tuple[pd.DataFrame, CodeTypeModel]:
    """A validation set over *all* codes: each code's persons with weight P(c | s'_e) for
    each true cell c (module docstring), labelled codes with their known cell (weight 1).

    Parameters
    ----------
    workers : DataFrame
        The sample's workers: ``code_col``, ``skill_col`` (the measured skill that cuts the
        cells), ``cell_col`` (measured cell) and ``keep_cols`` (e.g. wage controls).
    labelled : DataFrame
        ``code_col``, ``true_cell`` (int): the hand-labelled codes.
    cuts : array
        The measured cells' cut points.

    Returns
    -------
    (DataFrame, CodeTypeModel)
        Rows of (code, measured ``cell_col``, ``true_cell``, ``weight``, ``weight_core``
        (the probit part alone: the weights for the true types' mean controls, since an
        outlier code's measured controls say nothing about its true type's), mean of each of
        ``keep_cols`` over the code's persons in that measured cell), and the fitted model.
    """
    keep = list(keep_cols or [])
    miss = [c for c in (code_col, skill_col, cell_col, *keep) if c not in workers.columns]
    if miss:
        raise DataValidationError(f"workers: missing column(s) {miss}")
    g = workers.groupby([code_col, cell_col], sort=True)
    agg = g[[skill_col, *keep]].mean()
    agg["n"] = g.size()
    agg = agg.reset_index()
    lab = labelled.drop_duplicates(code_col).set_index(code_col)["true_cell"]
    code_skill = agg.groupby(code_col)[skill_col].mean()
    known = code_skill.index.intersection(lab.index)
    model = fit_code_type_model(
        code_skill.loc[known].to_numpy(), lab.loc[known].to_numpy(np.int64), cuts
    )
    P = model.probabilities(agg[skill_col].to_numpy(), outliers)
    core = (
        model.probabilities(agg[skill_col].to_numpy(), outliers=False) * (1 - model.outlier)
        if outliers
        else P.copy()
    )
    is_lab = agg[code_col].isin(lab.index).to_numpy()
    if is_lab.any():
        P[is_lab] = np.eye(P.shape[1])[lab.loc[agg.loc[is_lab, code_col]].to_numpy(np.int64)]
        core[is_lab] = P[is_lab]
    rows, cells = np.nonzero(P >= min_prob)
    out = agg.iloc[rows].reset_index(drop=True)
    out["true_cell"] = cells
    out["weight"] = out["n"].to_numpy() * P[rows, cells]
    out["weight_core"] = out["n"].to_numpy() * core[rows, cells]
    return out.drop(columns=["n"]), model
