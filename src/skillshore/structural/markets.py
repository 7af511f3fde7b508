"""Data of the market-segmented estimator: matches by market and firm (seed slide
"Structural Estimation with Offshoring": the identifying assumption, eq. 10).

:class:`MarketSample` holds domestic match records (worker type x, firm, wage), one row
per firm (market, y, offshored workers = purchases abroad / value added x employment),
optional market shifters z_k and, for the correction of mismeasured worker types
(``docs/estimation.md``, "Mismeasured worker types"), a labelled validation set of
(true type, measured type) pairs or a known misclassification matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import polars as pl

from skillshore._constants import RAW_MATERIAL_HS2
from skillshore.errors import DataValidationError

__all__ = [
    "WAGE_CONTROLS",
    "WAGE_REFERENCE",
    "MarketSample",
    "export_supply_shifter",
    "true_type_shares",
]

WAGE_CONTROLS = ("educ_years", "experience", "experience2", "cognitive", "manual", "interpersonal")
WAGE_REFERENCE = (12.0, 0.0, 0.0, 0.5, 0.5, 0.5)
"""The generator's reference worker (docs/synth.md, "Wages"): the model wage is the
wage of a worker with 12 years of schooling, no experience and skills 1/2."""


@dataclass(frozen=True, eq=False)
class MarketSample:
    """Domestic matches by market and firm, with each firm's offshored workers.

    Parameters
    ----------
    x : array (R, m)
        Worker characteristics of each domestic match record (types: distinct rows).
    firm : array (R,) of int
        Firm of each record (index into the firm arrays, 0..F-1).
    firm_y : array (F, n)
        Firm characteristics (each firm is its own type).
    firm_market : array (F,) of int
        Market of each firm (0..K-1).
    weights : array (R,), optional
        Mass of each record (default 1: records are workers).
    wage : array (R,), optional
        Hourly wage (NaN where missing), net of worker characteristics outside the
        model (:func:`skillshore.structural.wages.residualise_wages`).
    firm_offshored : array (F,), optional
        Offshored workers of each firm, from the seed's identifying assumption
        (purchases abroad / value added x domestic workers, all occupations).
    shifters : array (K, q), optional
        Observed market characteristics z_k that shift the offshoring propensity.
    market_labels, shifter_names : optional
        Labels for reports.
    foreign_pool : float, optional
        |fbar*|/|fbar| (else the calibration's).
    worker_groups : array (R,), optional
        The cluster of each match record for the ``"clusters"`` bootstrap (e.g. the
        worker's education code: worker types are measured per code, so all workers of
        one code share one measurement error); see :meth:`resample`.
    n_worker_types : int, optional
        Size of the worker-type grid for the base measure dx = 1/n (default: the number
        of distinct x in the sample).
    wage_controls : array (R, k), optional
        Worker characteristics outside the types; with them ``wage`` is the raw wage and
        the estimator takes it net of them (:func:`~skillshore.structural.wages.
        residualise_wages`, within firm x worker type, at ``wage_reference``) in every
        estimation, so that a bootstrap replicate re-estimates that step too.
    wage_reference : array (k,), optional
        The reference characteristics (default 0).
    validation_true, validation_measured : arrays (V, m), optional
        A labelled validation set: the true and the measured worker type (x rows on the
        sample's support) of V persons, e.g. titles coded by hand and by the title
        matcher. Gives the misclassification matrix M[c', c] = P(measured c' | true c)
        (:meth:`misclassification_matrix`); a bootstrap replicate resamples it, so the
        intervals carry M's own uncertainty.
    validation_groups : array (V,), optional
        The sampling cluster of each labelled person (e.g. the education code when a
        set of *codes* was labelled: misclassification is a property of the code, so
        persons of one code are misclassified together). The bootstrap then resamples
        clusters, not persons, so the intervals carry the error of an M estimated from
        few clusters.
    validation_weights : array (V,), optional
        Weight of each labelled row (default 1), e.g. a code's persons times the
        probability of a true type from :func:`skillshore.structural.soft_types.
        soft_validation` (a soft validation set over all codes).
    validation_controls : array (V, k), optional
        The labelled persons' *measured* wage controls (same columns as
        ``wage_controls``). With ``calibrated_controls`` they give each true type's mean
        control (:meth:`true_type_control_means`), and the type correction nets wages of
        the controls' expected value given the measured type and the firm instead of their
        measured cell mean (docs/estimation.md, "Mismeasured worker types": regression
        calibration of the controls). Resampled with the validation set.
    validation_control_weights : array (V,), optional
        Weights of the labelled rows in the true types' mean controls (default
        ``validation_weights``), e.g. without the rows of codes whose measured skill is an
        outlier (their measured controls say nothing about their true type's).
    calibrated_controls : tuple of int
        Columns of ``wage_controls`` measured with the same error as the types (e.g. the
        title matcher's skills); empty (default): no calibration of the controls. Without
        ``validation_controls`` each true type's mean control is taken as the mean
        measured control of the *measured* type of the same rank (the measured skill has
        the distribution of the true one: quantile cells of either have the same means).
    misclassification : array (Nx, Nx), optional
        A known M instead (columns sum to 1, types in the order of the sorted distinct
        x), e.g. from the matcher's top-k probabilities; held fixed in the bootstrap.
    nonemployed_x : array (U, m), optional
        Worker types of non-employed persons (the seed's f0(x), e.g. the register's
        non-employed with their education); with the calibrated unemployment rate they
        give each worker type's population share (:meth:`type_shares`) instead of equal
        shares. Resampled in the bootstrap. Measured like the matches: with the type
        correction their shares and the matched workers' are taken through M back to
        the true types' (:func:`true_type_shares`).
    nonemployed_weights : array (U,), optional
        Their weights (default 1).
    """

    x: np.ndarray
    firm: np.ndarray
    firm_y: np.ndarray
    firm_market: np.ndarray
    weights: np.ndarray | None = None
    wage: np.ndarray | None = None
    firm_offshored: np.ndarray | None = None
    shifters: np.ndarray | None = None
    market_labels: tuple = ()
    shifter_names: tuple = ()
    foreign_pool: float | None = None
    n_worker_types: int | None = None
    worker_groups: np.ndarray | None = None
    wage_controls: np.ndarray | None = None
    wage_reference: np.ndarray | None = None
    validation_true: np.ndarray | None = None
    validation_measured: np.ndarray | None = None
    validation_groups: np.ndarray | None = None
    validation_weights: np.ndarray | None = None
    validation_controls: np.ndarray | None = None
    validation_control_weights: np.ndarray | None = None
    calibrated_controls: tuple = ()
    misclassification: np.ndarray | None = None
    nonemployed_x: np.ndarray | None = None
    nonemployed_weights: np.ndarray | None = None
    _groups: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        s = object.__setattr__
        x = np.asarray(self.x, dtype=np.float64)
        x = x[:, None] if x.ndim == 1 else x
        fy = np.asarray(self.firm_y, dtype=np.float64)
        fy = fy[:, None] if fy.ndim == 1 else fy
        firm = np.asarray(self.firm, dtype=np.int64).reshape(-1)
        fm = np.asarray(self.firm_market, dtype=np.int64).reshape(-1)
        F = fy.shape[0]
        if x.shape[0] != firm.size or x.shape[0] == 0:
            raise DataValidationError(f"matches: {x.shape[0]} x rows and {firm.size} firm codes")
        if fm.size != F:
            raise DataValidationError(f"firms: {F} rows of y but {fm.size} market codes")
        if firm.min() < 0 or firm.max() >= F:
            raise DataValidationError("matches: firm codes must index the firm arrays")
        for name, a in (("matches x", x), ("firm y", fy)):
            bad = np.flatnonzero(~np.isfinite(a).all(axis=1))
            if bad.size:
                raise DataValidationError(f"{name}: non-finite values in rows {bad[:5].tolist()}")
        K = int(fm.max()) + 1
        if fm.min() < 0 or np.any(np.bincount(fm, minlength=K) == 0):
            raise DataValidationError("firm markets must be codes 0..K-1, each with a firm")
        w = np.ones(firm.size) if self.weights is None else np.asarray(self.weights, float)
        if w.shape != firm.shape or np.any(~np.isfinite(w)) or np.any(w < 0):
            raise DataValidationError("matches: weights must be finite and >= 0, one per record")
        s(self, "x", x)
        s(self, "firm_y", fy)
        s(self, "firm", firm)
        s(self, "firm_market", fm)
        s(self, "weights", w)
        if self.wage is not None:
            wg = np.asarray(self.wage, dtype=np.float64).reshape(-1)
            if wg.shape != firm.shape:
                raise DataValidationError("wage: one value per match record (NaN where missing)")
            s(self, "wage", wg)
        if self.worker_groups is not None:
            wgr = np.asarray(self.worker_groups, dtype=object).reshape(-1)
            if wgr.shape != firm.shape:
                raise DataValidationError(
                    f"worker_groups: one cluster label per match record ({firm.size}), "
                    f"got {wgr.size}"
                )
            bad = np.flatnonzero(pd.isna(wgr))
            if bad.size:
                raise DataValidationError(
                    f"worker_groups: missing cluster labels in rows {bad[:5].tolist()}"
                )
            s(self, "worker_groups", wgr.astype(str))
        if self.wage_controls is not None:
            H = np.asarray(self.wage_controls, dtype=np.float64)
            H = H[:, None] if H.ndim == 1 else H
            if self.wage is None or H.shape[0] != firm.size:
                raise DataValidationError("wage_controls: one row per match record, with wages")
            s(self, "wage_controls", H)
            ref = np.zeros(H.shape[1]) if self.wage_reference is None else self.wage_reference
            s(self, "wage_reference", np.asarray(ref, dtype=np.float64).reshape(-1))
        if self.firm_offshored is not None:
            o = np.asarray(self.firm_offshored, dtype=np.float64).reshape(-1)
            if o.shape != (F,) or np.any(~np.isfinite(o)) or np.any(o < 0):
                raise DataValidationError(
                    f"offshored workers: one finite value >= 0 per firm, got shape {o.shape}"
                )
            s(self, "firm_offshored", o)
        if self.shifters is not None:
            z = np.asarray(self.shifters, dtype=np.float64)
            z = z[:, None] if z.ndim == 1 else z
            if z.shape[0] != K or not np.all(np.isfinite(z)):
                raise DataValidationError(f"shifters: {K} finite rows (one per market) needed")
            s(self, "shifters", z)
            if not self.shifter_names:
                s(self, "shifter_names", tuple(f"z{i + 1}" for i in range(z.shape[1])))
        if not self.market_labels:
            s(self, "market_labels", tuple(range(K)))
        if (self.validation_true is None) != (self.validation_measured is None):
            raise DataValidationError("validation: give both the true and the measured types")
        if self.validation_true is not None:
            vt = np.asarray(self.validation_true, dtype=np.float64)
            vm = np.asarray(self.validation_measured, dtype=np.float64)
            vt, vm = (v[:, None] if v.ndim == 1 else v for v in (vt, vm))
            if vt.shape != vm.shape or vt.shape[1] != x.shape[1] or vt.shape[0] == 0:
                raise DataValidationError(
                    f"validation: true {vt.shape} and measured {vm.shape} types must be "
                    f"(V, {x.shape[1]}) arrays of the same shape, V > 0"
                )
            if not (np.isfinite(vt).all() and np.isfinite(vm).all()):
                raise DataValidationError("validation: non-finite types")
            s(self, "validation_true", vt)
            s(self, "validation_measured", vm)
        if self.validation_groups is not None:
            g = np.asarray(self.validation_groups).reshape(-1)
            if self.validation_true is None or g.size != self.validation_true.shape[0]:
                raise DataValidationError(
                    "validation_groups: one cluster label per labelled person of the validation set"
                )
            s(self, "validation_groups", g)
        if self.validation_weights is not None:
            vw = np.asarray(self.validation_weights, dtype=np.float64).reshape(-1)
            if self.validation_true is None or vw.size != self.validation_true.shape[0]:
                raise DataValidationError("validation_weights: one per labelled row")
            if not np.isfinite(vw).all() or np.any(vw < 0):
                raise DataValidationError("validation_weights: finite and >= 0")
            s(self, "validation_weights", vw)
        self._check_control_calibration()
        if self.misclassification is not None:
            if self.validation_true is not None:
                raise DataValidationError("give a validation set or a misclassification matrix")
            M = np.asarray(self.misclassification, dtype=np.float64)
            if M.ndim != 2 or M.shape[0] != M.shape[1] or np.any(M < 0):
                raise DataValidationError("misclassification: a square matrix of shares >= 0")
            if not np.allclose(M.sum(axis=0), 1.0, atol=1e-8):
                raise DataValidationError("misclassification: columns must sum to 1")
            s(self, "misclassification", M)
        if self.nonemployed_x is not None:
            u = np.asarray(self.nonemployed_x, dtype=np.float64)
            u = u[:, None] if u.ndim == 1 else u
            if u.shape[1] != x.shape[1] or u.shape[0] == 0 or not np.isfinite(u).all():
                raise DataValidationError(
                    f"nonemployed: finite types of {x.shape[1]} column(s), at least one row"
                )
            uw = (
                np.ones(u.shape[0])
                if self.nonemployed_weights is None
                else self.nonemployed_weights
            )
            uw = np.asarray(uw, dtype=np.float64).reshape(-1)
            if uw.shape != (u.shape[0],) or np.any(~np.isfinite(uw)) or np.any(uw < 0):
                raise DataValidationError("nonemployed: one finite weight >= 0 per person")
            s(self, "nonemployed_x", u)
            s(self, "nonemployed_weights", uw)
        if self.foreign_pool is not None and not self.foreign_pool > 0:
            raise DataValidationError("foreign_pool must be > 0")
        order = np.argsort(firm, kind="stable")
        counts = np.bincount(firm, minlength=F)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        members = tuple(np.flatnonzero(fm == k) for k in range(K))
        s(self, "_groups", (order, starts, counts, members))

    def _check_control_calibration(self) -> None:
        cols = tuple(int(c) for c in self.calibrated_controls)
        object.__setattr__(self, "calibrated_controls", cols)
        if cols and self.wage_controls is None:
            raise DataValidationError("calibrated_controls need wage_controls")
        if self.validation_controls is None:
            return
        vc = np.asarray(self.validation_controls, dtype=np.float64)
        vc = vc[:, None] if vc.ndim == 1 else vc
        k = None if self.wage_controls is None else np.shape(self.wage_controls)[-1]
        if self.validation_true is None or vc.shape[0] != self.validation_true.shape[0]:
            raise DataValidationError(
                "validation_controls: one row per labelled person of the validation set"
            )
        if k is None or vc.shape[1] != k or not np.isfinite(vc).all():
            raise DataValidationError(
                f"validation_controls: finite values of the {k} wage control column(s)"
            )
        if any(c < 0 or c >= k for c in cols):
            raise DataValidationError(f"calibrated_controls {cols}: columns of the {k} controls")
        object.__setattr__(self, "validation_controls", vc)
        if self.validation_control_weights is not None:
            cw = np.asarray(self.validation_control_weights, dtype=np.float64).reshape(-1)
            if cw.size != vc.shape[0] or not np.isfinite(cw).all() or np.any(cw < 0):
                raise DataValidationError(
                    "validation_control_weights: one finite weight >= 0 per labelled row"
                )
            object.__setattr__(self, "validation_control_weights", cw)

    def true_type_control_means(self, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean measured control of each *true* type in the validation set, (Nx, q) for the
        ``calibrated_controls``, and which true types have labelled persons (Nx,).

        Under classical measurement error given the type (E[h_measured - h_true | true c]
        = 0) this is E[h_true | c], the controls' part that the type carries.
        """
        if self.validation_controls is None or not self.calibrated_controls:
            raise DataValidationError("no validation_controls / calibrated_controls")
        idx = _type_index(support, self.validation_true, "validation: true")
        Nx = support.shape[0]
        vw = (
            self.validation_weights
            if self.validation_control_weights is None
            else self.validation_control_weights
        )
        n = np.bincount(idx, weights=vw, minlength=Nx).astype(np.float64)
        H = self.validation_controls[:, list(self.calibrated_controls)]
        vw = np.ones(idx.size) if vw is None else vw
        sums = np.stack([np.bincount(idx, weights=h * vw, minlength=Nx) for h in H.T], axis=1)
        return sums / np.where(n > 0, n, 1.0)[:, None], n > 0

    @property
    def n_markets(self) -> int:
        return len(self._groups[3])

    @property
    def n_firms(self) -> int:
        return self.firm_y.shape[0]

    @property
    def dims(self) -> tuple[int, int]:
        return self.x.shape[1], self.firm_y.shape[1]

    @property
    def corrects_types(self) -> bool:
        """True when the sample carries a validation set or a misclassification matrix."""
        return self.validation_true is not None or self.misclassification is not None

    def misclassification_matrix(self, support: np.ndarray) -> np.ndarray | None:
        """M[c', c] = P(measured type c' | true type c) on ``support`` (sorted distinct x).

        From the validation set: counts of (true, measured) pairs, each true type's column
        normalised; a true type absent from the validation set is taken as measured
        without error (identity column). None without a validation set or matrix.
        """
        Nx = support.shape[0]
        if self.misclassification is not None:
            if self.misclassification.shape != (Nx, Nx):
                raise DataValidationError(
                    f"misclassification: {self.misclassification.shape}, the support has "
                    f"{Nx} worker types"
                )
            return self.misclassification
        if self.validation_true is None:
            return None
        codes = [
            _type_index(support, v, f"validation: {name}")
            for name, v in (("true", self.validation_true), ("measured", self.validation_measured))
        ]
        C = np.bincount(
            codes[1] * Nx + codes[0], weights=self.validation_weights, minlength=Nx * Nx
        ).reshape(Nx, Nx)
        C = C.astype(np.float64)
        n = C.sum(axis=0)
        C[:, n == 0] = np.eye(Nx)[:, n == 0]
        return C / np.where(n > 0, n, 1.0)

    def validation_type_shares(self, support: np.ndarray) -> np.ndarray | None:
        """The true types' (weighted) shares in the validation set, on ``support``; None
        without one (:func:`true_type_shares`' ``prior``)."""
        if self.validation_true is None:
            return None
        idx = _type_index(support, self.validation_true, "validation: true")
        n = np.bincount(idx, weights=self.validation_weights, minlength=support.shape[0])
        return n / n.sum()

    def type_shares(self, support: np.ndarray, unemployment_rate: float) -> np.ndarray | None:
        """Population share of each worker type from the non-employed (None without them).

        phi_c = (1 - u) r_c + u f0_c, with r_c the matched workers' share of type c, f0_c
        the non-employed's and u the unemployment rate (the seed's f0(x) and |f0|/|fbar|).
        A non-employed person's type must be on the support of the matched workers.
        """
        if self.nonemployed_x is None:
            return None
        Nx = support.shape[0]
        lookup = {r.tobytes(): i for i, r in enumerate(np.ascontiguousarray(support))}
        idx = np.array(
            [lookup.get(r.tobytes(), -1) for r in np.ascontiguousarray(self.nonemployed_x)]
        )
        if np.any(idx < 0):
            bad = np.flatnonzero(idx < 0)[:5].tolist()
            raise DataValidationError(
                f"nonemployed: rows {bad} have types that no matched worker has"
            )
        f0 = np.bincount(idx, weights=self.nonemployed_weights, minlength=Nx)
        if f0.sum() <= 0:
            raise DataValidationError("nonemployed: total weight 0")
        mi = np.array([lookup[r.tobytes()] for r in np.ascontiguousarray(self.x)])
        r = np.bincount(mi, weights=self.weights, minlength=Nx)
        u = float(unemployment_rate)
        return (1 - u) * r / r.sum() + u * f0 / f0.sum()

    @property
    def has_foreign(self) -> bool:
        return self.firm_offshored is not None and float(self.firm_offshored.sum()) > 0

    def take_firms(self, picks: np.ndarray) -> MarketSample:
        """The sample of the firms ``picks`` (repeats allowed: each copy its own firm)."""
        from skillshore.structural.resampling import firm_draw, take

        return take(self, firm_draw(self, picks))

    def resample(
        self, rng: np.random.Generator, scheme: Literal["firms", "markets", "clusters"] = "firms"
    ) -> MarketSample:
        """A bootstrap replicate (:func:`skillshore.structural.resampling.draw`).

        ``scheme="firms"`` (default): firms drawn with replacement within each market.
        A firm brings all its workers and its offshored workers, so every replicate
        satisfies the identifying assumption firm by firm (offshored / domestic workers =
        purchases abroad / value added) and keeps each market's number of firms (the
        base measure); a drawn-twice firm is two firms. The validation set of the type
        correction and the non-employed are resampled independently (separate samples);
        with ``validation_groups`` the validation set's clusters are drawn with
        replacement, each bringing all its labelled persons.

        ``scheme="markets"``: markets drawn with replacement, each with all its firms and
        workers, the worker types' masses post-stratified (a market drawn twice is two
        markets with its shifter row); validation set and non-employed as in ``"firms"``.

        ``scheme="clusters"``: Owen's (2007) pigeonhole bootstrap over markets, firms
        within markets and ``worker_groups`` (education codes), which also redraws the
        markets' shocks and the codes' measurement errors (docs/estimation.md §4).
        """
        from skillshore.structural.resampling import draw, take

        return take(self, draw(self, rng, scheme))


def true_type_shares(
    M: np.ndarray,
    measured: np.ndarray,
    prior: np.ndarray | None = None,
    tol: float = 1e-13,
    max_iter: int = 200_000,
) -> np.ndarray:
    """Population shares of the *true* worker types from the shares of the measured ones.

    Measured shares are M applied to the true ones, phi' = M phi (M[c', c] = P(measured c'
    | true c), the same nondifferential misclassification as the matches; docs/estimation.md
    §4c).

    With ``prior``, the true types' shares in a validation set that is a random sample of
    the population whose types are measured (§4c assumption (iii)), each measured type's
    persons are spread over the true types by P(c | c') = M[c', c] prior_c / sum_d M[c', d]
    prior_d (the validation set's own share of true c among its measured c'; a measured
    type it lacks is taken as measured without error): phi_c = sum_c' phi'_c' P(c | c').
    This is the step of the matches' regression calibration, P proportional to M mu, and
    needs no inverse of M (which amplifies the sampling error of M: with the synthetic
    economy's two-diagonal M, bootstrap replicates of the inverse moved shares by as much
    as the shares themselves).

    Without ``prior`` (a known M, no validation set), phi is the maximum-likelihood
    solution of the mixture (measured shares as multinomial frequencies, known components
    M[:, c]), by the EM fixed point

        phi_c <- phi_c sum_c' M[c', c] phi'_c' / (M phi)_c'

    from equal shares (every phi_c stays > 0), to a largest change of ``tol``; when M is
    invertible and M^-1 phi' > 0, that is the maximum and is returned directly.

    Parameters
    ----------
    M : array (Nx, Nx)
        Misclassification matrix, columns summing to 1.
    measured : array (Nx,)
        Shares of the measured types (>= 0, summing to 1).
    prior : array (Nx,), optional
        The true types' shares in the validation set.
    """
    M = np.asarray(M, dtype=np.float64)
    q = np.asarray(measured, dtype=np.float64).reshape(-1)
    q = q / q.sum()
    if prior is not None:
        P = M * np.asarray(prior, dtype=np.float64).reshape(1, -1)
        tot = P.sum(axis=1)
        P[tot <= 0] = np.eye(M.shape[0])[tot <= 0]
        P /= P.sum(axis=1, keepdims=True)
        phi = P.T @ q
        return phi / phi.sum()
    reach = M.sum(axis=1) > 0
    if np.any(q[~reach] > 0):
        bad = np.flatnonzero(~reach & (q > 0)).tolist()
        raise DataValidationError(
            f"measured worker types {bad} have persons but no true type is measured as them "
            "(rows of the misclassification matrix are 0)"
        )
    if M.shape[0] == M.shape[1] and np.linalg.cond(M) < 1e12:
        exact = np.linalg.solve(M, q)
        if np.all(exact > 0):  # the likelihood's maximum: M phi = phi' exactly
            return exact / exact.sum()
    phi = np.full(M.shape[1], 1.0 / M.shape[1])
    for _ in range(max_iter):
        pm = M @ phi
        ratio = np.divide(q, pm, out=np.zeros_like(q), where=pm > 0)
        new = phi * (M.T @ ratio)
        new /= new.sum()
        done = float(np.max(np.abs(new - phi))) < tol
        phi = new
        if done:
            break
    return phi


def _type_index(support: np.ndarray, v: np.ndarray, name: str) -> np.ndarray:
    """Row of ``support`` of each row of ``v`` (clear error for a type not on it)."""
    lookup = {r.tobytes(): i for i, r in enumerate(np.ascontiguousarray(support))}
    idx = np.array([lookup.get(r.tobytes(), -1) for r in np.ascontiguousarray(v)])
    if np.any(idx < 0):
        bad = np.flatnonzero(idx < 0)[:5].tolist()
        raise DataValidationError(f"{name} types of rows {bad} are not worker types of the sample")
    return idx


def export_supply_shifter(
    customs: pl.DataFrame,
    firms: pl.DataFrame,
    world_trade: pl.DataFrame,
    base_years: tuple[int, int],
    first_year: int,
    year: int,
    cap: float | None = None,
    *,
    source: str | Sequence[str] = "CHN",
    home: str = "DNK",
    raw_material_hs2: Sequence[str] = RAW_MATERIAL_HS2,
) -> pl.DataFrame:
    """z_kt: growth of the source's export supply in industry k's export products.

    I_kt = sum_h e_hk0 WES_ht with e_hk0 the industry's base-year export shares of non-raw
    products (``raw_material_hs2``; :func:`skillshore.offshoring.measures.exposure_shares`)
    and WES the ``source``'s (China's) exports to the world but the ``home`` country
    (Denmark); g_kt = I_kt / I_k,t0 - 1 (t0 = ``first_year``), demeaned over industries
    (summed in industry order), optionally bounded as cap tanh(. / cap). The structural
    stage's shifter (``[offshoring] source``, ``home_country``, ``raw_material_hs2``).
    Returns ``industry, z``.
    """
    from skillshore.offshoring.measures import exposure_shares, shift_share, world_export_supply
    from skillshore.panel.sample import main_industry

    inds = main_industry(firms, (first_year, year))
    shares = exposure_shares(
        customs, inds, base_years, flow="export", raw_material_hs2=raw_material_hs2
    )
    wes = world_export_supply(world_trade, countries=source, home=home)
    inst = shift_share(shares, wes, "wes")
    a = inst.filter(pl.col("year") == year).select("industry", pl.col("instrument").alias("i1"))
    b = inst.filter(pl.col("year") == first_year).select(
        "industry", pl.col("instrument").alias("i0")
    )
    g = a.join(b, on="industry").sort("industry")  # a join's row order varies: fix the mean's
    g = g.with_columns(g=pl.col("i1") / pl.col("i0") - 1.0)
    g = g.with_columns(z=pl.col("g") - pl.col("g").mean())
    if cap:
        g = g.with_columns(z=cap * (pl.col("z") / cap).tanh())
    return g.select("industry", "z").sort("industry")
