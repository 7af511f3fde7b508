"""Bootstrap replicates of a :class:`~skillshore.structural.markets.MarketSample`.

Three schemes (docs/estimation.md §4, "Inference"):

``"firms"``
    Firms drawn with replacement within each market; markets and the worker types'
    measurement fixed. The sampling error of a given economy's firms and workers.
``"markets"``
    Markets (industries) drawn with replacement, each with all its firms and workers:
    the cluster bootstrap at the top level of the nesting market > firm > worker, which
    carries the variance of every level below it once (Cameron and Miller 2015, "A
    practitioner's guide to cluster-robust inference", J. Human Resources 50(2), §IV.C),
    and the industries' shocks that identify beta. The pipeline's default.
``"clusters"``
    Owen's (2007) pigeonhole bootstrap for crossed random effects: markets, firms within
    each drawn market and the workers' clusters (education codes) drawn with replacement,
    independently. Across economies both the industries' shocks and the title matcher's
    per-code errors (all workers of one code share its measured type) are redrawn; a
    within-market firm bootstrap holds both fixed.

A replicate is a :class:`Draw` (indices into the original sample) applied by
:func:`take`, so that a test can look at the replicate weights of the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from skillshore.errors import DataValidationError

if TYPE_CHECKING:
    from skillshore.structural.markets import MarketSample

__all__ = ["SCHEMES", "Draw", "draw", "take"]

Scheme = Literal["firms", "markets", "clusters"]
SCHEMES: tuple[str, ...] = ("firms", "markets", "clusters")


@dataclass(frozen=True, eq=False)
class Draw:
    """One bootstrap replicate as indices into the original sample.

    Attributes
    ----------
    markets : array (K,)
        Original market of each replicate market (``arange(K)`` when markets are kept).
    firms : array (F*,)
        Original firm of each replicate firm (a firm drawn twice is two firms).
    firm_market : array (F*,)
        Replicate market of each replicate firm.
    records : array (R*,)
        Original match record of each replicate record, in replicate-firm order.
    record_firm : array (R*,)
        Replicate firm of each replicate record.
    record_scale : array (R*,) or None
        Factor on each replicate record's weight (None: 1), the ``markets`` and
        ``clusters`` schemes' post-stratification of the worker types' masses.
    validation : array (V*,) or None
        Original validation row of each replicate validation row (None: no validation set).
    validation_groups : array (V*,) or None
        The replicate's cluster of each validation row (each drawn copy its own).
    nonemployed : array (U*,) or None
        Original non-employed row of each replicate row (None: none).
    """

    markets: np.ndarray
    firms: np.ndarray
    firm_market: np.ndarray
    records: np.ndarray
    record_firm: np.ndarray
    record_scale: np.ndarray | None = None
    validation: np.ndarray | None = None
    validation_groups: np.ndarray | None = None
    nonemployed: np.ndarray | None = None

    def record_counts(self, n_records: int) -> np.ndarray:
        """Replicate weight of each original record: the number of its copies (R,)."""
        return np.bincount(self.records, minlength=n_records).astype(np.float64)


def _records(s: MarketSample, firms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The records of the firms ``firms`` (each copy its own firm, numbered 0..F*-1)."""
    order, starts, counts, _ = s._groups
    rep = counts[firms]
    base = np.repeat(starts[firms], rep)
    offs = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    return order[base + offs], np.repeat(np.arange(firms.size), rep)


def firm_draw(s: MarketSample, firms: np.ndarray) -> Draw:
    """The sample of the firms ``firms`` (markets and everything else kept)."""
    firms = np.asarray(firms, dtype=np.int64)
    rec, rf = _records(s, firms)
    K = s.n_markets
    return Draw(np.arange(K), firms, s.firm_market[firms], rec, rf)


def _cluster_copies(
    labels: np.ndarray, rows: np.ndarray, drawn: np.ndarray | None, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Clusters of ``rows`` (``labels``: the cluster of each) drawn with replacement
    (``drawn``: the distinct labels' positions drawn, default G uniform draws): the rows
    of the drawn clusters and a label per copy (a cluster drawn twice: two clusters)."""
    uniq, inv = np.unique(labels, return_inverse=True)
    order = np.argsort(inv, kind="stable")
    sizes = np.bincount(inv, minlength=uniq.size)
    starts = np.r_[0, np.cumsum(sizes)]
    if drawn is None:
        drawn = rng.integers(0, uniq.size, uniq.size)
    if drawn.size == 0:
        return rows[:0], np.zeros(0, np.int64)
    picked = np.concatenate([order[starts[g] : starts[g + 1]] for g in drawn])
    return rows[picked], np.repeat(np.arange(drawn.size), sizes[drawn])


def _type_mass_scale(s: MarketSample, rec: np.ndarray) -> np.ndarray:
    """Weight factor of each replicate record that gives every worker type (distinct x)
    its mass in ``s`` (types with no replicate record stay empty)."""
    _, ti = np.unique(s.x, axis=0, return_inverse=True)
    ti = ti.reshape(-1)
    n = ti.max() + 1
    full = np.bincount(ti, weights=s.weights, minlength=n)
    rep = np.bincount(ti[rec], weights=s.weights[rec], minlength=n)
    return np.where(rep > 0, full / np.where(rep > 0, rep, 1.0), 1.0)[ti[rec]]


def draw(s: MarketSample, rng: np.random.Generator, scheme: Scheme = "firms") -> Draw:
    """A bootstrap replicate of ``s`` under ``scheme`` (see the module docstring).

    ``"firms"``: firms drawn with replacement within each market; the validation set
    (by ``validation_groups`` clusters when given) and the non-employed resampled
    independently.

    ``"markets"``: K markets drawn with replacement, each with all its firms and their
    records (a market drawn twice becomes two markets with its shifter row); the
    weights post-stratified to the sample's mass of each worker type (as ``"clusters"``
    below); the validation set and the non-employed as in ``"firms"``. Every record's
    expected count is 1.

    ``"clusters"``: the pigeonhole bootstrap of Owen (2007, "The pigeonhole bootstrap",
    *Annals of Applied Statistics* 1(2), 386-411) for the crossed factors market x
    education code, with firms nested in markets. K markets are drawn with replacement
    (a market drawn twice becomes two markets with its shifter row, each with its own
    draw of firms, so that every market keeps its number of firms and its base
    measure), firms within each drawn market with replacement, and the G worker
    clusters (``worker_groups``) with replacement, independently; a record's replicate
    weight is its firm copy's times its cluster's multiplicity (the record is repeated,
    so that wages and the wage equation see the same weights). Every factor has
    multiplicity 1 in expectation, so each record's expected count is 1. The weights
    are then post-stratified to the sample's mass of each worker type (distinct x):
    types are quantile cells of measured skill, of fixed shares in any economy, and a
    replicate with a cell far above its population share has no equilibrium (more
    matched than present workers of that type). The validation rows of a cluster that
    also labels workers (``validation_groups`` equal to the education code) take that
    cluster's multiplicity (the code's measurement error and its labelled rows move
    together); other validation clusters and the non-employed are drawn independently. Owen shows the pigeonhole variance is mildly
    conservative for crossed designs (it counts the residual variance more than once);
    resampling firms within resampled markets also counts the firms' variance twice
    (Davison and Hinkley 1997, §3.8), so intervals err on the wide side.
    """
    if scheme not in SCHEMES:
        raise DataValidationError(f"bootstrap scheme must be one of {SCHEMES}, got {scheme!r}")
    members = s._groups[3]
    K = len(members)
    if scheme == "firms":
        mk = np.arange(K)
    else:
        if scheme == "clusters" and s.worker_groups is None:
            raise DataValidationError(
                "bootstrap scheme 'clusters' needs worker_groups (the cluster, e.g. the "
                "education code, of each match record)"
            )
        mk = rng.integers(0, K, K)
    sizes = np.array([members[k].size for k in mk])
    if scheme == "markets":
        firms = np.concatenate([members[k] for k in mk])
    else:
        firms = np.concatenate(
            [members[k][rng.integers(0, n, n)] for k, n in zip(mk, sizes, strict=True)]
        )
    fm = s.firm_market[firms] if scheme == "firms" else np.repeat(np.arange(K), sizes)
    rec, rf = _records(s, firms)
    val = vgr = ne = scale = None
    if scheme == "markets":
        scale = _type_mass_scale(s, rec)
    if scheme == "clusters":
        labels, inv = np.unique(s.worker_groups, return_inverse=True)
        mult = np.bincount(rng.integers(0, labels.size, labels.size), minlength=labels.size)
        times = mult[inv[rec]]
        rec, rf = np.repeat(rec, times), np.repeat(rf, times)
        scale = _type_mass_scale(s, rec)
    if s.validation_true is not None:
        V = s.validation_true.shape[0]
        if s.validation_groups is None:
            val = rng.integers(0, V, V)
        elif scheme == "clusters":
            vg = s.validation_groups.astype(str)
            pos = np.searchsorted(labels, vg).clip(0, labels.size - 1)
            shared = labels[pos] == vg
            rows = np.flatnonzero(shared)  # the codes' draws: repeat each code mult times
            su = np.unique(pos[shared])
            val, vgr = _cluster_copies(
                pos[rows], rows, np.repeat(np.arange(su.size), mult[su]), rng
            )
            if not shared.all():  # labelled clusters without workers: drawn on their own
                own = np.flatnonzero(~shared)
                v2, g2 = _cluster_copies(vg[own], own, None, rng)
                val, vgr = np.r_[val, v2], np.r_[vgr, g2 + (vgr.max() + 1 if vgr.size else 0)]
        else:
            val, vgr = _cluster_copies(s.validation_groups, np.arange(V), None, rng)
    if s.nonemployed_x is not None:
        U = s.nonemployed_x.shape[0]
        ne = rng.integers(0, U, U)
    return Draw(mk, firms, fm, rec, rf, scale, val, vgr, ne)


def _rows(a: np.ndarray | None, idx: np.ndarray | None) -> np.ndarray | None:
    return None if a is None or idx is None else a[idx]


def take(s: MarketSample, d: Draw) -> MarketSample:
    """The sample of the draw ``d`` (a new :class:`MarketSample`)."""
    from skillshore.structural.markets import MarketSample

    idx = d.records
    kept = np.arange(s.n_markets)
    markets = np.asarray(d.markets)
    same = markets.size == kept.size and np.array_equal(markets, kept)
    val = d.validation
    return MarketSample(
        x=s.x[idx],
        firm=d.record_firm,
        firm_y=s.firm_y[d.firms],
        firm_market=d.firm_market,
        weights=s.weights[idx] if d.record_scale is None else s.weights[idx] * d.record_scale,
        wage=_rows(s.wage, idx),
        wage_controls=_rows(s.wage_controls, idx),
        wage_reference=s.wage_reference,
        firm_offshored=_rows(s.firm_offshored, d.firms),
        shifters=s.shifters if same else _rows(s.shifters, markets),
        market_labels=s.market_labels if same else tuple(s.market_labels[k] for k in markets),
        shifter_names=s.shifter_names,
        foreign_pool=s.foreign_pool,
        n_worker_types=s.n_worker_types,
        worker_groups=_rows(s.worker_groups, idx),
        validation_true=s.validation_true if val is None else s.validation_true[val],
        validation_measured=s.validation_measured if val is None else s.validation_measured[val],
        validation_groups=s.validation_groups if val is None else d.validation_groups,
        validation_weights=s.validation_weights
        if val is None
        else _rows(s.validation_weights, val),
        validation_controls=(
            s.validation_controls if val is None else _rows(s.validation_controls, val)
        ),
        validation_control_weights=(
            s.validation_control_weights
            if val is None
            else _rows(s.validation_control_weights, val)
        ),
        calibrated_controls=s.calibrated_controls,
        misclassification=s.misclassification,
        nonemployed_x=s.nonemployed_x if d.nonemployed is None else s.nonemployed_x[d.nonemployed],
        nonemployed_weights=(
            s.nonemployed_weights if d.nonemployed is None else s.nonemployed_weights[d.nonemployed]
        ),
    )
