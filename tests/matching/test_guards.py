"""Guarded API of the matching model: impossible inputs are ModelInputErrors (issue 19)."""

from __future__ import annotations

import numpy as np
import pytest

from skillshore.errors import ModelInputError
from skillshore.matching import MatchingModel, seed_economy, solve
from skillshore.matching.equilibrium import check_init


def _small(**kw) -> MatchingModel:
    base = dict(x=[0.25, 0.75], y=[0.25, 0.75], fbar=[1.0, 1.0], gbar=[1.0, 1.0], Phi=1.0)
    return MatchingModel(**{**base, **kw})


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("Phi", np.nan, "Phi has non-finite"),
        ("Phi", np.inf, "Phi has non-finite"),
        ("Phi", 1 + 2j, "Phi must be real"),
        ("Phi", "abc", "Phi must be numeric"),
        ("Phi", "1.5", "Phi must be numeric"),
        ("C", 1j, "C must be real"),
        ("C", np.nan, "C must be finite"),
        ("C_star", -np.inf, "C_star must be finite"),
        ("lambda_x", "a", "lambda_x must be numeric"),
        ("lambda_y", 0.0, "lambda_y must be > 0"),
        ("nu_x", [1.0, 2.0], "nu_x must be a number"),
        ("x", [0.5 + 1j, 0.2], "x must be real"),
        ("x", [[0.5], [1.0, 2.0]], "x must be a numeric array"),
        ("x", [np.nan, 0.5], "x has non-finite"),
        ("fbar", None, "fbar is missing"),
        ("fbar", [1.0, 0.0], "fbar must be > 0"),
        ("gbar", [1.0, np.inf], "gbar has non-finite"),
        ("fbar_star", [-1.0, 1.0], "fbar_star must be >= 0"),
        ("w0", ["a", "b"], "w0 must be numeric"),
        ("surplus", [[1.0, np.nan], [0.0, 1.0]], "surplus must be a finite"),
        ("singles", "yes", "singles must be True or False"),
        ("x", [], "at least one type"),
    ],
)
def test_bad_primitives_raise_model_input_error(field, value, needle):
    with pytest.raises(ModelInputError, match=needle):
        _small(**{field: value})


def test_model_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        _small(Phi=np.nan)


def test_replace_is_guarded_too():
    with pytest.raises(ModelInputError, match="Phi has non-finite"):
        seed_economy(2006, n=5).replace(Phi=np.nan)


def test_surplus_that_matches_nobody():
    """C = -1e6 with lambda = 1: every match has weight exp(-1e6) = 0 in double precision,
    so all workers are single (unemployment 1 exactly) and ratios per match are undefined."""
    eq = solve(_small(C=-1e6))
    assert eq.matched_domestic == 0.0
    assert eq.unemployment_rate == 1.0
    for attr in ("mean_wage", "sd_wage", "offshoring_rate", "mean_matched_quality"):
        with pytest.raises(ModelInputError, match="no domestic matches"):
            getattr(eq, attr)
    frame = eq.to_frame()
    assert np.isnan(frame.loc["E(wage)", "value"])
    assert "converged" in eq.summary()


def test_warm_start_shapes_are_checked():
    model = seed_economy(2006, n=6)
    nx, ny = model.shape
    rows = nx + int(np.count_nonzero(model.fbar_star > 0))
    good = (np.zeros(rows), np.zeros(ny))
    lu, lg = check_init(model, good)
    assert lu.shape == (rows,) and lg.shape == (ny,)
    with pytest.raises(ModelInputError, match=rf"init log_u must have shape \({rows},\)"):
        check_init(model, (np.zeros(3), np.zeros(ny)))
    with pytest.raises(ModelInputError, match=rf"init log_g0 must have shape \({ny},\)"):
        check_init(model, (np.zeros(rows), np.zeros(ny + 1)))
    with pytest.raises(ModelInputError, match="NaN"):
        check_init(model, (np.full(rows, np.nan), np.zeros(ny)))
    with pytest.raises(ModelInputError, match="pair"):
        check_init(model, np.zeros(rows))
    eq = solve(model)
    assert check_init(model, eq) is eq
    assert check_init(model, None) is None


def test_seed_economy_without_types():
    with pytest.raises(ModelInputError):
        seed_economy(2006, n=0)


def test_solve_rejects_a_wrongly_shaped_init():
    with pytest.raises(ModelInputError, match="init"):
        solve(seed_economy(2006, n=6), init=(np.zeros(3), np.zeros(2)))
