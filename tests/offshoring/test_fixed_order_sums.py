"""Float sums by group do not depend on the row order (issue 13: bit-identical reruns).

Polars' group_by sum adds a group's values in an order that varies from call to call, and
a join's row order varies too; :func:`skillshore._reduce.group_sum` adds each group's
values sorted (numpy's one-thread reduction), so a shuffled input gives the same bits.
The sums are checked against ``math.fsum`` (the correctly rounded sum of the terms)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from skillshore._reduce import group_sum
from skillshore.offshoring.measures import (
    exposure_shares,
    industry_ratio,
    narrow_offshoring,
    world_export_supply,
)


def _frame(rng: np.random.Generator, n: int = 4000) -> pl.DataFrame:
    # values spanning 6 orders of magnitude: a sum's last bits depend on the order of terms
    return pl.DataFrame(
        {
            "g": rng.integers(0, 7, n),
            "h": rng.choice(["a", "b", None], n),
            "v": rng.lognormal(0.0, 3.0, n) * rng.choice([-1.0, 1.0], n),
            "w": rng.integers(0, 50, n),
        }
    )


def test_group_sum_matches_the_exact_sum():
    rng = np.random.default_rng(0)
    df = _frame(rng)
    out = group_sum(df, ["g", "h"], {"v": "sv", "w": "sw"})
    assert out.columns == ["g", "h", "sv", "sw"]
    assert out.select("g", "h").equals(out.select("g", "h").sort(["g", "h"]))
    groups = df.partition_by(["g", "h"], as_dict=True)
    assert out.height == len(groups)
    for row in out.iter_rows(named=True):
        vals = groups[(row["g"], row["h"])]["v"].to_list()
        # within the error bound of recursive summation of n terms, (n - 1) eps sum|x|
        # (Higham 2002, eq. 4.4; pairwise summation is tighter), of the correctly rounded sum
        bound = len(vals) * np.finfo(float).eps * math.fsum(abs(v) for v in vals)
        assert abs(row["sv"] - math.fsum(vals)) <= bound
        assert row["sw"] == float(sum(groups[(row["g"], row["h"])]["w"].to_list()))


def test_group_sum_is_invariant_to_row_order():
    rng = np.random.default_rng(1)
    df = _frame(rng)
    ref = group_sum(df, ["g", "h"], ["v"])
    for seed in range(5):
        perm = np.random.default_rng(seed).permutation(df.height)
        assert group_sum(df[perm], ["g", "h"], ["v"]).equals(ref)


def test_group_sum_nulls_and_empty():
    df = pl.DataFrame({"k": [1, 1, 2], "v": [1.5, None, None]})
    assert group_sum(df, ["k"], ["v"]).to_dict(as_series=False) == {"k": [1, 2], "v": [1.5, 0.0]}
    empty = group_sum(df.head(0), ["k"], ["v"])
    assert empty.height == 0 and empty.columns == ["k", "v"]
    with pytest.raises(ValueError, match="key"):
        group_sum(df, [], ["v"])


def _trade(rng: np.random.Generator, n: int = 3000):
    firms_ids = np.arange(1, 41)
    customs = pl.DataFrame(
        {
            "firm_id": rng.choice(firms_ids, n),
            "year": rng.choice([1993, 1994, 1995, 1999, 2000], n).astype(np.int32),
            "country": rng.choice(["CHN", "DEU", "VNM"], n),
            "hs6": rng.choice([f"{h:06d}" for h in range(300000, 300040)], n),
            "flow": rng.choice(["import", "export"], n),
            "value": rng.lognormal(2.0, 3.0, n),
        }
    )
    firms = pl.DataFrame(
        {
            "firm_id": np.repeat(firms_ids, 2),
            "year": np.tile([1999, 2000], firms_ids.size).astype(np.int32),
            "employment": rng.integers(1, 500, 2 * firms_ids.size),
            "value_added": rng.lognormal(5.0, 1.0, 2 * firms_ids.size),
        }
    )
    inds = pl.DataFrame(
        {"firm_id": firms_ids, "industry": rng.choice(["251000", "252000", "261100"], 40)}
    )
    world = pl.DataFrame(
        {
            "exporter": rng.choice(["CHN", "VNM", "DNK"], n),
            "importer": rng.choice(["USA", "DNK", "DEU"], n),
            "hs6": rng.choice([f"{h:06d}" for h in range(300000, 300040)], n),
            "year": rng.choice([1999, 2000], n).astype(np.int32),
            "value": rng.lognormal(2.0, 3.0, n),
        }
    )
    return customs, firms, inds, world


def test_offshoring_measures_do_not_depend_on_row_order():
    customs, firms, inds, world = _trade(np.random.default_rng(2))

    def measures(c, f, i, w):
        off = narrow_offshoring(c, f, years=(1999, 2000))
        return (
            off,
            industry_ratio(off, "imports_narrow", f, i),
            exposure_shares(c, i, (1993, 1995)),
            world_export_supply(w),
        )

    ref = measures(customs, firms, inds, world)
    assert all(r.height > 0 for r in ref)
    for seed in range(3):
        g = np.random.default_rng(10 + seed)
        shuffled = [x[g.permutation(x.height)] for x in (customs, firms, inds, world)]
        for a, b in zip(measures(*shuffled), ref, strict=True):
            assert a.equals(b)
