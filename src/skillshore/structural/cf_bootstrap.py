"""Bootstrap intervals of the counterfactuals and of the decomposition (issue 14, part 3).

Each bootstrap replicate of an estimate (:func:`~skillshore.structural.estimate_markets`)
gives a parameter vector; :func:`~skillshore.structural.economy.market_economy` puts it
on the point estimate's markets and masses, and the counterfactuals (or the
decomposition, pairing replicate b of the first year with replicate b of the last: the
two years' samples are independent) are solved again. The intervals are percentile
intervals of those draws, so they carry the parameters' sampling uncertainty with the
masses held at their point estimates. A replicate that gives no economy (wage slope
lambda_x <= 0, kept in the parameter intervals: ``docs/estimation.md``, "Bootstrap
honesty") or whose equilibrium cannot be solved is left out and counted
(``n_boot`` minus the number of draws used; shown in the report).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from skillshore.errors import SkillshoreError
from skillshore.structural.counterfactuals import (
    CounterfactualTable,
    Decomposition,
    counterfactuals,
    decompose_change,
)
from skillshore.structural.economy import MarketEconomy, market_economy

__all__ = ["with_intervals", "draw_economies"]


def draw_economies(est: Any, max_draws: int | None = None) -> dict[int, MarketEconomy | None]:
    """{replicate: its economy, or None where it gives none} for the first ``max_draws``
    replicates of ``est.bootstrap`` (empty without a bootstrap)."""
    if est.bootstrap is None:
        return {}
    draws = est.bootstrap.draws
    n = draws.shape[0] if max_draws is None else min(max_draws, draws.shape[0])
    out: dict[int, MarketEconomy | None] = {}
    for b in range(n):
        v = draws[b]
        if not np.all(np.isfinite(v)):
            out[b] = None
            continue
        try:
            out[b] = market_economy(est, v)
        except SkillshoreError:
            out[b] = None
    return out


def with_intervals(
    result: CounterfactualTable | Decomposition,
    est: Any,
    start: Any = None,
    *,
    max_draws: int | None = None,
    tol: float = 1e-10,
) -> CounterfactualTable | Decomposition:
    """``result`` with bootstrap draws of its changes (see the module docstring).

    Parameters
    ----------
    result : CounterfactualTable or Decomposition
        Computed on ``market_economy(est)`` (and ``market_economy(start)`` for a decomposition).
    est : StructuralEstimate
        The (last year's) estimate with its bootstrap.
    start : StructuralEstimate, optional
        The first year's estimate (a decomposition).
    max_draws : int, optional
        Use at most this many replicates (default: all).
    """
    ends = draw_economies(est, max_draws)
    if isinstance(result, Decomposition):
        if start is None:
            raise ValueError("a decomposition's intervals need the first year's estimate")
        starts = draw_economies(start, max_draws)
        keys = sorted(set(ends) & set(starts))
        rows = []
        for b in keys:
            a, e = starts[b], ends[b]
            if a is None or e is None:
                continue
            try:
                d = decompose_change(a, e, labels=result.labels, tol=tol, init=result)
            except SkillshoreError:
                continue
            rows.append(d.parts.to_numpy())
        return dataclasses.replace(result, draws=_stack(rows, result.parts.shape), n_boot=len(keys))
    rows = []
    for econ in ends.values():
        if econ is None:
            continue
        try:
            t = counterfactuals(econ, list(result.scenarios), tol=tol, init=result)
        except SkillshoreError:
            continue
        rows.append(t.change().to_numpy())
    return dataclasses.replace(result, draws=_stack(rows, result.change().shape), n_boot=len(ends))


def _stack(rows: list[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    return np.stack(rows) if rows else np.empty((0, *shape))
