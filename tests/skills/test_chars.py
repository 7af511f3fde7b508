"""The matcher's character TF-IDF and stop words against scikit-learn, which they replace at
run time (issue 16: cold start)."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.skills import load_bundle
from skillshore.skills.chars import ENGLISH_STOP_WORDS, CharTfidf, char_ngrams

sk = pytest.importorskip("sklearn.feature_extraction.text")


def test_stop_words_are_sklearns():
    assert ENGLISH_STOP_WORDS == sk.ENGLISH_STOP_WORDS


def test_char_tfidf_equals_sklearn_on_occupation_titles():
    """Fitted on the 1,016 O*NET titles, applied to titles with short words, accents, runs
    of spaces and n-grams unseen in the fit: equal to sklearn's to rounding (1e-12)."""
    docs = load_bundle().occupations["title"].to_list()
    queries = docs[:50] + ["Tømrer  (EUD)", "a b", "IT", "Cand.merc.", "", "xyzzy qq", "ÆØÅ ok"]
    ref = sk.TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    ref.fit(docs)
    ours = CharTfidf(docs)
    assert len(ours.vocab) == len(ref.vocabulary_)
    order = np.array([ours.vocab[g] for g in ref.get_feature_names_out()])
    np.testing.assert_allclose(ours.idf[order], ref.idf_, rtol=1e-12)
    a = ours.transform(queries).toarray()[:, order]
    np.testing.assert_allclose(a, ref.transform(queries).toarray(), atol=1e-12)
    # " ab " (4 characters): its two 3-grams, then itself once for n = 4 (and not for n = 5)
    assert char_ngrams("ab") == [" ab", "ab ", " ab "]
