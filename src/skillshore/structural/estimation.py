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
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from skillshore._results import fmt_num
from skillshore.errors import ModelInputError
from skillshore.matching import MatchingModel
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.data import MatchedSample, TypeSupport
from skillshore.structural.levels import (
    SCALARS,
    ForeignNorm,
    model_parameters,
    structural_levels,
    wage_equation,
)
from skillshore.structural.masses import Masses, build_masses
from skillshore.structural.offshored import impute_offshored_matches
from skillshore.structural.reduced import ReducedFit, ReducedProblem, fit_reduced
from skillshore.structural.result import (
    EstimationTable,
    Inference,
    StructuralEstimate,
    parameter_names,
)

__all__ = ["EstimationTable", "PooledFit", "StructuralEstimate", "estimate", "estimate_params"]


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
) -> tuple[np.ndarray, dict[str, Any]]:
    """Wage equation by WLS on the matches' types, then the levels (:mod:`.levels`)."""
    M, eq = P.masses, fit.equilibrium
    m, n = P.m, P.n
    B = fit.theta[: m * n].reshape(m, n)
    kd = fit.theta[m * n] if M.singles else np.nan
    kf = fit.theta[m * n + 1] if (M.singles and P.foreign) else np.nan
    wf = None
    if M.wage.size >= 3 and M.singles:
        with np.errstate(divide="ignore"):
            z = np.log(eq.pi[M.wage_i, M.wage_j]) - np.log(eq.f0[M.wage_i])
        wf = wage_equation(z, M.wage, M.wage_w)
    pi = eq.pi
    xBy = M.x @ B @ M.y.T
    kw: dict[str, float] = {}
    if P.foreign:
        ps = eq.pi_star
        kw = dict(
            mean_z_star=_mean_log_ratio(ps, eq.f0_star),
            mean_xBy_star=float((ps * xBy).sum() / ps.sum()),
        )
    mean_z = _mean_log_ratio(pi, eq.f0)
    p, Phi, normalised = structural_levels(
        wf,
        B,
        kd,
        kf,
        lambda_x_share=P.lambda_x_share,
        cal=cal,
        norm=foreign_normalisation,
        mean_z=mean_z,
        mean_xBy=float((pi * xBy).sum() / pi.sum()),
        **kw,
    )
    info: dict[str, Any] = {
        "wage_r2": np.nan if wf is None else wf.r2,
        "wage_n": int(M.wage.size),
        "normalised": normalised,
    }
    if wf is not None:
        info["mean_wage"] = (cal.w0 if cal else 0.0) + p["lambda_x"] * (mean_z - p["nu_x"])
    return np.concatenate([Phi.ravel(), [p[k] for k in SCALARS]]), info


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
) -> tuple[np.ndarray, dict, ReducedFit, ReducedProblem]:
    M = build_masses(sample, support, cal, singles=st.singles)
    P = ReducedProblem(M, lambda_x_share=st.lambda_x_share)
    if init is not None and init.size != P.n_params:
        init = None
    fit = fit_reduced(P, init=init, gtol=st.gtol, max_iter=st.max_iter)
    vec, info = _structural(fit, P, cal, st.foreign_normalisation)
    return vec, info, fit, P


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
    return _point(sample, support, cal, st, init)[0]


@dataclass(frozen=True, eq=False)
class PooledFit:
    """The pooled estimator's fit: masses on the type support and the reduced fit."""

    masses: Masses
    reduced: ReducedFit

    @property
    def converged(self) -> bool:
        return self.reduced.converged

    def header(self, est: StructuralEstimate) -> str:
        r = self.reduced
        return (
            f"{est.title}: moment matching {'converged' if r.converged else 'NOT converged'} "
            f"({r.n_iter} L-BFGS iterations, {r.n_solves} IPFP solves, largest moment gap "
            f"{r.grad_norm:.1e}, {r.seconds:.2f} s); wage equation R2 "
            f"{fmt_num(est.info.get('wage_r2'), 3)} on {est.info.get('wage_n')} wages"
        )

    def model(self, est: StructuralEstimate) -> MatchingModel:
        """The estimated economy in money units on the type support."""
        M, p, cal = self.masses, est.params, est.calibration
        foreign = M.fbar_star is not None and np.isfinite(p["C_star"])
        kw = model_parameters(p, cal, est.Phi, foreign=foreign)
        if foreign:
            kw["fbar_star"] = M.fbar_star
        return MatchingModel(x=M.x, y=M.y, fbar=M.fbar, gbar=M.gbar, singles=M.singles, **kw)

    def attribute_sd(self) -> tuple[np.ndarray, np.ndarray]:
        M = self.masses
        wx, wy = M.fbar / M.fbar.sum(), M.gbar / M.gbar.sum()
        return np.sqrt(wx @ (M.x - wx @ M.x) ** 2), np.sqrt(wy @ (M.y - wy @ M.y) ** 2)


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
    foreign_normalisation: ForeignNorm | None = None,
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
        e.g. the seed's). None (default): the calibration's ``nu_star_gap`` when it has
        one, else "symmetric". See ``docs/estimation.md``.
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
    if foreign_normalisation is None:
        foreign_normalisation = (
            calibration.foreign_normalisation if calibration is not None else "symmetric"
        )
    st = _Settings(lambda_x_share, singles, foreign_normalisation, gtol)
    vec, info, fit, P = _point(sample, support, calibration, st)
    names = parameter_names(P.m, P.n)
    fn = functools.partial(_replicate, support=support, cal=calibration, st=st, init=fit.theta)
    resample = None
    if imp:
        resample = functools.partial(_resample_impute, ratio=calibration.offshoring_rate)
    inference = Inference(
        bootstrap, seed, n_workers, scheduler, processes, progress, level, ci_method
    )
    return inference.finish(
        vec,
        names,
        PooledFit(P.masses, fit),
        fn,
        observed if imp else sample,
        resample,
        phi_shape=(P.m, P.n),
        calibration=calibration,
        info=info,
        year=year,
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
