"""Counterfactuals and wage-inequality statistics (seed slides "Counterfactuals:
Wage Inequality", "Changes in Between-Firm Wage Inequality", "Changes in Firms'
Matching", "Changes in Unemployment").

A scenario is data: a name and a list of changes to the economy's primitives
(``c_F = 0`` sets C* = C; ``Phi up`` scales Phi; ``nu up`` adds to an intensity).
Statistics are computed from an equilibrium: E(wage) and SD(wage) over domestic
matches, the between-firm gap (90th minus 10th percentile of E(wage | y)) and the
between-worker gap (of E(wage | x)), both weighted by employment, the unemployment
rate and the offshoring rate |f*|/|f|.

The 1996 -> 2006 change is split by Shapley values over three groups of
primitives: globalization (c_F, nu_x*, nu_y*), structural change (Phi, nu_x, nu_y)
and the rest (lambda, C, outside options, masses).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.matching import Equilibrium, MatchingModel, solve

__all__ = [
    "STATISTICS",
    "CounterfactualTable",
    "Decomposition",
    "Scenario",
    "apply_scenario",
    "counterfactuals",
    "decompose_change",
    "seed_scenarios",
    "wage_inequality",
    "weighted_quantile",
]

#: Row labels of the counterfactual table, in the seed's order (then two more).
STATISTICS: dict[str, str] = {
    "mean_wage": "E(wage)",
    "sd_wage": "SD(wage)",
    "firm_gap": "E(wage|y)_10-90",
    "worker_gap": "E(wage|x)_10-90",
    "unemployment_rate": "unemployment rate",
    "offshoring_rate": "offshoring rate",
}

GROUPS: dict[str, tuple[str, ...]] = {
    "globalization": ("c_F", "nu_x_star", "nu_y_star"),
    "structural": ("Phi", "nu_x", "nu_y"),
    "other": (
        "lambda_x",
        "lambda_y",
        "C",
        "w0",
        "r0",
        "w0_star",
        "fbar",
        "gbar",
        "fbar_star",
    ),
}


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    """Quantiles of a discrete distribution, interpolating between cell midpoints of the CDF."""
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ok = (w > 0) & np.isfinite(v)
    v, w = v[ok], w[ok]
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    pos = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, pos, v)


def wage_inequality(eq: Equilibrium, q: tuple[float, float] = (0.1, 0.9)) -> dict[str, float]:
    """The seed's counterfactual statistics of one equilibrium (see the module docstring)."""
    pi = eq.pi
    emp_y, emp_x = pi.sum(axis=0), pi.sum(axis=1)
    lo, hi = q
    fy = weighted_quantile(eq.wage_by_firm(), emp_y, [lo, hi])
    fx = weighted_quantile(eq.wage_by_worker(), emp_x, [lo, hi])
    return {
        "mean_wage": float(eq.mean_wage),
        "sd_wage": float(eq.sd_wage),
        "firm_gap": float(fy[1] - fy[0]),
        "worker_gap": float(fx[1] - fx[0]),
        "unemployment_rate": float(eq.unemployment_rate),
        "offshoring_rate": float(eq.offshoring_rate) if eq.model.has_foreign else 0.0,
    }


@dataclass(frozen=True)
class Scenario:
    """A named change of primitives: ``(parameter, op, value)`` with op in set/add/scale.

    ``c_F`` is a pseudo-parameter: setting it sets C* = C - value.
    """

    name: str
    label: str
    changes: tuple[tuple[str, str, float], ...] = ()


def seed_scenarios(phi_up: float = 0.10, nu_up: float = 1.0) -> list[Scenario]:
    """The seed's six counterfactuals (sizes configurable: ``[counterfactuals]``)."""
    return [
        Scenario("baseline", "Baseline"),
        Scenario("c_F_zero", "c_F = 0", (("c_F", "set", 0.0),)),
        Scenario("phi_up", "Φ ↑", (("Phi", "scale", 1.0 + phi_up),)),
        Scenario("nu_x_up", "νx ↑", (("nu_x", "add", nu_up),)),
        Scenario("nu_y_up", "νy ↑", (("nu_y", "add", nu_up),)),
        Scenario("nu_x_star_up", "νx* ↑", (("nu_x_star", "add", nu_up),)),
        Scenario("nu_y_star_up", "νy* ↑", (("nu_y_star", "add", nu_up),)),
    ]


def apply_scenario(model: MatchingModel, scenario: Scenario) -> MatchingModel:
    """The economy with the scenario's changes (C* follows C when c_F is not set)."""
    ch: dict = {}
    for par, op, val in scenario.changes:
        if par == "c_F":
            cur = model.c_F
        else:
            cur = ch.get(par, getattr(model, par))
        new = {"set": lambda c, v: v, "add": lambda c, v: c + v, "scale": lambda c, v: c * v}[op](
            cur, val
        )
        if par == "c_F":
            ch["C_star"] = ch.get("C", model.C) - new
        else:
            ch[par] = new
    return model.replace(**ch) if ch else model


@dataclass(frozen=True, eq=False)
class CounterfactualTable(TableMixin):
    """Statistics of each scenario (seed slide "Counterfactuals: Wage Inequality")."""

    scenarios: tuple[Scenario, ...]
    stats: pd.DataFrame
    equilibria: dict[str, Equilibrium] = field(repr=False)
    baseline_label: str = "Baseline"
    title: str = "Counterfactuals: wage inequality"

    def to_frame(self) -> pd.DataFrame:
        df = self.stats.copy()
        df.index = [STATISTICS[k] for k in df.index]
        df.columns = [
            self.baseline_label if s.name == "baseline" else s.label for s in self.scenarios
        ]
        return df

    def change(self) -> pd.DataFrame:
        """Each scenario minus the baseline."""
        return self.stats.sub(self.stats["baseline"], axis=0).drop(columns="baseline")


def counterfactuals(
    model: MatchingModel,
    scenarios: list[Scenario] | None = None,
    *,
    phi_up: float = 0.10,
    nu_up: float = 1.0,
    tol: float = 1e-10,
    baseline_label: str = "Baseline",
) -> CounterfactualTable:
    """Solve the baseline and each scenario (warm-started) and tabulate the statistics."""
    scenarios = scenarios or seed_scenarios(phi_up, nu_up)
    if scenarios[0].name != "baseline":
        scenarios = [Scenario("baseline", "Baseline"), *scenarios]
    eqs: dict[str, Equilibrium] = {}
    base = None
    for sc in scenarios:
        eq = solve(apply_scenario(model, sc), tol=tol, init=base)
        if base is None:
            base = eq
        eqs[sc.name] = eq
    stats = pd.DataFrame({k: wage_inequality(e) for k, e in eqs.items()})
    return CounterfactualTable(tuple(scenarios), stats, eqs, baseline_label)


def _hybrid(a: MatchingModel, b: MatchingModel, take: set[str]) -> MatchingModel:
    """Model a with the primitives of the groups in ``take`` from b (c_F kept as c_F)."""
    ch: dict = {}
    cF = a.c_F
    for g in take:
        for par in GROUPS[g]:
            if par == "c_F":
                cF = b.c_F
            else:
                ch[par] = getattr(b, par)
    ch["C_star"] = ch.get("C", a.C) - cF
    return a.replace(**ch)


@dataclass(frozen=True, eq=False)
class Decomposition(TableMixin):
    """Shapley decomposition of the change between two economies by groups of primitives."""

    stats: pd.DataFrame
    labels: tuple[str, str]
    title: str = "Decomposition of the change: globalization vs structural change"

    def to_frame(self) -> pd.DataFrame:
        df = self.stats.copy()
        df.index = [STATISTICS[k] for k in df.index]
        return df


def decompose_change(
    start: MatchingModel,
    end: MatchingModel,
    labels: tuple[str, str] = ("1996", "2006"),
    tol: float = 1e-10,
) -> Decomposition:
    """Shapley values of globalization (c_F, nu*), structural change (Phi, nu) and other.

    Both economies must share the type support. Each group's contribution is its
    marginal effect averaged over the 3! orders of switching groups from ``start`` to
    ``end``; the three add up to the total change.
    """
    if start.shape != end.shape or not (
        np.allclose(start.x, end.x) and np.allclose(start.y, end.y)
    ):
        raise ValueError("decompose_change needs the two economies on the same type support")
    names = list(GROUPS)
    val: dict[frozenset, pd.Series] = {}
    prev = None
    for r in range(len(names) + 1):
        for sub in itertools.combinations(names, r):
            eq = solve(_hybrid(start, end, set(sub)), tol=tol, init=prev)
            prev = eq
            val[frozenset(sub)] = pd.Series(wage_inequality(eq))
    n = len(names)
    contrib = {}
    for g in names:
        tot = 0.0
        others = [h for h in names if h != g]
        for r in range(n):
            for sub in itertools.combinations(others, r):
                S = frozenset(sub)
                wgt = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
                tot = tot + wgt * (val[S | {g}] - val[S])
        contrib[g] = tot
    df = pd.DataFrame(
        {
            labels[0]: val[frozenset()],
            labels[1]: val[frozenset(names)],
            "change": val[frozenset(names)] - val[frozenset()],
            **contrib,
        }
    )
    return Decomposition(df, labels)
