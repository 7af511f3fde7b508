"""The title matcher and the worker skill rule."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.skills import (
    clean_title,
    code_skills,
    match_titles,
    occupation_skills,
    worker_skills,
)
from skillshore.synth.catalog import build_catalog


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Classical philology, cand.mag.", "Classical philology"),
        ("Laboratory technology, prof.bach.", "Laboratory technology"),
        ("Glazier (EUD)", "Glazier"),
        ("Course in welding", "welding"),
        ("Truck driver with crane", "Truck driver with crane"),
    ],
)
def test_clean_title(raw, clean):
    assert clean_title(raw) == clean


def test_matcher_recovers_planted_occupations():
    """Catalog titles written from known O*NET occupations (synth's generator) are matched back."""
    occ = occupation_skills()
    cat = build_catalog(occ, 300, 0.0, np.random.default_rng(7))
    m = match_titles(cat.select("code", "title"), top_k=5)
    truth = cat.select("code", pl.col("onet_soc").alias("true"))
    best = m.best.join(truth, on="code")
    top1 = float((best["onet_soc"] == best["true"]).mean())
    top5 = float(
        m.top.join(truth, on="code")
        .group_by("code")
        .agg((pl.col("onet_soc") == pl.col("true")).any().alias("hit"))["hit"]
        .mean()
    )
    assert top1 > 0.7 and top5 > 0.9, (top1, top5)
    # flagged matches are less often right than unflagged ones (the score is informative)
    right = best["onet_soc"] == best["true"]
    assert right.filter(~best["flagged"]).mean() > right.filter(best["flagged"]).mean()


def test_override_wins():
    cat = pl.DataFrame({"code": ["a", "b"], "title": ["Glazier", "Welder"]})
    ov = pl.DataFrame({"code": ["b"], "onet_soc": ["47-2121.00"]})
    m = match_titles(cat, overrides=ov)
    row = m.best.filter(pl.col("code") == "b")
    assert row["onet_soc"].item() == "47-2121.00" and row["source"].item() == "override"
    assert not row["flagged"].item()


def test_worker_skills_training_rule():
    codes = pl.DataFrame(
        {
            "code": ["e1", "t1"],
            "cognitive": [0.2, 0.6],
            "manual": [0.9, 0.1],
            "interpersonal": [0.3, 0.3],
        }
    )
    w = pl.DataFrame({"person_id": [1, 2], "educ_code": ["e1", "e1"], "train_code": [None, "t1"]})
    out = worker_skills(w, codes)
    assert out["cognitive"].to_list() == [0.2, 0.6]  # training raises cognitive
    assert out["manual"].to_list() == [0.9, 0.9]  # but never lowers manual
    assert out["cognitive_invariant"].to_list() == [0.2, 0.2]
    assert out.height == w.height
    assert code_skills  # exported
