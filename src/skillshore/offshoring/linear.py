"""Linear regressions with absorbed fixed effects: variance choices and OLS.

The variance options are pyfixest's (``vcov="iid"``, ``"hetero"``,
``{"CRV1": column}``) with an explicit small-sample choice ``ssc``
(``docs/shiftshare_iv.md``, "Conventions"):

* ``"none"``: no factor, normal critical values -- Stata ``ivregress 2sls``
  (without ``small``), linearmodels ``debiased=False``, R ``ShiftShareSE``;
* ``"small"``: Stata ``regress`` / ``ivreg2, small`` / linearmodels
  ``debiased=True`` -- ``N/(N-k)`` iid and robust, ``(N-1)/(N-k) G/(G-1)``
  clustered, ``t(N-k)`` or ``t(G-1)``; ``k`` counts the rank of the absorbed
  fixed effects' dummies (``fe_dof="rank"``: levels minus one redundant dummy
  per connected component for two factors), as the same regression with dummies;
* ``"fixest"``: the same factors with fixest's / pyfixest's / ``reghdfe``'s
  count of the fixed effects (those nested in the clusters are not counted).

:class:`LinearResult` holds what OLS and 2SLS share (estimates, variance,
tests); :func:`ols` is the OLS entry point (the reduced form of a shift-share
design is ``ols(data, y, "instrument", ...)``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.offshoring import _linalg as la
from skillshore.offshoring._fit import CollinearError, Demeaned, FeDof, demeaned_iv, to_pandas

__all__ = ["SSC", "Vcov", "LinearResult", "OLSResult", "ols", "parse_vcov"]

SSC = Literal["none", "small", "fixest"]
Vcov = Literal["iid", "hetero"] | dict[str, str]
_SSC = ("none", "small", "fixest")


def parse_vcov(vcov: Any, cluster: str | None) -> tuple[str, str | None]:
    """``(kind, cluster column)`` from a pyfixest-style ``vcov`` and the ``cluster`` shorthand.

    ``vcov=None`` means ``{"CRV1": cluster}`` when ``cluster`` is given, else ``"hetero"``.
    """
    if vcov is None:
        return ("CRV1", cluster) if cluster else ("hetero", None)
    if isinstance(vcov, str):
        if vcov not in ("iid", "hetero"):
            raise ModelInputError(
                f"vcov must be 'iid', 'hetero' or {{'CRV1': column}}, got {vcov!r}."
            )
        if cluster:
            raise ModelInputError(f"cluster={cluster!r} conflicts with vcov={vcov!r}.")
        return vcov, None
    if isinstance(vcov, dict) and list(vcov) == ["CRV1"] and isinstance(vcov["CRV1"], str):
        col = vcov["CRV1"]
        if cluster and cluster != col:
            raise ModelInputError(f"cluster={cluster!r} conflicts with vcov={vcov!r}.")
        return "CRV1", col
    raise ModelInputError(f"vcov must be 'iid', 'hetero' or {{'CRV1': column}}, got {vcov!r}.")


def check_ssc(ssc: str, fe_dof: FeDof | None) -> FeDof:
    """Validate ``ssc`` and return the fixed-effect count it implies (``fe_dof`` overrides)."""
    if ssc not in _SSC:
        raise ModelInputError(f"ssc must be one of {_SSC}, got {ssc!r}.")
    if fe_dof is None:
        return "rank" if ssc == "small" else "nonnested"
    if fe_dof not in ("nonnested", "full", "rank", "none"):
        raise ModelInputError(
            f"fe_dof must be 'nonnested', 'full', 'rank' or 'none', got {fe_dof!r}."
        )
    return fe_dof


def f_sf(stat: float, df1: float, df2: float) -> float:
    """P-value of ``F(df1, df2)``; ``df2 = inf`` is ``chi2(df1)/df1``."""
    if math.isinf(df2):
        return float(stats.chi2.sf(stat * df1, df1))
    return float(stats.f.sf(stat, df1, df2))


def f_ppf(level: float, df1: float, df2: float) -> float:
    """Quantile of ``F(df1, df2)``; ``df2 = inf`` is ``chi2(df1)/df1``."""
    if math.isinf(df2):
        return float(stats.chi2.ppf(level, df1) / df1)
    return float(stats.f.ppf(level, df1, df2))


@dataclass(frozen=True, eq=False)
class LinearResult(TableMixin):
    """Shared part of OLS and 2SLS fits on demeaned arrays (statistics cached on first use)."""

    y: str
    endog: tuple[str, ...]
    instruments: tuple[str, ...]
    fe: tuple[str, ...]
    controls: tuple[str, ...]
    cluster: str | None
    weights: str | None
    fe_dof: str
    arrays: Demeaned = field(repr=False)
    title: str = ""
    dropped: tuple[str, ...] = ()
    vcov_type: str = "hetero"
    ssc: str = "fixest"

    @property
    def nobs(self) -> int:
        """Observations used (after missing values and singletons are dropped)."""
        return self.arrays.nobs

    @property
    def positions(self) -> np.ndarray:
        """0-based positions of the rows of ``data`` in the estimation sample."""
        return self.arrays.positions

    @property
    def n_clusters(self) -> int | None:
        return self.arrays.n_clusters if self.vcov_type == "CRV1" else None

    @property
    def codes(self) -> np.ndarray | None:
        """Cluster codes of the variance (one per row robust; None iid)."""
        if self.vcov_type == "iid":
            return None
        return self.arrays.codes

    @property
    def names(self) -> list[str]:
        return [*self.endog, *self.arrays.exog_names]

    @property
    def k(self) -> int:
        """Parameters counted in the small-sample factor (regressors + absorbed FE)."""
        return len(self.names) + self.arrays.k_fe

    def _df(self, k: int) -> float:
        if self.ssc == "none":
            return math.inf
        return float(self.n_clusters - 1) if self.n_clusters else float(self.nobs - k)

    def _factor(self, k: int) -> float:
        return la.ssc_factor(self.nobs, k, self.n_clusters, self.ssc)

    @property
    def df_resid(self) -> float:
        """df of t and F tests: ``G-1`` clustered, ``N-k`` otherwise, ``inf`` (normal) with ``ssc="none"``."""
        return self._df(self.k)

    @cached_property
    def _fit(self) -> tuple[pd.Series, pd.DataFrame]:
        a = self.arrays
        names = self.names
        x = np.column_stack([a.endog, a.exog])
        z = np.column_stack([a.instruments, a.exog])
        fit = la.tsls(a.y, x, z, self.codes, self._factor(self.k))
        return (
            pd.Series(fit.params, index=names, name="Estimate"),
            pd.DataFrame(fit.vcov, index=names, columns=names),
        )

    @property
    def params(self) -> pd.Series:
        """Coefficients: endogenous regressors first, then the other regressors."""
        return self._fit[0]

    @property
    def vcov(self) -> pd.DataFrame:
        return self._fit[1]

    @cached_property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.vcov)), index=self.names, name="Std. Error")

    @cached_property
    def tstats(self) -> pd.Series:
        return (self.params / self.std_errors).rename("t value")

    @cached_property
    def pvalues(self) -> pd.Series:
        p = 2 * stats.t.sf(np.abs(self.tstats), self.df_resid)
        return pd.Series(p, index=self.names, name="Pr(>|t|)")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald confidence intervals with ``t(df_resid)`` critical values (normal if ``inf``)."""
        q = stats.t.ppf(0.5 + level / 2, self.df_resid)
        se = self.std_errors
        return pd.DataFrame({"lower": self.params - q * se, "upper": self.params + q * se})

    @cached_property
    def mean_y(self) -> float:
        """(Weighted) mean of the outcome over the estimation sample (seed's "Mean Y")."""
        a = self.arrays
        return float(np.average(a.y_raw, weights=a.weights))

    @property
    def se_label(self) -> str:
        kind = {
            "CRV1": f"clustered by {self.cluster} ({self.n_clusters} clusters)",
            "hetero": "heteroskedasticity-robust",
            "iid": "iid",
        }[self.vcov_type]
        return f"{kind}, ssc={self.ssc}"

    def to_frame(self) -> pd.DataFrame:
        """Coefficient table: estimate, SE, t, p and the 95% interval."""
        ci = self.conf_int()
        return pd.DataFrame(
            {
                "Estimate": self.params,
                "Std. Error": self.std_errors,
                "t value": self.tstats,
                "Pr(>|t|)": self.pvalues,
                "2.5%": ci["lower"],
                "97.5%": ci["upper"],
            }
        )


@dataclass(frozen=True, eq=False)
class OLSResult(LinearResult):
    """An OLS fit with absorbed fixed effects (from :func:`ols`)."""

    def summary(self) -> str:
        return "\n".join(
            [
                f"OLS: {self.y} on {', '.join(self.names)}",
                f"Fixed effects: {' + '.join(self.fe) or 'none'}; SE {self.se_label}; "
                f"N = {self.nobs:,d}",
                self.to_frame().to_string(float_format=lambda v: f"{v:.4f}"),
                f"Mean Y: {self.mean_y:.4f}",
            ]
        )


def names_of(v: str | Sequence[str] | None) -> tuple[str, ...]:
    if v is None:
        return ()
    return (v,) if isinstance(v, str) else tuple(v)


@dataclass(frozen=True)
class FitOptions:
    """The estimation options :func:`ols` and
    :func:`~skillshore.offshoring.iv.iv_regression` share (documented there)."""

    vcov: Any = None
    cluster: str | None = None
    weights: str | None = None
    ssc: str = "fixest"
    fe_dof: FeDof | None = None
    drop_singletons: bool = True
    demeaner: Any = None
    title: str = ""
    drop_collinear: bool = False


def fit_linear(
    cls: type,
    data: Any,
    y: str,
    endog: tuple[str, ...],
    instruments: tuple[str, ...],
    fe: tuple[str, ...],
    controls: tuple[str, ...],
    opts: FitOptions,
    keep: tuple[str, ...] = (),
) -> Any:
    """Validate, fit with pyfixest and wrap in ``cls`` (shared by :func:`ols` and 2SLS).

    ``keep``: regressors that must not be dropped as collinear (OLS's ``x``).
    """
    weights, ssc = opts.weights, opts.ssc
    kind, clus = parse_vcov(opts.vcov, opts.cluster)
    fe_dof_ = check_ssc(ssc, opts.fe_dof)
    roles = [y, *endog, *instruments, *controls]
    if len(set(roles)) != len(roles):
        raise ModelInputError(
            f"a column has two roles among y, endog, instruments, regressors: {roles}."
        )
    fe_cols = [p for f in fe for p in f.split("^")]
    extra = [c for c in (clus, weights) if c]
    frame = to_pandas(data, [*roles, *fe_cols, *extra])
    for c in roles:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            raise ModelInputError(f"column {c!r} must be numeric, got {frame[c].dtype}.")
    if weights and (frame[weights].dropna() <= 0).any():
        raise ModelInputError(f"weights {weights!r} must be positive.")
    dropped: tuple[str, ...] = ()
    args = (weights, fe_dof_, opts.demeaner, opts.drop_singletons)
    try:
        arrays = demeaned_iv(frame, y, endog, instruments, fe, controls, clus, *args)
    except CollinearError as err:
        droppable = set(controls) - set(keep)
        if not opts.drop_collinear or not set(err.names) <= droppable:
            raise
        dropped = err.names
        controls = tuple(c for c in controls if c not in dropped)
        arrays = demeaned_iv(frame, y, endog, instruments, fe, controls, clus, *args)
    return cls(
        y=y,
        endog=endog,
        instruments=instruments,
        fe=fe,
        controls=controls,
        cluster=clus,
        weights=weights,
        fe_dof=fe_dof_,
        arrays=arrays,
        title=opts.title,
        dropped=dropped,
        vcov_type=kind,
        ssc=ssc,
    )


def ols(
    data: Any,
    y: str,
    x: str | Sequence[str],
    fe: str | Sequence[str] | None = None,
    controls: str | Sequence[str] | None = None,
    *,
    vcov: Vcov | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    ssc: SSC = "fixest",
    fe_dof: FeDof | None = None,
    drop_singletons: bool = True,
    demeaner: Any = None,
    title: str = "",
    drop_collinear: bool = False,
) -> OLSResult:
    """OLS of ``y`` on ``x`` and ``controls``, absorbing ``fe`` (reduced forms, first stages).

    Parameters
    ----------
    data : pandas or polars DataFrame
    y : str
    x, controls : str or list of str
        Regressors (``x`` first in the results; ``controls`` collinear with the
        fixed effects may be dropped with ``drop_collinear``).
    fe : str or list of str, optional
        Fixed effects to absorb (``"a^b"`` interactions); none: a constant.
    vcov : "iid", "hetero" or {"CRV1": column}, optional
        Default ``{"CRV1": cluster}`` if ``cluster`` is given, else ``"hetero"``.
    cluster : str, optional
        Shorthand for ``vcov={"CRV1": cluster}``.
    weights : str, optional
        Analytic weights.
    ssc : {"fixest", "small", "none"}
        Small-sample correction (module docstring); default ``"fixest"`` (as pyfixest).
    fe_dof : {"nonnested", "full", "none"}, optional
        Override the fixed-effect count implied by ``ssc``.
    """
    x_ = names_of(x)
    if not x_:
        raise ModelInputError("ols needs at least one regressor x.")
    return fit_linear(
        OLSResult,
        data,
        y,
        (),
        (),
        names_of(fe),
        (*x_, *names_of(controls)),
        FitOptions(
            vcov, cluster, weights, ssc, fe_dof, drop_singletons, demeaner, title, drop_collinear
        ),
        keep=x_,
    )
