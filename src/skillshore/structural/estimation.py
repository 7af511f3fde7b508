"""Structural estimation of the matching model with offshoring (issue 8, part 3).

Seed: "Structural Estimation with Offshoring", "Estimation Results" and the appendix
"Estimation Strategy" / "Identification". Steps:

1. masses of matches, singles and offshored matches on a discrete type support
   (:mod:`~skillshore.structural.masses`);
2. IPFP inside a concave moment-matching problem for B = Phi/lambda and the
   match-propensity constants kappa_d, kappa_f (:mod:`~skillshore.structural.reduced`);
3. the wage equation w = w0 + lambda_x (log(pi/f0) - nu_x) by weighted least squares
   gives lambda_x and nu_x, hence lambda = lambda_x / s_x and Phi = lambda B;
4. calibration targets give the levels: W/Y gives C (then nu_y from kappa_d),
   E(w*) gives nu_x*, and a normalisation splits kappa_f into C* and nu_y*.

See ``docs/estimation.md`` for which moment identifies which parameter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from skillshore._results import TableMixin, fmt_estimate, fmt_num
from skillshore.errors import ModelInputError
from skillshore.matching import Equilibrium, MatchingModel
from skillshore.structural.bootstrap import BootstrapResult, run_bootstrap
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.data import MatchedSample, TypeSupport
from skillshore.structural.masses import Masses, build_masses
from skillshore.structural.offshored import impute_offshored_matches
from skillshore.structural.reduced import ReducedFit, ReducedProblem, fit_reduced
from skillshore.structural.saliency import Saliency, saliency

__all__ = ["StructuralEstimate", "estimate", "estimate_params", "EstimationTable"]

ForeignNorm = Literal["symmetric", "wage_share"] | float

_SCALARS = (
    "lambda",
    "lambda_x",
    "lambda_y",
    "C",
    "C_star",
    "c_F",
    "nu_x",
    "nu_y",
    "nu_x_star",
    "nu_y_star",
    "kappa_d",
    "kappa_f",
)
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


def _phi_names(m: int, n: int) -> list[str]:
    if m == n == 1:
        return ["Phi"]
    return [f"Phi[{i + 1},{j + 1}]" for i in range(m) for j in range(n)]


def _wage_equation(eq: Equilibrium, M: Masses) -> tuple[float, float, float, int]:
    """Weighted OLS of w on z = log(pi/f0): slope lambda_x, intercept w0 - lambda_x nu_x."""
    if M.wage.size < 3 or not M.singles:
        return np.nan, np.nan, np.nan, int(M.wage.size)
    with np.errstate(divide="ignore"):
        z = np.log(eq.pi[M.wage_i, M.wage_j]) - np.log(eq.f0[M.wage_i])
    w = M.wage_w
    Z = np.c_[np.ones_like(z), z]
    coef = np.linalg.lstsq(Z * np.sqrt(w)[:, None], M.wage * np.sqrt(w), rcond=None)[0]
    resid = M.wage - Z @ coef
    r2 = 1 - (w @ resid**2) / (w @ (M.wage - np.average(M.wage, weights=w)) ** 2)
    return float(coef[1]), float(coef[0]), float(r2), int(M.wage.size)


def _mean_log_ratio(pi: np.ndarray, f0: np.ndarray) -> float:
    pos = pi > 0
    with np.errstate(divide="ignore"):
        z = np.where(pos, np.log(np.where(pos, pi, 1.0)) - np.log(f0)[:, None], 0.0)
    return float((pi * z).sum() / pi.sum())


def _structural(
    fit: ReducedFit,
    P: ReducedProblem,
    cal: YearCalibration | None,
    foreign_normalisation: ForeignNorm,
) -> tuple[dict[str, float], np.ndarray, dict[str, Any]]:
    M, eq = P.masses, fit.equilibrium
    m, n = P.m, P.n
    B = fit.theta[: m * n].reshape(m, n)
    kd = fit.theta[m * n] if M.singles else np.nan
    kf = fit.theta[m * n + 1] if (M.singles and P.foreign) else np.nan
    sx = P.lambda_x_share
    w0 = cal.w0 if cal else 0.0
    r0 = cal.r0 if cal else 0.0
    lx, a0, r2, n_w = _wage_equation(eq, M)
    info: dict[str, Any] = {"wage_r2": r2, "wage_n": n_w, "normalised": []}
    p = dict.fromkeys(_SCALARS, np.nan)
    p["kappa_d"], p["kappa_f"] = kd, kf
    if not np.isfinite(lx):
        info["normalised"].append("lambda = 1 (no wages)")
        p.update(lambda_x=sx, lambda_y=1 - sx)
        p["lambda"] = 1.0
        return p, B.copy(), info
    if lx <= 0:
        raise ModelInputError(
            f"the wage equation gives lambda_x = {lx:.4g} <= 0: wages do not rise with log(pi/f0)"
        )
    lam = lx / sx
    ly = lam - lx
    Phi = lam * B
    nu_x = (w0 - a0) / lx
    p.update({"lambda": lam, "lambda_x": lx, "lambda_y": ly, "nu_x": nu_x})
    pi = eq.pi
    mean_w = w0 + lx * (_mean_log_ratio(pi, eq.f0) - nu_x)
    xPy = M.x @ Phi @ M.y.T
    if cal is not None and np.isfinite(cal.wage_bill_share):
        C = mean_w / cal.wage_bill_share - float((pi * xPy).sum() / pi.sum())
    else:
        C = 0.0
        info["normalised"].append("C = 0 (no wage-bill share)")
    p["C"] = C
    p["nu_y"] = (lam * kd - C + w0 + r0 - lx * nu_x) / ly
    info["mean_wage"] = mean_w
    if P.foreign:
        if cal is None or not np.isfinite(cal.mean_w_star):
            info["normalised"].append("foreign levels not identified (no E(w*))")
        else:
            ps = eq.pi_star
            nu_xs = (cal.w0_star + lx * _mean_log_ratio(ps, eq.f0_star) - cal.mean_w_star) / lx
            base = lam * kf + cal.w0_star + r0 - lx * nu_xs  # = C* + ly nu_y*
            if foreign_normalisation == "symmetric" or not isinstance(foreign_normalisation, str):
                gap = (
                    0.0 if isinstance(foreign_normalisation, str) else float(foreign_normalisation)
                )
                nu_ys = nu_xs + gap
                Cs = base - ly * nu_ys
            elif foreign_normalisation == "wage_share":
                Cs = cal.mean_w_star / cal.wage_bill_share - float((ps * xPy).sum() / ps.sum())
                nu_ys = (base - Cs) / ly
            else:
                raise ValueError(f"unknown foreign_normalisation {foreign_normalisation!r}")
            p.update(nu_x_star=nu_xs, nu_y_star=nu_ys, C_star=Cs, c_F=C - Cs)
    return p, Phi, info


@dataclass(frozen=True)
class _Settings:
    lambda_x_share: float = 0.5
    singles: bool = True
    foreign_normalisation: ForeignNorm = "symmetric"
    gtol: float = 1e-8
    max_iter: int = 500


def _point(
    sample: MatchedSample,
    support: TypeSupport,
    cal: YearCalibration | None,
    st: _Settings,
    init: np.ndarray | None = None,
) -> tuple[dict, np.ndarray, dict, ReducedFit, ReducedProblem]:
    M = build_masses(sample, support, cal, singles=st.singles)
    P = ReducedProblem(M, lambda_x_share=st.lambda_x_share)
    if init is not None and init.size != P.n_params:
        init = None
    fit = fit_reduced(P, init=init, gtol=st.gtol, max_iter=st.max_iter)
    p, Phi, info = _structural(fit, P, cal, st.foreign_normalisation)
    return p, Phi, info, fit, P


def _vector(p: dict, Phi: np.ndarray) -> np.ndarray:
    return np.concatenate([Phi.ravel(), [p[k] for k in _SCALARS]])


def _resample_impute(
    sample: MatchedSample, rng: np.random.Generator, ratio: float
) -> MatchedSample:
    """Resample the observed records, then impute the offshored matches of the replicate.

    Offshored matches are not data but a function of the domestic matches (the seed's
    identifying assumption: offshored / domestic workers = purchases abroad / value
    added), so each replicate recomputes them instead of resampling imputed records
    independently of the domestic ones (which let a worker type's offshored mass exceed
    its share of |fbar*|).
    """
    return impute_offshored_matches(sample.resample(rng), ratio)


def _replicate(
    sample: MatchedSample,
    rng: np.random.Generator,
    support: TypeSupport,
    cal: YearCalibration | None,
    st: _Settings,
    init: np.ndarray | None,
) -> np.ndarray:
    p, Phi, _, _, _ = _point(sample, support, cal, st, init)
    return _vector(p, Phi)


@dataclass(frozen=True, eq=False)
class StructuralEstimate(TableMixin):
    """Estimated parameters, their bootstrap intervals and convergence information.

    ``params`` holds the scalars (lambda, lambda_x, lambda_y, C, C_star, c_F, nu_x, nu_y,
    nu_x_star, nu_y_star, kappa_d, kappa_f); ``Phi`` the m x n matrix. Parameters that a
    normalisation fixes are listed in ``info["normalised"]``.
    """

    Phi: np.ndarray
    params: dict[str, float]
    masses: Masses = field(repr=False)
    reduced: ReducedFit = field(repr=False)
    calibration: YearCalibration | None
    info: dict[str, Any]
    bootstrap: BootstrapResult | None = None
    year: int | None = None
    level: float = 0.95
    ci_method: Literal["basic", "percentile"] = "basic"

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Estimation results" + (f" ({self.year})" if self.year is not None else "")

    @property
    def names(self) -> list[str]:
        return _phi_names(*self.Phi.shape) + list(_SCALARS)

    @property
    def vector(self) -> np.ndarray:
        return _vector(self.params, self.Phi)

    @property
    def converged(self) -> bool:
        return self.reduced.converged

    def ci(self, name: str | None = None) -> np.ndarray | None:
        """Percentile interval of one parameter (2,) or of all (k, 2); None without bootstrap."""
        if self.bootstrap is None:
            return None
        ci = self.bootstrap.ci(self.level, self.ci_method, self.vector)
        return ci if name is None else ci[self.names.index(name)]

    def se(self, name: str) -> float:
        """Bootstrap standard deviation of one parameter."""
        if self.bootstrap is None:
            return np.nan
        return float(self.bootstrap.se[self.names.index(name)])

    def params_frame(self) -> pd.DataFrame:
        """Numbers: estimate, bootstrap sd and interval for every parameter."""
        ci = self.ci()
        df = pd.DataFrame({"estimate": self.vector}, index=self.names)
        if ci is not None:
            df["sd"] = self.bootstrap.se
            df["lower"], df["upper"] = ci[:, 0], ci[:, 1]
        return df

    def to_frame(self) -> pd.DataFrame:
        """The seed's "Estimation Results" layout: "estimate (lower, upper)"."""
        num = self.params_frame()
        col = str(self.year) if self.year is not None else "estimate"
        rows = [
            (k, k.replace("Phi", "Φ"), "matching technology") for k in _phi_names(*self.Phi.shape)
        ]
        rows += list(_SEED_ROWS)
        out = {}
        for key, sym, desc in rows:
            r = num.loc[key]
            cell = fmt_estimate(r)
            out[sym] = {"Parameter": desc, col: cell}
        return pd.DataFrame.from_dict(out, orient="index")

    def summary(self) -> str:
        r = self.reduced
        head = (
            f"{self.title}: moment matching {'converged' if r.converged else 'NOT converged'} "
            f"({r.n_iter} L-BFGS iterations, {r.n_solves} IPFP solves, largest moment gap "
            f"{r.grad_norm:.1e}, {r.seconds:.2f} s); wage equation R2 "
            f"{fmt_num(self.info.get('wage_r2'), 3)} on {self.info.get('wage_n')} wages"
        )
        if self.bootstrap is not None:
            b = self.bootstrap
            head += f"\nbootstrap: B = {b.n_boot}, seed {b.seed}, {len(b.failures)} failed"
        if self.info.get("normalised"):
            head += "\nnormalised: " + "; ".join(self.info["normalised"])
        return head + "\n" + self._string_frame().to_string()

    def model(self) -> MatchingModel:
        """The estimated economy in money units on the type support (for counterfactuals)."""
        M, p, cal = self.masses, self.params, self.calibration
        if not np.isfinite(p["nu_x"]):
            raise ModelInputError("the economy's levels need wages (lambda_x) to be estimated")
        kw: dict[str, Any] = {}
        if M.fbar_star is not None and np.isfinite(p["C_star"]):
            kw = dict(
                fbar_star=M.fbar_star,
                C_star=p["C_star"],
                w0_star=cal.w0_star,
                nu_x_star=p["nu_x_star"],
                nu_y_star=p["nu_y_star"],
            )
        return MatchingModel(
            x=M.x,
            y=M.y,
            fbar=M.fbar,
            gbar=M.gbar,
            Phi=self.Phi,
            C=p["C"],
            lambda_x=p["lambda_x"],
            lambda_y=p["lambda_y"],
            w0=cal.w0 if cal else 0.0,
            r0=cal.r0 if cal else 0.0,
            nu_x=p["nu_x"],
            nu_y=p["nu_y"],
            singles=M.singles,
            **kw,
        )

    def saliency(self) -> Saliency:
        """Singular values of Phi for standardised attributes, with bootstrap intervals."""
        M = self.masses
        wx, wy = M.fbar / M.fbar.sum(), M.gbar / M.gbar.sum()
        sdx = np.sqrt(wx @ (M.x - wx @ M.x) ** 2)
        sdy = np.sqrt(wy @ (M.y - wy @ M.y) ** 2)
        draws = None
        if self.bootstrap is not None:
            k = self.Phi.size
            draws = self.bootstrap.draws[:, :k].reshape(-1, *self.Phi.shape)
        return saliency(self.Phi, sdx, sdy, draws, self.level)


def estimate(
    matches: MatchedSample | tuple | pd.DataFrame,
    unmatched_x: np.ndarray | None = None,
    unmatched_y: np.ndarray | None = None,
    foreign: tuple | Literal["calibration"] | None = None,
    calibration: YearCalibration | None = None,
    *,
    wage: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    x_cols: list[str] | None = None,
    y_cols: list[str] | None = None,
    singles: bool = True,
    lambda_x_share: float = 0.5,
    foreign_normalisation: ForeignNorm = "symmetric",
    max_types: int = 400,
    bootstrap: int = 0,
    seed: int = 0,
    n_workers: int = 2,
    scheduler: str | None = None,
    processes: bool = True,
    progress: bool = False,
    level: float = 0.95,
    ci_method: Literal["basic", "percentile"] = "basic",
    gtol: float = 1e-8,
    year: int | None = None,
) -> StructuralEstimate:
    """Estimate Phi (any m x n), lambda, C, C*, the nu's from observed matches.

    Parameters
    ----------
    matches : MatchedSample, (x, y) or (x, y, weights) arrays, or DataFrame
        Domestic matches (a DataFrame needs ``x_cols`` and ``y_cols``).
    unmatched_x, unmatched_y : arrays, optional
        Unemployed workers' and vacant firm slots' characteristics (masses 1 each).
    foreign : (x*, y) or (x*, y, weights), or "calibration", optional
        Offshored matches, e.g. from :func:`impute_offshored_matches`; ``"calibration"``
        imputes them from the calibrated offshoring rate with the seed's identifying
        assumption (every firm's offshored workers proportional to its domestic ones,
        equally skilled). A :class:`MatchedSample` carries its own.
    calibration : YearCalibration, optional
        Outside options, W/Y, E(w*), |fbar*| and, where the sample lacks them, the
        unemployment and offshoring rates (seed slide "Calibrated Parameters").
    singles : bool
        ``False``: the plain Dupuy-Galichon (2014) model (everyone matched, lambda = 1).
    lambda_x_share : float
        lambda_x / lambda (not identified separately from lambda; config
        ``[structural] lambda_x_share``).
    foreign_normalisation : {"symmetric", "wage_share"} or float
        How kappa_f is split into C* and nu_y*: nu_y* = nu_x* (one meeting process
        between foreign workers and domestic firms), the wage share of offshored
        matches' surplus equals W/Y, or a number d: nu_y* = nu_x* + d (a known gap,
        e.g. the seed's). See ``docs/estimation.md``.
    max_types : int
        Largest number of worker (firm) types; more distinct values are grouped by k-means.
    bootstrap : int
        Number of bootstrap replications (resampling records, pooled over groups), run on
        Dask; 0 for none. With ``foreign="calibration"`` the offshored matches are
        imputed again in every replicate from its resampled domestic matches.
    seed, n_workers, scheduler, processes, progress :
        See :func:`skillshore.structural.run_bootstrap`.
    level, ci_method :
        Interval level and type: ``basic`` (default; 2 t - bootstrap quantiles, which
        corrects the estimator's finite-sample bias on sparse tables of types, see
        ``docs/estimation.md``) or ``percentile``.

    Returns
    -------
    StructuralEstimate
    """
    imp = isinstance(foreign, str)
    if imp and (foreign != "calibration" or calibration is None):
        raise ModelInputError('foreign="calibration" needs a calibration (offshoring rate)')
    sample = _as_sample(
        matches, wage, weights, x_cols, y_cols, unmatched_x, unmatched_y, None if imp else foreign
    )
    observed = sample
    if imp:
        sample = impute_offshored_matches(sample, calibration.offshoring_rate)
    support = TypeSupport.build(sample, max_types=max_types)
    st = _Settings(lambda_x_share, singles, foreign_normalisation, gtol)
    p, Phi, info, fit, P = _point(sample, support, calibration, st)
    boot = None
    if bootstrap > 0:
        fn = functools.partial(
            _replicate,
            support=support,
            cal=calibration,
            st=st,
            init=fit.theta,
        )
        resample = None
        if imp:
            resample = functools.partial(_resample_impute, ratio=calibration.offshoring_rate)
        boot = run_bootstrap(
            fn,
            observed if imp else sample,
            bootstrap,
            seed,
            resample=resample,
            names=_phi_names(*Phi.shape) + list(_SCALARS),
            n_workers=n_workers,
            scheduler=scheduler,
            processes=processes,
            progress=progress,
        )
    return StructuralEstimate(
        Phi=Phi,
        params=p,
        masses=P.masses,
        reduced=fit,
        calibration=calibration,
        info=info,
        bootstrap=boot,
        year=year,
        level=level,
        ci_method=ci_method,
    )


def estimate_params(
    sample: MatchedSample, calibration: YearCalibration | None = None, **kw
) -> np.ndarray:
    """The parameter vector of :func:`estimate` (Phi entries, then the scalars), no bootstrap."""
    return estimate(sample, calibration=calibration, **kw).vector


def _as_sample(matches, wage, weights, x_cols, y_cols, ux, uy, foreign) -> MatchedSample:
    if isinstance(matches, MatchedSample):
        return matches
    kw: dict[str, Any] = {}
    if isinstance(matches, pd.DataFrame):
        if not x_cols or not y_cols:
            raise ModelInputError("a DataFrame of matches needs x_cols and y_cols")
        x, y = matches[x_cols].to_numpy(float), matches[y_cols].to_numpy(float)
    else:
        x, y, *rest = matches
        if rest:
            weights = rest[0]
    if foreign is not None:
        fx, fy, *fw = foreign
        kw.update(foreign_x=fx, foreign_y=fy, foreign_weights=fw[0] if fw else None)
    return MatchedSample(x=x, y=y, weights=weights, wage=wage, unmatched_x=ux, unmatched_y=uy, **kw)


@dataclass(frozen=True, eq=False)
class EstimationTable(TableMixin):
    """Several years side by side, as the seed's "Estimation Results" slide."""

    estimates: dict[int, StructuralEstimate]
    title: str = "Estimation results"

    def to_frame(self) -> pd.DataFrame:
        frames = [e.to_frame() for e in self.estimates.values()]
        out = frames[0][["Parameter"]].copy()
        for yr, f in zip(self.estimates, frames, strict=True):
            out[str(yr)] = f.iloc[:, 1]
        return out
