"""The firm side's base measure (docs/estimation.md, "Base measure of the firm side"):
``base_measure="capacity"`` gives each firm the volume of its share of the market's
jobs. Markets are built from the model itself (``matching.solve``, conftest
``model_markets``) with unequal firm capacities."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.errors import ModelInputError
from skillshore.structural import estimate_markets

from .conftest import markets_calibration, model_markets
from .test_market_economy import check_economy_is_the_estimate
from .test_misclassification import NX, TRUTH, _population_sample


@pytest.fixture(scope="module")
def capacity_markets():
    """Six markets of ten firms with capacities U(0.5, 1.5) and volumes dy_j = gbar_j/|gbar|."""
    eqs = model_markets(nx=NX, firm_volume="capacity")
    return eqs, _population_sample(eqs, np.eye(NX)), markets_calibration(eqs)


def test_capacity_volumes_give_back_the_truth(capacity_markets):
    """At the population masses the capacity base measure returns Phi, lambda, C, c_F and
    the nu's (tolerance 1e-6: moment gaps below gtol = 1e-10, the volumes' fixed point to
    1e-12); the uniform one, which gives every firm the volume 1/n_k, does not."""
    eqs, s, cal = capacity_markets
    est = estimate_markets(s, cal, base_measure="capacity")
    for k, v in TRUTH.items():
        assert est.params[k] == pytest.approx(v, rel=1e-6, abs=1e-6), k
    # the fitted volumes are the planted ones: each firm's share of its market's capacity
    P, out = est.fit.problem, est.fit.result.out
    for k, eq in enumerate(eqs):
        g = eq.model.gbar
        np.testing.assert_allclose(np.exp(out["log_dy"][k][P.colok[k]]), g / g.sum(), rtol=1e-9)
    wrong = estimate_markets(s, cal, base_measure="uniform")
    assert max(abs(wrong.params[k] - v) for k, v in TRUTH.items()) > 1e-3


def test_market_economy_keeps_the_capacity_volumes(capacity_markets):
    """The estimated economy market by market, solved again by ``matching.solve`` at the
    point estimate, is the estimator's equilibrium (profiled IPFP tolerance 1e-13)."""
    _, s, cal = capacity_markets
    check_economy_is_the_estimate(estimate_markets(s, cal, base_measure="capacity"))


def test_unknown_base_measure_is_refused(capacity_markets):
    _, s, cal = capacity_markets
    with pytest.raises(ModelInputError, match="base_measure"):
        estimate_markets(s, cal, base_measure="jobs")
