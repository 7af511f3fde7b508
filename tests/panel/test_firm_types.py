"""Firm types: productivity measures, TFP proxy vs pyfixest, median split; the worker panel."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyfixest as pf
import pytest

from skillshore.errors import DataValidationError
from skillshore.panel import (
    baseline_sample,
    build_worker_panel,
    firm_types,
    productivity_measures,
    tfp_residuals,
)
from skillshore.tables import load_default
from tests.panel.sim import simulate_economy

YEARS = (1996, 1999)


@pytest.fixture(scope="module")
def econ():
    return simulate_economy(seed=1)


def test_tfp_residuals_match_pyfixest_by_sector(econ):
    firms = econ["firms"]
    ours = tfp_residuals(firms, YEARS)
    d = (
        firms.filter(pl.col("year").is_between(*YEARS))
        .with_columns(
            pl.col("industry").str.slice(0, 2).alias("sector"),
            pl.col("value_added").log().alias("lva"),
            pl.col("capital").log().alias("lk"),
            pl.col("employment").cast(pl.Float64).log().alias("ll"),
        )
        .sort(["firm_id", "year"])
    )
    for sector in d["sector"].unique().to_list():
        sub = d.filter(pl.col("sector") == sector).to_pandas()
        fit = pf.feols("lva ~ lk + ll | year", data=sub)
        mine = ours.join(
            pl.from_pandas(sub[["firm_id", "year"]]), on=["firm_id", "year"], how="semi"
        ).sort(["firm_id", "year"])
        np.testing.assert_allclose(mine["tfp"].to_numpy(), fit.resid(), atol=1e-8)


def test_tfp_recovers_planted_productivity():
    rng = np.random.default_rng(0)
    rows = []
    truth = {}
    for j in range(80):
        a = rng.normal()
        truth[j] = a
        sector = "10" if j % 2 else "20"
        bk, bl = (0.3, 0.6) if sector == "10" else (0.5, 0.4)
        for t in range(2000, 2003):
            k, emp = np.exp(rng.normal(4, 1)), rng.integers(10, 200)
            va = np.exp(a + bk * np.log(k) + bl * np.log(emp) + 0.01 * rng.normal())
            rows.append(
                dict(
                    firm_id=j,
                    year=t,
                    industry=sector + "1000",
                    sales=va,
                    value_added=va,
                    capital=k,
                    employment=int(emp),
                )
            )
    firms = pl.DataFrame(rows, schema_overrides={"year": pl.Int32})
    r = (
        tfp_residuals(firms, (2000, 2002))
        .group_by("firm_id")
        .agg(pl.col("tfp").mean())
        .sort("firm_id")
    )
    a = np.array([truth[j] for j in r["firm_id"].to_list()])
    # residuals are TFP up to each sector's mean and the sampling error of the
    # elasticities (TFP is in the error term): near-perfect correlation within sector
    sec = np.array([j % 2 for j in r["firm_id"].to_list()])
    for s in (0, 1):
        m = sec == s
        assert np.corrcoef(r["tfp"].to_numpy()[m], a[m])[0, 1] > 0.99
        assert abs(r["tfp"].to_numpy()[m].mean()) < 1e-8


def test_measures_and_median_split(econ):
    firms = econ["firms"]
    m = productivity_measures(firms, YEARS)
    row = firms.filter((pl.col("firm_id") == 3) & (pl.col("year") == 1997))
    got = m.filter((pl.col("firm_id") == 3) & (pl.col("year") == 1997))
    assert got["va_per_worker"].item() == pytest.approx(
        row["value_added"].item() / row["employment"].item()
    )
    assert got["sales_per_capital"].item() == pytest.approx(
        row["sales"].item() / row["capital"].item()
    )
    s = baseline_sample(firms, YEARS)
    for period in ("first", "mean"):
        t = firm_types(firms, YEARS, firm_ids=s.firm_ids, period=period)
        assert t.height == s.n_firms
        for measure, dummy in (
            ("va_per_worker", "low_va"),
            ("sales_per_capital", "low_spk"),
            ("tfp", "low_tfp"),
        ):
            v = t[measure].to_numpy()
            np.testing.assert_array_equal(t[dummy].to_numpy(), (v < np.median(v)).astype(int))
    first = firm_types(firms, YEARS, period="first")
    direct = m.filter(pl.col("year") == YEARS[0]).sort("firm_id")
    np.testing.assert_allclose(
        first.sort("firm_id")["va_per_worker"].to_numpy(), direct["va_per_worker"].to_numpy()
    )
    with pytest.raises(DataValidationError):
        firm_types(firms, YEARS, period="last")


def test_worker_panel_columns_and_sample(econ):
    s = baseline_sample(econ["firms"], YEARS)
    p = build_worker_panel(econ["workers"], s, load_default("offshorability"))
    assert set(p["firm_id"].unique().to_list()) <= set(s.firm_ids.to_list())
    assert p["year"].min() == YEARS[0] and p["year"].max() == YEARS[1]
    for c in ("occ_group", "continuing", "cognitive_invariant", "educ_level", "sector", "isco2"):
        assert c in p.columns
    # workers data start in 1995, so 1996 statuses are known
    assert p.filter(pl.col("year") == YEARS[0])["continuing"].null_count() == 0
    with pytest.raises(DataValidationError, match="cognitive"):
        build_worker_panel(econ["workers"].drop("cognitive"), s, load_default("offshorability"))
