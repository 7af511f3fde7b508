"""The scorecard is computed from a run's numbers: each finding flips with its input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from skillshore.report.scorecard import FINDINGS, INPUTS, model_inputs, scorecard

# A run that reproduces everything (the seed's own numbers where it has them).
GOOD = {
    "iv_high": 0.1491,
    "iv_high_se": 0.0544,
    "iv_high_low_productivity": 0.2736,
    "iv_high_high_productivity": -0.1732,
    "iv_high_continuing": 0.0855,
    "iv_low": 0.2150,
    "iv_low_se": 0.1197,
    "within_variance_first": 1.0,
    "within_variance_last": 1.2,
    "between_share_first": 0.3,
    "between_share_last": 0.2,
    "new_match_contribution_first": 0.1,
    "new_match_contribution_last": 0.3,
    "offshoring_change_top_firms": 0.09,
    "offshoring_change_bottom_firms": 0.05,
    "matched_quality_change": 0.01,
    "cf_zero_mean_wage_change": -16.61,
    "cf_zero_firm_gap_change": -0.32,
    "decomposition_firm_gap_globalization": -0.04,
    "decomposition_firm_gap_structural": 0.4,
    "decomposition_skill_gap_globalization": -0.001,
}

# One change per finding that must flip it (input name -> new value).
FLIPS = {
    "iv_high": {"iv_high_se": 0.1},  # 0.1491 - 1.96 * 0.1 < 0: not significant
    "iv_low_vs_high_productivity": {"iv_high_high_productivity": 0.3},
    "iv_continuing_smaller": {"iv_high_continuing": 0.2},
    "iv_low_offshorable_none": {"iv_low_se": 0.1},  # t = 2.15
    "fact1_within_variance_rises": {"within_variance_last": 0.9},
    "fact2_between_share_falls": {"between_share_last": 0.35},
    "fact3_new_matches_rise": {"new_match_contribution_last": 0.05},
    "offshoring_mostly_high_y": {"offshoring_change_top_firms": 0.04},
    "matched_quality_improves": {"matched_quality_change": -0.01},
    "wages_fall": {"cf_zero_mean_wage_change": 1.0},
    "cf_zero_firm_gap_falls": {"cf_zero_firm_gap_change": 0.1},
    "globalization_lowers_firm_gap": {"decomposition_firm_gap_globalization": 0.04},
    "structural_raises_firm_gap": {"decomposition_firm_gap_structural": -0.4},
    "globalization_lowers_segregation": {"decomposition_skill_gap_globalization": 0.001},
}


def test_inputs_cover_every_finding():
    assert set(GOOD) == set(INPUTS)
    assert {f.key for f in FINDINGS} <= set(FLIPS)


def test_a_good_run_reproduces_everything():
    sc = scorecard(GOOD)
    assert sc.n_reproduced == sc.n_computed == len(FINDINGS)
    df = sc.to_frame()
    assert list(df.columns) == ["seed", "this run", "lower", "upper", "reproduced"]
    assert all(df[c].dtype.kind == "f" for c in df.columns)
    # the IV coefficient's interval is b -+ 1.96 s; no interval given: NaN
    row = df.loc[[f.spec.claim for f in sc.findings if f.spec.key == "iv_high"][0]]
    assert row["lower"] == pytest.approx(0.1491 - 1.959964 * 0.0544, abs=1e-6)
    assert np.isnan(df["lower"].iloc[-1])
    # run values are computed: differences and coefficients of the inputs
    row = sc.to_dict()["iv_low_vs_high_productivity"]
    assert row["run"] == pytest.approx(0.2736 + 0.1732) and row["seed"] == pytest.approx(0.4468)


@pytest.mark.parametrize("key", [f.key for f in FINDINGS])
def test_each_finding_flips_with_its_input(key):
    sc = scorecard(GOOD | FLIPS[key])
    res = {f.spec.key: f.reproduced for f in sc.findings}
    assert res[key] == 0.0
    assert all(v == 1.0 for k, v in res.items() if k != key)


def test_missing_inputs_are_not_computed_and_json_ready():
    sc = scorecard({"iv_high": 0.2, "iv_high_se": math.nan})
    assert sc.n_computed == 0 and sc.n_reproduced == 0
    d = sc.to_dict()
    assert d["iv_high"]["reproduced"] is None and d["iv_high"]["run"] is None
    json.dumps(d)  # plain types only
    assert np.isnan(sc.to_frame()["reproduced"]).all()
    with pytest.raises(ValueError, match="unknown scorecard inputs"):
        scorecard({"iv_hihg": 0.1})


def test_model_inputs_from_the_seed_preset():
    from skillshore.structural import counterfactuals, decompose_change, seed_economy

    cf = counterfactuals(seed_economy(2006, n=20))
    d = decompose_change(seed_economy(1996, n=12), seed_economy(2006, n=12))
    mi = model_inputs(cf, d)
    assert mi["cf_zero_mean_wage_change"] == pytest.approx(cf.change().loc["mean_wage", "c_F_zero"])
    assert mi["decomposition_firm_gap_structural"] == pytest.approx(
        d.stats.loc["firm_gap", "structural"]
    )
    # the seed's model-side findings hold on the seed preset
    sc = scorecard(mi)
    assert sc.n_computed == 7 and sc.n_reproduced == 7


def test_iv_inputs_find_columns_by_header_and_label():
    """Columns are located by (group, label), so an omitted column does not shift the rest."""
    from types import SimpleNamespace

    import pandas as pd

    from skillshore.report.scorecard import iv_inputs

    def col(b, s):
        return SimpleNamespace(params=pd.Series([b]), std_errors=pd.Series([s]))

    tables = {
        # the seed's column (3) Low (M/L) omitted: "High" is now the third column
        "offshorability": SimpleNamespace(
            groups=[("All", 1), ("By Occupational Offshorability", 2)],
            labels=["All", "Low (H-Skill)", "High"],
            columns=[col(0.03, 0.05), col(0.215, 0.1197), col(0.1491, 0.0544)],
        ),
        "continuing": SimpleNamespace(
            groups=[("All Workers", 3), ("Continuing Workers (Invariant Skills)", 1)],
            labels=["All", "Low", "High", "All"],
            columns=[col(0.1491, 0.05), col(0.27, 0.06), col(-0.17, 0.13), col(0.0855, 0.044)],
        ),
    }
    got = iv_inputs(tables)
    assert got == {
        "iv_high": 0.1491,
        "iv_high_se": 0.0544,
        "iv_low": 0.215,
        "iv_low_se": 0.1197,
        "iv_high_continuing": 0.0855,
    }


def test_facts_inputs_take_first_and_last_year():
    from types import SimpleNamespace

    import polars as pl

    from skillshore.report.scorecard import facts_inputs

    f2 = pl.DataFrame(
        {
            "skill": ["cognitive"] * 4 + ["manual"] * 2,
            "group": ["high", "high", "all", "all", "high", "high"],
            "year": [2006, 1996, 1996, 2006, 1996, 2006],
            "share_kss": [0.2, 0.3, 0.5, 0.6, 0.9, 0.1],
        }
    )
    got = facts_inputs(fact2=SimpleNamespace(data=f2))
    assert got == {"between_share_first": 0.3, "between_share_last": 0.2}
    assert scorecard(got).to_dict()["fact2_between_share_falls"]["reproduced"] is True


def test_facts_inputs_read_the_trend_and_skip_missing_years():
    """Fact 3 has no value in the first year (no continuing workers yet): NaN and null
    years are skipped, and the ends are the least-squares line's (numpy.polyfit)."""
    from types import SimpleNamespace

    import numpy as np
    import polars as pl

    from skillshore.report.scorecard import facts_inputs

    years = list(range(1996, 2002))
    vals = [float("nan"), 0.01, -0.02, 0.03, 0.0, 0.05]
    f3 = pl.DataFrame({"skill": ["cognitive"] * 6, "year": years, "contribution_new": vals})
    got = facts_inputs(fact3=SimpleNamespace(data=f3))
    b, a = np.polyfit(years[1:], vals[1:], 1)
    assert got["new_match_contribution_first"] == pytest.approx(a + b * 1997, abs=1e-12)
    assert got["new_match_contribution_last"] == pytest.approx(a + b * 2001, abs=1e-12)


def test_sign_findings_carry_the_interval_of_their_number():
    """A decomposition part's bootstrap interval travels with its finding; the rule still
    judges the point estimate (a sign of order 1e-5 with an interval across zero)."""
    sc = scorecard(
        GOOD
        | {
            "decomposition_skill_gap_globalization": 1.6e-5,
            "decomposition_skill_gap_globalization_lower": -2e-4,
            "decomposition_skill_gap_globalization_upper": 3e-4,
        }
    )
    d = sc.to_dict()["globalization_lowers_segregation"]
    assert (d["run"], d["lower"], d["upper"], d["reproduced"]) == (1.6e-5, -2e-4, 3e-4, False)
    with pytest.raises(ValueError, match="unknown scorecard inputs"):
        scorecard(GOOD | {"iv_high_lower": 0.0})  # IV intervals come from the s.e.


def test_model_inputs_take_bootstrap_intervals():
    from dataclasses import replace

    from skillshore.structural import decompose_change, seed_economy

    d = decompose_change(seed_economy(1996, n=8), seed_economy(2006, n=8))
    assert not any(k.endswith("_lower") for k in model_inputs(None, d))  # no draws: none
    parts = d.parts.to_numpy()
    draws = parts[None] + np.linspace(-1.0, 1.0, 41)[:, None, None]  # known spread
    mi = model_inputs(None, replace(d, draws=draws))
    k = "decomposition_firm_gap_structural"
    col = list(d.parts.columns).index("structural")
    row = list(d.parts.index).index("firm_gap")
    lo, hi = np.quantile(draws[:, row, col], [0.025, 0.975])
    assert (mi[f"{k}_lower"], mi[f"{k}_upper"]) == pytest.approx((lo, hi))
