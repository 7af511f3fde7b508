"""results.json is strict JSON, and the headline does not print a c_F = 0 effect where c_F
itself is not estimated (issue 19: without purchases_abroad the CLI printed a meaningless
effect of 3e-10 and results.json held NaN)."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skillshore.report import write_json
from skillshore.report.io import finite_json
from skillshore.report.sections.headline import NO_C_F, headline, headline_numbers


def _strict(text: str):
    def refuse(const: str):
        raise ValueError(f"non-standard JSON constant {const}")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null(tmp_path):
    obj = {"a": math.nan, "b": [1.0, np.float64(np.inf), -math.inf], "c": (np.float32(2.5),),
           "d": {"e": "NaN", "f": 3, "g": None, "h": np.nan}}  # fmt: skip
    assert finite_json(obj) == {
        "a": None, "b": [1.0, None, None], "c": [2.5], "d": {"e": "NaN", "f": 3, "g": None, "h": None}
    }  # fmt: skip
    path = write_json(tmp_path / "r.json", obj)
    assert _strict(path.read_text())["b"] == [1.0, None, None]
    with pytest.raises(ValueError):
        _strict(json.dumps({"x": math.nan}))  # the check above can fail


def _study(c_f: float):
    params = pd.DataFrame(
        {"estimate": [50.0, c_f], "lower": [40.0, math.nan], "upper": [60.0, math.nan],
         "sd": [5.0, math.nan]}, index=["Phi", "c_F"],
    )  # fmt: skip
    est = SimpleNamespace(params_frame=lambda: params)
    st = SimpleNamespace(estimates=SimpleNamespace(estimates={2006: est}))
    stats = pd.DataFrame(
        {"baseline": [1.0, 0.05], "c_F_zero": [1.0 + 1e-9, 0.05 + 1e-11]},
        index=["firm_gap", "unemployment_rate"],
    )
    cf = SimpleNamespace(counterfactuals=SimpleNamespace(stats=stats))
    return SimpleNamespace(tables={}), st, cf


def test_c_f_zero_effect_needs_an_estimated_c_f():
    h = headline(*_study(math.nan))
    assert h["c_F (2006)"] == "not estimated"
    assert h["c_F = 0: change in E(wage|y) 90-10 / unemployment"] == NO_C_F
    nums = headline_numbers(*_study(math.nan))
    assert nums["c_F (2006)"]["estimate"] is None
    assert nums["c_F = 0: change in E(wage|y) 90-10"]["estimate"] is None
    ok = headline_numbers(*_study(80.0))  # with c_F estimated the change is reported
    assert ok["c_F = 0: change in E(wage|y) 90-10"]["estimate"] == pytest.approx(1e-9)
    assert ok["c_F (2006)"]["estimate"] == 80.0
