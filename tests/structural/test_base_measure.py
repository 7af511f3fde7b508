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
    the nu's (tolerance 1e-6: moment gaps below gtol = 1e-10, the volumes solved inside the
    IPFP's sweeps); the uniform one, which gives every firm the volume 1/n_k, does not."""
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


def test_volumes_inside_the_sweeps_equal_the_outer_fixed_point(capacity_markets):
    """``solve_markets(..., capacity_volumes=True)`` against the outer fixed point it
    replaced: solve with s_x log dy added to the kernel, recompute dy = (S + g0)/sum from
    the vacancies, repeat until dy settles (a second algorithm; same equilibrium)."""
    from skillshore.matching.ipfp import solve_markets
    from skillshore.structural.profiled import MarketProblem

    eqs, s, cal = capacity_markets
    P = MarketProblem(s, cal, 0.5, "capacity")
    th = P.start()
    th[: P.m * P.n] = 1.5  # sorting, so that volumes matter
    _, new = P.solve(th)
    B, kd, kf, beta = P.split(th)
    Kn = P.kernel(B)
    slots = np.where(P.colok, P.logS, -np.inf)
    st = P.initial_state()
    ldy = P.firm_log_dy(P._guess()[2])
    for _ in range(200):
        st, out = solve_markets(
            Kn + P.sx * ldy[:, None, :],
            slots,
            np.where(P.rowok, P.logphi, -np.inf),
            kd + P.offset,
            kf + P.z @ beta + P.offset if P.foreign else None,
            lambda_x_share=P.sx,
            slots_ratio=1.0 + P.o,
            foreign_pool=P.pool,
            state=st,
        )
        nxt = P.firm_log_dy(out["g0"])
        done = np.max(np.abs(nxt - ldy)) < 1e-13
        ldy = nxt
        if done:
            break
    else:
        raise AssertionError("outer fixed point did not settle")
    for key in ("mu", "m0", "g0", "W"):
        np.testing.assert_allclose(new[key], out[key], rtol=1e-9, atol=1e-14, err_msg=key)
    np.testing.assert_allclose(new["log_dy"][P.colok], ldy[P.colok], atol=1e-10)
