"""Worker skills: the training update rule and recovery of planted skills from catalog text."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.errors import ConfigError
from skillshore.skills import SKILLS, code_skills, match_titles, occupation_skills, worker_skills
from skillshore.synth.catalog import build_catalog

CODES = pl.DataFrame(
    {
        "code": ["e1", "t1", "t2"],
        "cognitive": [0.2, 0.6, None],
        "manual": [0.9, 0.1, None],
        "interpersonal": [0.3, 0.5, None],
    }
)
W = pl.DataFrame(
    {
        "person_id": [1, 2, 3, 4],
        "educ_code": ["e1", "e1", "e1", "zz"],
        "train_code": [None, "t1", "t2", "t1"],
    }
)


@pytest.mark.parametrize(
    ("rule", "cog", "man"),
    [
        ("max", [0.2, 0.6, 0.2, 0.6], [0.9, 0.9, 0.9, 0.1]),
        ("mean", [0.2, 0.4, 0.2, 0.6], [0.9, 0.5, 0.9, 0.1]),
        ("replace", [0.2, 0.6, 0.2, 0.6], [0.9, 0.1, 0.9, 0.1]),
    ],
)
def test_training_rules(rule, cog, man):
    out = worker_skills(W, CODES, rule=rule)
    assert out["cognitive"].to_list() == pytest.approx(cog)
    assert out["manual"].to_list() == pytest.approx(man)
    assert out["cognitive_invariant"].to_list()[:3] == [0.2, 0.2, 0.2]
    assert out["cognitive_invariant"][3] is None and out.height == W.height


def test_bad_rule_and_no_training_column():
    with pytest.raises(ConfigError):
        worker_skills(W, CODES, rule="min")
    out = worker_skills(W.drop("train_code"), CODES)
    assert out["manual"].to_list()[:3] == [0.9, 0.9, 0.9]


def test_recovered_skills_correlate_with_truth():
    """Catalog titles from known occupations -> matcher -> skills vs the true occupation's skills."""
    occ = occupation_skills()
    cat = build_catalog(occ, 400, 0.2, np.random.default_rng(11))
    codes = code_skills(match_titles(cat.select("code", "title")), occ)
    truth = cat.select("code", "onet_soc").join(
        occ.select("onet_soc", *[pl.col(s).alias(f"true_{s}") for s in SKILLS]), on="onet_soc"
    )
    j = codes.join(truth, on="code").drop_nulls()
    for s in SKILLS:
        r = np.corrcoef(j[s].to_numpy(), j[f"true_{s}"].to_numpy())[0, 1]
        print(f"corr(recovered, true) {s}: {r:.3f}")
        assert r > 0.8, (s, r)
