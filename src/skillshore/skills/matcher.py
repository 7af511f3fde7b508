"""Text -> O*NET occupation matcher (seed slide "Measurement: Worker Skill").

The authors matched 2,449 education and training titles to O*NET occupations by hand
with the O*NET Code Connector; skillshore ranks occupations automatically with a
lexical retriever a user can audit:

* the title is cleaned of degree and programme suffixes ("cand.mag.", "prof.bach.",
  "(EUD)", "vocational training", "Course in" ...);
* score = 0.6 x cosine similarity of character 3-5-grams between the title and the
  O*NET occupation titles + 0.4 x cosine similarity of word uni- and bigrams (TF-IDF,
  sublinear) between the title and the occupation's title, description and tasks;
* the top-k occupations are returned with their scores; a match whose best score is
  below ``min_score`` is flagged for review, and a user override table
  (code -> O*NET-SOC) always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl
from sklearn.feature_extraction.text import TfidfVectorizer

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError
from skillshore.skills.onet import OnetBundle, load_bundle

__all__ = ["clean_title", "TitleMatches", "match_titles"]

_SUFFIXES = re.compile(
    r"(,\s*)?(cand\.\s*\w+\.?|prof\.\s*bach\.?|m\.sc\.?|b\.sc\.?|ph\.?d\.?|mba|"
    r"\((eud|amu|gym|hhx|htx)\)|vocational training|apprenticeship|journeyman certificate|"
    r"academy profession degree|diploma programme|master'?s programme|management programme|"
    r"commercial education|operator training|assistant training|agricultural training|"
    r"short course|military academy)\s*$",
    flags=re.IGNORECASE,
)
_PREFIXES = re.compile(
    r"^(course in|further training:|amu course,|certificate in)\s*", flags=re.IGNORECASE
)


def clean_title(title: str) -> str:
    """Strip degree and programme suffixes and course prefixes from a catalog title."""
    t = title.strip()
    for _ in range(3):
        t2 = _SUFFIXES.sub("", t).strip(" ,;-")
        t2 = _PREFIXES.sub("", t2).strip(" ,;-")
        if t2 == t:
            break
        t = t2
    return t or title


@dataclass(frozen=True)
class TitleMatches(TableMixin):
    """Ranked O*NET matches of catalog titles.

    Attributes
    ----------
    best : polars.DataFrame
        ``code, title, onet_soc, onet_title, score, source, flagged`` (one row per code;
        ``source`` is "matcher" or "override").
    top : polars.DataFrame
        ``code, rank, onet_soc, onet_title, score`` (top-k per code).
    min_score : float
    """

    best: pl.DataFrame
    top: pl.DataFrame
    min_score: float
    title: str = "Matching catalog titles to O*NET occupations"

    @property
    def coverage(self) -> float:
        """Share of codes matched with a score above ``min_score`` (or overridden)."""
        return float((~self.best["flagged"]).mean())

    def to_frame(self) -> pd.DataFrame:
        b = self.best
        rows = {
            "codes": b.height,
            "overridden": int((b["source"] == "override").sum()),
            f"score >= {self.min_score}": int((~b["flagged"]).sum()),
            "flagged for review": int(b["flagged"].sum()),
            "median score": float(b["score"].median()) if b.height else float("nan"),
        }
        return pd.DataFrame({"value": rows})


def _documents(bundle: OnetBundle) -> pl.DataFrame:
    return bundle.occupations.join(bundle.tasks, on="onet_soc", how="left").with_columns(
        doc=pl.concat_str(
            [
                pl.col("title"),
                pl.col("title"),
                pl.col("description"),
                pl.col("tasks").fill_null(""),
            ],
            separator=" ",
        )
    )


def match_titles(
    catalog: pl.DataFrame,
    bundle: OnetBundle | None = None,
    top_k: int = 5,
    min_score: float = 0.3,
    overrides: pl.DataFrame | None = None,
    restrict_to_rated: bool = True,
) -> TitleMatches:
    """Rank O*NET occupations for every catalog title.

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
        ``code, onet_soc``: always wins over the matcher.
    restrict_to_rated : bool
        Only occupations with skill ratings (the ones that yield skill vectors).
    """
    for col in ("code", "title"):
        if col not in catalog.columns:
            raise DataValidationError(f"catalog: missing column '{col}' for the title matcher")
    bundle = bundle or load_bundle()
    docs = _documents(bundle)
    if restrict_to_rated:
        docs = docs.filter(pl.col("onet_soc").is_in(bundle.skills["onet_soc"].unique().implode()))
    onet_titles = docs["title"].to_list()
    queries = [clean_title(t) for t in catalog["title"].to_list()]
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True
    )
    A = char.fit_transform(onet_titles + queries)
    Tq, Tt = A[len(onet_titles) :], A[: len(onet_titles)]
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1
    )
    D = word.fit_transform(docs["doc"].to_list())
    Q = word.transform(queries)
    S = 0.6 * (Tq @ Tt.T).toarray() + 0.4 * (Q @ D.T).toarray()
    k = min(top_k, S.shape[1])
    idx = np.argpartition(-S, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(S, idx, axis=1).argsort(axis=1)[:, ::-1]
    idx = np.take_along_axis(idx, order, axis=1)
    codes = catalog["code"].to_list()
    soc = docs["onet_soc"].to_numpy()
    top = pl.DataFrame(
        {
            "code": np.repeat(codes, k),
            "rank": np.tile(np.arange(1, k + 1), len(codes)),
            "onet_soc": soc[idx.ravel()],
            "onet_title": np.asarray(onet_titles)[idx.ravel()],
            "score": np.take_along_axis(S, idx, axis=1).ravel(),
        }
    )
    best = top.filter(pl.col("rank") == 1).drop("rank")
    best = best.with_columns(source=pl.lit("matcher"))
    best = catalog.select("code", "title").join(best, on="code", how="left")
    if overrides is not None and overrides.height:
        ov = overrides.select(
            pl.col("code").cast(pl.Utf8), pl.col("onet_soc").cast(pl.Utf8).alias("ov")
        )
        best = (
            best.join(ov, on="code", how="left")
            .with_columns(
                onet_soc=pl.coalesce("ov", "onet_soc"),
                source=pl.when(pl.col("ov").is_not_null())
                .then(pl.lit("override"))
                .otherwise("source"),
                score=pl.when(pl.col("ov").is_not_null()).then(pl.lit(1.0)).otherwise("score"),
            )
            .drop("ov")
        )
    best = best.with_columns(
        flagged=(pl.col("score") < min_score) & (pl.col("source") != "override")
    )
    return TitleMatches(best=best, top=top, min_score=min_score)
