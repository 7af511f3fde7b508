"""The estimated economy market by market, and its equilibrium (seed slides
"Counterfactuals"; issue 14, part 3).

The market-segmented estimator (:func:`~skillshore.structural.estimate_markets`) has
workers meet only the firms of their own market. Its counterfactuals therefore solve
every market on its own and aggregate: :class:`MarketEconomy` holds one
:class:`~skillshore.matching.MatchingModel` per market, its masses in the data's units
(market k's workforce, firms' slots and foreign pool, all divided by the same total), so
that summing the markets' equilibria weights each market as the data do;
:class:`SegmentedEquilibrium` pools the markets' equilibria into the statistics of
:func:`~skillshore.structural.counterfactuals.wage_inequality`: firms are the markets'
firms side by side, a worker type's statistics are summed over the markets where it lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from skillshore.errors import ModelInputError
from skillshore.matching import Equilibrium, MatchingModel, solve

__all__ = ["MarketEconomy", "SegmentedEquilibrium", "market_economy"]


@dataclass(frozen=True, eq=False)
class MarketEconomy:
    """One matching model per market (masses on a common scale).

    Attributes
    ----------
    models : tuple of MatchingModel
        The markets (workers meet only their market's firms).
    labels : tuple
        Market labels (e.g. industries), to pair the markets of two years.
    c_F0 : float
        The offshoring cost of a market without a shifter (z = 0), used for a market of
        another economy that this one lacks (:func:`~skillshore.structural.counterfactuals.decompose_change`).
    """

    models: tuple[MatchingModel, ...]
    labels: tuple = ()
    c_F0: float = float("nan")

    def __post_init__(self) -> None:
        if not self.models:
            raise ModelInputError("a market economy needs at least one market")
        if self.labels and len(self.labels) != len(self.models):
            raise ModelInputError(f"{len(self.models)} markets but {len(self.labels)} labels")
        if not self.labels:
            object.__setattr__(self, "labels", tuple(range(len(self.models))))

    @property
    def has_foreign(self) -> bool:
        return any(m.has_foreign for m in self.models)

    @cached_property
    def _types(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """The distinct worker types over all markets and each market's row -> type index."""
        allx = np.concatenate([m.x for m in self.models])
        x, inv = np.unique(allx, axis=0, return_inverse=True)
        cuts = np.cumsum([m.x.shape[0] for m in self.models])[:-1]
        return x, np.split(inv.ravel(), cuts)

    @property
    def x(self) -> np.ndarray:
        """Distinct worker types (over all markets)."""
        return self._types[0]

    def by_type(self, per_market: list[np.ndarray]) -> np.ndarray:
        """Sum per-market arrays over worker rows into the distinct types."""
        x, idx = self._types
        out = np.zeros(x.shape[0])
        for i, v in zip(idx, per_market, strict=True):
            out += np.bincount(i, weights=v, minlength=x.shape[0])
        return out

    @property
    def fbar(self) -> np.ndarray:
        """Domestic workers of each distinct type, summed over markets."""
        return self.by_type([m.fbar for m in self.models])

    @property
    def y(self) -> np.ndarray:
        """The markets' firm types side by side (the order of the equilibrium's firm arrays)."""
        return np.concatenate([m.y for m in self.models])

    @property
    def gbar(self) -> np.ndarray:
        """The markets' firm masses side by side."""
        return np.concatenate([m.gbar for m in self.models])

    @property
    def c_F(self) -> float:
        """The offshoring cost at z = 0 (:attr:`c_F0`; the markets' own c_F may differ)."""
        return self.c_F0

    def market(self, label: Any) -> MatchingModel | None:
        """The model of market ``label`` (None if this economy has no such market)."""
        try:
            return self.models[self.labels.index(label)]
        except ValueError:
            return None

    def reference(self) -> MatchingModel:
        """A market with the economy's parameters and c_F at z = 0 (for the parameters of a
        market this economy lacks; its masses are not used)."""
        m = self.models[0]
        if np.isfinite(self.c_F0):
            m = m.replace(C_star=m.C - self.c_F0)
        return m

    def map(self, fn) -> MarketEconomy:
        """The economy with ``fn`` applied to every market's model."""
        return MarketEconomy(tuple(fn(m) for m in self.models), self.labels, self.c_F0)

    def solve(self, tol: float = 1e-10, init: SegmentedEquilibrium | None = None):
        """Solve every market (warm-started from ``init``'s markets when given)."""
        parts = tuple(
            solve(m, tol=tol, init=None if init is None else init.parts[k])
            for k, m in enumerate(self.models)
        )
        return SegmentedEquilibrium(self, parts)


@dataclass(frozen=True, eq=False)
class SegmentedEquilibrium:
    """The equilibria of a :class:`MarketEconomy`, pooled (the accessors of
    :class:`~skillshore.matching.Equilibrium` that the counterfactual statistics and
    figures read)."""

    economy: MarketEconomy
    parts: tuple[Equilibrium, ...]

    @property
    def model(self) -> MarketEconomy:
        return self.economy

    def _cat(self, name: str, *args: Any) -> np.ndarray:
        return np.concatenate([getattr(e, name)(*args) for e in self.parts])

    @property
    def matched_domestic(self) -> float:
        return float(sum(e.matched_domestic for e in self.parts))

    @property
    def matched_foreign(self) -> float:
        return float(sum(e.matched_foreign for e in self.parts))

    def matches_by_firm(self, foreign: bool = False) -> np.ndarray:
        return self._cat("matches_by_firm", foreign)

    def matches_by_worker(self, foreign: bool = False) -> np.ndarray:
        return self.economy.by_type([e.matches_by_worker(foreign) for e in self.parts])

    def wage_by_firm(self) -> np.ndarray:
        return self._cat("wage_by_firm")

    def wage_by_worker(self) -> np.ndarray:
        """E(wage | x) over the type's domestic matches in all markets."""
        mass = [e.matches_by_worker() for e in self.parts]
        wsum = [
            np.where(m > 0, m * e.wage_by_worker(), 0.0)
            for m, e in zip(mass, self.parts, strict=True)
        ]
        den = self.economy.by_type(mass)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.economy.by_type(wsum) / den

    def mean_matched_quality_by_firm(self, k: int = 0) -> np.ndarray:
        return self._cat("mean_matched_quality_by_firm", k)

    def offshoring_prob_by_firm(self) -> np.ndarray:
        return self._cat("offshoring_prob_by_firm")

    @property
    def mean_matched_quality(self) -> np.ndarray:
        """E(x | domestic match) over all markets, each skill dimension."""
        m = np.array([e.matched_domestic for e in self.parts])
        q = np.array([e.mean_matched_quality for e in self.parts])
        return m @ q / m.sum()

    @property
    def f0(self) -> np.ndarray:
        """Unemployed workers of each distinct type, summed over markets."""
        return self.economy.by_type([e.f0 for e in self.parts])

    @property
    def unemployment_rate(self) -> float:
        return float(self.f0.sum() / self.economy.fbar.sum())

    @property
    def offshoring_rate(self) -> float:
        return self.matched_foreign / self.matched_domestic

    @property
    def mean_wage(self) -> float:
        """E(wage) over all markets' domestic matches."""
        m = np.array([e.matched_domestic for e in self.parts])
        w = np.array([e.mean_wage for e in self.parts])
        return float(m @ w / m.sum())

    @property
    def sd_wage(self) -> float:
        """SD(wage) over all markets' domestic matches (within plus between markets)."""
        m = np.array([e.matched_domestic for e in self.parts])
        w = np.array([e.mean_wage for e in self.parts])
        s = np.array([e.sd_wage for e in self.parts])
        second = m @ (s**2 + w**2) / m.sum()
        return float(np.sqrt(max(second - self.mean_wage**2, 0.0)))


def market_economy(est: Any, values: np.ndarray | None = None) -> MarketEconomy:
    """The markets of a market-segmented estimate (:func:`~skillshore.structural.estimate_markets`).

    Market k: the worker types with their population shares, workforce W_k (the fitted
    equilibrium's), the market's firms with their slots (matches, offshored workers and
    the fitted vacancies), base measures dx = 1/(number of types) and the estimator's dy
    (1/(firms in k), or each firm's share of the market's jobs: ``base_measure``),
    the foreign pool |fbar*|/|fbar| x W_k, and the offshoring cost at the market's
    shifter, c_F,k = c_F - lambda z_k'beta (so C*_k = C - c_F,k). All masses are divided
    by the sample's total workforce. At the point estimate each market's equilibrium is
    the estimator's own (tested to the solver's tolerance).

    ``values`` (a bootstrap draw of the parameter vector, ordered as ``est.names``)
    replaces the parameters; the masses stay at the point estimate's (a replicate's own
    firm population is not kept), so intervals from such draws carry the parameters'
    uncertainty, not the masses'.
    """
    from skillshore.structural.levels import SCALARS, model_parameters

    fit = est.fit
    if not hasattr(fit, "problem"):
        raise ModelInputError("a market economy needs an estimate of estimate_markets")
    P, out, cal = fit.problem, fit.result.out, est.calibration
    v = est.vector if values is None else np.asarray(values, dtype=np.float64)
    k0 = est.phi_shape[0] * est.phi_shape[1]
    Phi = v[:k0].reshape(est.phi_shape)
    p = dict(zip(SCALARS, v[k0 : k0 + len(SCALARS)], strict=True))
    beta = v[k0 + len(SCALARS) :]
    if not (np.isfinite(p["lambda_x"]) and p["lambda_x"] > 0 and p["lambda_y"] > 0):
        raise ModelInputError(
            f"the economy needs lambda_x, lambda_y > 0 (got {p['lambda_x']:.4g}, "
            f"{p['lambda_y']:.4g}): wages are needed and their slope must be positive"
        )
    if not np.isfinite(p["nu_x"]):
        raise ModelInputError("the economy's levels need wages (lambda_x) to be estimated")
    W = out["W"]
    T = float(W.sum())
    phi = np.exp(P.logphi)
    models = []
    for k in range(P.K):
        rows, cols = P.rowok[k], P.colok[k]
        fbar = W[k] * phi[k][rows] / T
        shift = float(P.z[k] @ beta) if P.foreign and P.q else 0.0
        kw = model_parameters(p, cal, Phi, foreign=P.foreign, c_star_shift=shift)
        if P.foreign:
            kw["fbar_star"] = P.pool * fbar
        models.append(
            MatchingModel(
                x=P.X[rows],
                y=P.Y[k][cols],
                fbar=fbar,
                gbar=(P.S[k] + out["g0"][k])[cols] / T,
                dx=float(np.exp(P.log_dx)),
                dy=np.exp(out["log_dy"][k][cols]),  # the estimator's base measure
                **kw,
            )
        )
    labels = tuple(fit.market_labels) or tuple(range(P.K))
    return MarketEconomy(tuple(models), labels, float(p["c_F"]) if P.foreign else float("nan"))
