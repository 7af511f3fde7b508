"""The export-supply shifter z_kt (:func:`skillshore.structural.markets.export_supply_shifter`)
reads the source, home country and raw materials it is given (the structural stage's
``[offshoring]`` options), on a two-industry economy computed by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from skillshore.structural.markets import export_supply_shifter
from tests.pipeline.test_stage_config import _trade


@pytest.mark.parametrize(
    "kw,z",
    [
        # home DNK: growth of exports to the rest of the world 1.0 (500000) and 0.0 (600000)
        ({}, {"111111": 0.5, "222222": -0.5}),
        # home USA: 0.0 (500000, to DNK) and 1.0 (600000, 5 -> 10)
        ({"home": "USA"}, {"111111": -0.5, "222222": 0.5}),
        # raw materials kept: industry 2 = 1/2 600000 + 1/2 010000, I: 10 -> 25, g = 1.5
        ({"raw_material_hs2": ()}, {"111111": -0.25, "222222": 0.25}),
        # the source is read: one without exports has no shock in any year, so no z
        ({"source": "VNM"}, {}),
        # a list of sources sums their exports (VNM adds nothing)
        ({"source": ["CHN", "VNM"]}, {"111111": 0.5, "222222": -0.5}),
    ],
)
def test_shifter_reads_source_home_and_raw_materials(kw, z):
    t = _trade()
    out = export_supply_shifter(
        t["customs"], t["firms"], t["world_trade"], (1993, 1993), 1996, 1997, **kw
    )
    got = dict(zip(out["industry"], out["z"], strict=True))
    assert got == pytest.approx(z, abs=1e-12)  # exact arithmetic on small integers


def test_shifter_cap_bounds_smoothly():
    """cap tanh(z / cap): z = +-0.5 with cap 0.25 -> +-0.25 tanh(2)."""
    t = _trade()
    out = export_supply_shifter(
        t["customs"], t["firms"], t["world_trade"], (1993, 1993), 1996, 1997, cap=0.25
    )
    assert out.sort("industry")["z"].to_list() == pytest.approx(
        [0.25 * np.tanh(2.0), -0.25 * np.tanh(2.0)], abs=1e-12
    )
    assert out.schema == pl.Schema({"industry": out.schema["industry"], "z": pl.Float64})
