"""Between- and within-firm variance by industry-year against a pandas loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.facts import firm_variance_panel


def _workers(seed: int = 0, n: int = 800) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, 40, n)
    return pl.DataFrame(
        {
            "firm_id": firm,
            "industry": (firm % 5).astype(str),
            "year": rng.integers(2000, 2003, n),
            "isco2": rng.choice(["21", "71"], n),
            "educ_level": rng.choice(["low", "high"], n),
            "occ_group": rng.choice(["high", "low_high_skill"], n),
            "cognitive": rng.normal(size=n) + (firm % 7) * 0.1,
        }
    )


def test_firm_variance_against_a_loop():
    w = _workers()
    out = firm_variance_panel(w, ["cognitive"], scale=100.0).to_pandas()
    p = w.to_pandas()
    for (grp, ind, year), row in out.set_index(["occ_group", "industry", "year"]).iterrows():
        d = p if grp == "all" else p[p["occ_group"] == grp]
        d = d[(d["industry"] == ind) & (d["year"] == year)]
        s = d["cognitive"].to_numpy() * 100
        between = within = 0.0
        for _, c in d.groupby(["isco2", "educ_level"]):
            sc = c["cognitive"].to_numpy() * 100
            for _, f in c.groupby("firm_id"):
                sf = f["cognitive"].to_numpy() * 100
                between += len(sf) * (sf.mean() - sc.mean()) ** 2
                within += ((sf - sf.mean()) ** 2).sum()
        assert row["n_workers"] == len(s)
        assert row["between_cognitive"] == pytest.approx(between / len(s), rel=1e-10)
        assert row["within_cognitive"] == pytest.approx(within / len(s), rel=1e-10)
    assert set(out["occ_group"]) == {"all", "high", "low_high_skill"}
    with pytest.raises(DataValidationError):
        firm_variance_panel(w, ["cognitive"], groups=["middle"])


def test_variance_table_layout_and_cells():
    from skillshore.offshoring import iv_regression
    from skillshore.offshoring.variance_iv import variance_table

    rng = np.random.default_rng(1)
    inds = [f"{k:02d}" for k in range(30)]
    years = list(range(2000, 2008))
    grid = pd.MultiIndex.from_product([inds, years], names=["industry", "year"]).to_frame(
        index=False
    )
    grid["sector_year"] = grid["industry"].str[0] + "_" + grid["year"].astype(str)
    z = rng.normal(size=len(grid))
    off = z + rng.normal(size=len(grid))
    grid["iv_china"], grid["off_china"] = z, off
    fp = pd.concat([grid.assign(occ_group="high"), grid.assign(occ_group="all")])
    var = grid[["industry", "year"]].assign(
        occ_group="high",
        between_cognitive=10 - 0.5 * off + rng.normal(size=len(grid)),
        within_cognitive=20 + rng.normal(size=len(grid)),
        n_workers=rng.integers(5, 50, len(grid)),
    )
    t = variance_table(var, fp)
    f = t.to_frame()
    assert f.shape[1] == 4
    assert f.index[0] == "Offshoring (China)"
    assert set(f.loc["Industry FE"]) == {"✓"} and set(f.loc["Sector by Year FE"]) == {"✓"}
    assert "Variance of Cognitive" in t.title
    data = var.merge(grid, on=["industry", "year"])
    ref = iv_regression(
        data,
        "between_cognitive",
        "off_china",
        "iv_china",
        fe=["industry", "sector_year"],
        cluster="industry",
        weights="n_workers",
    )
    assert t.columns[1].params.iloc[0] == pytest.approx(ref.params.iloc[0], rel=1e-12)
    assert t.columns[1].params.iloc[0] == pytest.approx(-0.5, abs=5 * ref.std_errors.iloc[0])
    from skillshore.errors import ModelInputError

    with pytest.raises(ModelInputError, match="not in firm_panel"):
        variance_table(var, fp[fp["industry"] != "00"])
