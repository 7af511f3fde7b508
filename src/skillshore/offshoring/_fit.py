"""The one place that talks to pyfixest (private).

:func:`demeaned_iv` fits the model with ``pyfixest.feols`` and returns the
demeaned, weight-transformed arrays of the estimation sample (after missing
values and singletons are dropped), which the diagnostics of
:mod:`skillshore.offshoring.iv` use. pyfixest 0.60 takes one endogenous
regressor, so the model is passed as ``y ~ controls + x2 + ... | fe | x1 ~ z``:
the demeaned arrays are the same, the first regressor's 2SLS is pyfixest's
and, with several endogenous regressors, the 2SLS is redone on the arrays.

:func:`residualize` demeans columns by the fixed effects with pyfixest's
alternating-projections kernel and partials out controls (shift-share tools).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from skillshore._compat import import_pyfixest
from skillshore.errors import ConvergenceError, ModelInputError

pf = import_pyfixest()
_pf_demean = importlib.import_module("pyfixest.core.demean").demean

__all__ = ["FeDof", "Demeaned", "default_demeaner", "demeaned_iv", "residualize", "to_pandas"]

FeDof = Literal["nonnested", "full", "rank", "none"]

DEMEAN_TOL = 1e-10
"""Default tolerance of the demeaning (tight, so 2SLS agrees with dummies to 1e-8)."""

DEMEAN_ERROR_MAX = 1e-4
"""Largest weighted group mean of a demeaned variable, in units of its SD, accepted."""


def default_demeaner() -> Any:
    """pyfixest's Rust MAP demeaner at tolerance :data:`DEMEAN_TOL`.

    ``benchmarks/iv.py`` (35,000 firm-years, firm and sector x year effects; two runs on
    the shared 2-core machine): MAP Rust 0.12-0.25 s, MAP numba 0.16-0.23 s (plus JIT
    compilation in every new process), LSMR "within" 0.13-0.18 s: no consistent winner,
    and pyfixest 0.60's LSMR fails once singletons are dropped ("prebuilt preconditioner
    shape does not match design DOF count"), so the compiled-ahead MAP stays the default. Pass ``demeaner=`` to choose another.
    """
    return pf.MapDemeaner(fixef_tol=DEMEAN_TOL)


def to_pandas(data: Any, columns: Sequence[str]) -> pd.DataFrame:
    """The needed ``columns`` of a pandas or polars frame as pandas (index kept for pandas)."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ModelInputError(f"data has no column(s) {missing}; it has {list(data.columns)}.")
    cols = list(dict.fromkeys(columns))
    if isinstance(data, pd.DataFrame):
        return data[cols]
    if hasattr(data, "to_pandas"):
        return data.select(cols).to_pandas()
    raise ModelInputError(f"data must be a pandas or polars DataFrame, got {type(data).__name__}.")


class CollinearError(ModelInputError):
    """Regressors collinear with the fixed effects or each other (``.names``)."""

    def __init__(self, message: str, names: tuple[str, ...]) -> None:
        super().__init__(message)
        self.names = names


@dataclass(frozen=True, eq=False)
class Demeaned:
    """Demeaned, sqrt(weight)-scaled arrays of an IV model's estimation sample."""

    y: np.ndarray
    endog: np.ndarray
    exog: np.ndarray
    instruments: np.ndarray
    exog_names: tuple[str, ...]
    codes: np.ndarray
    n_clusters: int | None
    k_fe: int
    positions: np.ndarray
    y_raw: np.ndarray
    weights: np.ndarray
    demean_error: float
    pf_params: pd.Series  # pyfixest's coefficients (a cross-check of the 2SLS on the arrays)
    n_rows: int = -1  # rows passed to pyfixest (sample accounting; -1: not recorded)
    n_missing: int = -1  # of which with a missing or non-finite value (the rest of the
    # rows not in the estimation sample are pyfixest's singletons)

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])


def _formula(y: str, endog: Sequence[str], instruments: Sequence[str], fe, controls) -> str:
    rhs = " + ".join([*controls, *endog[1:]]) or "1"
    if not endog:  # OLS
        return f"{y} ~ {rhs} | {' + '.join(fe)}" if fe else f"{y} ~ {rhs}"
    iv = f"{endog[0]} ~ {' + '.join(instruments)}"
    if fe:
        return f"{y} ~ {rhs} | {' + '.join(fe)} | {iv}"
    return f"{y} ~ {rhs} | {iv}"


def _demean_error(arrays: np.ndarray, fe_codes: np.ndarray | None, w: np.ndarray) -> float:
    """Max over FE groups of |weighted mean of a demeaned column| / its weighted SD."""
    if fe_codes is None or fe_codes.shape[1] == 0:
        return 0.0
    sw = np.sqrt(w)
    raw = arrays / sw[:, None]  # undo the sqrt(w) scaling
    sd = np.sqrt((w[:, None] * raw**2).sum(0) / w.sum())
    sd = np.where(sd > 0, sd, 1.0)
    err = 0.0
    for j in range(fe_codes.shape[1]):
        col = np.asarray(fe_codes[:, j])
        if np.issubdtype(col.dtype, np.integer) and col.min() >= 0 and col.max() < 4 * len(col):
            codes = col.astype(np.int64)  # pyfixest's codes are already 0..G-1
        else:
            codes = np.unique(col, return_inverse=True)[1].ravel()
        wsum = np.bincount(codes, weights=w)
        used = wsum > 0  # codes of dropped rows (singletons) have no weight
        for c in range(raw.shape[1]):
            m = np.bincount(codes, weights=w * raw[:, c])[used] / wsum[used]
            err = max(err, float(np.abs(m).max() / sd[c]))
    return err


def demeaned_iv(
    data: pd.DataFrame,
    y: str,
    endog: Sequence[str],
    instruments: Sequence[str],
    fe: Sequence[str],
    controls: Sequence[str],
    cluster: str | None,
    weights: str | None,
    fe_dof: FeDof,
    demeaner: Any,
    drop_singletons: bool,
) -> Demeaned:
    """Fit with pyfixest and return the arrays of :class:`Demeaned` (OLS when ``endog`` is empty)."""
    fml = _formula(y, endog, instruments, fe, controls)
    vcov: Any = {"CRV1": cluster} if cluster else "hetero"
    try:
        fit = pf.feols(
            fml,
            data=data,
            vcov=vcov,
            weights=weights,
            ssc=pf.ssc(k_adj=True, k_fixef="full" if fe_dof == "rank" else fe_dof, G_adj=True),
            fixef_rm="singleton" if drop_singletons else "none",
            demeaner=demeaner or default_demeaner(),
        )
    except Exception as exc:  # pyfixest raises many types; re-raise as ours
        raise ModelInputError(f"pyfixest could not fit {fml!r}: {exc}") from exc
    dropped = list(getattr(fit, "_collin_vars", []))
    if endog:
        dropped += list(getattr(fit, "_collin_vars_z", []))
    if dropped:
        names = tuple(sorted(set(map(str, dropped))))
        raise CollinearError(
            f"{fml!r}: {list(names)} collinear with the fixed effects "
            "or other regressors; drop them.",
            names,
        )
    xnames = [str(c) for c in fit._coefnames]
    znames = [str(c) for c in fit._coefnames_z] if endog else xnames
    x = np.asarray(fit._X, dtype=float)
    z = np.asarray(fit._Z if endog else fit._X, dtype=float)
    endog_idx = [xnames.index(e) for e in endog]
    exog_names = tuple(c for c in xnames if c not in endog)
    exog_idx = [xnames.index(c) for c in exog_names]
    inst_idx = [znames.index(c) for c in instruments]
    yy = np.asarray(fit._Y, dtype=float).ravel()
    w = np.asarray(fit._weights, dtype=float).ravel()
    fe_codes = np.asarray(fit._fe) if getattr(fit, "_has_fixef", False) else None
    all_cols = np.column_stack([yy, x, z[:, inst_idx]])
    err = _demean_error(all_cols, fe_codes, w)
    if err > DEMEAN_ERROR_MAX:
        raise ConvergenceError(
            f"fixed-effect demeaning of {fml!r} did not converge: largest group mean of a "
            f"demeaned variable is {err:.2e} SD (> {DEMEAN_ERROR_MAX:g}); tighten the "
            "demeaner's tolerance or raise its iteration limit."
        )
    if cluster:
        codes = np.unique(np.asarray(fit._cluster_df.iloc[:, 0]), return_inverse=True)[1].ravel()
        n_clusters: int | None = int(codes.max()) + 1
    else:
        codes = np.arange(yy.shape[0])
        n_clusters = None
    positions = np.asarray(fit._data.index, dtype=np.int64)  # pyfixest: positional, after drops
    k_fe = int(fit._df_k) - int(fit._k)
    if fe_dof == "rank" and fe_codes is not None:
        k_fe = dummy_rank(fe_codes, k_fe)
    return Demeaned(
        y=yy,
        endog=x[:, endog_idx],
        exog=x[:, exog_idx],
        instruments=z[:, inst_idx],
        exog_names=exog_names,
        codes=codes,
        n_clusters=n_clusters,
        k_fe=k_fe,
        positions=positions,
        y_raw=np.asarray(fit._data[y], dtype=float),
        weights=w,
        demean_error=err,
        pf_params=fit.coef().rename(index=str),
        n_rows=len(data),
        n_missing=int((data.isna() | data.isin([np.inf, -np.inf])).any(axis=1).sum()),
    )


def dummy_rank(codes: np.ndarray, fallback: int) -> int:
    """Rank of the dummy matrix of the fixed effects ``codes`` (N x m, m <= 2).

    One factor: its number of levels; two: ``n1 + n2 - C`` with ``C`` the
    connected components of the bipartite graph of levels (each component has
    one redundant dummy). More factors: ``fallback`` (pyfixest's "full" count,
    an upper bound).
    """
    codes = np.asarray(codes)
    cols = [np.unique(codes[:, j], return_inverse=True)[1].ravel() for j in range(codes.shape[1])]
    if len(cols) == 1:
        return int(cols[0].max()) + 1
    if len(cols) != 2:
        return fallback
    n1, n2 = int(cols[0].max()) + 1, int(cols[1].max()) + 1
    graph = sp.coo_array((np.ones(cols[0].shape[0]), (cols[0], cols[1] + n1)), shape=(n1 + n2,) * 2)
    n_comp = connected_components(graph, directed=False)[0]
    return n1 + n2 - int(n_comp)


def fe_codes(data: pd.DataFrame, fe: Sequence[str]) -> np.ndarray:
    """Integer codes (N x len(fe)) of fixed effects; ``"a^b"`` is the interaction of a and b."""
    cols = []
    for f in fe:
        parts = f.split("^")
        key = data[parts[0]].astype(str)
        for p in parts[1:]:
            key = key + "\x1f" + data[p].astype(str)
        cols.append(pd.factorize(key)[0])
    return np.column_stack(cols).astype(np.uint64) if cols else np.zeros((len(data), 0), np.uint64)


def residualize(
    data: pd.DataFrame,
    columns: Sequence[str],
    fe: Sequence[str],
    controls: Sequence[str],
    weights: np.ndarray | None,
    *,
    tol: float = DEMEAN_TOL,
    maxiter: int = 100_000,
) -> np.ndarray:
    """Weighted residuals of ``columns`` on the fixed effects ``fe`` and ``controls``.

    Alternating projections (pyfixest's Rust kernel) for the fixed effects,
    then weighted OLS on the demeaned controls (a constant when ``fe`` is
    empty). Raises :class:`ConvergenceError` when the projections stop
    before ``tol``.
    """
    n = len(data)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    allc = [*columns, *controls]
    arr = data[allc].to_numpy(dtype=float)
    if fe:
        arr, ok = _pf_demean(np.ascontiguousarray(arr), fe_codes(data, fe), w, tol, maxiter)
        if not ok:
            raise ConvergenceError(
                f"demeaning by {list(fe)} did not reach tol={tol:g} in {maxiter} iterations."
            )
        ctrl = arr[:, len(columns) :]
    else:
        ctrl = np.column_stack([np.ones(n), arr[:, len(columns) :]])
    sw = np.sqrt(w)[:, None]
    res = arr[:, : len(columns)]
    if ctrl.shape[1]:
        coef, *_ = np.linalg.lstsq(ctrl * sw, res * sw, rcond=None)
        res = res - ctrl @ coef
    return res
