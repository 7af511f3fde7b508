"""The equilibrium of the matching model and the statistics the seed plots.

Masses of matches are never stored: they are recomputed in blocks of worker
types from the potentials (log masses of singles), so summaries work in the
kernel-free mode with O(block x Ny) memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from skillshore._results import TableMixin
from skillshore.errors import ModelInputError
from skillshore.matching._system import _System
from skillshore.matching.economy import MatchingModel

__all__ = ["Equilibrium", "check_init"]

_BLOCK_ENTRIES = 4_000_000
_MATERIALISE_MAX = 150_000_000  # entries: pi / pi_star beyond this raise (use the aggregates)


def _potential(level: Any, lam: float, nu: float, log_mass: np.ndarray, log_vol: Any) -> np.ndarray:
    """A side's potential from its unmatched mass (seed eq. 10): level - lambda (nu + log
    m0 - log volume); one formula for workers and firms, domestic and foreign."""
    return level - lam * (nu + log_mass - log_vol)


@dataclass(frozen=True, eq=False)
class Equilibrium(TableMixin):
    """Solution of the matching model (seed eqs. 4-10), returned by :func:`~skillshore.matching.solve`.

    The state is the potentials: log masses of unmatched agents (``log_u``: domestic
    worker types, then the foreign types with a positive mass; ``log_g0``: firm
    types). Match masses are recomputed from them in blocks, so every aggregate
    (``matches_by_firm``, ``cross_moment``, ``mean_wage``, ...) works in the
    kernel-free mode without an Nx x Ny matrix; ``pi``, ``pi_star``, ``wages()``
    and ``profits()`` materialise one.

    Attributes
    ----------
    n_iter : int
        IPFP sweeps performed.
    marginal_error : float
        Largest relative margin error of this state (all rows and columns).
    converged : bool
        ``marginal_error < tol``.
    errors : ndarray
        Largest margin error before each sweep (the convergence history).
    seconds : float
        Wall time of the solve.
    relax : float
        Over-relaxation factor in use at the end (1 = plain IPFP); reused by warm starts.
    """

    system: _System = field(repr=False)
    log_u: np.ndarray = field(repr=False)
    log_g0: np.ndarray = field(repr=False)
    n_iter: int = 0
    marginal_error: float = np.nan
    converged: bool = False
    errors: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    seconds: float = 0.0
    relax: float = 1.0

    title = "Matching equilibrium"

    # ---------------------------------------------------------------- singles
    @property
    def model(self) -> MatchingModel:
        """The primitives solved."""
        return self.system.model

    @property
    def mode(self) -> str:
        """Storage mode used: ``dense`` or ``kernel_free``."""
        return self.system.mode

    def log_row_singles(self) -> np.ndarray:
        """Stacked log masses of unmatched workers (domestic types, then foreign types with mass)."""
        return self.log_u

    def log_singles_full(self) -> tuple[np.ndarray, np.ndarray]:
        """(log f0, log f0*) over all Nx worker types (log fbar* where nobody can offshore)."""
        s = self.system
        dom = self.log_u[: s.n_dom]
        fs = self.model.fbar_star
        with np.errstate(divide="ignore"):
            foreign = np.log(fs) if fs is not None else np.full(s.n_dom, -np.inf)
        foreign = foreign.copy()
        foreign[s.foreign_idx] = self.log_u[s.n_dom :]
        return dom, foreign

    def _need_singles(self, what: str) -> None:
        if not self.model.singles:
            raise ModelInputError(f"{what} needs outside options (the model has singles=False)")

    @property
    def f0(self) -> np.ndarray:
        """Mass of unmatched (unemployed) domestic workers by type (zero without singles)."""
        if not self.model.singles:
            return np.zeros(self.system.n_dom)
        return np.exp(self.log_u[: self.system.n_dom])

    @property
    def f0_star(self) -> np.ndarray:
        """Mass of foreign workers not matched with a domestic firm, by type."""
        if self.model.fbar_star is None or not self.model.singles:
            return np.zeros(self.system.n_dom)
        return np.exp(self.log_singles_full()[1])

    @property
    def g0(self) -> np.ndarray:
        """Mass of firms with no match, by type (zero without singles)."""
        if not self.model.singles:
            return np.zeros_like(self.log_g0)
        return np.exp(self.log_g0)

    # ---------------------------------------------------------------- matches
    def _log_mu_block(self, rows: slice) -> np.ndarray:
        """log mu for a slice of stacked rows (all firm types)."""
        s = self.system
        return (
            s.kernel_block(s.krow[rows])
            + (s.row_off[rows] + s.sx * self.log_u[rows])[:, None]
            + (s.col_off + s.sy * self.log_g0)[None, :]
        )

    def _iter(self, foreign: bool) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(worker type indices, mu block) over domestic or foreign rows."""
        s = self.system
        step = max(1, _BLOCK_ENTRIES // max(s.logG.size, 1))
        lo0, hi0 = (s.n_dom, s.logF.size) if foreign else (0, s.n_dom)
        for lo in range(lo0, hi0, step):
            hi = min(hi0, lo + step)
            yield s.krow[lo:hi], np.exp(self._log_mu_block(slice(lo, hi)))

    def _dense(self, foreign: bool) -> np.ndarray:
        nx, ny = self.model.shape
        if nx * ny > _MATERIALISE_MAX:
            raise ModelInputError(
                f"pi would be a {nx} x {ny} matrix: use the aggregates (matches_by_firm, "
                "matches_by_worker, cross_moment, mean_wage, ...) on supports this large"
            )
        out = np.zeros((nx, ny))
        for idx, mu in self._iter(foreign):
            out[idx] = mu
        return out

    @cached_property
    def pi(self) -> np.ndarray:
        """Masses of domestic matches mu_ij (Nx, Ny); materialises the matrix."""
        return self._dense(False)

    @cached_property
    def pi_star(self) -> np.ndarray:
        """Masses of foreign (offshored) matches mu*_ij (Nx, Ny); materialises the matrix."""
        return self._dense(True)

    # ---------------------------------------------------------------- prices
    def wages(self) -> np.ndarray:
        """Domestic wages w_ij = w0_i + lambda_x (log(pi/f0) - nu_x) with pi, f0 densities."""
        self._need_singles("wages")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi)
        return m.w0[:, None] + m.lambda_x * (
            lp - np.log(self.f0)[:, None] - np.log(m.dy)[None, :] - m.nu_x
        )

    def wages_star(self) -> np.ndarray:
        """Foreign wages w*_ij = w0*_i + lambda_x (log(pi*/f0*) - nu_x*)."""
        self._need_singles("wages_star")
        m = self.model
        with np.errstate(divide="ignore", invalid="ignore"):
            return m.w0_star[:, None] + m.lambda_x * (
                np.log(self.pi_star)
                - np.log(self.f0_star)[:, None]
                - np.log(m.dy)[None, :]
                - m.nu_x_star
            )

    def profits(self) -> np.ndarray:
        """Firms' profits from domestic matches r_ij = r0_j + lambda_y (log(pi/g0) - nu_y) = q - w."""
        self._need_singles("profits")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi)
        return m.r0[None, :] + m.lambda_y * (
            lp - self.log_g0[None, :] - np.log(m.dx)[:, None] - m.nu_y
        )

    def profits_star(self) -> np.ndarray:
        """Firms' profits from foreign matches r*_ij = r0_j + lambda_y (log(pi*/g0) - nu_y*)."""
        self._need_singles("profits_star")
        m = self.model
        with np.errstate(divide="ignore"):
            lp = np.log(self.pi_star)
        return m.r0[None, :] + m.lambda_y * (
            lp - self.log_g0[None, :] - np.log(m.dx)[:, None] - m.nu_y_star
        )

    @property
    def a(self) -> np.ndarray:
        """Worker potential a(x): lambda log pi(x,y) = q(x,y) - a(x) - b(y) (densities; seed eq. 10)."""
        m = self.model
        with np.errstate(divide="ignore"):
            return _potential(m.w0, m.lambda_x, m.nu_x, np.log(self.f0), np.log(m.dx))

    @property
    def b(self) -> np.ndarray:
        """Firm potential b(y) for domestic matches."""
        m = self.model
        return _potential(m.r0, m.lambda_y, m.nu_y, self.log_g0, np.log(m.dy))

    @property
    def a_star(self) -> np.ndarray:
        """Foreign worker potential a*(x): lambda log pi* = q* - a* - b*."""
        m = self.model
        with np.errstate(divide="ignore"):
            return _potential(
                m.w0_star, m.lambda_x, m.nu_x_star, np.log(self.f0_star), np.log(m.dx)
            )

    @property
    def b_star(self) -> np.ndarray:
        """Firm potential b*(y) for foreign matches: b* - b = -lambda_y (nu_y* - nu_y) (seed eq. 10)."""
        m = self.model
        return _potential(m.r0, m.lambda_y, m.nu_y_star, self.log_g0, np.log(m.dy))

    # ---------------------------------------------------------------- aggregates
    @cached_property
    def _aggregates(self) -> dict[str, np.ndarray]:
        """One blockwise pass over the matches (no Nx x Ny matrix)."""
        m = self.model
        nx, ny = m.shape
        mx, ny_dim = m.x.shape[1], m.y.shape[1]
        out: dict = {}
        for key in ("dom", "for"):
            out[f"col_{key}"] = np.zeros(ny)
            out[f"row_{key}"] = np.zeros(nx)
            out[f"cross_{key}"] = np.zeros((mx, ny_dim))
        out.update(colx_dom=np.zeros((ny, mx)), wage_sum=0.0, wage_sq=0.0)
        out.update(wage_col=np.zeros(ny), wage_row=np.zeros(nx))
        ldy = np.log(m.dy)
        log_f0 = self.log_u[: self.system.n_dom]
        for foreign, key in ((False, "dom"), (True, "for")):
            for idx, mu in self._iter(foreign):
                out[f"col_{key}"] += mu.sum(axis=0)
                out[f"row_{key}"][idx] += mu.sum(axis=1)
                out[f"cross_{key}"] += m.x[idx].T @ (mu @ m.y)
                if foreign:
                    continue
                out["colx_dom"] += mu.T @ m.x[idx]
                if not m.singles:
                    continue
                with np.errstate(divide="ignore", invalid="ignore"):
                    w = m.w0[idx, None] + m.lambda_x * (
                        np.log(mu) - log_f0[idx, None] - ldy[None, :] - m.nu_x
                    )
                    mw = np.where(mu > 0, mu * w, 0.0)  # 0 x (-inf) where mu underflows
                out["wage_sum"] += float(mw.sum())
                out["wage_sq"] += float(np.sum(mw * np.where(mu > 0, w, 0.0)))
                out["wage_col"] += mw.sum(axis=0)
                out["wage_row"][idx] += mw.sum(axis=1)
        return out

    def matches_by_firm(self, foreign: bool = False) -> np.ndarray:
        """sum_x pi(x, y_j) (or pi*): matched mass of each firm type, without materialising pi."""
        return self._aggregates["col_for" if foreign else "col_dom"].copy()

    def matches_by_worker(self, foreign: bool = False) -> np.ndarray:
        """sum_y pi(x_i, y) (or pi*): employed mass of each worker type."""
        return self._aggregates["row_for" if foreign else "row_dom"].copy()

    @property
    def matched_domestic(self) -> float:
        """|f|: mass of domestic matches."""
        return float(self._aggregates["col_dom"].sum())

    @property
    def matched_foreign(self) -> float:
        """|f*|: mass of offshored (foreign) matches."""
        return float(self._aggregates["col_for"].sum())

    @property
    def unmatched_domestic(self) -> float:
        """|f0|: mass of unemployed domestic workers."""
        return float(self.f0.sum())

    @property
    def unmatched_foreign(self) -> float:
        """|f0*|: mass of potential foreign workers not matched with a domestic firm."""
        return float(self.f0_star.sum())

    @property
    def unmatched_firms(self) -> float:
        """|g0|: mass of firms with no match."""
        return float(self.g0.sum())

    def _per_match(self, total: float | np.ndarray, what: str) -> float:
        """``total`` per unit of domestic matches; a clear error when nobody is matched."""
        mass = self.matched_domestic
        if not mass > 0:
            raise ModelInputError(
                f"{what} is undefined: the equilibrium has no domestic matches (the surplus "
                "matches nobody; check C, Phi and the outside options)"
            )
        return total / mass

    @property
    def unemployment_rate(self) -> float:
        """|f0| / |fbar|."""
        return float(self.f0.sum() / self.model.fbar.sum())

    @property
    def offshoring_rate(self) -> float:
        """|f*| / |f| (seed's calibration table: rate of offshoring)."""
        return float(self._per_match(self.matched_foreign, "the offshoring rate"))

    @property
    def mean_wage(self) -> float:
        """E(wage) over domestic matches (seed: "average wage")."""
        self._need_singles("mean_wage")
        return float(self._per_match(self._aggregates["wage_sum"], "E(wage)"))

    @property
    def sd_wage(self) -> float:
        """SD(wage) over domestic matches."""
        mean = self.mean_wage
        second = self._per_match(self._aggregates["wage_sq"], "SD(wage)")
        return float(np.sqrt(max(second - mean**2, 0.0)))

    def wage_by_firm(self) -> np.ndarray:
        """E(wage | y_j) over the firm type's domestic matches."""
        self._need_singles("wage_by_firm")
        agg = self._aggregates
        return agg["wage_col"] / agg["col_dom"]

    def wage_by_worker(self) -> np.ndarray:
        """E(wage | x_i) over the worker type's domestic matches."""
        self._need_singles("wage_by_worker")
        agg = self._aggregates
        return agg["wage_row"] / agg["row_dom"]

    def offshoring_prob_by_firm(self) -> np.ndarray:
        """P(a firm of type y_j is matched with a foreign worker) = sum_i mu*_ij / gbar_j (seed slide
        "Illustration of Equilibrium": probability of offshoring by firm type)."""
        return self._aggregates["col_for"] / self.model.gbar

    def mean_matched_quality_by_firm(
        self, k: int = 0, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """E(x_k | y_j, domestic match), or E(weights' x | y_j): average skill of a firm type's
        domestic hires (seed slide "Illustration of Equilibrium": average quality of matched
        domestic workers)."""
        agg = self._aggregates
        colx = (
            agg["colx_dom"] @ np.asarray(weights, dtype=np.float64)
            if weights is not None
            else agg["colx_dom"][:, k]
        )
        return colx / agg["col_dom"]

    @property
    def mean_matched_quality(self) -> np.ndarray:
        """E(x | domestic match), each skill dimension."""
        return self._per_match(self._aggregates["colx_dom"].sum(axis=0), "E(x | matched)")

    def cross_moment(self, foreign: bool = False) -> np.ndarray:
        """E_pi[x y'] among domestic (or foreign) matches, normalised by their mass (m x n)."""
        agg = self._aggregates
        key = "for" if foreign else "dom"
        mass = agg[f"col_{key}"].sum()
        return agg[f"cross_{key}"] / mass if mass > 0 else np.full_like(agg[f"cross_{key}"], np.nan)

    # ---------------------------------------------------------------- welfare (checks)
    def welfare_primal(self) -> float:
        """The planner's objective at the equilibrium matches (appendix; Galichon-Salanie 2022).

        W = sum mu Phi~ + sum mu* Phi~* - lx sum_r [sum_j mu log(mu/F) + m0 log(m0/F)] over
        domestic and foreign worker rows - ly sum_j [sum_r mu log(mu/G) + m0j log(m0j/G)],
        Phi~ being the joint surplus net of outside options, intensities and base measure.
        """
        self._need_singles("welfare_primal")
        s, m = self.system, self.model

        def xlogy(a, b):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(a > 0, a * np.log(a / b), 0.0)

        total = 0.0
        col_terms = np.zeros(m.shape[1])
        step = max(1, _BLOCK_ENTRIES // max(s.logG.size, 1))
        for lo in range(0, s.logF.size, step):
            sl = slice(lo, min(s.logF.size, lo + step))
            mu = np.exp(self._log_mu_block(sl))
            phi_t = m.lam * (s.kernel_block(s.krow[sl]) + s.row_off[sl][:, None] + s.col_off)
            total += float(np.sum(mu * phi_t))
            F = np.exp(s.logF[sl])
            total -= m.lambda_x * float(
                np.sum(xlogy(mu, F[:, None])) + np.sum(xlogy(np.exp(self.log_u[sl]), F))
            )
            col_terms += xlogy(mu, m.gbar[None, :]).sum(axis=0)
        total -= m.lambda_y * float(np.sum(col_terms) + np.sum(xlogy(self.g0, m.gbar)))
        return total

    def welfare_dual(self) -> float:
        """Dual value sum_r F_r u_r + sum_j G_j v_j, u = -lx log(m0/F), v = -ly log(m0/G)."""
        self._need_singles("welfare_dual")
        s, m = self.system, self.model
        u = -m.lambda_x * (self.log_u - s.logF)
        v = -m.lambda_y * (self.log_g0 - s.logG)
        return float(np.exp(s.logF) @ u + m.gbar @ v)

    # ---------------------------------------------------------------- reporting
    def to_frame(self) -> pd.DataFrame:
        """Headline statistics of the equilibrium (one column)."""
        rows: dict[str, float | int] = {}
        nobody = not self.matched_domestic > 0  # ratios per match are undefined: NaN
        if self.model.singles:
            rows["E(wage)"] = np.nan if nobody else self.mean_wage
            rows["SD(wage)"] = np.nan if nobody else self.sd_wage
            rows["unemployment rate"] = self.unemployment_rate
        rows.update(
            {
                "offshoring rate (foreign / domestic matches)": (
                    np.nan if nobody else self.offshoring_rate
                ),
                "mass of domestic matches": self.matched_domestic,
                "mass of foreign matches": self.matched_foreign,
                "IPFP sweeps": int(self.n_iter),
                "max relative margin error": self.marginal_error,
            }
        )
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})

    def summary(self) -> str:
        """Status line and headline statistics."""
        status = "converged" if self.converged else "NOT converged"
        head = (
            f"{self.title} ({status}; {self.n_iter} sweeps, {self.mode}, margin error "
            f"{self.marginal_error:.2e}, {self.seconds:.3f} s)"
        )
        return head + "\n" + self._string_frame().to_string()


def check_init(
    model: MatchingModel, init: Equilibrium | tuple[np.ndarray, np.ndarray] | None
) -> Equilibrium | tuple[np.ndarray, np.ndarray] | None:
    """Check a warm start for :func:`~skillshore.matching.solve` against ``model``.

    An :class:`Equilibrium` may come from another support (the solver then starts
    cold). A ``(log_u, log_g0)`` pair must have shapes ``(R,)`` and ``(Ny,)``, R being the
    domestic worker types plus the foreign types with a positive mass, and hold real
    numbers (``-inf`` marks an empty type; NaN is not allowed).

    Raises
    ------
    ModelInputError
        On a wrongly shaped, complex, non-numeric or NaN warm start.
    """
    if init is None or isinstance(init, Equilibrium):
        return init
    if not isinstance(init, tuple | list) or len(init) != 2:
        raise ModelInputError(
            f"init must be an Equilibrium or a pair (log_u, log_g0), got {type(init).__name__}"
        )
    from skillshore.matching.economy import _real

    nx, ny = model.shape
    fs = model.fbar_star
    rows = nx + (int(np.count_nonzero(fs > 0)) if fs is not None else 0)
    out = []
    for name, v, n in (("init log_u", init[0], rows), ("init log_g0", init[1], ny)):
        arr = _real(v, name)
        if arr.shape != (n,):
            raise ModelInputError(
                f"{name} must have shape ({n},) for this model, got {arr.shape}"
                + (
                    " (log_u stacks the domestic types, then the foreign types with mass)"
                    if name.endswith("u")
                    else ""
                )
            )
        if np.any(np.isnan(arr)) or np.any(arr == np.inf):
            raise ModelInputError(f"{name} has NaN or +inf values")
        out.append(arr)
    return out[0], out[1]
