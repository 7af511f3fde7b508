"""Unobserved offshored matches: the seed's identifying assumption and eq. 10."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.errors import DataValidationError
from skillshore.structural import (
    MatchedSample,
    distribute_offshored,
    impute_offshored_matches,
    offshored_workers,
    tilt_from_equilibrium,
)


def test_offshored_workers_is_employment_times_purchases_over_value_added():
    out = offshored_workers([2.0, 0.0, 5.0], [10.0, 4.0, 50.0], [30, 7, 100])
    np.testing.assert_allclose(out, [6.0, 0.0, 10.0])
    with pytest.raises(DataValidationError):
        offshored_workers([1.0], [0.0], [3])


def test_eq10_with_the_equilibrium_tilt_reproduces_the_model(truth):
    """Given each firm type's offshored mass, eq. 10 recovers pi*(x, y) exactly."""
    pi_star = distribute_offshored(
        truth.pi, truth.pi_star.sum(axis=0), tilt_from_equilibrium(truth)
    )
    np.testing.assert_allclose(pi_star, truth.pi_star, rtol=1e-8, atol=1e-14)
    # without the tilt (equally talented) the within-firm composition is the domestic one
    flat = distribute_offshored(truth.pi, truth.pi_star.sum(axis=0))
    np.testing.assert_allclose(flat / flat.sum(0), truth.pi / truth.pi.sum(0))
    assert not np.allclose(flat, truth.pi_star, rtol=1e-3)


def test_imputed_records_carry_each_firms_offshored_mass():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 2)), rng.normal(size=(40, 1))
    firm = rng.integers(0, 4, 40)
    w = rng.uniform(0.5, 2, 40)
    ratio = np.array([0.0, 0.1, 0.5, 0.02])
    s = impute_offshored_matches(
        MatchedSample(x=x, y=y, weights=w), ratio, firm=firm, tilt=lambda a: np.exp(a[:, 0])
    )
    emp = np.bincount(firm, weights=w, minlength=4)
    # records of firm 0 (ratio 0) are dropped; map the rest back by their y
    got = np.zeros(4)
    for fy, fw in zip(s.foreign_y[:, 0], s.foreign_weights, strict=True):
        got[firm[np.flatnonzero(y[:, 0] == fy)[0]]] += fw
    np.testing.assert_allclose(got, ratio * emp)
    with pytest.raises(DataValidationError, match="per-firm"):
        impute_offshored_matches(MatchedSample(x=x, y=y), ratio)
