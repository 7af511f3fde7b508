"""Estimation of the title matcher's weights (seed slide "Measurement: Worker Skill").

The lexical weights (:data:`~skillshore.skills.matcher.WEIGHTS`) and the semantic
re-ranking parameters (:data:`~skillshore.skills.matcher.SEMANTIC`) are fitted by maximum
likelihood of a conditional logit (McFadden 1974) over the O*NET occupations on hand-labelled
titles. Split from :mod:`skillshore.skills.matcher` (issue 13): the matcher ranks, this
module estimates.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from skillshore.errors import DataValidationError
from skillshore.skills.onet import OnetBundle, load_bundle
from skillshore.skills.semantic import Encoder

__all__ = [
    "calibration_data",
    "fit_calibration",
    "fit_semantic",
    "fit_temperature",
    "fit_weights",
    "platt",
]


def fit_weights(
    labelled: pl.DataFrame,
    bundle: OnetBundle | None = None,
    l2: float = 1e-3,
    features: tuple[str, ...] | None = None,
) -> dict[str, float]:
    """Fit the weights of the lexical score on hand-labelled titles.

    Conditional logit (McFadden 1974) over the occupations: the probability that title ``q``
    belongs to occupation ``o`` is ``exp(s_qo) / sum_o' exp(s_qo')`` with
    ``s_qo = sum_k w_k f_k(q, o)``; the weights maximise the mean log-likelihood of the
    labelled occupations minus ``l2 x |w|^2`` (L-BFGS). Labels outside the matcher's
    occupations (unrated ones) are dropped.

    Parameters
    ----------
    labelled : polars.DataFrame
        ``title, onet_soc`` (O*NET-SOC 2019), e.g. ``tests/data/skills_eval_titles.csv``.
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle).
    l2 : float
        Ridge penalty on the weights.
    features : tuple of str, optional
        Subset of :data:`~skillshore.skills.matcher.FEATURES` to use (default: all).

    Returns
    -------
    dict
        ``{feature: weight}``, usable as ``TitleMatcher(weights=...)``.
    """
    from scipy.optimize import minimize

    from skillshore.errors import ConvergenceError
    from skillshore.skills.matcher import FEATURES, _matcher

    features = FEATURES if features is None else tuple(features)

    for col in ("title", "onet_soc"):
        if col not in labelled.columns:
            raise DataValidationError(f"labelled titles: missing column '{col}'")
    m = _matcher(bundle or load_bundle(), True)
    pos = {s: i for i, s in enumerate(m.soc)}
    rows = [(t, pos[s]) for t, s in labelled.select("title", "onet_soc").iter_rows() if s in pos]
    if len(rows) < len(features):
        raise DataValidationError(
            f"labelled titles: {len(rows)} usable rows, need at least {len(features)}"
        )
    f = m.features([t for t, _ in rows])
    X = np.stack([f[k] for k in features], axis=2)
    y = np.array([i for _, i in rows])
    q = len(y)
    X_true = X[np.arange(q), y]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = X @ w
        top = s.max(axis=1, keepdims=True)
        e = np.exp(s - top)
        z = e.sum(axis=1, keepdims=True)
        ll = (s[np.arange(q), y] - top[:, 0] - np.log(z[:, 0])).sum()
        grad = X_true.sum(axis=0) - np.einsum("qn,qnk->k", e / z, X)
        return -ll / q + l2 * w @ w, -grad / q + 2 * l2 * w

    res = minimize(loss, np.full(len(features), 2.0), jac=True, method="L-BFGS-B")
    if not res.success:
        raise ConvergenceError(f"fit_weights: L-BFGS did not converge ({res.message})")
    return {k: round(float(v), 4) for k, v in zip(features, res.x, strict=True)}


def fit_semantic(
    labelled: pl.DataFrame,
    bundle: OnetBundle | None = None,
    encoder: Encoder | None = None,
    shortlist: int = 30,
) -> dict[str, float]:
    """Fit :data:`SEMANTIC` (``scale``, ``cosine``) on hand-labelled titles, the lexical
    :data:`WEIGHTS` held fixed: maximum likelihood of the conditional logit whose linear
    score is ``scale x (lexical + cosine x cos)`` on the lexical shortlist (Nelder-Mead).

    Parameters
    ----------
    labelled : polars.DataFrame
        ``title, onet_soc`` (labels outside the rated occupations are dropped).
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle).
    encoder : callable, optional
        Sentence encoder (default all-MiniLM-L6-v2 from the ``semantic`` extra).
    shortlist : int
        Lexical candidates re-ranked per title.

    Returns
    -------
    dict
        ``{"scale": ..., "cosine": ...}``.
    """
    from scipy.optimize import minimize

    from skillshore.skills.matcher import SEMANTIC, TitleMatcher

    m = TitleMatcher(bundle, True, encoder=encoder)
    pos = {s: i for i, s in enumerate(m.soc)}
    rows = [(t, pos[s]) for t, s in labelled.select("title", "onet_soc").iter_rows() if s in pos]
    if not rows:
        raise DataValidationError("labelled titles: no row with a rated O*NET-SOC code")
    titles, y = [t for t, _ in rows], np.array([i for _, i in rows])
    lin = m._linear(titles)
    cos = m._semantic_linear(titles, lin, shortlist) / SEMANTIC["scale"] - lin
    cos /= SEMANTIC["cosine"]  # the shortlist's cosines, 0 elsewhere

    def nll(p: np.ndarray) -> float:
        s = p[0] * (lin + p[1] * cos)
        s -= s.max(axis=1, keepdims=True)
        return float(-(s[np.arange(len(y)), y] - np.log(np.exp(s).sum(axis=1))).mean())

    res = minimize(nll, np.array([1.0, 5.0]), method="Nelder-Mead")
    return {"scale": round(float(res.x[0]), 3), "cosine": round(float(res.x[1]), 3)}


def fit_temperature(labelled: pl.DataFrame, bundle: OnetBundle | None = None) -> float:
    """Inverse temperature ``t`` of the lexical confidence such that the mean confidence of
    the best candidates, ``mean max softmax(t x s)``, equals their top-1 accuracy on
    hand-labelled titles (moment matching, bisection on [0.2, 5]; the mean confidence is
    increasing in ``t``).

    Parameters
    ----------
    labelled : polars.DataFrame
        ``title, onet_soc`` (labels outside the rated occupations count as misses).
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle).

    Returns
    -------
    float
        ``t``, rounded to 3 decimals (:data:`~skillshore.skills.matcher.TEMPERATURE`).
    """
    from scipy.optimize import brentq

    from skillshore.skills.matcher import _matcher

    for col in ("title", "onet_soc"):
        if col not in labelled.columns:
            raise DataValidationError(f"labelled titles: missing column '{col}'")
    if labelled.height == 0:
        raise DataValidationError("labelled titles: no rows")
    m = _matcher(bundle or load_bundle(), True)
    s = m._linear(labelled["title"].to_list())
    top1 = float((m.soc[s.argmax(axis=1)] == np.asarray(labelled["onet_soc"].to_list())).mean())
    s = s - s.max(axis=1, keepdims=True)

    def gap(t: float) -> float:
        return float((1 / np.exp(t * s).sum(axis=1)).mean()) - top1

    return round(float(brentq(gap, 0.2, 5.0, xtol=1e-5)), 3)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def calibration_data(
    labelled: pl.DataFrame, bundle: OnetBundle | None = None, semantic: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``(z, y)`` of hand-labelled titles for :func:`fit_calibration`: ``z`` the logit of the
    first candidate's conditional-logit probability (lexical at
    :data:`~skillshore.skills.matcher.TEMPERATURE`, or with the semantic re-ranking), ``y``
    1 where that candidate is acceptable (``ok``: labelled code or alternative), else 0."""
    from skillshore.skills.matcher import TEMPERATURE, _matcher

    if "title" not in labelled.columns or not {"ok", "onet_soc"} & set(labelled.columns):
        raise DataValidationError("labelled titles: need columns 'title' and 'ok' or 'onet_soc'")
    ok = (
        labelled["ok"].to_list()
        if "ok" in labelled.columns
        else [[c] for c in labelled["onet_soc"].to_list()]
    )
    titles = labelled["title"].to_list()
    m = _matcher(bundle or load_bundle(), True)
    s = m._linear(titles)
    s = m._semantic_linear(titles, s) if semantic else TEMPERATURE * s
    s -= s.max(axis=1, keepdims=True)
    z = _logit(1 / np.exp(s).sum(axis=1))
    top = m.soc[s.argmax(axis=1)]
    return z, np.array([t in set(o) for t, o in zip(top, ok, strict=True)], dtype=float)


def platt(z: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Logistic regression of ``y`` on ``z`` (maximum likelihood, BFGS):
    ``{"intercept": a, "slope": b}`` with ``P(y = 1) = 1 / (1 + exp(-(a + b z)))``."""
    from scipy.optimize import minimize

    if len(y) < 10 or y.min() == y.max():
        raise DataValidationError(
            f"labelled titles: {len(y)} rows with {int(y.sum())} right first candidates; "
            "need at least 10 rows, some right and some wrong"
        )
    A = np.column_stack([np.ones_like(z), z])

    def nll(b: np.ndarray) -> tuple[float, np.ndarray]:
        u = A @ b
        return float(np.sum(np.logaddexp(0, u) - y * u)), A.T @ (1 / (1 + np.exp(-u)) - y)

    res = minimize(nll, np.array([0.0, 1.0]), jac=True, method="BFGS")
    return {"intercept": round(float(res.x[0]), 4), "slope": round(float(res.x[1]), 4)}


def fit_calibration(
    labelled: pl.DataFrame, bundle: OnetBundle | None = None, semantic: bool = False
) -> dict[str, float]:
    """Calibration map of the matcher's confidence (issue 16): a logistic regression (Platt
    1999) of "the first candidate is acceptable" on the logit of its conditional-logit
    probability ``p``, so that the confidence ``1 / (1 + exp(-(intercept + slope x logit
    p)))`` is the estimated probability that the first candidate is the labelled occupation
    or its acceptable alternative.

    The map is monotone in ``p``: it changes the confidence, never the ranking. Fit it on
    titles the matcher was not developed on (``scripts/fit_calibration.py``: the held-back
    halves of the development sets), since on titles whose errors were looked at the
    accuracy, and so the fitted confidence, is too high.

    Parameters
    ----------
    labelled : polars.DataFrame
        ``title`` and ``ok`` (list of acceptable O*NET-SOC 2019 codes, as
        :func:`~skillshore.skills.evaluation.read_title_set` gives) or ``onet_soc``.
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle).
    semantic : bool
        Calibrate the semantic re-ranking's probabilities (needs the extra).

    Returns
    -------
    dict
        ``{"intercept": ..., "slope": ...}`` (:data:`~skillshore.skills.matcher.CALIBRATION`,
        :data:`~skillshore.skills.matcher.SEMANTIC_CALIBRATION`).
    """
    return platt(*calibration_data(labelled, bundle, semantic))
