"""Occupation index and features of the title matcher (seed slide "Measurement: Worker Skill").

:class:`OccupationIndex` indexes the O*NET occupations once (character n-grams of titles,
word roots of titles, descriptions and tasks, alternate/reported titles, ESCO labels, Job
Zones and required education, ISCED-F field families) and computes the :data:`FEATURES` of
(catalog title, occupation). :class:`~skillshore.skills.matcher.TitleMatcher` combines them
into scores and confidences. Split from :mod:`skillshore.skills.matcher` (issue 13): this
module describes, the matcher decides.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from scipy import sparse

from skillshore.skills.candidates import FieldFamilies
from skillshore.skills.chars import CharTfidf, count_matrix
from skillshore.skills.danish import _english, set_english_words
from skillshore.skills.index_cache import index_key, load_index_state, save_index_state
from skillshore.skills.lexicon import degree_level, expand_title
from skillshore.skills.onet import OnetBundle, load_bundle
from skillshore.skills.programme import LEVELS, parse_programme
from skillshore.skills.text import (
    _head_root,
    _inline_abbreviations,
    _name_roots,
    _roots,
    clean_title,
    word_root,
)
from skillshore.skills.titles import education_table, title_table

__all__ = ["BM25_B", "BM25_K1", "FEATURES", "OccupationIndex"]

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
    "field",
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
  education is in the range the level marker implies, 0 without a marker;
* ``field``: the occupation is in the family of the ISCED-F field of education whose
  programme names the title matches best, with an IDF-weighted Dice overlap of at least
  :data:`~skillshore.skills.candidates.FIELD_MIN_DICE` (:mod:`skillshore.skills.fields`).
"""

BM25_K1, BM25_B = 1.2, 0.75

_ROLE_OCC = re.compile(r"Teachers, Postsecondary|First-Line Supervisors|Helpers--|All Other")
_ROLE_QUERY = re.compile(r"teach|lectur|supervis|helper|foreman|instruct|educat")
_EXCEPT = re.compile(r",?\s*\bExcept\b[^,]*")
_WORD = re.compile(r"[a-z]+")
_RANK_WORDS = (
    "assistant aide helper technician technologist engineer manager supervisor teacher "
    "operator clerk attendant director"
).split()


class OccupationIndex:
    """The O*NET occupations indexed for matching titles, and the :data:`FEATURES`.

    Parameters
    ----------
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle). Alternate titles are used when present.
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    """

    def __init__(self, bundle: OnetBundle | None = None, restrict_to_rated: bool = True):
        shipped = load_bundle()
        bundle = bundle or shipped
        self.bundle = bundle
        self._families: FieldFamilies | None = None
        key = index_key(restrict_to_rated) if bundle is shipped else None
        state = load_index_state(key) if key else None
        self.from_cache = state is not None
        if state is not None:
            set_english_words(state.pop("_english_words"))
            fam = state.pop("_families")
            self.__dict__.update({k: v for k, v in state.items() if k != "_key"})
            self._families = FieldFamilies.__new__(FieldFamilies)
            self._families.__dict__.update(fam, _m=self, _memo=None)
            return
        before = set(self.__dict__)
        self._build(bundle, restrict_to_rated)
        if key:
            state = {k: v for k, v in self.__dict__.items() if k not in before}
            fam = self.field_families().__dict__
            state["_families"] = {k: v for k, v in fam.items() if k not in ("_m", "_memo")}
            state["_english_words"] = _english()
            save_index_state(key, state)

    def _build(self, bundle: OnetBundle, restrict_to_rated: bool) -> None:
        """Index the occupations of ``bundle`` (what :mod:`~skillshore.skills.index_cache`
        stores)."""
        docs = bundle.occupations.join(bundle.tasks, on="onet_soc", how="left")
        if restrict_to_rated:
            docs = docs.filter(
                pl.col("onet_soc").is_in(bundle.skills["onet_soc"].unique().implode())
            )
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
        self._chars = CharTfidf(main)
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
        occ = np.array([pos[s] for s in im["onet_soc"]], dtype=np.int64)
        grp = np.array([gpos[g] for g in im["isco"]], dtype=np.int64)
        order = np.argsort(occ, kind="stable")  # runs of one occupation, for reduceat
        self._isco_occ = (occ[order], grp[order])
        self._isco_start = (
            np.flatnonzero(np.r_[True, np.diff(occ[order]) != 0]) if len(occ) else occ
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
        hit = (Qi @ RT).tocoo()
        if hit.nnz:
            dice = 2 * hit.data / (qmass[hit.row] + nmass[hit.col])
            key = hit.row.astype(np.int64) * n_groups + group[hit.col]
            np.maximum.at(out.reshape(-1), key, dice)  # unbuffered: NumPy >= 1.25 is fast
        return out

    def _counts(self, docs: list[list[str]], binary: bool = False) -> sparse.csr_matrix:
        return count_matrix([set(rs) if binary else rs for rs in docs], self._vocab)

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
        if len(occ):
            start = self._isco_start
            esco[:, occ[start]] = np.maximum.reduceat(by_isco[:, grp], start, axis=1)
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
        f["field"] = self.field_families().in_family(titles, roots=q_roots)
        return f
