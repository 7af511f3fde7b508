"""Model primitives of the global-economy matching model (seed eqs. 4-10).

A :class:`MatchingModel` is data: worker and firm types with their masses, the
surplus parameters, outside options, logit scales and meeting intensities. The
solver (:func:`skillshore.matching.solve`) takes it and returns an
:class:`~skillshore.matching.Equilibrium`. See ``docs/model.md`` for the
derivation and every convention.

Conventions
-----------
* Types live on a discrete support: worker types ``x`` (Nx, m), firm types
  ``y`` (Ny, n). ``fbar``, ``fbar_star`` and ``gbar`` are **masses** of agents of
  each type (not densities).
* ``dx`` and ``dy`` are the base-measure weights of each support point (cell
  volumes of a grid). They enter through the Poisson acquaintance process: a
  worker meets firms of type y_j at rate exp(nu_x) * dy_j. With a grid, pass the
  cell volumes and the equilibrium converges to the continuous model as the grid
  is refined; with the default ``dy = 1`` each support point is one discrete type
  (the Choo-Siow convention).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from skillshore.errors import ModelInputError

__all__ = ["MatchingModel"]


def _real(a, name: str) -> np.ndarray:
    """``a`` as a float64 array; complex, text, ``None`` or ragged input is a ModelInputError."""
    if a is None:
        raise ModelInputError(f"{name} is missing (got None)")
    try:
        raw = np.asarray(a)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ModelInputError(f"{name} must be a numeric array: {exc}") from None
    if np.iscomplexobj(raw):
        raise ModelInputError(f"{name} must be real, got complex values")
    if raw.dtype.kind in "USaV":
        raise ModelInputError(
            f"{name} must be numeric, got {raw.dtype} values such as {raw.ravel()[:1].tolist()}"
        )
    if raw.dtype.kind not in "biuf":
        try:
            raw = raw.astype(np.float64)
        except (TypeError, ValueError):
            raise ModelInputError(
                f"{name} must be numeric, got {raw.dtype} values such as {raw.ravel()[:1].tolist()}"
            ) from None
        if raw.dtype.kind not in "biuf":  # pragma: no cover
            raise ModelInputError(f"{name} must be numeric")
    return raw.astype(np.float64)


def _scalar(v, name: str, positive: bool = False) -> float:
    """A finite real number (``> 0`` with ``positive``)."""
    arr = _real(v, name)
    if arr.ndim != 0 and arr.size != 1:
        raise ModelInputError(f"{name} must be a number, got shape {arr.shape}")
    x = float(arr.reshape(()))
    if not np.isfinite(x):
        raise ModelInputError(f"{name} must be finite, got {x}")
    if positive and x <= 0:
        raise ModelInputError(f"{name} must be > 0, got {x}")
    return x


def _as_2d(a, name: str) -> np.ndarray:
    arr = _real(a, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ModelInputError(f"{name} must be a 1-d or 2-d array of types, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ModelInputError(f"{name} has non-finite values")
    return arr


def _vec(a, n: int, name: str, positive: bool = False, nonneg: bool = False) -> np.ndarray:
    arr = _real(a, name)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ModelInputError(f"{name} must be a scalar or have shape ({n},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ModelInputError(f"{name} has non-finite values")
    if positive and np.any(arr <= 0):
        raise ModelInputError(f"{name} must be > 0 (first bad index {int(np.argmax(arr <= 0))})")
    if nonneg and np.any(arr < 0):
        raise ModelInputError(
            f"{name} must be >= 0 (negative mass at index {int(np.argmax(arr < 0))})"
        )
    return arr


@dataclass(frozen=True, eq=False)
class MatchingModel:
    """Primitives of the Dupuy-Galichon economy with singles and a foreign worker pool.

    Parameters
    ----------
    x : array (Nx, m) or (Nx,)
        Worker types (skills), shared by domestic and foreign workers.
    y : array (Ny, n) or (Ny,)
        Firm types.
    fbar : array (Nx,)
        Mass of domestic workers of each type (> 0).
    gbar : array (Ny,)
        Mass of firms of each type (> 0).
    Phi : array (m, n) or scalar
        Complementarity matrix of the surplus q(x, y) = x' Phi y + C (seed eq. 4).
    C, C_star : float
        Constants of the domestic and foreign surplus (seed eq. 7); c_F = C - C_star.
    lambda_x, lambda_y : float
        Logit scales of workers' and firms' idiosyncratic preferences (> 0).
    w0 : float or array (Nx,)
        Domestic workers' outside option (unemployment benefit).
    r0 : float or array (Ny,)
        Firms' outside option.
    nu_x, nu_y : float
        Meeting intensities of domestic workers towards firms and firms towards domestic workers.
    fbar_star : array (Nx,), optional
        Mass of potential foreign workers of each type; ``None`` is the baseline (closed) economy.
    w0_star : float or array (Nx,)
        Foreign workers' outside option.
    nu_x_star, nu_y_star : float
        Meeting intensities of foreign workers towards domestic firms and of firms towards foreign workers.
    dx, dy : float or array, optional
        Base-measure weights of the support points (default 1).
    surplus : array (Nx, Ny), optional
        A general surplus matrix q(x_i, y_j) replacing x' Phi y + C for domestic matches
        (the foreign surplus is then ``surplus - (C - C_star)``); forces the dense solver.
    singles : bool
        ``False`` removes the outside options: every agent is matched (entropic optimal
        transport, the plain Dupuy-Galichon 2014 case); total masses must then balance.
        Outside options and meeting intensities only shift the surplus by constants then.
    """

    x: np.ndarray
    y: np.ndarray
    fbar: np.ndarray
    gbar: np.ndarray
    Phi: np.ndarray
    C: float = 0.0
    lambda_x: float = 0.5
    lambda_y: float = 0.5
    w0: np.ndarray | float = 0.0
    r0: np.ndarray | float = 0.0
    nu_x: float = 0.0
    nu_y: float = 0.0
    fbar_star: np.ndarray | None = None
    C_star: float = 0.0
    w0_star: np.ndarray | float = 0.0
    nu_x_star: float = 0.0
    nu_y_star: float = 0.0
    dx: np.ndarray | float = 1.0
    dy: np.ndarray | float = 1.0
    surplus: np.ndarray | None = field(default=None, repr=False)
    singles: bool = True

    def __post_init__(self) -> None:
        x = _as_2d(self.x, "x")
        y = _as_2d(self.y, "y")
        nx, ny = x.shape[0], y.shape[0]
        if nx == 0 or ny == 0:
            raise ModelInputError("x and y need at least one type each")
        phi = _real(self.Phi, "Phi")
        if phi.ndim == 0:
            phi = phi.reshape(1, 1)
        if phi.shape != (x.shape[1], y.shape[1]):
            raise ModelInputError(
                f"Phi must have shape (m, n) = ({x.shape[1]}, {y.shape[1]}), got {phi.shape}"
            )
        if not np.all(np.isfinite(phi)):
            raise ModelInputError(f"Phi has non-finite values: {phi.tolist()}")
        scalars = {
            name: _scalar(getattr(self, name), name, positive=name.startswith("lambda"))
            for name in (
                "lambda_x",
                "lambda_y",
                "C",
                "C_star",
                "nu_x",
                "nu_y",
                "nu_x_star",
                "nu_y_star",
            )
        }
        if not isinstance(self.singles, bool | np.bool_):
            raise ModelInputError(f"singles must be True or False, got {self.singles!r}")
        sets = {
            "x": x,
            "y": y,
            "Phi": phi,
            "fbar": _vec(self.fbar, nx, "fbar", positive=True),
            "gbar": _vec(self.gbar, ny, "gbar", positive=True),
            "w0": _vec(self.w0, nx, "w0"),
            "r0": _vec(self.r0, ny, "r0"),
            "w0_star": _vec(self.w0_star, nx, "w0_star"),
            "dx": _vec(self.dx, nx, "dx", positive=True),
            "dy": _vec(self.dy, ny, "dy", positive=True),
        }
        if self.fbar_star is not None:
            fs = _vec(self.fbar_star, nx, "fbar_star", nonneg=True)
            sets["fbar_star"] = fs
        if self.surplus is not None:
            s = _real(self.surplus, "surplus")
            if s.shape != (nx, ny) or not np.all(np.isfinite(s)):
                raise ModelInputError(f"surplus must be a finite ({nx}, {ny}) array")
            sets["surplus"] = s
        if not self.singles:
            total_w = sets["fbar"].sum() + (sets["fbar_star"].sum() if "fbar_star" in sets else 0.0)
            total_f = sets["gbar"].sum()
            if abs(total_w - total_f) > 1e-9 * max(total_w, total_f):
                raise ModelInputError(
                    f"without singles the total masses must balance: workers {total_w:.12g} != firms {total_f:.12g}"
                )
        for k, v in sets.items():
            object.__setattr__(self, k, v)
        for k, v in scalars.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "singles", bool(self.singles))

    # ------------------------------------------------------------------ derived
    @property
    def lam(self) -> float:
        """lambda = lambda_x + lambda_y."""
        return self.lambda_x + self.lambda_y

    @property
    def c_F(self) -> float:
        """Offshoring cost c_F = C - C* (seed eq. 10)."""
        return self.C - self.C_star

    @property
    def has_foreign(self) -> bool:
        return self.fbar_star is not None and bool(np.any(self.fbar_star > 0))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.x.shape[0], self.y.shape[0])

    def q(self) -> np.ndarray:
        """Domestic surplus matrix q(x_i, y_j) (dense; small problems only)."""
        if self.surplus is not None:
            return self.surplus
        return self.x @ self.Phi @ self.y.T + self.C

    def q_star(self) -> np.ndarray:
        """Foreign surplus q*(x_i, y_j) = q - c_F (dense)."""
        return self.q() - self.c_F

    def replace(self, **changes) -> MatchingModel:
        """A copy with some primitives changed (for counterfactuals)."""
        return dataclasses.replace(self, **changes)
