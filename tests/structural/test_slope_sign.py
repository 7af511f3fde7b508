"""Bootstrap replicates keep a wage slope lambda_x <= 0 instead of failing (issue 19's
bootstrap honesty: dropping them cut the lower tail of lambda's interval)."""

import numpy as np
import pytest

from skillshore.errors import ModelInputError
from skillshore.structural.levels import WageFit, structural_levels


def _levels(slope: float, free: bool):
    wf = WageFit(slope=slope, intercept=100.0, r2=0.1, n=50)
    return structural_levels(
        wf, np.array([[0.5]]), 1.0, np.nan, lambda_x_share=0.5, cal=None, norm="symmetric",
        mean_z=0.3, mean_xBy=0.2, free_sign=free,
    )  # fmt: skip


def test_point_estimate_needs_positive_slope():
    with pytest.raises(ModelInputError, match="lambda_x"):
        _levels(-2.0, free=False)


def test_replicate_maps_a_negative_slope_by_the_same_formulas():
    # the map of the module docstring: lambda = lambda_x / s_x, Phi = lambda B,
    # nu_x = (w0 - intercept) / lambda_x (w0 = 0 without a calibration)
    p, Phi, _ = _levels(-2.0, free=True)
    assert p["lambda"] == pytest.approx(-4.0)
    assert Phi[0, 0] == pytest.approx(-2.0)
    assert p["nu_x"] == pytest.approx(50.0)
    pos, _, _ = _levels(2.0, free=True)
    ref, _, _ = _levels(2.0, free=False)
    assert pos == ref  # the flag changes nothing for a positive slope


def test_nonpositive_slopes_are_counted_and_noted_not_failed():
    from skillshore.structural.bootstrap import BootstrapResult
    from skillshore.structural.result import StructuralEstimate, parameter_names

    names = parameter_names(1, 1)
    rng = np.random.default_rng(0)
    draws = rng.normal(1.0, 0.1, size=(40, len(names)))
    ix = names.index("lambda_x")
    draws[:3, ix] = [-1.0, -0.5, -2.0]  # three replicates with a negative slope
    boot = BootstrapResult(draws=draws, names=tuple(names), seed=0, n_workers=1, seconds=0.0)
    est = StructuralEstimate(
        values=np.ones(len(names)), names=tuple(names), phi_shape=(1, 1), calibration=None,
        info={}, fit=None, bootstrap=boot, year=1996,
    )  # fmt: skip
    assert est.n_nonpositive_slope == 3
    assert int(est.n_failed.max()) == 0
    (note,) = est.identification_notes()
    assert "3 of 40" in note and note.startswith("1996")
