"""IV regressions with absorbed fixed effects and weak-IV diagnostics.

Seed slides "Regression Analysis" (IV tables by occupational offshorability and
by firm productivity) and "Robustness Checks": firm-year outcomes on
offshoring instrumented by the shift-share of eq. (3), firm FE and sector x
year FE, standard errors clustered by firm, with the first-stage F, the
Anderson-Rubin statistic, Mean Y and N under each column.

:func:`iv_regression` fits with ``pyfixest.feols`` (pyfixest demeans and drops
singletons), then computes the 2SLS, its variance (``vcov``, ``ssc``) and every
diagnostic on pyfixest's demeaned arrays (the coefficient equals pyfixest's):

* :attr:`IVResult.first_stage`: partial first-stage F per endogenous
  regressor, the Kleibergen-Paap (2006) rk Wald F and the Montiel Olea-Pflueger
  (2013) effective F, with the controls partialled out;
* :meth:`IVResult.anderson_rubin` (Anderson and Rubin 1949, robust Wald form)
  and :meth:`IVResult.ar_conf_set`, its confidence set by test inversion.

Small-sample conventions: :mod:`skillshore.offshoring.linear` and
``docs/shiftshare_iv.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from skillshore._results import TableMixin, fmt_num
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import FeDof
from skillshore.offshoring.linear import (
    SSC,
    FitOptions,
    LinearResult,
    Vcov,
    f_ppf,
    f_sf,
    fit_linear,
    names_of,
)

__all__ = [
    "WaldStatistic",
    "ConfidenceSet",
    "FirstStage",
    "IVResult",
    "iv_regression",
]


@dataclass(frozen=True)
class WaldStatistic:
    """A test: statistic, p-value, degrees of freedom, null hypothesis and name.

    ``dist`` is ``"F"`` (``df = (df1, df2)``) or ``"chi2"`` (``df = (df1,)``).
    """

    name: str
    stat: float
    pvalue: float
    df: tuple[float, ...]
    null: str
    dist: str = "F"

    def __repr__(self) -> str:
        dfs = ", ".join(fmt_num(d, 0) if float(d).is_integer() else f"{d:g}" for d in self.df)
        return (
            f"{self.name}\n  H0: {self.null}\n  Statistic: {self.stat:.4f} ~ "
            f"{self.dist}({dfs}), P-value: {self.pvalue:.4f}"
        )


@dataclass(frozen=True)
class ConfidenceSet:
    """A confidence set on the real line: a union of closed intervals.

    ``intervals`` holds ``(lo, hi)`` pairs, ``-inf`` / ``inf`` for unbounded
    ends: one bounded interval, the union of two rays, the whole line, or
    empty (possible only with over-identification).
    """

    intervals: tuple[tuple[float, float], ...]
    level: float
    name: str = "Anderson-Rubin confidence set"

    @property
    def kind(self) -> str:
        """``"interval"``, ``"rays"``, ``"real line"``, ``"empty"`` or ``"union"``."""
        iv = self.intervals
        if not iv:
            return "empty"
        if len(iv) == 1:
            lo, hi = iv[0]
            if math.isinf(lo) and math.isinf(hi):
                return "real line"
            return "interval" if math.isfinite(lo) and math.isfinite(hi) else "ray"
        if len(iv) == 2 and math.isinf(iv[0][0]) and math.isinf(iv[1][1]):
            return "rays"
        return "union"

    @property
    def bounded(self) -> bool:
        return all(math.isfinite(a) and math.isfinite(b) for a, b in self.intervals)

    def contains(self, value: float) -> bool:
        return any(lo <= value <= hi for lo, hi in self.intervals)

    def __str__(self) -> str:
        if not self.intervals:
            return "∅"
        return " ∪ ".join(
            f"{'(' if math.isinf(lo) else '['}{lo:.4g}, {hi:.4g}{')' if math.isinf(hi) else ']'}"
            for lo, hi in self.intervals
        )

    def __repr__(self) -> str:
        return f"{self.name} ({self.level:.0%}): {self} [{self.kind}]"


@dataclass(frozen=True)
class FirstStage(TableMixin):
    """First-stage diagnostics (controls and fixed effects partialled out).

    Attributes
    ----------
    params, std_errors : DataFrame
        Coefficients of the excluded instruments (rows) in the first stage of
        each endogenous regressor (columns), with the model's robust SEs.
    partial_f : Series
        Robust Wald F of the excluded instruments, per endogenous regressor.
    kp_f : float
        Kleibergen-Paap rk Wald F (Stata ``ivreg2``/``ivreghdfe`` "Kleibergen-Paap
        rk Wald F statistic"); equals ``partial_f`` with one endogenous
        regressor and one instrument.
    kp_stat : float
        The rk Wald chi2 statistic behind ``kp_f`` (no small-sample factor).
    effective_f : float
        Montiel Olea-Pflueger (2013) effective F (NaN with several endogenous
        regressors, where it is not defined).
    """

    params: pd.DataFrame
    std_errors: pd.DataFrame
    partial_f: pd.Series
    kp_f: float
    kp_stat: float
    effective_f: float
    title: str = "First stage"

    def to_frame(self) -> pd.DataFrame:
        rows = {}
        for e in self.params.columns:
            rows[e] = {
                **{f"coef {z}": self.params.loc[z, e] for z in self.params.index},
                **{f"se {z}": self.std_errors.loc[z, e] for z in self.params.index},
                "partial F": self.partial_f[e],
                "KP rk Wald F": self.kp_f,
                "effective F": self.effective_f,
            }
        return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True, eq=False)
class IVResult(LinearResult):
    """A 2SLS fit with absorbed fixed effects (from :func:`iv_regression`).

    Every statistic is a cached property computed on first use from the
    demeaned arrays ``arrays`` of the estimation sample; the variance is
    ``vcov_type`` (``"iid"``, ``"hetero"``, ``"CRV1"``) with the small-sample
    choice ``ssc`` (:mod:`skillshore.offshoring.linear`).
    """

    # ------------------------------------------------------- reduced forms
    @cached_property
    def _reduced(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """Reduced form and first stages on the partialled instruments.

        Returns ``B`` (L x (1+K): reduced form, then first stages), the
        joint robust variance of ``vec(B)``, ``Z_perp`` and the residual df.
        """
        a = self.arrays
        w = a.exog
        zp = la.partial_out(a.instruments, w)
        lhs = la.partial_out(np.column_stack([a.y, a.endog]), w)
        b = np.linalg.solve(zp.T @ zp, zp.T @ lhs)
        resid = lhs - zp @ b
        k_fs = zp.shape[1] + w.shape[1] + a.k_fe
        v = la.ols_sandwich(zp, resid, self.codes, self._factor(k_fs))
        return b, v, zp, self._df(k_fs)

    @cached_property
    def first_stage(self) -> FirstStage:
        """First-stage F statistics (partial, Kleibergen-Paap rk Wald, effective)."""
        a = self.arrays
        b, v, zp, _ = self._reduced
        n_l, n_k = len(self.instruments), len(self.endog)
        pi = b[:, 1:]
        se = np.sqrt(np.diag(v))[n_l:].reshape(n_k, n_l).T
        partial = {}
        for j, e in enumerate(self.endog):
            blk = slice((1 + j) * n_l, (2 + j) * n_l)
            vj = v[blk, blk]
            try:
                partial[e] = float(pi[:, j] @ np.linalg.solve(vj, pi[:, j]) / n_l)
            except np.linalg.LinAlgError:
                # the first stage fits exactly (zero residual variance, e.g. an
                # industry-level regressor in a subsample with few industries): F = inf
                partial[e] = math.inf if np.any(pi[:, j] != 0) else math.nan
        xp = la.partial_out(a.endog, a.exog)
        try:
            kp = la.kp_rk_wald(xp, zp, self.codes)
        except np.linalg.LinAlgError:  # exact first stage, as above
            kp = math.inf if np.any(pi != 0) else math.nan
        k_fs = n_l + a.exog.shape[1] + a.k_fe
        kp_f = kp / n_l / self._factor(k_fs)
        if n_k == 1:
            q = zp.T @ zp
            v_pi = v[n_l:, n_l:]
            num, den = float(pi[:, 0] @ q @ pi[:, 0]), float(np.trace(v_pi @ q))
            eff = num / den if den > 0 else (math.inf if num > 0 else math.nan)
        else:
            eff = float("nan")
        return FirstStage(
            params=pd.DataFrame(pi, index=list(self.instruments), columns=list(self.endog)),
            std_errors=pd.DataFrame(se, index=list(self.instruments), columns=list(self.endog)),
            partial_f=pd.Series(partial, name="partial F"),
            kp_f=float(kp_f),
            kp_stat=kp,
            effective_f=eff,
        )

    # ------------------------------------------------------- weak-IV robust
    def _ar_parts(self, beta0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        b, v, _, _ = self._reduced
        n_l = len(self.instruments)
        r = np.hstack([np.eye(n_l), *[-bj * np.eye(n_l) for bj in beta0]])
        g = b[:, 0] - b[:, 1:] @ beta0
        return g, r @ v @ r.T

    def anderson_rubin(self, beta0: float | Sequence[float] | None = None) -> WaldStatistic:
        """Anderson-Rubin test of ``beta = beta0`` (default 0) for all endogenous regressors.

        Robust Wald F of the excluded instruments in the regression of
        ``y - X beta0`` on instruments, controls and fixed effects, with the
        model's covariance (clustered or robust) and small-sample factor;
        ``F(L, df_resid)`` reference distribution (Stata ``ivreg2`` with
        ``small``). Valid whatever the strength of the instruments. With
        ``beta0 = 0`` it is the seed's "AR First Stage F-stat".
        """
        k = len(self.endog)
        b0 = np.zeros(k) if beta0 is None else np.atleast_1d(np.asarray(beta0, dtype=float))
        if b0.shape != (k,):
            raise ModelInputError(f"beta0 needs {k} value(s), got {b0.shape[0]}.")
        g, vg = self._ar_parts(b0)
        n_l = len(self.instruments)
        stat = float(g @ np.linalg.solve(vg, g) / n_l)
        df2 = self._reduced[3]
        null = ", ".join(f"{e} = {v:g}" for e, v in zip(self.endog, b0, strict=True))
        return WaldStatistic(
            name="Anderson-Rubin test",
            stat=stat,
            pvalue=f_sf(stat, n_l, df2),
            df=(n_l, df2),
            null=null,
        )

    def ar_conf_set(self, level: float = 0.95) -> ConfidenceSet:
        """Weak-IV-robust confidence set: ``{beta : AR(beta) <= F_level(L, df)}``.

        One endogenous regressor only. With one instrument the set solves a
        quadratic inequality in closed form: a bounded interval when the
        first stage is significant at ``level`` (``pi^2 > c V_pi``), else the
        union of two rays or the whole line. With ``L > 1`` instruments the
        boundary is the real roots of a polynomial of degree ``2L``.
        """
        if len(self.endog) != 1:
            raise ModelInputError("ar_conf_set needs exactly one endogenous regressor.")
        if not 0 < level < 1:
            raise ModelInputError(f"level must be in (0, 1), got {level}.")
        b, v, _, df2 = self._reduced
        n_l = len(self.instruments)
        crit = f_ppf(level, n_l, df2) * n_l
        if n_l == 1:
            gam, pi = b[0, 0], b[0, 1]
            vyy, vyx, vxx = v[0, 0], v[0, 1], v[1, 1]
            pieces = la.quadratic_set(
                pi * pi - crit * vxx, -2 * (gam * pi - crit * vyx), gam * gam - crit * vyy
            )
        else:

            def h(beta: float) -> float:
                g, vg = self._ar_parts(np.array([beta]))
                return float(np.linalg.det(vg) * (g @ np.linalg.solve(vg, g) - crit))

            beta_hat = float(self.params.iloc[0])
            scale = max(10 * float(self.std_errors.iloc[0]), abs(beta_hat), 1e-8)
            pieces = la.polynomial_set(h, 2 * n_l, beta_hat, scale)
        return ConfidenceSet(intervals=tuple(pieces), level=level)

    # ------------------------------------------------------------ display
    def summary(self) -> str:
        fs = self.first_stage
        lines = [
            f"IV-2SLS: {self.y} on {', '.join(self.endog)} "
            f"(instruments: {', '.join(self.instruments)})",
            f"Fixed effects: {' + '.join(self.fe) or 'none'}; SE {self.se_label}; N = {self.nobs:,d}",
            self.to_frame().to_string(float_format=lambda v: f"{v:.4f}"),
            f"Mean Y: {self.mean_y:.4f}",
            f"First stage: KP rk Wald F = {fs.kp_f:.2f}, effective F = {fs.effective_f:.2f}, "
            f"partial F = {', '.join(f'{v:.2f}' for v in fs.partial_f)}",
            repr(self.anderson_rubin()),
        ]
        if len(self.endog) == 1:
            lines.append(repr(self.ar_conf_set()))
        if self.dropped:
            lines.append(f"Dropped (collinear with the fixed effects): {', '.join(self.dropped)}")
        return "\n".join(lines)


def iv_regression(
    data: Any,
    y: str,
    endog: str | Sequence[str],
    instruments: str | Sequence[str],
    fe: str | Sequence[str] | None = None,
    controls: str | Sequence[str] | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    *,
    vcov: Vcov | None = None,
    ssc: SSC = "fixest",
    fe_dof: FeDof | None = None,
    drop_singletons: bool = True,
    demeaner: Any = None,
    title: str = "",
    drop_collinear: bool = False,
) -> IVResult:
    """2SLS of ``y`` on ``endog`` instrumented by ``instruments``, absorbing ``fe``.

    Seed slides "Regression Analysis" / "Robustness Checks" (the IV tables).

    Parameters
    ----------
    data : pandas or polars DataFrame
        One row per observation (firm-year in the study).
    y, endog, instruments : str or list of str
        Outcome, endogenous regressor(s), excluded instrument(s)
        (``len(instruments) >= len(endog)``).
    fe : list of str, optional
        Fixed effects to absorb; ``"a^b"`` is the interaction (pyfixest syntax),
        e.g. ``["firm_id", "sector^year"]`` or ``["firm_id", "sector_year"]``.
    controls : list of str, optional
        Exogenous regressors (with no ``fe`` a constant is added).
    cluster : str, optional
        Shorthand for ``vcov={"CRV1": cluster}``.
    weights : str, optional
        Analytic weights.
    vcov : "iid", "hetero" or {"CRV1": column}, optional
        Variance (pyfixest's names); default ``{"CRV1": cluster}`` when
        ``cluster`` is given, else ``"hetero"``.
    ssc : {"fixest", "small", "none"}
        Small-sample correction, default ``"fixest"`` (pyfixest / ``reghdfe``:
        ``(N-1)/(N-k) G/(G-1)`` clustered, ``N/(N-k)`` otherwise, fixed effects
        nested in the clusters not counted in ``k``); ``"small"`` (Stata
        ``ivreg2, small`` with dummies: the rank of the fixed-effect dummies counted);
        ``"none"`` (Stata ``ivregress 2sls``, linearmodels ``debiased=False``:
        no factor, normal critical values). The first-stage, KP, effective and
        AR statistics use the same choice.
    fe_dof : {"nonnested", "full", "rank", "none"}, optional
        Override the count of absorbed fixed effects in ``k`` implied by ``ssc``:
        all but those nested in the clusters (``"nonnested"``, as ``reghdfe`` /
        pyfixest), all levels minus one per extra factor (``"full"``, fixest; it
        exceeds the dummy rank when factors are nested), the rank of the dummies
        (``"rank"``, as the same regression with dummies), or none.
    drop_singletons : bool
        Drop singleton fixed-effect groups before estimation (as ``reghdfe``).
    demeaner : pyfixest demeaner, optional
        Default ``pyfixest.MapDemeaner(fixef_tol=1e-10)`` (docs: measured).
    drop_collinear : bool
        Controls collinear with the fixed effects (for example an importer dummy that
        never changes within a firm) raise :class:`ModelInputError` by default; with
        ``True`` they are dropped and listed in ``IVResult.dropped`` (tables show them).
        Collinear endogenous regressors or instruments always raise.

    Returns
    -------
    IVResult
    """
    endog_, inst_ = names_of(endog), names_of(instruments)
    if not endog_ or not inst_:
        raise ModelInputError(
            "iv_regression needs at least one endogenous regressor and instrument."
        )
    if len(inst_) < len(endog_):
        raise ModelInputError(
            f"{len(inst_)} instrument(s) for {len(endog_)} endogenous regressor(s): under-identified."
        )
    return fit_linear(
        IVResult,
        data,
        y,
        endog_,
        inst_,
        names_of(fe),
        names_of(controls),
        FitOptions(
            vcov, cluster, weights, ssc, fe_dof, drop_singletons, demeaner, title, drop_collinear
        ),
    )
