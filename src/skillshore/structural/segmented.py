"""Market-segmented estimation of the matching model with offshoring.

Seed: "Structural Estimation with Offshoring" (identifying assumption, eq. 10),
"Calibrated Parameters", the appendix "Estimation Strategy" / "Identification"; the
synthetic economy's data-generating process (``docs/synth.md``, "Matching").

Workers and firms match only within their **market** (e.g. a 6-digit industry). Every
market shares Phi, lambda and the nu's; the offshoring propensity of market k may shift
with observed characteristics z_k, with slopes beta. Data: :mod:`.markets`; the moment
problem and its solver: :mod:`.profiled` (profiled firm margins, one IPFP over all
markets, :func:`skillshore.matching.ipfp.solve_markets`); the levels: :mod:`.levels`.
Worker types measured with error are corrected through a misclassification matrix
(``docs/estimation.md``, "Mismeasured worker types").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from skillshore._results import fmt_num
from skillshore.errors import DataValidationError, ModelInputError
from skillshore.matching import MatchingModel
from skillshore.structural.calibration import YearCalibration
from skillshore.structural.frames import market_sample_from_frames
from skillshore.structural.levels import (
    SCALARS,
    ForeignNorm,
    model_parameters,
    structural_levels,
    wage_equation,
)
from skillshore.structural.markets import MarketSample
from skillshore.structural.profiled import MarketFitResult, MarketProblem, fit_markets
from skillshore.structural.resampling import SCHEMES
from skillshore.structural.result import Inference, StructuralEstimate, parameter_names
from skillshore.structural.wages import residualise_wages

__all__ = [
    "MarketEstimate",
    "MarketSample",
    "estimate_markets",
    "market_sample_from_frames",
]

#: The market estimator's result is the one result class (kept name).
MarketEstimate = StructuralEstimate


def _levels(
    P: MarketProblem,
    fit: MarketFitResult,
    s: MarketSample,
    cal: YearCalibration,
    norm: ForeignNorm,
    free_sign: bool = False,
    wage_effects: str = "firm_type",
) -> tuple[np.ndarray, dict[str, Any]]:
    """Wage equation within firms, then :func:`~skillshore.structural.levels.structural_levels`."""
    B_int, kd, kf, beta = P.split(fit.theta)
    B = B_int / P.scale_x[:, None] / P.scale_y[None, :]
    out = fit.out
    mu = out["mu"]
    info: dict[str, Any] = {
        "foreign_normalisation": norm,
        "type_correction": P.M is not None,
        "wage_effects": wage_effects,
    }
    ok = np.isfinite(s.wage) if s.wage is not None else np.zeros(s.firm.size, bool)
    wf = None
    if ok.sum() >= 3:
        c = P.rec[1]
        zr = P.log_density_ratio(out)
        w, wg, fj = s.weights[ok], s.wage[ok], s.firm[ok]
        if s.wage_controls is not None:
            cells = fj * P.Nx + c[ok]
            H = _calibrated_controls(P, out, s, ok, cells)
            res = residualise_wages(wg, H, cells, s.wage_reference)
            wg = res.wage
            info["wage_controls"] = dict(enumerate(res.coef.tolist()))
            info["wage_sigma"] = res.sigma
        types = None
        if wage_effects == "firm_type":
            # measured types: each record's probabilities of the true types (the true
            # types' effects; docs/estimation.md, "Wage equation"), else its type
            types = c[ok] if P.M is None else P.expected_given_measured(out["mu"], np.eye(P.Nx))[ok]
        blocks = P.rec[0][ok] if types is not None else None  # type effects per market
        wf = wage_equation(zr[ok], wg, w, groups=fj, types=types, blocks=blocks)
        info.update(wage_r2=wf.r2, wage_n=wf.n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(mu) - np.log(out["m0"])[:, :, None] - out["log_dy"][:, None, :]
    z = np.where(mu > 0, z, 0.0)
    xBy = np.einsum("ca,ab,kjb->kcj", P.X, B, P.Y)
    kw: dict[str, float] = {}
    if P.foreign:
        ms = out["mu_star"]
        with np.errstate(divide="ignore", invalid="ignore"):
            zs = np.log(ms) - np.log(out["m0_star"])[:, :, None] - out["log_dy"][:, None, :]
        zs = np.where(ms > 0, zs, 0.0)
        kw = dict(
            mean_z_star=float((ms * zs).sum() / ms.sum()),
            mean_xBy_star=float((ms * xBy).sum() / ms.sum()),
        )
    p, Phi, normalised = structural_levels(
        wf,
        B,
        kd,
        kf if P.foreign else np.nan,
        lambda_x_share=P.sx,
        cal=cal,
        norm=norm,
        mean_z=float((mu * z).sum() / mu.sum()),
        mean_xBy=float((mu * xBy).sum() / mu.sum()),
        free_sign=free_sign,
        **kw,
    )
    info["normalised"] = normalised
    if wf is not None:
        info["mean_wage"] = cal.w0 + p["lambda_x"] * (float((mu * z).sum() / mu.sum()) - p["nu_x"])
    vec = np.concatenate([Phi.ravel(), [p[k] for k in SCALARS], beta])
    return vec, info


def _calibrated_controls(
    P: MarketProblem, out: dict, s: MarketSample, ok: np.ndarray, cells: np.ndarray
) -> np.ndarray:
    """The wage controls of the records ``ok``, with the ``calibrated_controls`` (measured
    with the types' error) regression-calibrated when the types are corrected: each
    (firm, measured type) cell's mean replaced by E[h_true | c', k, j] = sum_c P(c | c',
    k, j) E[h | true c], the true types' means from the labelled persons' measured
    controls, or without them the measured types' means (MarketSample
    ``calibrated_controls``; docs/estimation.md, "Mismeasured worker types"); the
    within-cell deviations, which
    identify the controls' coefficients, are kept. Unchanged without M or calibrated
    controls."""
    H = np.array(s.wage_controls[ok], dtype=np.float64)
    if P.M is None or not s.calibrated_controls:
        return H
    cols = list(s.calibrated_controls)
    g = np.unique(cells, return_inverse=True)[1]
    cnt = np.bincount(g).astype(np.float64)
    Hc = H[:, cols]
    mean_cell = np.stack([np.bincount(g, weights=h) / cnt for h in Hc.T], axis=1)[g]
    # each measured type's mean control (weighted by records), the fallback for a true type
    c_rec = P.rec[1][ok]
    w = s.weights[ok]
    n_c = np.bincount(c_rec, weights=w, minlength=P.Nx)
    by_type = np.stack([np.bincount(c_rec, weights=h * w, minlength=P.Nx) for h in Hc.T], axis=1)
    by_type = by_type / np.where(n_c > 0, n_c, 1.0)[:, None]
    by_type[n_c == 0] = (Hc * w[:, None]).sum(axis=0) / w.sum()
    if s.validation_controls is None:
        m = by_type
    else:
        m, have = s.true_type_control_means(P.X)
        m[~have] = by_type[~have]
    expect = P.expected_given_measured(out["mu"], m)[ok]
    H[:, cols] = Hc - mean_cell + expect
    return H


@dataclass(frozen=True)
class _Settings:
    lambda_x_share: float = 0.5
    base_measure: str = "uniform"
    foreign_normalisation: ForeignNorm = "symmetric"
    gtol: float = 1e-10
    max_iter: int = 40
    worker_shares: tuple | None = None
    correct_types: bool = True
    wage_effects: str = "firm_type"


def _point(
    s: MarketSample,
    cal,
    st: _Settings,
    init=None,
    support=None,
    jacobian=None,
    final=False,
    replicate=False,
):
    P = MarketProblem(
        s, cal, st.lambda_x_share, st.base_measure, support, st.worker_shares, st.correct_types
    )
    fit = fit_markets(P, init, st.gtol, st.max_iter, jacobian, final)
    vec, info = _levels(
        P, fit, s, cal, st.foreign_normalisation, free_sign=replicate, wage_effects=st.wage_effects
    )
    return vec, info, fit, P


def _replicate(s: MarketSample, rng, cal, st: _Settings, init, support, jacobian) -> np.ndarray:
    """One bootstrap replicate's parameter vector (lambda_x's sign not imposed)."""
    return _point(s, cal, st, init, support, jacobian, replicate=True)[0]


def _resample(s: MarketSample, rng: np.random.Generator, scheme: str = "firms") -> MarketSample:
    return s.resample(rng, scheme)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class MarketFit:
    """The market estimator's fit: its problem arrays and the solver's result."""

    problem: MarketProblem
    result: MarketFitResult
    market_labels: tuple

    @property
    def converged(self) -> bool:
        """True: :func:`estimate_markets` raises ConvergenceError otherwise."""
        return bool(np.isfinite(self.result.gap))

    def header(self, est: StructuralEstimate) -> str:
        f, P = self.result, self.problem
        corr = "; worker types corrected for misclassification" if P.M is not None else ""
        return (
            f"{est.title}: {P.K} markets, {P.Nx} worker types, {int(P.colok.sum())} firms; "
            f"{f.n_iter} Newton steps, {f.n_solves} profiled IPFP solves, largest moment gap "
            f"{f.gap:.1e}, {f.seconds:.2f} s; wage equation R2 "
            f"{fmt_num(est.info.get('wage_r2'), 3)} on {est.info.get('wage_n')} wages{corr}"
        )

    def attribute_sd(self) -> tuple[np.ndarray, np.ndarray]:
        P = self.problem
        wx = P.R.sum(axis=0) / P.total
        sdx = np.sqrt(wx @ (P.X - wx @ P.X) ** 2)
        wy = P.S[P.mask] / P.S.sum()
        Yf = P.Y[P.mask]
        sdy = np.sqrt(wy @ (Yf - wy @ Yf) ** 2)
        return sdx, sdy

    def market_frame(self, est: StructuralEstimate) -> pd.DataFrame:
        """Per market: firms, workers, offshored, model unemployment/vacancy/offshoring rates."""
        P, out = self.problem, self.result.out
        W = out["W"]
        df = pd.DataFrame(
            {
                "firms": P.nk,
                "matched": P.R.sum(axis=1),
                "matched_model": out["mu"].sum(axis=(1, 2)),
                "offshored": P.O.sum(axis=1),
                "unemployment_rate": out["m0"].sum(axis=1) / W,
                "vacancies_per_worker": out["g0"].sum(axis=1) / W,
                "offshoring_rate": P.O.sum(axis=1) / P.R.sum(axis=1),
                "offshoring_rate_model": (
                    out["mu_star"].sum(axis=(1, 2)) / out["mu"].sum(axis=(1, 2))
                    if P.foreign
                    else 0.0
                ),
            },
            index=pd.Index(list(self.market_labels or range(P.K)), name="market"),
        )
        if P.q:
            lam = est.params["lambda"]
            df["c_F"] = est.params["c_F"] - lam * (P.z @ est.beta)
        return df

    def model(self, est: StructuralEstimate) -> MatchingModel:
        """The estimated economy as one market (for counterfactuals; an approximation).

        Every market's worker types and firms are pooled (workers meet all firms at the
        same total rate: dx = 1/Nx, dy = 1/number of firms, or each firm's share of all
        firms' jobs with ``base_measure="capacity"``), masses as estimated
        (workforce R + m0, firms' slots S + g0, the foreign pool), C* at z = 0.
        """
        P, out, p = self.problem, self.result.out, est.params
        kw = model_parameters(p, est.calibration, est.Phi, foreign=P.foreign)
        fbar = (out["W"][:, None] * np.exp(P.logphi)).sum(axis=0)
        keep = P.colok
        y = P.Y[keep]
        gbar = (P.S + out["g0"])[keep]
        T = fbar.sum()
        if P.foreign:
            kw["fbar_star"] = (fbar / T * P.pool)[fbar > 0]
        return MatchingModel(
            x=P.X[fbar > 0],
            y=y,
            fbar=fbar[fbar > 0] / T,
            gbar=gbar / T,
            dx=np.exp(P.log_dx),
            dy=(
                gbar / gbar.sum()
                if P.base_measure == "capacity"
                else (1.0 / y.shape[0] if np.any(P.log_dy) else 1.0)
            ),
            **kw,
        )


def estimate_markets(
    sample: MarketSample,
    calibration: YearCalibration,
    *,
    lambda_x_share: float = 0.5,
    base_measure: Literal["uniform", "capacity", "discrete"] = "uniform",
    foreign_normalisation: ForeignNorm | None = None,
    wage_effects: Literal["firm_type", "firm"] = "firm_type",
    bootstrap: int = 0,
    seed: int = 0,
    n_workers: int = 2,
    scheduler: str | None = None,
    processes: bool = True,
    progress: bool = False,
    level: float = 0.95,
    ci_method: Literal["basic", "percentile"] = "percentile",
    gtol: float = 1e-10,
    worker_shares: np.ndarray | None = None,
    max_fail_share: float = 0.2,
    year: int | None = None,
    correct_types: bool = True,
    bootstrap_scheme: Literal["firms", "markets", "clusters"] = "firms",
) -> StructuralEstimate:
    """Estimate Phi, lambda, C, C*, the nu's (and shifter slopes) market by market.

    Parameters
    ----------
    sample : MarketSample
        Domestic matches by market and firm, offshored workers per firm, shifters.
    calibration : YearCalibration
        Outside options, W/Y, E(w*), |fbar*|/|fbar|, the unemployment rate and the
        offshoring rate of the normalisation |gbar| = |fbar| (1 + rate).
    lambda_x_share : float
        lambda_x / lambda (not identified; see ``docs/estimation.md``).
    base_measure : {"uniform", "capacity", "discrete"}
        ``uniform`` (default): cell volumes dx = 1/(number of worker types), dy_k =
        1/(number of firms in market k), the convention of grids (the nu's are per unit
        of the type distribution); ``capacity``: dx as ``uniform``, and each firm's
        volume its share of the market's jobs, dy_kj = (S_kj + g0_kj) / sum_j (S_kj +
        g0_kj) (filled slots plus the equilibrium's vacancies), so that the measure on
        the firm side is jobs, not firms: a firm twice as large meets workers as two
        firms of its type (the synthetic economy's ``firm_volume="capacity"``;
        ``docs/estimation.md``, "Base measure of the firm side"); ``discrete``: dx = dy = 1.
    foreign_normalisation : {"symmetric", "wage_share"}, float or None
        How kappa_f is split into C* and nu_y* (as in :func:`estimate`); a float is
        nu_y* - nu_x*. None (default): the calibration's ``nu_star_gap`` when it has one,
        else "symmetric" (:attr:`YearCalibration.foreign_normalisation`).
    wage_effects : {"firm", "firm_type"}
        Effects absorbed in the wage equation w = a + lambda_x log(pi/f0): ``firm_type``
        (default) firm and worker-type effects per market (the true types' through their
        posteriors when types are corrected), so lambda_x comes from the match term x'By
        of log(pi/f0) alone: not from the model's unemployed by type m0_k(x), which the
        model does not fit type by type, nor from a wage premium of the types' skills.
        ``firm``: firm effects only; lambda_x then also rests on the wage gradient across
        types, which such a premium shares (identified only when the wage controls net it
        exactly). Type effects cost precision: Phi's sampling sd is about 1.2 times the
        firm effects' at the seed's size, 3-4 times at the demo's (docs/estimation.md,
        "Wage equation" and "Why type effects are the default").
    bootstrap : int
        Replications (:meth:`MarketSample.resample`).
    bootstrap_scheme : {"firms", "markets", "clusters"}
        ``firms`` (default): firms resampled within markets; ``markets``: markets
        resampled with all their firms and workers (the pipeline's default: the top
        level of the nesting, which also carries the markets' shocks); ``clusters``: Owen's (2007)
        pigeonhole bootstrap of markets, firms within markets and the sample's
        ``worker_groups`` (education codes), which also carries the markets' shocks and
        the codes' measurement errors (docs/estimation.md §4, "Inference").
    seed, n_workers, scheduler, processes, progress :
        See :func:`skillshore.structural.run_bootstrap`.
    level, ci_method :
        Interval level and type (``percentile`` default, or ``basic``).
    gtol : float
        Largest moment gap accepted (relative to the domestic matched mass).
    worker_shares : array, optional
        Population share of each worker type (sorted distinct x), the same in every
        market. Default: from the sample's non-employed (the seed's f0(x),
        :meth:`MarketSample.type_shares`) when it has them, else equal shares (types are
        quantile cells of the population).
    max_fail_share : float
        Largest share of failed replications accepted (a replicate fails when, e.g.,
        its wage equation gives lambda_x <= 0: lambda weakly identified, small samples);
        failures are listed in ``bootstrap.failures`` and left out of the intervals;
        more than 5% (or an estimate outside its interval) gives a
        :class:`~skillshore.structural.result.BootstrapWarning` and a line in ``summary()``.
    correct_types : bool
        Correct for mismeasured worker types when the sample carries a validation set or
        a misclassification matrix (``docs/estimation.md``, "Mismeasured worker types");
        False ignores them (the uncorrected estimator).

    Returns
    -------
    StructuralEstimate
    """
    if bootstrap_scheme not in SCHEMES:
        raise ModelInputError(
            f"bootstrap_scheme must be one of {SCHEMES}, got {bootstrap_scheme!r}"
        )
    if bootstrap and bootstrap_scheme == "clusters" and sample.worker_groups is None:
        raise DataValidationError("bootstrap_scheme='clusters' needs the sample's worker_groups")
    if bootstrap and bootstrap_scheme != "firms" and sample.n_markets < 2:
        raise ModelInputError(
            f"bootstrap_scheme={bootstrap_scheme!r} draws markets with replacement and needs "
            f"at least 2 markets; this sample has {sample.n_markets} (use 'firms')"
        )
    shares = None if worker_shares is None else tuple(np.asarray(worker_shares, float))
    if wage_effects not in ("firm_type", "firm"):
        raise ModelInputError(f"wage_effects must be 'firm_type' or 'firm', got {wage_effects!r}")
    if foreign_normalisation is None:
        foreign_normalisation = calibration.foreign_normalisation
    st = _Settings(
        lambda_x_share,
        base_measure,
        foreign_normalisation,
        gtol,
        40,
        shares,
        correct_types,
        wage_effects,
    )
    vec, info, fit, P = _point(sample, calibration, st, final=bootstrap > 0)
    if bootstrap:
        info.update(bootstrap_scheme=bootstrap_scheme, n_markets=sample.n_markets)
    shifters = tuple(sample.shifter_names[: P.q])
    fn = functools.partial(
        _replicate,
        cal=calibration,
        st=st,
        init=fit.theta,
        support=(P.X, P.scale_x, P.scale_y),
        jacobian=fit.jacobian,
    )
    inference = Inference(
        bootstrap, seed, n_workers, scheduler, processes, progress, level, ci_method,
        max_fail_share,
    )  # fmt: skip
    return inference.finish(
        vec,
        parameter_names(*sample.dims, shifters),
        MarketFit(P, fit, tuple(sample.market_labels)),
        fn,
        sample,
        functools.partial(_resample, scheme=bootstrap_scheme),
        phi_shape=sample.dims,
        calibration=calibration,
        info=info,
        year=year,
        shifter_names=shifters,
    )
