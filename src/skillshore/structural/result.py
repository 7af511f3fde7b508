"""The one result class of the structural estimators (seed slide "Estimation Results").

:class:`StructuralEstimate` follows the vocabulary of the project's other results
(``linearmodels``): ``params`` and ``std_errors`` (Series), ``conf_int(level)``
(DataFrame), a numeric ``to_frame()`` and a formatted ``summary()``; plus the number of
failed bootstrap replications per parameter and warnings when they are too many or when
an estimate lies outside its own interval (issue 19, "bootstrap honesty").
Both :func:`~skillshore.structural.estimate` (one market, observed singles) and
:func:`~skillshore.structural.estimate_markets` (segmented markets, profiled firm
margins) return it; what depends on the estimator (the economy for counterfactuals,
the fit's diagnostics) comes from its ``fit`` object.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from skillshore._results import TableMixin, fmt_estimate
from skillshore.matching import MatchingModel
from skillshore.structural.bootstrap import BootstrapResult, run_bootstrap
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.levels import SCALARS
from skillshore.structural.saliency import Saliency, saliency

__all__ = [
    "FAIL_WARN_SHARE",
    "BootstrapWarning",
    "EstimationTable",
    "Inference",
    "StructuralEstimate",
    "finish",
    "parameter_names",
]

#: Share of failed replications above which an estimate warns (issue 19).
FAIL_WARN_SHARE = 0.05

_SEED_ROWS = (
    ("lambda", "λ", "variance of idiosyncratic preferences (λx + λy)"),
    ("C", "C", "constant term in the matched surplus for domestic matches"),
    ("C_star", "C*", "constant term in the matched surplus for foreign matches"),
    ("nu_x", "νx", "matching intensity for domestic workers towards domestic firms"),
    ("nu_y", "νy", "matching intensity for domestic firms towards domestic workers"),
    ("nu_x_star", "νx*", "matching intensity for foreign workers towards domestic firms"),
    ("nu_y_star", "νy*", "matching intensity for domestic firms towards foreign workers"),
    ("c_F", "c_F", "offshoring cost C − C*"),
    ("lambda_x", "λx", "workers' logit scale (wage equation)"),
)


#: Fewer markets than this: a note that the markets/clusters bootstrap's intervals rest
#: on few clusters (Cameron and Miller 2015, "A practitioner's guide to cluster-robust
#: inference", J. Human Resources 50(2), section VI: few clusters).
FEW_MARKETS = 20


class BootstrapWarning(UserWarning):
    """Too many failed replications, or an estimate outside its own interval."""


def phi_names(m: int, n: int) -> list[str]:
    if m == n == 1:
        return ["Phi"]
    return [f"Phi[{i + 1},{j + 1}]" for i in range(m) for j in range(n)]


def parameter_names(m: int, n: int, shifters: tuple = ()) -> list[str]:
    """Names of the parameter vector: Phi entries, the scalars, the shifters' slopes."""
    return phi_names(m, n) + list(SCALARS) + [f"beta[{s}]" for s in shifters]


class _Fit(Protocol):  # what an estimator's fit provides to the result
    converged: bool

    def header(self, est: StructuralEstimate) -> str: ...

    def model(self, est: StructuralEstimate) -> MatchingModel: ...

    def attribute_sd(self) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True, eq=False)
class StructuralEstimate(TableMixin):
    """Estimated parameters with bootstrap standard errors and intervals.

    Attributes
    ----------
    values : ndarray (k,)
        The estimates, in the order of ``names``: the m x n entries of Phi, the scalars
        (lambda, lambda_x, lambda_y, C, C_star, c_F, nu_x, nu_y, nu_x_star, nu_y_star,
        kappa_d, kappa_f) and the shifters' slopes beta (market estimator; C_star and
        c_F then at shifter z = 0).
    names : tuple of str
    phi_shape : (m, n)
    calibration : YearCalibration or None
    info : dict
        Fit diagnostics; ``info["normalised"]`` lists what a normalisation fixed.
    fit : object
        The estimator's fit (its problem, equilibrium and solver statistics).
    bootstrap : BootstrapResult or None
    year, level, ci_method :
        Year label; interval level and type (``basic`` or ``percentile``).
    """

    values: np.ndarray
    names: tuple[str, ...]
    phi_shape: tuple[int, int]
    calibration: YearCalibration | None
    info: dict[str, Any]
    fit: Any = field(repr=False)
    bootstrap: BootstrapResult | None = None
    year: int | None = None
    level: float = 0.95
    ci_method: Literal["basic", "percentile"] = "basic"
    shifter_names: tuple = ()

    # ------------------------------------------------------------- parameters
    @property
    def title(self) -> str:  # type: ignore[override]
        return "Estimation results" + (f" ({self.year})" if self.year is not None else "")

    @property
    def params(self) -> pd.Series:
        """Point estimates by name."""
        return pd.Series(self.values, index=list(self.names), name="estimate")

    @property
    def vector(self) -> np.ndarray:
        return np.asarray(self.values, dtype=np.float64)

    @property
    def Phi(self) -> np.ndarray:
        k = self.phi_shape[0] * self.phi_shape[1]
        return self.vector[:k].reshape(self.phi_shape)

    @property
    def beta(self) -> np.ndarray:
        return self.vector[self.phi_shape[0] * self.phi_shape[1] + len(SCALARS) :]

    @property
    def converged(self) -> bool:
        return bool(self.fit.converged)

    @property
    def std_errors(self) -> pd.Series:
        """Bootstrap standard deviations (NaN without bootstrap)."""
        se = np.full(self.vector.size, np.nan) if self.bootstrap is None else self.bootstrap.se
        return pd.Series(se, index=list(self.names), name="std_error")

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Bootstrap intervals (``lower``, ``upper``) at ``level`` (default: the estimate's)."""
        lv = self.level if level is None else float(level)
        if self.bootstrap is None:
            ci = np.full((self.vector.size, 2), np.nan)
        else:
            ci = self.bootstrap.ci(lv, self.ci_method, self.vector)
        return pd.DataFrame(ci, index=list(self.names), columns=["lower", "upper"])

    @property
    def n_failed(self) -> pd.Series:
        """Failed bootstrap replications per parameter (a failed replication, or one that
        leaves that parameter undefined); 0 without bootstrap."""
        if self.bootstrap is None:
            return pd.Series(0, index=list(self.names), name="n_failed")
        bad = (~np.isfinite(self.bootstrap.draws)).sum(axis=0)
        return pd.Series(bad.astype(int), index=list(self.names), name="n_failed")

    def to_frame(self) -> pd.DataFrame:
        """Numbers: estimate, std_error, lower, upper, n_failed (bootstrap replications)."""
        df = pd.concat([self.params, self.std_errors, self.conf_int()], axis=1)
        df["n_failed"] = self.n_failed
        return df

    # the frame the truth comparison and the pipeline read (same numbers)
    params_frame = to_frame

    def honesty_warnings(self) -> list[str]:
        """Why an interval should not be trusted: more than 5% failed replications, or the
        point estimate outside its own interval (issue 19)."""
        if self.bootstrap is None:
            return []
        out = []
        B = self.bootstrap.n_boot
        nf = self.n_failed
        bad = nf[nf > FAIL_WARN_SHARE * B]
        for count in sorted(set(bad.tolist()), reverse=True):  # one line per failure count
            names = bad.index[bad == count].tolist()
            which = "all parameters" if len(names) == len(self.names) else ", ".join(names)
            out.append(f"{count} of {B} bootstrap replications failed ({which})")
        ci = self.conf_int()
        for name, est in self.params.items():
            lo, hi = ci.loc[name]
            if np.isfinite(est) and np.isfinite(lo) and not lo <= est <= hi:
                out.append(f"{name}: the estimate {est:.4g} lies outside its interval")
        return [(f"{self.year}: " if self.year is not None else "") + m for m in out]

    @property
    def n_nonpositive_slope(self) -> int:
        """Bootstrap replicates whose within-firm wage slope lambda_x is <= 0: kept in the
        draws (mapped like the others, so the intervals of lambda and of the levels that
        scale with it reach the edge of the parameter space), not counted as failures."""
        if self.bootstrap is None or "lambda_x" not in self.names:
            return 0
        d = self.bootstrap.draws[:, self.names.index("lambda_x")]
        return int(np.sum(np.isfinite(d) & (d <= 0)))

    def identification_notes(self) -> list[str]:
        """What the intervals say about identification (e.g. lambda not bounded away from 0)
        and what they rest on (a cluster bootstrap over few markets)."""
        out = []
        B = self.bootstrap.n_boot if self.bootstrap is not None else 0
        yr = f"{self.year}: " if self.year is not None else ""
        K = self.info.get("n_markets", 0)
        if B and self.info.get("bootstrap_scheme") in ("markets", "clusters") and K < FEW_MARKETS:
            out.append(
                f"{yr}the intervals rest on {K} markets drawn with replacement: with fewer "
                f"than {FEW_MARKETS} clusters a cluster bootstrap's intervals tend to be too "
                "narrow (Cameron and Miller 2015); read them as a lower bound on the uncertainty"
            )
        k = self.n_nonpositive_slope
        if k:
            out.append(
                f"{yr}the wage slope lambda_x is <= 0 in {k} of {B} bootstrap replications "
                "(weak sorting leaves little within-firm variation in log(pi/f0)): the "
                "intervals of lambda and of the parameters that scale with it (Phi, C*, c_F, "
                "the nu's) reach outside the parameter space; lambda is not bounded away from "
                "0 at this sample size"
            )
        return out

    def warn(self) -> None:
        """Issue :class:`BootstrapWarning` for each of :meth:`honesty_warnings`."""
        for msg in self.honesty_warnings():
            warnings.warn(msg, BootstrapWarning, stacklevel=4)

    # ---------------------------------------------------------------- display
    def seed_table(self) -> pd.DataFrame:
        """The seed's "Estimation Results" layout: "estimate (lower, upper)" strings, with the
        number of failed bootstrap replications where there are any."""
        num = self.to_frame()
        col = str(self.year) if self.year is not None else "estimate"
        z = " (z = 0)" if self.shifter_names else ""
        rows = [
            (k, k.replace("Phi", "Φ"), "matching technology") for k in phi_names(*self.phi_shape)
        ]
        rows += [(k, s, d + z if k in ("C_star", "c_F") else d) for k, s, d in _SEED_ROWS]
        rows += [
            (f"beta[{n}]", f"β[{n}]", "shift of the offshoring propensity (units of λ)")
            for n in self.shifter_names
        ]
        out = {sym: {"Parameter": d, col: self._cell(num.loc[k])} for k, sym, d in rows}
        return pd.DataFrame.from_dict(out, orient="index")

    def _cell(self, row: pd.Series) -> str:
        """ "estimate (lower, upper)", with "[k of B failed]" where replications failed."""
        cell = fmt_estimate(row)
        if self.bootstrap is not None and row["n_failed"] > 0:
            cell += f" [{int(row['n_failed'])} of {self.bootstrap.n_boot} failed]"
        return cell

    def summary(self) -> str:
        head = self.fit.header(self)
        if self.bootstrap is not None:
            b = self.bootstrap
            head += f"\nbootstrap: B = {b.n_boot}, seed {b.seed}, {len(b.failures)} failed"
        if self.info.get("normalised"):
            head += "\nnormalised: " + "; ".join(self.info["normalised"])
        for msg in self.honesty_warnings():
            head += "\nwarning: " + msg
        for msg in self.identification_notes():
            head += "\nnote: " + msg
        return head + "\n" + self.seed_table().to_string()

    # ------------------------------------------------------- the economy
    def model(self) -> MatchingModel:
        """The estimated economy in money units (for counterfactuals)."""
        return self.fit.model(self)

    def market_frame(self) -> pd.DataFrame:
        """Per market statistics (market estimator only)."""
        if not hasattr(self.fit, "market_frame"):
            raise AttributeError("market_frame needs estimate_markets")
        return self.fit.market_frame(self)

    def saliency(self) -> Saliency:
        """Singular values of Phi for standardised attributes, with bootstrap intervals."""
        sdx, sdy = self.fit.attribute_sd()
        draws = None
        if self.bootstrap is not None:
            k = self.Phi.size
            draws = self.bootstrap.draws[:, :k].reshape(-1, *self.phi_shape)
        return saliency(self.Phi, sdx, sdy, draws, self.level)


def finish(values: np.ndarray, names: list[str], fit: Any, **kw: Any) -> StructuralEstimate:
    """Build the estimate (``kw``: the other fields) and issue its bootstrap warnings."""
    est = StructuralEstimate(
        values=np.asarray(values, dtype=np.float64), names=tuple(names), fit=fit, **kw
    )
    est.warn()
    return est


@dataclass(frozen=True)
class Inference:
    """An estimator's inference keywords: its bootstrap on Dask and its intervals.

    :func:`~skillshore.structural.estimate` and
    :func:`~skillshore.structural.estimate_markets` list these keywords in their public
    signatures (with their own defaults) and hand them here: one code path runs the
    bootstrap (:func:`~skillshore.structural.run_bootstrap`) and builds the result.
    """

    bootstrap: int = 0
    seed: int = 0
    n_workers: int = 2
    scheduler: str | None = None
    processes: bool = True
    progress: bool = False
    level: float = 0.95
    ci_method: Literal["basic", "percentile"] = "basic"
    max_fail_share: float = 0.2

    def finish(
        self,
        values: np.ndarray,
        names: list[str],
        fit: Any,
        replicate: Any,
        data: Any,
        resample: Any = None,
        **kw: Any,
    ) -> StructuralEstimate:
        """``bootstrap`` replications of ``replicate(resample(data, rng), rng)`` (none
        when it is 0), then :func:`finish` with the intervals' level and method."""
        boot = None
        if self.bootstrap > 0:
            boot = run_bootstrap(
                replicate,
                data,
                self.bootstrap,
                self.seed,
                names=names,
                resample=resample,
                n_workers=self.n_workers,
                scheduler=self.scheduler,
                processes=self.processes,
                progress=self.progress,
                max_fail_share=self.max_fail_share,
            )
        kw.update(bootstrap=boot, level=self.level, ci_method=self.ci_method)
        return finish(values, names, fit, **kw)


@dataclass(frozen=True, eq=False)
class EstimationTable(TableMixin):
    """Several years side by side, as the seed's "Estimation Results" slide (formatted)."""

    estimates: dict[int, StructuralEstimate]
    title: str = "Estimation results"

    def to_frame(self) -> pd.DataFrame:
        frames = [e.seed_table() for e in self.estimates.values()]
        out = frames[0][["Parameter"]].copy()
        for yr, f in zip(self.estimates, frames, strict=True):
            out[str(yr)] = f.iloc[:, 1]
        return out

    def numbers(self) -> pd.DataFrame:
        """Long numeric frame: year, parameter, estimate, std_error, lower, upper, n_failed."""
        parts = []
        for yr, e in self.estimates.items():
            f = e.to_frame().rename_axis("parameter").reset_index()
            f.insert(0, "year", yr)
            parts.append(f)
        return pd.concat(parts, ignore_index=True)

    def warnings(self) -> list[str]:
        return [m for e in self.estimates.values() for m in e.honesty_warnings()]

    def notes(self) -> list[str]:
        """Each year's :meth:`StructuralEstimate.identification_notes`."""
        return [m for e in self.estimates.values() for m in e.identification_notes()]
