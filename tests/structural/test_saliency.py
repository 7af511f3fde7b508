"""Saliency analysis of Phi: singular values of the standardised matrix."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.structural import saliency


def test_rank_one_phi_has_one_dimension():
    u, v = np.array([1.0, -2.0, 0.5]), np.array([0.3, 1.0])
    s = saliency(np.outer(u, v))
    assert s.rank == 1
    assert s.shares[0] == pytest.approx(1.0)
    assert s.singular_values[0] == pytest.approx(np.linalg.norm(u) * np.linalg.norm(v))


def test_standardisation_and_shares():
    rng = np.random.default_rng(0)
    phi = rng.normal(size=(3, 2))
    sdx, sdy = np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0])
    s = saliency(phi, sdx, sdy)
    ref = np.linalg.svd(np.diag(sdx) @ phi @ np.diag(sdy), compute_uv=False)
    np.testing.assert_allclose(s.singular_values, ref)
    assert s.shares.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(
        s.U @ np.diag(s.singular_values) @ s.V.T, np.diag(sdx) @ phi @ np.diag(sdy)
    )
    draws = phi + 0.01 * rng.normal(size=(50, 3, 2))
    s2 = saliency(phi, sdx, sdy, draws=draws)
    assert np.all(s2.ci[:, 0] <= s2.ci[:, 1])
    assert list(s2.to_frame().columns)[-2:] == ["2.5%", "97.5%"]
