"""Danish compounds, ISCED-F field families, the top-5 from two sources of evidence and the
confidence temperature (issue 16)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.skills.candidates import (
    FIELD_SLOTS,
    add_segment_reading,
    title_segments,
    top_candidates,
)
from skillshore.skills.danish import GLOSSARY, danish_words
from skillshore.skills.fields import FIELD_OCCUPATIONS, field_table
from skillshore.skills.fitting import fit_temperature
from skillshore.skills.matcher import TitleMatcher
from skillshore.skills.onet import load_bundle


def test_glossary_is_read_and_english_words_are_not_translated():
    assert len(GLOSSARY) >= 1000
    assert all(k == k.lower() and v for k, v in GLOSSARY.items())
    # English words used in O*NET/ESCO titles stay English, also when a Danish word is
    # spelled the same ("truck", "chef", "service") and when they could be split
    assert danish_words("Truck driver with crane") == []
    assert danish_words("Pastry chef") == []
    assert danish_words("Forester") == []
    # ... but in a title written only in Danish, a homograph is read as Danish
    assert "fire" in danish_words("holdleder, brand")
    assert "fire" not in " ".join(danish_words("Brand manager"))
    # "el" is a head only: a word that merely starts with it is not split ("elefant")
    assert danish_words("elefant") == []
    assert "academy" not in " ".join(danish_words("Politiakademiet"))


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("bådebygger", ["boat", "builder"]),  # linking -e-
        ("markedsføringsøkonom", ["marketing", "business"]),  # linking -s-, head -økonom
        ("lastbilchauffør", ["truck", "driver"]),
        ("stenhuggeren", ["stone", "cutter"]),  # inflection after the last part
        ("eltekniker", ["electrical", "technician"]),  # the 2-letter head el-
        ("politiakademiet", ["police"]),  # akademi: a level, adds no word
    ],
)
def test_danish_compounds_are_split_into_known_parts(word, parts):
    got = " ".join(danish_words(word))
    assert all(p in got for p in parts), got


def test_every_field_family_names_occupations():
    """Each code prefix of FIELD_OCCUPATIONS matches an O*NET-SOC 2019 code, and each field
    of the map has programme names in the shipped ISCED-F table."""
    soc = load_bundle().occupations["onet_soc"].to_list()
    for field, prefixes in FIELD_OCCUPATIONS.items():
        for p in prefixes:
            assert any(s.startswith(p) for s in soc), (field, p)
    assert set(field_table()["iscedf"].unique().to_list()) == set(FIELD_OCCUPATIONS)


@pytest.fixture(scope="module")
def matcher():
    return TitleMatcher()


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("Welding", "0715"),
        ("Sheet metal working, AMU course", "0715"),
        ("Music, cand.mag.", "0215"),
        ("Process technology, AP degree", "0711"),
        ("Floristry", "0214"),
    ],
)
def test_titles_find_their_field_of_education(matcher, title, field):
    fam = matcher.field_families()
    best, value = fam.best_field([title])
    assert fam.codes[best[0]] == field and value[0] >= 0.6


def test_top_candidates_planted():
    """The first k - slots follow the scores; the field family fills the next places with
    its best-scoring members not already chosen; without a field the scores decide."""
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(3, 40))
    member = np.zeros((2, 40), dtype=bool)
    member[1, [5, 6, 7]] = True
    dice = np.array([[0.0, 0.9], [0.0, 0.1], [0.9, 0.0]])  # field 1, too weak, empty field
    idx = top_candidates(scores, 5, dice, member, slots=2, min_dice=0.6)
    by_score = np.argsort(-scores, axis=1)
    np.testing.assert_array_equal(idx[1:], by_score[1:, :5])
    first = by_score[0, :3]
    fam = [i for i in np.argsort(-scores[0]) if member[1, i] and i not in first][:2]
    assert list(idx[0, :3]) == list(first) and list(idx[0, 3:5]) == fam
    assert len(set(idx[0])) == 5
    np.testing.assert_array_equal(top_candidates(scores, 5), by_score[:, :5])
    assert FIELD_SLOTS < 5


@pytest.mark.parametrize(
    "title, parts",
    [
        (
            "Sprøjtecertifikat, plantebeskyttelsesmidler",
            ["Sprøjtecertifikat", "plantebeskyttelsesmidler"],
        ),
        ("Bachelor in chemistry and physics", ["Bachelor", "chemistry", "physics"]),
        ("Tømrer (EUD)", ["Tømrer", "EUD"]),  # a marker part proposes little (the bar)
        ("Kok", []),
        ("IT-teknolog, AP", []),  # parts of at most two characters are dropped
        ("Service og teknik / maskinfører", ["Service", "teknik", "maskinfører"]),
    ],
)
def test_title_segments(title, parts):
    assert title_segments(title) == parts


def test_add_segment_reading_planted():
    """The best part's first new candidate replaces the last place only when its part's
    score reaches the whole title's score of the last candidate; ineligible titles, titles
    without parts and the first candidate never change."""
    scores = np.tile(np.linspace(1.0, 0.0, 10), (3, 1))  # occupation i scores 1 - i / 9
    idx = np.tile(np.arange(5), (3, 1))  # last candidate 4 scores 5/9 on the whole title
    table = {"alpha": (0, 0.99), "beta": (8, 0.7), "gamma": (9, 0.5)}

    def segment_scores(parts):
        out = np.zeros((len(parts), 10))
        for r, p in enumerate(parts):
            j, v = table[p]
            out[r, j] = v
            out[r, 0] = max(out[r, 0], 0.6)  # every part likes occupation 0 (already chosen)
        return out

    titles = ["alpha, beta, gamma", "alpha / gamma", "alpha and beta"]
    out = add_segment_reading(idx, scores, titles, np.array([True, True, False]), segment_scores)
    # title 0: proposals 8 (0.7), 9 (0.5), and alpha's first new one (its second best,
    # occupation 1, is chosen already; 2 is next, score 0): 8 wins and 0.7 >= 5/9
    assert list(out[0]) == [0, 1, 2, 3, 8]
    # title 1: gamma's 9 scores 0.5 < 5/9, alpha proposes nothing above the bar
    assert list(out[1]) == list(idx[1])
    assert list(out[2]) == list(idx[2])  # not eligible
    assert list(
        add_segment_reading(idx, scores, ["Kok"] * 3, np.ones(3, bool), segment_scores)[0]
    ) == list(idx[0])


def test_fit_temperature_recovers_a_planted_temperature(matcher):
    """Labels drawn from softmax(t0 x s) over the matcher's own linear scores: the moment
    estimate is within four standard errors of t0 (delta method: the standard error of a
    top-1 share, over the slope of the mean confidence in t)."""
    titles = [t for t in matcher.titles[:400]] + [
        f"{t}, AMU course" for t in matcher.titles[400:800]
    ]
    s = matcher._linear(titles)
    s = s - s.max(axis=1, keepdims=True)
    t0 = 0.7

    def conf(t: float) -> float:
        return float((1 / np.exp(t * s).sum(axis=1)).mean())

    p = np.exp(t0 * s)
    p /= p.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(5)
    y = np.array([rng.choice(len(matcher.soc), p=row) for row in p])
    t_hat = fit_temperature(pl.DataFrame({"title": titles, "onet_soc": matcher.soc[y].tolist()}))
    acc = conf(t0)
    se_t = np.sqrt(acc * (1 - acc) / len(titles)) / ((conf(t0 + 0.01) - conf(t0 - 0.01)) / 0.02)
    assert abs(t_hat - t0) < 4 * se_t, (t_hat, t0, se_t)
