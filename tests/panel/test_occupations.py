"""Occupation groups against the seed's table ("Occupational Offshorability")."""

from __future__ import annotations

import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.panel import assign_occupation_groups, offshorability_index
from skillshore.tables import load_default


def test_seed_table_groups():
    w = pl.DataFrame({"isco": [f"{d}111" for d in range(10)]})
    g = assign_occupation_groups(w, load_default("offshorability"))
    got = dict(zip(g["isco"].str.slice(0, 1).to_list(), g["occ_group"].to_list(), strict=True))
    # seed: groups 4, 7, 8 have a positive index; 1-3 are high-skill; 0 (military) has none
    assert {k for k, v in got.items() if v == "high"} == {"4", "7", "8"}
    assert {k for k, v in got.items() if v == "low_high_skill"} == {"1", "2", "3"}
    assert {k for k, v in got.items() if v == "low_mid_low_skill"} == {"5", "6", "9"}
    assert got["0"] is None


def test_longest_prefix_wins_and_null_does_not_fall_through():
    table = pl.DataFrame(
        {"isco": ["7", "71", "7125", "2"], "offshorability": [0.356, -1.0, None, 0.5]}
    )
    idx = offshorability_index(pl.Series(["7125", "7111", "7211", "2643", "5111"]), table)
    assert idx.to_list() == [None, -1.0, 0.356, 0.5, None]


def test_median_threshold():
    t = load_default("offshorability")
    w = pl.DataFrame({"isco": [f"{d}111" for d in range(1, 10)]})
    med = sorted(t["offshorability"].drop_nulls().to_list())[4]  # 9 values: the 5th
    g = assign_occupation_groups(w, t, threshold="median")
    expected = {
        f"{d}111"
        for d, v in zip(range(1, 10), t["offshorability"].to_list(), strict=False)
        if v > med
    }
    assert set(g.filter(pl.col("occ_group") == "high")["isco"].to_list()) == expected
    assert "2111" in expected  # the median rule makes a high-skill group offshorable


def test_bad_tables():
    w = pl.DataFrame({"isco": ["7111"]})
    with pytest.raises(DataValidationError, match="duplicated"):
        assign_occupation_groups(
            w, pl.DataFrame({"isco": ["7", "7"], "offshorability": [1.0, 2.0]})
        )
    with pytest.raises(DataValidationError, match="missing"):
        assign_occupation_groups(w, pl.DataFrame({"isco": ["7"]}))
    with pytest.raises(DataValidationError):
        assign_occupation_groups(w, load_default("offshorability"), threshold="mean")
    with pytest.raises(DataValidationError, match="isco"):
        assign_occupation_groups(pl.DataFrame({"x": [1]}), load_default("offshorability"))
