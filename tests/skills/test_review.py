"""Review loop (issue 16): flagged titles out to a CSV, the filled file back as overrides;
the cached sentence embeddings of the semantic re-ranking (with a fake encoder)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.skills import match_titles
from skillshore.skills.matcher import TitleMatcher
from skillshore.skills.review import read_review, review_table, write_review
from skillshore.skills.semantic import cached_embeddings

CATALOG = pl.DataFrame(
    {
        "code": ["a", "b", "c", "d"],
        "title": ["Glazier", "Geodesy", "zzqx", "Finance, cand.merc."],
    }
)


def test_review_csv_round_trip(tmp_path):
    m = match_titles(CATALOG, min_confidence=1.1)  # everything is flagged
    path = write_review(m, tmp_path / "review.csv")
    table = pl.read_csv(path, infer_schema=False)
    assert set(table["code"]) == {"a", "b", "c", "d"}
    assert {"choice", "soc_1", "title_1", "confidence_1", "soc_5"} <= set(table.columns)
    # the candidates are the matcher's top 5, in rank order
    top_b = m.top.filter(pl.col("code") == "b").sort("rank")["onet_soc"].to_list()
    row_b = table.filter(pl.col("code") == "b").row(0, named=True)
    assert [row_b[f"soc_{r}"] for r in range(1, 6)] == top_b
    # the user fills in: a rank for b, a code for c, nothing for a and d
    filled = table.with_columns(
        choice=pl.when(pl.col("code") == "b")
        .then(pl.lit("3"))
        .when(pl.col("code") == "c")
        .then(pl.lit("47-2031.00"))
        .otherwise(pl.lit(""))
    )
    filled.write_csv(tmp_path / "filled.csv")
    ov = read_review(tmp_path / "filled.csv")
    assert dict(ov.iter_rows()) == {"b": top_b[2], "c": "47-2031.00"}
    # read back as overrides, directly from the filled file (the [skills] overrides key)
    m2 = match_titles(CATALOG, overrides=pl.read_csv(tmp_path / "filled.csv", infer_schema=False))
    got = dict(m2.best.select("code", "onet_soc").iter_rows())
    assert got["b"] == top_b[2] and got["c"] == "47-2031.00"
    assert got["a"] == m.best.filter(pl.col("code") == "a")["onet_soc"].item()
    src = dict(m2.best.select("code", "source").iter_rows())
    assert src == {"a": "matcher", "b": "override", "c": "override", "d": "matcher"}
    # overridden codes are not listed again
    assert set(review_table(m2, include_all=True)["code"]) == {"a", "d"}


def test_review_rejects_bad_choices(tmp_path):
    m = match_titles(CATALOG, min_confidence=1.1)
    table = review_table(m).with_columns(
        choice=pl.when(pl.col("code") == "b").then(pl.lit("carpenter")).otherwise(pl.lit(""))
    )
    table.write_csv(tmp_path / "bad.csv")
    line = 2 + table["code"].to_list().index("b")
    with pytest.raises(DataValidationError, match=f"line {line} \\(code b\\): 'carpenter'"):
        read_review(tmp_path / "bad.csv")
    with pytest.raises(DataValidationError, match="not found"):
        read_review(tmp_path / "missing.csv")


class _FakeEncoder:
    """Deterministic unit vectors from character counts; counts the texts it encodes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, texts):
        self.calls += 1
        v = np.array([[t.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts])
        v = v + 1e-3
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_embeddings_are_cached(tmp_path, monkeypatch):
    enc = _FakeEncoder()
    texts = ["Carpenters: build", "Glaziers: glass"]
    a = cached_embeddings(texts, enc, model="fake", directory=tmp_path)
    b = cached_embeddings(texts, enc, model="fake", directory=tmp_path)
    assert enc.calls == 1 and np.array_equal(a, b)
    assert len(list(tmp_path.glob("fake-*.npy"))) == 1
    cached_embeddings(texts + ["Welders"], enc, model="fake", directory=tmp_path)
    assert enc.calls == 2  # other texts, other key
    for f in tmp_path.glob("fake-*.npy"):
        f.write_bytes(b"broken")
    c = cached_embeddings(texts, enc, model="fake", directory=tmp_path)
    assert enc.calls == 3 and np.allclose(a, c)  # a damaged file is re-encoded
    # the matcher encodes the O*NET side once per cache directory, not per matcher
    monkeypatch.setenv("SKILLSHORE_CACHE_DIR", str(tmp_path / "user"))
    enc2 = _FakeEncoder()
    for _ in range(2):
        res = TitleMatcher(encoder=enc2).match(CATALOG, semantic=True)
    assert res.method == "lexical+semantic"
    assert enc2.calls == 3  # occupations once, the catalog titles twice
    assert (res.best["confidence"] > 0).all() and (res.best["score"] <= 1).all()


def test_cli_skills_review(tiny_study):
    """``skillshore skills review --config`` writes the flagged titles next to the config;
    the filled file, named as ``[skills] overrides``, is applied by the next review."""
    from typer.testing import CliRunner

    from skillshore.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["skills", "review", "--config", str(tiny_study), "--all"])
    assert res.exit_code == 0, res.output
    path = tiny_study.parent / "skills_review.csv"
    table = pl.read_csv(path, infer_schema=False)
    catalog = pl.read_parquet(tiny_study.parent / "catalog.parquet")
    assert set(table["code"]) == set(catalog["code"].cast(pl.Utf8))
    first = table["code"][0]
    table.with_columns(
        choice=pl.when(pl.col("code") == first).then(pl.lit("2")).otherwise(pl.lit(""))
    ).write_csv(tiny_study.parent / "filled.csv")
    toml = tiny_study.read_text().replace(
        "[tables]", '[skills]\noverrides = "filled.csv"\n\n[tables]'
    )
    tiny_study.write_text(toml)
    out = tiny_study.parent / "again.csv"
    res = runner.invoke(app, ["skills", "review", "-c", str(tiny_study), "-o", str(out), "--all"])
    assert res.exit_code == 0, res.output
    assert first not in set(pl.read_csv(out, infer_schema=False)["code"])  # overridden


def test_fit_semantic_finds_an_informative_encoder(tmp_path, monkeypatch):
    """With an oracle encoder (a title's embedding is that of its labelled occupation's
    text, cosine 1 with the right occupation, 0 with the others) the fitted cosine weight
    is large and positive."""
    from skillshore.skills.matcher import fit_semantic

    monkeypatch.setenv("SKILLSHORE_CACHE_DIR", str(tmp_path))
    m = TitleMatcher()
    texts = [f"{t}: {d}" for t, d in zip(m.titles, m.descriptions, strict=True)]
    key = {t: i for i, t in enumerate(texts)}
    lab = pl.DataFrame(
        {
            "title": ["Glazier", "Geodesy", "Finance, cand.merc.", "Welder (EUD)"],
            "onet_soc": ["47-2121.00", "17-1022.01", "13-2051.00", "51-4121.00"],
        }
    )
    answer = dict(zip(lab["title"], lab["onet_soc"], strict=True))
    soc_index = {s: i for i, s in enumerate(m.soc)}
    from skillshore.skills.text import clean_title

    by_clean = {clean_title(t): soc_index[s] for t, s in answer.items()}

    def oracle(batch):
        out = np.zeros((len(batch), len(m.soc)))
        for r, t in enumerate(batch):
            out[r, key[t] if t in key else by_clean[t]] = 1.0
        return out

    good = fit_semantic(lab, encoder=oracle)
    assert good["cosine"] > 2 and good["scale"] > 0, good
