"""The foreign pool's skill profile and the firm masses of the synthetic economy's markets
(issue 20: "lower c_F raises offshoring mostly at high-y firms"; docs/synth.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from skillshore.errors import SkillshoreError
from skillshore.matching import solve
from skillshore.synth import generate
from skillshore.synth.params import (
    N_CELLS,
    SynthSettings,
    calibrated_parameters,
    foreign_pool,
    market_model,
)

GRID = (np.arange(N_CELLS) + 0.5) / N_CELLS


def test_foreign_pool_profile():
    """Total kept; tilt 0 is the domestic (uniform) profile; the ratio of neighbouring
    cells is exp(tilt x the step of the standardised position)."""
    total = 0.6325
    assert np.allclose(foreign_pool(total, GRID, 0.0), total / N_CELLS, rtol=1e-14)
    p = foreign_pool(total, GRID, 1.0)
    assert p.sum() == pytest.approx(total, rel=1e-14)
    step = (GRID[1] - GRID[0]) / GRID.std()
    assert np.allclose(p[1:] / p[:-1], np.exp(step), rtol=1e-12)


def _offshoring_response(tilt: float) -> tuple[float, float]:
    """Change in the offshoring probability under c_F = 0 at the top and the bottom
    decile of 30 equal firm types, on the calibrated 2006 reference market."""
    p = calibrated_parameters(2006, SynthSettings(foreign_skill_tilt=tilt))
    ny = 30
    y = (np.arange(ny) + 0.5) / ny
    gbar = np.full(ny, (1 + p["offshoring_rate"]) / ny)
    m = market_model(p, GRID, y, gbar, None)
    base = solve(m, tol=1e-11).offshoring_prob_by_firm()
    zero = solve(m.replace(C_star=m.C), tol=1e-11).offshoring_prob_by_firm()
    d = zero - base
    return float(d[-3:].mean()), float(d[:3].mean())


def test_tilted_pool_moves_offshoring_to_high_y_firms():
    """Seed eq. 10: with a pool relatively richer in high-x workers (a*(x) - a(x) falling
    in x), free offshoring raises offshoring more at high-y firms; the top-minus-bottom
    difference grows with the tilt (both computed by the solver, not written here)."""
    top1, bot1 = _offshoring_response(1.0)
    top0, bot0 = _offshoring_response(0.0)
    assert top1 > bot1
    assert top1 - bot1 > top0 - bot0


@pytest.mark.slow
def test_market_firm_masses_are_each_markets_own_rate(tmp_path):
    """firm_mass="market": each high-offshorable market's firms have |fbar|(1 + its own
    offshoring rate) jobs (the seed's calibration identity, market by market; solved as
    a fixed point to 1e-9 relative), and truth.json rebuilds (market_equilibria checks)."""
    from skillshore.synth.truth import market_equilibria

    out = tmp_path / "m"
    generate(out, scale="tiny", seed=1, settings=SynthSettings(firm_mass="market"))
    truth = json.loads((out / "truth.json").read_text())
    rows = [r for r in truth["markets"] if r["group"] == "high"]
    mk = np.array([r["firm_mass_markup"] for r in rows])
    rate = np.array([r["offshoring_rate"] for r in rows])
    assert np.allclose(mk, rate, rtol=2e-9, atol=0)
    assert np.ptp(rate[[r["year"] == 2006 for r in rows]]) > 0  # the shock spreads them
    assert len(market_equilibria(out, 2006, "high")) > 0
    with pytest.raises(SkillshoreError, match="firm_mass"):
        SynthSettings(firm_mass="x")
