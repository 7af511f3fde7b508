"""The shipped O*NET bundle and the skill indices built from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from skillshore.errors import ConfigError, SkillshoreError
from skillshore.skills import load_bundle, occupation_skills

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "onet"


def test_bundle_loads_and_is_complete():
    b = load_bundle()
    assert b.occupations.height == 1016
    assert b.skills["element"].n_unique() == 35
    assert b.skills["onet_soc"].n_unique() > 900
    assert b.occupations["onet_soc"].is_unique().all()
    assert (b.occupations["isco"].drop_nulls().str.len_chars() == 4).all()


@pytest.mark.skipif(not RAW.exists(), reason="raw O*NET files (../shared/data/onet) not present")
def test_bundle_agrees_with_raw_skills_file():
    """Ratings of occupations whose code is unchanged 2010 -> 2019 equal the raw file's (read with pandas)."""
    import pandas as pd

    raw = pd.read_excel(RAW / "Skills.xlsx")
    b = load_bundle().skills
    for code in ("47-2121.00", "53-3032.00", "11-1011.00"):
        r = raw[(raw["O*NET-SOC Code"] == code) & (raw["Scale ID"] == "IM")].set_index(
            "Element Name"
        )["Data Value"]
        got = b.filter(pl.col("onet_soc") == code).to_pandas().set_index("element")["importance"]
        np.testing.assert_allclose(got.loc[r.index].to_numpy(), r.to_numpy())


def test_skill_indices():
    s = occupation_skills()
    for g in ("cognitive", "manual", "interpersonal"):
        v = s[g].to_numpy()
        assert v.min() > 0 and v.max() < 1 and abs(v.mean() - 0.5) < 1e-9
        # the index is a monotone transform of the raw score
        order = np.argsort(s[f"{g}_raw"].to_numpy())
        assert np.all(np.diff(v[order]) >= -1e-12)

    def get(code, col):
        return s.filter(pl.col("onet_soc") == code)[col].item()

    # face validity against common knowledge of these jobs
    assert get("51-4121.00", "manual") > get("11-1011.00", "manual")  # welders vs chief executives
    assert get("11-1011.00", "cognitive") > get("47-2121.00", "cognitive")  # executives vs glaziers
    assert get("21-1014.00", "interpersonal") > get(
        "51-4121.00", "interpersonal"
    )  # counselors vs welders


def test_unknown_group_element_is_an_error():
    with pytest.raises(ConfigError, match="unknown O\\*NET skills elements"):
        occupation_skills(grouping={"cognitive": ("Telepathy",)})
    with pytest.raises(SkillshoreError, match="no 'abilities' table"):
        occupation_skills(grouping="extended")


def test_zscore_scale_is_a_monotone_transform_of_percentiles():
    p, z = occupation_skills(), occupation_skills(scale="zscore")
    for g in ("cognitive", "manual", "interpersonal"):
        assert abs(z[g].mean()) < 1e-12 and abs(z[g].std() - 1) < 1e-12
        assert np.corrcoef(p[g].rank().to_numpy(), z[g].rank().to_numpy())[0, 1] > 0.9999


def test_shipped_bundle_reports_join_failures_and_isco():
    b = load_bundle()
    assert b.report["skills"]["codes_not_in_crosswalk"] == []
    assert (
        len(b.report["skills"]["occupations_2019_without"])
        == 1016 - b.skills["onet_soc"].n_unique()
    )
    m = b.isco_map()
    assert m.group_by("onet_soc").agg(pl.col("weight").sum())["weight"].to_numpy() == pytest.approx(
        1.0
    )
