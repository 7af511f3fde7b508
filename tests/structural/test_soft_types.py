"""The measurement-error model of per-code worker types (docs/estimation.md, "Mismeasured
worker types": soft validation set over all codes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillshore.errors import DataValidationError
from skillshore.structural.soft_types import fit_code_type_model, soft_validation

N = 12
SIGMA, DELTA, OUTLIER = 0.02, -0.01, 0.1


def _codes(rng: np.random.Generator, n: int):
    """Codes with true skill U(0, 1), true cells its quantile cells, a measured skill
    s' = s + delta + sigma eps, and a share of outliers whose true cell is uniform."""
    s = rng.random(n)
    cuts = np.arange(1, N) / N
    cell = np.searchsorted(cuts, s)
    meas = s + DELTA + SIGMA * rng.standard_normal(n)
    out = rng.random(n) < OUTLIER
    cell[out] = rng.integers(0, N, out.sum())
    return meas, cell, cuts


def test_the_model_recovers_its_parameters():
    """Over 20 draws of 600 labelled codes the mean estimates are within 4 Monte Carlo
    standard errors (sd / sqrt(20)) of the planted sigma, delta and outlier share."""
    rng = np.random.default_rng(7)
    fits = [fit_code_type_model(*_codes(rng, 600)) for _ in range(20)]
    for name, truth in (("sigma", SIGMA), ("delta", DELTA), ("outlier", OUTLIER)):
        v = np.array([getattr(f, name) for f in fits])
        assert abs(v.mean() - truth) < 4 * v.std(ddof=1) / np.sqrt(v.size) + 1e-4, name


def test_probabilities_are_an_ordered_probit_plus_a_uniform_share():
    m = fit_code_type_model(*_codes(np.random.default_rng(1), 400))
    p = m.probabilities(np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(p >= m.outlier / N - 1e-12)
    core = m.probabilities(np.array([0.5]), outliers=False)[0]
    # mid-range skill: the cell around 0.5 + delta has the most mass
    assert core.argmax() in (5, 6)


def test_soft_validation_rows():
    """Each code's persons are spread over true cells with weights summing to its count;
    labelled codes keep their known cell with weight 1 per person."""
    rng = np.random.default_rng(3)
    meas, cell, cuts = _codes(rng, 200)
    codes = np.arange(200).astype(str)
    reps = rng.integers(1, 5, 200)
    workers = pd.DataFrame(
        {
            "educ_code": np.repeat(codes, reps),
            "skill": np.repeat(meas, reps),
            "cell": np.repeat(np.searchsorted(cuts, meas), reps),
            "h": np.repeat(meas * 2, reps),
        }
    )
    lab = pd.DataFrame({"educ_code": codes[:60], "true_cell": cell[:60]})
    v, model = soft_validation(workers, lab, cuts, keep_cols=["h"], min_prob=0.0)
    assert model.n_codes == 60
    tot = v.groupby("educ_code")["weight"].sum()
    np.testing.assert_allclose(tot.loc[codes].to_numpy(), reps, rtol=1e-9)
    known = v[v["educ_code"].isin(codes[:60]) & (v["weight"] > 0)]
    assert (known["true_cell"].to_numpy() == cell[known["educ_code"].astype(int)]).all()
    with pytest.raises(DataValidationError, match="missing"):
        soft_validation(workers.drop(columns="skill"), lab, cuts)
