"""The wage regression table on simulated worker-years with known coefficients."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.skills import wage_table

BETA = {
    "educ_years": 0.08,
    "experience": 0.03,
    "experience_sq": -0.0005,
    "cognitive": 0.3,
    "manual": 0.1,
    "interpersonal": 0.35,
}


def simulate(n_person=800, years=(2001, 2002, 2003), seed=3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    isco = rng.choice(["7212", "2511", "8211", "4110", "3115"], n_person)
    region = rng.choice(["Copenhagen", "Aarhus", "Odense"], n_person)
    educ = rng.integers(9, 19, n_person).astype(float)
    skills = rng.uniform(0, 1, (n_person, 3))
    exp0 = rng.uniform(0, 30, n_person)
    person_eff = rng.normal(0, 0.1, n_person)
    occ_eff = {"7212": 0.0, "2511": 0.2, "8211": -0.1, "4110": 0.05, "3115": 0.1}
    reg_eff = {"Copenhagen": 0.1, "Aarhus": 0.0, "Odense": -0.05}
    for t_i, t in enumerate(years):
        exp = exp0 + t_i
        lw = (
            4.0
            + 0.02 * t_i
            + BETA["educ_years"] * educ
            + BETA["experience"] * exp
            + BETA["experience_sq"] * exp**2
            + skills @ np.array([0.3, 0.1, 0.35])
            + np.array([occ_eff[i] for i in isco])
            + np.array([reg_eff[r] for r in region])
            + person_eff
            + rng.normal(0, 0.15, n_person)
        )
        rows.append(
            pl.DataFrame(
                {
                    "person_id": np.arange(n_person),
                    "year": t,
                    "isco": isco,
                    "region": region,
                    "educ_years": educ,
                    "experience": exp,
                    "hourly_wage": np.exp(lw),
                    "cognitive": skills[:, 0],
                    "manual": skills[:, 1],
                    "interpersonal": skills[:, 2],
                }
            )
        )
    return pl.concat(rows)


@pytest.fixture(scope="module")
def table():
    return wage_table(simulate())


def test_full_column_recovers_the_dgp(table):
    for v, b in BETA.items():
        assert abs(table.coef(5, v) - b) < 4 * table.se(5, v) + 1e-4, v
    for s in ("cognitive", "manual", "interpersonal"):
        assert table.coef(5, s) > 0 and table.pvalue(5, s) < 0.01


def test_column_one_matches_numpy_ols_with_crv1(table):
    d = simulate().with_columns(experience_sq=pl.col("experience") ** 2)
    X = np.column_stack([np.ones(d.height), d["educ_years"], d["experience"], d["experience_sq"]])
    y = np.log(d["hourly_wage"].to_numpy())
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    u = y - X @ b
    bread = np.linalg.inv(X.T @ X)
    g = d["person_id"].to_numpy()
    scores = np.zeros((g.max() + 1, X.shape[1]))
    np.add.at(scores, g, X * u[:, None])
    G, N, K = len(np.unique(g)), X.shape[0], X.shape[1]
    V = bread @ (scores.T @ scores) @ bread * G / (G - 1) * (N - 1) / (N - K)
    np.testing.assert_allclose(table.coef(1, "educ_years"), b[1], rtol=1e-8)
    np.testing.assert_allclose(table.se(1, "educ_years"), np.sqrt(V[1, 1]), rtol=1e-6)
    r2 = 1 - u @ u / ((y - y.mean()) @ (y - y.mean()))
    assert table.r2[0] == pytest.approx(r2, rel=1e-8)


def test_fixed_effect_column_matches_dummies(table):
    d = simulate().with_columns(experience_sq=pl.col("experience") ** 2)
    regs = ["educ_years", "experience", "experience_sq", "cognitive", "manual", "interpersonal"]
    dummies = d.select(pl.col("year").cast(pl.Utf8), "isco").to_dummies(drop_first=True)
    X = np.column_stack([np.ones(d.height), d.select(regs).to_numpy(), dummies.to_numpy()])
    b, *_ = np.linalg.lstsq(X, np.log(d["hourly_wage"].to_numpy()), rcond=None)
    for j, v in enumerate(regs, start=1):
        assert table.coef(4, v) == pytest.approx(b[j], rel=1e-7, abs=1e-10)


def test_publication_table(table):
    md, tex = table.to_markdown(), table.to_latex()
    for s in (
        "(1)",
        "(5)",
        "Cognitive Skills",
        "Year FE",
        "Occupation FE",
        "Observations",
        "R-squared",
    ):
        assert s in md and s in tex.replace("\\", "")
    assert r"\checkmark" in tex and "***" in md
    assert table.nobs == (2400,) * 5 and table.r2[4] > table.r2[0]
    f = table.to_frame()
    assert list(f.columns) == [f"({j})" for j in range(1, 6)]
    assert f.loc["Cognitive Skills", "(1)"] == ""


def test_missing_columns_are_reported():
    with pytest.raises(DataValidationError, match="hourly_wage"):
        wage_table(pl.DataFrame({"person_id": [1], "educ_years": [1.0], "experience": [1.0]}))
