"""Labour markets of the synthetic economy: one global-economy equilibrium per year,
6-digit industry and occupation group (seed "Global Economy", eqs. 4-10).

Market (k, g, t):

* worker types: the group's ``N_CELLS`` skill cells on the quantile grid
  x_c = (c + 1/2) / N_CELLS (uniform masses, total 1, cell volume 1/N_CELLS);
* firm types: the industry's active firms, each its own type, y_j = the firm's
  productivity percentile among all active firms of the economy that year; masses
  gbar_j = capacity share x (1 + o_t) in the high-offshorable group (o_t the seed's
  calibrated offshoring rate), capacity share in the other group; base-measure volume
  y_vol x the capacity share (or y_vol/n_k: ``SynthSettings.firm_volume``);
* parameters: :func:`skillshore.synth.params.calibrated_parameters` of year t;
* firm masses in the high-offshorable group: gbar_j = capacity share x (1 + o), o the
  year's calibrated offshoring rate or, with ``firm_mass="market"``, the market's own
  equilibrium offshoring rate (a fixed point, :class:`~skillshore.synth.params.SynthSettings`);
* the foreign pool exists only for high-offshorable occupations (its profile over the
  cells: ``foreign_skill_tilt``); its offshoring cost is
  c_F,kt = c_F(t) - kappa lambda_t dev_kt, dev_kt the industry's proportional China
  export-supply growth since the first study year t0, I*_kt / I*_k,t0 - 1, minus its mean
  over industries, bounded smoothly (the generator).

Masses become worker counts through the market size M_kg = sum_j capacity_jg / (1 - u_t):
firm j's expected domestic workers of cell c are M_kg pi(x_c, y_j), its expected offshored
workers M_kg sum_c pi*(x_c, y_j).

Besides the economy with the shock, each high-offshorable market is solved without it
(c_F = c_F(t)) and at c_F - h (h = 1) for the local derivative; see
:mod:`skillshore.synth.truth`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skillshore.errors import ConvergenceError, SkillshoreError
from skillshore.matching import solve
from skillshore.synth.params import FIRM_MASSES, N_CELLS, market_model

__all__ = ["YearMarkets", "solve_year", "DERIV_STEP"]

DERIV_STEP = 1.0
_TOL = 1e-10
_MASS_ITER = 60
_MASS_TOL = 1e-9


@dataclass
class YearMarkets:
    """Per active firm of one year (arrays aligned with ``idx``, the firm indices)."""

    idx: np.ndarray
    y: np.ndarray
    p_cell: dict[str, np.ndarray]  # group -> (F, N_CELLS) conditional cell distribution
    n_exp: dict[str, np.ndarray]  # group -> (F,) expected domestic workers
    wages: dict[str, np.ndarray]  # group -> (F, N_CELLS) equilibrium wages
    offshored: np.ndarray  # (F,) expected offshored workers (with the shock)
    offshored0: np.ndarray  # without the shock
    offshored_h: np.ndarray  # at c_F - h
    mean_x: dict[str, np.ndarray]  # variant -> (F,) E(raw cognitive | firm), high group
    n_high: dict[str, np.ndarray]  # variant -> (F,) expected domestic high-group workers
    rows: list[dict]  # market truth
    counterfactual: dict[str, dict[str, np.ndarray]] | None = None
    """high group, "base" and "c_F=0": per firm E(wage | firm), E(x | firm), domestic mass"""
    unemployed: dict[str, np.ndarray] | None = None
    """group -> (number of industries, N_CELLS): expected unmatched domestic workers
    M_kg f0(x_c) of each market, industries in ``np.unique`` order"""


def solve_year(
    year: int,
    p: dict[str, float],
    firm_idx: np.ndarray,
    firm_industry: np.ndarray,
    y: np.ndarray,
    capacity: dict[str, np.ndarray],
    c_F: np.ndarray,
    x_raw: dict[str, np.ndarray],
    lambda_x_share: float,
    counterfactual: bool = False,
    firm_volume: str = "equal",
    firm_mass: str = "economy",
) -> YearMarkets:
    """Solve every market of one year (module docstring).

    ``firm_industry``, ``y`` and ``capacity[g]`` are aligned with ``firm_idx`` (active
    firms); ``c_F[k]`` is industry k's offshoring cost with the shock. With
    ``counterfactual``, the high-offshorable markets are also solved at c_F = 0 (C* = C,
    the seed's counterfactual column) and ``YearMarkets.counterfactual`` holds both.
    ``firm_volume``, ``firm_mass``: :class:`~skillshore.synth.params.SynthSettings`.
    """
    if firm_mass not in FIRM_MASSES:
        raise SkillshoreError(f"firm_mass must be one of {FIRM_MASSES}, got {firm_mass!r}")
    F = len(firm_idx)
    grid = (np.arange(N_CELLS) + 0.5) / N_CELLS
    c_F0 = p["C"] - p["C_star"]
    p_cell = {g: np.zeros((F, N_CELLS)) for g in ("high", "low")}
    wages = {g: np.zeros((F, N_CELLS)) for g in ("high", "low")}
    n_exp = {g: np.zeros(F) for g in ("high", "low")}
    off = {v: np.zeros(F) for v in ("shock", "none", "h")}
    mean_x = {v: np.zeros(F) for v in ("shock", "none", "h")}
    n_high = {v: np.zeros(F) for v in ("shock", "none", "h")}
    rows = []
    inds = np.unique(firm_industry)
    unemp = {g: np.zeros((len(inds), N_CELLS)) for g in ("high", "low")}
    cfv = (
        {v: {q: np.zeros(F) for q in ("wage", "skill", "mass")} for v in ("base", "c_F=0")}
        if counterfactual
        else None
    )
    for ki, k in enumerate(inds):
        sel = np.flatnonzero(firm_industry == k)
        yk = y[sel]
        for g in ("high", "low"):
            cap = capacity[g][sel]
            foreign = g == "high"
            M = cap.sum() / (1 - p["unemployment_rate"])
            markup = p["offshoring_rate"] if foreign else 0.0
            eq = None
            for _ in range(_MASS_ITER if foreign and firm_mass == "market" else 1):
                gbar = cap / cap.sum() * (1 + markup)
                model = market_model(
                    p, grid, yk, gbar, c_F[k], lambda_x_share, foreign, firm_volume
                )
                eq = solve(model, tol=_TOL, init=eq)
                if foreign and firm_mass == "market":
                    done = abs(eq.offshoring_rate - markup) <= _MASS_TOL * markup
                    markup = eq.offshoring_rate
                    if done:
                        break
            else:
                if foreign and firm_mass == "market":
                    raise ConvergenceError(
                        f"firm masses of market {year}/{k}/{g}: the offshoring rate did not "
                        f"settle in {_MASS_ITER} solves"
                    )
            pi = eq.pi
            dom = pi.sum(axis=0)
            p_cell[g][sel] = (pi / dom).T
            n_exp[g][sel] = M * dom
            unemp[g][ki] = M * eq.f0
            wages[g][sel] = eq.wages().T
            row = {
                "year": year,
                "industry": int(k),
                "group": g,
                "n_firms": len(sel),
                "market_size": M,
                "c_F": float(c_F[k]) if foreign else None,
                "firm_mass_markup": float(np.sum(gbar) - 1.0),
                "offshoring_rate": eq.offshoring_rate if foreign else 0.0,
                "unemployment_rate": eq.unemployment_rate,
                "mean_x": float(eq.mean_matched_quality[0]),
                "cross_moment_xy": float(eq.cross_moment()[0, 0]),
                "ipfp_sweeps": eq.n_iter,
                "margin_error": eq.marginal_error,
            }
            if foreign:
                variants = {"shock": eq}
                variants["none"] = solve(model.replace(C_star=p["C"] - c_F0), tol=_TOL, init=eq)
                variants["h"] = solve(
                    model.replace(C_star=p["C"] - (c_F[k] - DERIV_STEP)), tol=_TOL, init=eq
                )
                for v, e in variants.items():
                    d = e.pi.sum(axis=0)
                    off[v][sel] = M * e.pi_star.sum(axis=0)
                    mean_x[v][sel] = (e.pi * x_raw[g][:, None]).sum(axis=0) / d
                    n_high[v][sel] = M * d
                row["offshoring_rate_no_shock"] = variants["none"].offshoring_rate
                if cfv is not None:
                    cf = solve(model.replace(C_star=p["C"]), tol=_TOL, init=eq)
                    for v, e in (("base", eq), ("c_F=0", cf)):
                        d = e.pi.sum(axis=0)
                        cfv[v]["wage"][sel] = (e.pi * e.wages()).sum(axis=0) / d
                        cfv[v]["skill"][sel] = (e.pi * x_raw[g][:, None]).sum(axis=0) / d
                        cfv[v]["mass"][sel] = M * d
            rows.append(row)
    return YearMarkets(
        idx=firm_idx,
        y=y,
        p_cell=p_cell,
        n_exp=n_exp,
        wages=wages,
        offshored=off["shock"],
        offshored0=off["none"],
        offshored_h=off["h"],
        mean_x=mean_x,
        n_high=n_high,
        rows=rows,
        counterfactual=cfv,
        unemployed=unemp,
    )
