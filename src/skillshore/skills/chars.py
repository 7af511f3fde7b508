"""Character n-gram TF-IDF of the title matcher's ``title_chars`` feature, without
scikit-learn at run time (issue 16: cold start).

It reproduces ``sklearn.feature_extraction.text.TfidfVectorizer(analyzer="char_wb",
ngram_range=(3, 5), sublinear_tf=True)`` (tested against it): lower-cased text, runs of
white space collapsed, each word padded with one space and cut into its 3- to 5-character
n-grams (a word shorter than n gives itself once); term frequency ``1 + log(tf)``, smoothed
IDF ``log((1 + n) / (1 + df)) + 1`` from the fitted documents, rows scaled to unit length.
Importing scikit-learn took most of the matcher's cold start (about 2.8 s of 4.5 s).

:data:`ENGLISH_STOP_WORDS` is scikit-learn's English stop-word list (BSD-3-Clause,
from the Glasgow Information Retrieval Group's list), copied for the same reason.
"""

from __future__ import annotations

import re

import numpy as np
from scipy import sparse

__all__ = ["ENGLISH_STOP_WORDS", "CharTfidf", "char_ngrams", "count_matrix"]

ENGLISH_STOP_WORDS = frozenset(
    """
a about above across after afterwards again against all almost alone along already also
although always am among amongst amoungst amount an and another any anyhow anyone
anything anyway anywhere are around as at back be became because become becomes becoming
been before beforehand behind being below beside besides between beyond bill both bottom
but by call can cannot cant co con could couldnt cry de describe detail do done down due
during each eg eight either eleven else elsewhere empty enough etc even ever every
everyone everything everywhere except few fifteen fifty fill find fire first five for
former formerly forty found four from front full further get give go had has hasnt have
he hence her here hereafter hereby herein hereupon hers herself him himself his how
however hundred i ie if in inc indeed interest into is it its itself keep last latter
latterly least less ltd made many may me meanwhile might mill mine more moreover most
mostly move much must my myself name namely neither never nevertheless next nine no
nobody none noone nor not nothing now nowhere of off often on once one only onto or
other others otherwise our ours ourselves out over own part per perhaps please put
rather re same see seem seemed seeming seems serious several she should show side since
sincere six sixty so some somehow someone something sometime sometimes somewhere still
such system take ten than that the their them themselves then thence there thereafter
thereby therefore therein thereupon these they thick thin third this those though three
through throughout thru thus to together too top toward towards twelve twenty two un
under until up upon us very via was we well were what whatever when whence whenever
where whereafter whereas whereby wherein whereupon wherever whether which while whither
who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
""".split()
)

_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, lo: int = 3, hi: int = 5) -> list[str]:
    """The ``char_wb`` n-grams of ``text`` (scikit-learn's order)."""
    out: list[str] = []
    for w in _SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            offset = 0
            out.append(w[:n])
            while offset + n < len(w):
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return out


class CharTfidf:
    """Sublinear-TF, smoothed-IDF, L2-normalised character 3-5-gram vectors."""

    def __init__(self, docs: list[str]):
        vocab: dict[str, int] = {}
        for d in docs:
            for g in char_ngrams(d):
                vocab.setdefault(g, len(vocab))
        self.vocab = vocab
        counts = self._counts(docs)
        df = np.bincount(counts.indices, minlength=len(vocab))
        self.idf = np.log((1 + len(docs)) / (1 + df)) + 1.0

    def _counts(self, docs: list[str]) -> sparse.csr_matrix:
        return count_matrix([char_ngrams(d) for d in docs], self.vocab)

    def transform(self, docs: list[str]) -> sparse.csr_matrix:
        """``(len(docs), n_ngrams)`` unit-length TF-IDF rows (zero rows stay zero)."""
        m = self._counts(docs)
        m.data = (1.0 + np.log(m.data)) * self.idf[m.indices]
        norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        m.data /= np.repeat(np.where(norm > 0, norm, 1.0), np.diff(m.indptr))
        return m


def count_matrix(token_lists, vocab: dict[str, int]) -> sparse.csr_matrix:
    """``(len(token_lists), len(vocab))`` counts of each list's tokens (tokens outside
    ``vocab`` are ignored), as a CSR matrix with summed duplicates."""
    get = vocab.get
    cols = [[j for j in map(get, toks) if j is not None] for toks in token_lists]
    indptr = np.zeros(len(cols) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cols], out=indptr[1:])
    idx = np.fromiter((j for c in cols for j in c), dtype=np.int64, count=int(indptr[-1]))
    m = sparse.csr_matrix((np.ones(len(idx)), idx, indptr), shape=(len(cols), len(vocab)))
    m.sum_duplicates()
    return m
