"""Observed matchings: the estimator's input and its discrete type support.

A :class:`MatchedSample` holds four groups of records, each with weights:
domestic matches (x, y, optional wage), unmatched workers (x), unmatched firm
slots (vacancies, y) and offshored matches (x*, y). Offshored matches are not
observed in the seed's data; :mod:`skillshore.structural.offshored` constructs
them (seed slide "Identifying Assumption: Unobserved Offshored Matches").

The model is solved on a discrete support: each distinct worker and firm
characteristic vector is a type (the empirical-measure convention of Dupuy and
Galichon 2014, see ``docs/model.md``). Large samples are grouped into at most
``max_types`` types per side by k-means (deterministic), each record taking its
cluster's weighted centroid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from skillshore.errors import DataValidationError

__all__ = ["MatchedSample", "TypeSupport", "sample_from_frame"]

_GROUPS = ("match", "unmatched_x", "unmatched_y", "foreign")


def _arr2(a, name: str, ncol: int | None = None) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or (ncol is not None and arr.shape[1] != ncol):
        raise DataValidationError(
            f"{name}: expected a (records, {ncol or 'k'}) array, got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise DataValidationError(
            f"{name}: non-finite values in rows {np.flatnonzero(~np.isfinite(arr).all(1))[:5].tolist()}"
        )
    return arr


def _weights(w, n: int, name: str) -> np.ndarray:
    if w is None:
        return np.ones(n)
    arr = np.asarray(w, dtype=np.float64).reshape(-1)
    if arr.shape != (n,) or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise DataValidationError(f"{name}: weights must be {n} finite values >= 0")
    return arr


@dataclass(frozen=True, eq=False)
class MatchedSample:
    """Observed matches, singles and offshored matches (the estimator's data).

    Parameters
    ----------
    x, y : array (K, m), (K, n)
        Worker and firm characteristics of the domestic matches.
    weights : array (K,), optional
        Mass of each match record (default 1).
    wage : array (K,), optional
        Hourly wage of each match (NaN where missing); identifies lambda_x.
    unmatched_x, unmatched_x_weights : optional
        Unemployed workers' characteristics and masses.
    unmatched_y, unmatched_y_weights : optional
        Vacant firm slots' characteristics and masses.
    foreign_x, foreign_y, foreign_weights : optional
        Offshored matches (foreign worker type, domestic firm type) and their masses,
        in the units of ``weights`` (number of offshored workers).
    foreign_pool : float, optional
        |fbar*|, mass of potential foreign matches relative to the domestic workforce.
    """

    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None = None
    wage: np.ndarray | None = None
    unmatched_x: np.ndarray | None = None
    unmatched_x_weights: np.ndarray | None = None
    unmatched_y: np.ndarray | None = None
    unmatched_y_weights: np.ndarray | None = None
    foreign_x: np.ndarray | None = None
    foreign_y: np.ndarray | None = None
    foreign_weights: np.ndarray | None = None
    foreign_pool: float | None = None

    def __post_init__(self) -> None:
        x = _arr2(self.x, "matches x")
        y = _arr2(self.y, "matches y")
        if x.shape[0] != y.shape[0] or x.shape[0] == 0:
            raise DataValidationError(f"matches: x has {x.shape[0]} rows, y has {y.shape[0]}")
        m, n = x.shape[1], y.shape[1]
        s = object.__setattr__
        s(self, "x", x)
        s(self, "y", y)
        s(self, "weights", _weights(self.weights, x.shape[0], "matches"))
        if self.wage is not None:
            w = np.asarray(self.wage, dtype=np.float64).reshape(-1)
            if w.shape != (x.shape[0],):
                raise DataValidationError("wage: one value per match (NaN where missing)")
            s(self, "wage", w)
        for grp, cols in (("unmatched_x", m), ("unmatched_y", n)):
            a = getattr(self, grp)
            if a is not None:
                a = _arr2(a, grp, cols)
                s(self, grp, a)
                s(
                    self,
                    grp + "_weights",
                    _weights(getattr(self, grp + "_weights"), a.shape[0], grp),
                )
        if (self.foreign_x is None) != (self.foreign_y is None):
            raise DataValidationError("foreign_x and foreign_y go together")
        if self.foreign_x is not None:
            fx, fy = _arr2(self.foreign_x, "foreign_x", m), _arr2(self.foreign_y, "foreign_y", n)
            if fx.shape[0] != fy.shape[0]:
                raise DataValidationError("foreign_x and foreign_y need the same number of rows")
            s(self, "foreign_x", fx)
            s(self, "foreign_y", fy)
            s(self, "foreign_weights", _weights(self.foreign_weights, fx.shape[0], "foreign"))
        if self.foreign_pool is not None and not self.foreign_pool > 0:
            raise DataValidationError("foreign_pool must be > 0")

    @property
    def dims(self) -> tuple[int, int]:
        return self.x.shape[1], self.y.shape[1]

    @property
    def has_foreign(self) -> bool:
        return self.foreign_x is not None and float(self.foreign_weights.sum()) > 0

    def sizes(self) -> dict[str, int]:
        """Number of records in each group."""
        return {
            "match": self.x.shape[0],
            "unmatched_x": 0 if self.unmatched_x is None else self.unmatched_x.shape[0],
            "unmatched_y": 0 if self.unmatched_y is None else self.unmatched_y.shape[0],
            "foreign": 0 if self.foreign_x is None else self.foreign_x.shape[0],
        }

    def take(self, idx: dict[str, np.ndarray]) -> MatchedSample:
        """The sample restricted to (or resampled at) the given record indices per group."""
        ch: dict = {}
        if "match" in idx:
            i = idx["match"]
            ch.update(x=self.x[i], y=self.y[i], weights=self.weights[i])
            ch["wage"] = None if self.wage is None else self.wage[i]
        for grp in ("unmatched_x", "unmatched_y"):
            if grp in idx and getattr(self, grp) is not None:
                i = idx[grp]
                ch[grp] = getattr(self, grp)[i]
                ch[grp + "_weights"] = getattr(self, grp + "_weights")[i]
        if "foreign" in idx and self.foreign_x is not None:
            i = idx["foreign"]
            ch.update(
                foreign_x=self.foreign_x[i],
                foreign_y=self.foreign_y[i],
                foreign_weights=self.foreign_weights[i],
            )
        return replace(self, **ch)

    def resample(self, rng: np.random.Generator, pooled: bool = True) -> MatchedSample:
        """A bootstrap replicate, drawing records with replacement.

        ``pooled`` (default): all records of all groups form one pool, from which as
        many records are drawn; group sizes vary as they do across samples (e.g. the
        unemployment and offshoring rates). Otherwise each group is resampled with its
        size kept (a stratified bootstrap, conditional on the group sizes).
        """
        sizes = {g: k for g, k in self.sizes().items() if k > 0}
        if not pooled:
            return self.take({g: rng.integers(0, k, size=k) for g, k in sizes.items()})
        groups = list(sizes)
        bounds = np.cumsum([0, *sizes.values()])
        draw = np.sort(rng.integers(0, bounds[-1], size=bounds[-1]))
        idx = {}
        for g, lo, hi in zip(groups, bounds[:-1], bounds[1:], strict=True):
            sel = draw[(draw >= lo) & (draw < hi)] - lo
            idx[g] = sel
        if idx["match"].size == 0:
            idx["match"] = rng.integers(0, sizes["match"], size=1)
        return self.take(idx)


def sample_from_frame(
    workers: pd.DataFrame,
    x_cols: list[str],
    y_cols: list[str],
    weight_col: str | None = None,
    wage_col: str | None = None,
    vacancies: pd.DataFrame | None = None,
    foreign: pd.DataFrame | None = None,
    foreign_pool: float | None = None,
) -> MatchedSample:
    """Build a :class:`MatchedSample` from frames (the synthetic economy's or real data).

    Parameters
    ----------
    workers : DataFrame
        One row per worker: ``x_cols`` always, ``y_cols`` of the employer (all missing
        for the unemployed), optional weight and wage columns.
    vacancies : DataFrame, optional
        Unmatched firm slots: ``y_cols`` and optional ``weight_col``.
    foreign : DataFrame, optional
        Offshored matches: ``x_cols``, ``y_cols`` and ``weight_col`` (masses, e.g. from
        :func:`skillshore.structural.impute_offshored_matches`).
    """
    df = workers
    yv = df[y_cols].to_numpy(dtype=np.float64)
    matched = np.isfinite(yv).all(axis=1)
    if np.any(np.isfinite(yv[~matched])):
        raise DataValidationError(
            "workers: a row has some but not all firm characteristics "
            f"(rows {np.flatnonzero(~matched & np.isfinite(yv).any(1))[:5].tolist()})"
        )
    w = df[weight_col].to_numpy(dtype=np.float64) if weight_col else np.ones(len(df))
    xv = df[x_cols].to_numpy(dtype=np.float64)
    kw: dict = {}
    if (~matched).any():
        kw.update(unmatched_x=xv[~matched], unmatched_x_weights=w[~matched])
    if vacancies is not None and len(vacancies):
        kw.update(
            unmatched_y=vacancies[y_cols].to_numpy(dtype=np.float64),
            unmatched_y_weights=vacancies[weight_col].to_numpy(dtype=np.float64)
            if weight_col and weight_col in vacancies
            else None,
        )
    if foreign is not None and len(foreign):
        kw.update(
            foreign_x=foreign[x_cols].to_numpy(dtype=np.float64),
            foreign_y=foreign[y_cols].to_numpy(dtype=np.float64),
            foreign_weights=foreign[weight_col].to_numpy(dtype=np.float64)
            if weight_col and weight_col in foreign
            else None,
        )
    return MatchedSample(
        x=xv[matched],
        y=yv[matched],
        weights=w[matched],
        wage=df[wage_col].to_numpy(dtype=np.float64)[matched] if wage_col else None,
        foreign_pool=foreign_pool,
        **kw,
    )


def _unique_rows(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u, inv = np.unique(a, axis=0, return_inverse=True)
    return u, inv.reshape(-1)


@dataclass(frozen=True, eq=False)
class _Side:
    types: np.ndarray
    lookup: dict | None = field(default=None, repr=False)
    kmeans: object | None = field(default=None, repr=False)

    def assign(self, a: np.ndarray) -> np.ndarray:
        if a is None or a.shape[0] == 0:
            return np.zeros(0, dtype=np.int64)
        if self.kmeans is not None:
            return self.kmeans.predict(a / self._scale).astype(np.int64)
        keys = [r.tobytes() for r in np.ascontiguousarray(a)]
        try:
            return np.array([self.lookup[k] for k in keys], dtype=np.int64)
        except KeyError as e:
            raise DataValidationError("a record's type is not in the support") from e

    @property
    def _scale(self) -> np.ndarray:
        return self.lookup["__scale__"]


def _build_side(a: np.ndarray, w: np.ndarray, max_types: int) -> _Side:
    u, inv = _unique_rows(a)
    if u.shape[0] <= max_types:
        lookup = {r.tobytes(): i for i, r in enumerate(np.ascontiguousarray(u))}
        return _Side(types=u, lookup=lookup)
    from sklearn.cluster import KMeans

    scale = a.std(axis=0)
    scale[scale == 0] = 1.0
    km = KMeans(n_clusters=max_types, n_init=1, random_state=0).fit(a / scale, sample_weight=w)
    lab = km.labels_
    cent = np.zeros((max_types, a.shape[1]))
    tot = np.bincount(lab, weights=w, minlength=max_types)
    for k in range(a.shape[1]):
        cent[:, k] = np.bincount(lab, weights=w * a[:, k], minlength=max_types)
    cent /= np.where(tot > 0, tot, 1.0)[:, None]
    return _Side(types=cent, lookup={"__scale__": scale}, kmeans=km)


@dataclass(frozen=True, eq=False)
class TypeSupport:
    """Discrete worker and firm types on which the model is solved.

    Built once from a sample (:meth:`build`); bootstrap replicates are mapped onto
    the same support with :meth:`assign`, so resampling only changes masses.
    """

    workers: _Side
    firms: _Side

    @classmethod
    def build(cls, s: MatchedSample, max_types: int = 400) -> TypeSupport:
        xs = [s.x] + [a for a in (s.unmatched_x, s.foreign_x) if a is not None]
        xw = [s.weights] + [a for a in (s.unmatched_x_weights, s.foreign_weights) if a is not None]
        ys = [s.y] + [a for a in (s.unmatched_y, s.foreign_y) if a is not None]
        yw = [s.weights] + [a for a in (s.unmatched_y_weights, s.foreign_weights) if a is not None]
        return cls(
            _build_side(np.vstack(xs), np.concatenate(xw), max_types),
            _build_side(np.vstack(ys), np.concatenate(yw), max_types),
        )

    @property
    def x(self) -> np.ndarray:
        return self.workers.types

    @property
    def y(self) -> np.ndarray:
        return self.firms.types

    def assign(self, s: MatchedSample) -> dict[str, tuple[np.ndarray, ...]]:
        """Type indices of every record group: {group: (worker idx, firm idx)}."""
        out = {"match": (self.workers.assign(s.x), self.firms.assign(s.y))}
        if s.unmatched_x is not None:
            out["unmatched_x"] = (self.workers.assign(s.unmatched_x),)
        if s.unmatched_y is not None:
            out["unmatched_y"] = (self.firms.assign(s.unmatched_y),)
        if s.foreign_x is not None:
            out["foreign"] = (self.workers.assign(s.foreign_x), self.firms.assign(s.foreign_y))
        return out
