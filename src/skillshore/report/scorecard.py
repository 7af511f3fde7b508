"""A scorecard of the seed's qualitative findings: the seed's number, this run's, reproduced?

Each finding of the seed's "Preview", "Summary" and "Concluding Remarks" slides (and
the regression, stylized-fact and counterfactual slides they summarise) is a
:class:`FindingSpec`: the claim, the slide, the seed's number (NaN where the seed
shows only a figure) and a rule on named numbers of a run. :func:`scorecard` takes a
mapping ``{name: float}`` (:data:`INPUTS` lists the names) and evaluates every rule;
findings whose inputs are missing or NaN are "not computed" (``reproduced`` NaN), never
counted as reproduced. :func:`iv_inputs`, :func:`facts_inputs` and :func:`model_inputs`
collect the numbers from the IV tables, the stylized facts, and the counterfactual table
and decomposition of a run.

Rules (``z`` = 1.96, a two-sided 5% test):

* ``significant_positive``: coefficient b with standard error s, reproduced if b - z s > 0;
* ``not_significant``: |b / s| < z;
* ``greater``: a > b (run value a - b);
* ``increase`` / ``decrease``: last - first > 0 / < 0 (run value last - first; for the
  stylized facts, first and last are the ends of the fitted linear trend);
* ``positive`` / ``negative``: the number itself > 0 / < 0.

Each finding also carries this run's 95% interval where the run has one: b -+ z s for
the IV coefficients, and the bootstrap percentile interval of a model number (a
counterfactual change or a decomposition part; inputs ``<name>_lower`` and
``<name>_upper``). The rules judge the point estimate, as the seed's statements do; the
interval shows whether the sign is resolved (e.g. a decomposition part of order 1e-5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillshore._results import TableMixin

__all__ = [
    "FINDINGS",
    "INPUTS",
    "Finding",
    "FindingSpec",
    "Scorecard",
    "facts_inputs",
    "iv_inputs",
    "model_inputs",
    "scorecard",
]

_Z = 1.959963984540054


@dataclass(frozen=True)
class FindingSpec:
    """One qualitative finding of the seed and how a run is judged on it."""

    key: str
    claim: str
    source: str
    seed_value: float
    rule: str
    inputs: tuple[str, ...]


#: The seed's findings. Seed numbers transcribed from the slides named in ``source``.
FINDINGS: tuple[FindingSpec, ...] = (
    FindingSpec(
        "iv_high",
        "Offshoring raises in-house average cognitive skill in high-offshorable occupations",
        "IV table, col. (4): 0.1491 (0.0544)",
        0.1491,
        "significant_positive",
        ("iv_high", "iv_high_se"),
    ),
    FindingSpec(
        "iv_low_vs_high_productivity",
        "The effect is larger in low-productivity firms",
        "IV by firm productivity, cols. (2)-(3): 0.2736 vs -0.1732",
        0.2736 - (-0.1732),
        "greater",
        ("iv_high_low_productivity", "iv_high_high_productivity"),
    ),
    FindingSpec(
        "iv_continuing_smaller",
        "The effect is smaller for continuing workers (composition matters)",
        "IV continuing workers, col. (7) vs (1): 0.0855 vs 0.1491",
        0.1491 - 0.0855,
        "greater",
        ("iv_high", "iv_high_continuing"),
    ),
    FindingSpec(
        "iv_low_offshorable_none",
        "No significant effect in low-offshorable (high-skill) occupations",
        "IV table, col. (2): 0.2150 (0.1197), not significant at 5%",
        0.2150,
        "not_significant",
        ("iv_low", "iv_low_se"),
    ),
    FindingSpec(
        "fact1_within_variance_rises",
        "Within-cell variance of skill rises over time (Fact 1)",
        "Stylized facts, Fact 1 (figure)",
        math.nan,
        "increase",
        ("within_variance_first", "within_variance_last"),
    ),
    FindingSpec(
        "fact2_between_share_falls",
        "The between-firm share of within-cell skill variance falls over time (Fact 2)",
        "Stylized facts, Fact 2 (figure)",
        math.nan,
        "decrease",
        ("between_share_first", "between_share_last"),
    ),
    FindingSpec(
        "fact3_new_matches_rise",
        "The contribution of new matches to within-firm skill change rises (Fact 3)",
        "Stylized facts, Fact 3 (figure)",
        math.nan,
        "increase",
        ("new_match_contribution_first", "new_match_contribution_last"),
    ),
    FindingSpec(
        "offshoring_mostly_high_y",
        "Lower c_F raises offshoring mostly at high-productivity firms",
        "Illustration of Equilibrium / Preview (figure)",
        math.nan,
        "greater",
        ("offshoring_change_top_firms", "offshoring_change_bottom_firms"),
    ),
    FindingSpec(
        "matched_quality_improves",
        "Offshoring improves the average quality of domestic workers firms hire",
        "Illustration of Equilibrium (figure)",
        math.nan,
        "positive",
        ("matched_quality_change",),
    ),
    FindingSpec(
        "wages_fall",
        "The average wage falls with offshoring (c_F = 0)",
        "Counterfactuals: E(wage) 147.42 -> 130.81",
        130.81 - 147.42,
        "negative",
        ("cf_zero_mean_wage_change",),
    ),
    FindingSpec(
        "cf_zero_firm_gap_falls",
        "Between-firm wage inequality falls with offshoring (c_F = 0)",
        "Counterfactuals: E(wage|y)_10-90 1.33 -> 1.01",
        1.01 - 1.33,
        "negative",
        ("cf_zero_firm_gap_change",),
    ),
    FindingSpec(
        "globalization_lowers_firm_gap",
        "Between-firm wage inequality falls with globalization (1996 -> 2006)",
        "Summary: between-firm inequality decreases with globalization",
        math.nan,
        "negative",
        ("decomposition_firm_gap_globalization",),
    ),
    FindingSpec(
        "structural_raises_firm_gap",
        "Between-firm wage inequality rises with structural change (1996 -> 2006)",
        "Summary: between-firm inequality increases with structural change",
        math.nan,
        "positive",
        ("decomposition_firm_gap_structural",),
    ),
    FindingSpec(
        "globalization_lowers_segregation",
        "Between-firm skill gap (segregation) falls with globalization (1996 -> 2006)",
        "Summary: between-firm wage/skill inequality decreases with globalization",
        math.nan,
        "negative",
        ("decomposition_skill_gap_globalization",),
    ),
)

#: Every input name a scorecard can use.
INPUTS: tuple[str, ...] = tuple(dict.fromkeys(k for f in FINDINGS for k in f.inputs))

_SIGN_RULES = ("positive", "negative")

#: Optional interval inputs: ``<name>_lower`` / ``<name>_upper`` of the single number a
#: ``positive`` / ``negative`` finding judges.
INTERVAL_INPUTS: tuple[str, ...] = tuple(
    f"{f.inputs[0]}_{end}" for f in FINDINGS if f.rule in _SIGN_RULES for end in ("lower", "upper")
)


def _judge(rule: str, v: list[float]) -> tuple[float, float]:
    """(run value, reproduced as 1.0/0.0)."""
    if rule == "significant_positive":
        b, s = v
        return b, float(b - _Z * s > 0)
    if rule == "not_significant":
        b, s = v
        return b, float(abs(b / s) < _Z)
    if rule == "greater":
        return v[0] - v[1], float(v[0] > v[1])
    if rule == "increase":
        return v[1] - v[0], float(v[1] > v[0])
    if rule == "decrease":
        return v[1] - v[0], float(v[1] < v[0])
    if rule == "positive":
        return v[0], float(v[0] > 0)
    if rule == "negative":
        return v[0], float(v[0] < 0)
    raise ValueError(f"unknown rule {rule!r}")


@dataclass(frozen=True)
class Finding:
    """A finding evaluated on one run (``reproduced``: 1.0 yes, 0.0 no, NaN not computed)."""

    spec: FindingSpec
    run_value: float
    reproduced: float
    lower: float = math.nan
    upper: float = math.nan


@dataclass(frozen=True, eq=False)
class Scorecard(TableMixin):
    """The seed's findings with the seed's number, this run's number and reproduced yes/no."""

    findings: tuple[Finding, ...]
    title: str = "Scorecard of the seed's findings"

    @property
    def n_reproduced(self) -> int:
        return int(sum(f.reproduced == 1.0 for f in self.findings))

    @property
    def n_computed(self) -> int:
        return int(sum(not math.isnan(f.reproduced) for f in self.findings))

    def to_frame(self) -> pd.DataFrame:
        """Numeric columns seed / this run / lower / upper (the run's 95% interval, NaN
        where it has none) / reproduced (1, 0, NaN), one row per claim."""
        return pd.DataFrame(
            {
                "seed": [f.spec.seed_value for f in self.findings],
                "this run": [f.run_value for f in self.findings],
                "lower": [f.lower for f in self.findings],
                "upper": [f.upper for f in self.findings],
                "reproduced": [f.reproduced for f in self.findings],
            },
            index=pd.Index([f.spec.claim for f in self.findings], name="finding"),
        )

    def display_frame(self) -> pd.DataFrame:
        """:meth:`to_frame` with ``reproduced`` as yes / no / "not computed" (the report)."""
        df = self.to_frame()
        df["reproduced"] = [
            "not computed" if math.isnan(r) else ("yes" if r else "no") for r in df["reproduced"]
        ]
        return df

    def to_dict(self) -> dict[str, dict[str, object]]:
        """{key: {claim, source, seed, run, lower, upper, reproduced}} with JSON-ready
        values (None for NaN)."""

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {
            f.spec.key: {
                "claim": f.spec.claim,
                "source": f.spec.source,
                "seed": num(f.spec.seed_value),
                "run": num(f.run_value),
                "lower": num(f.lower),
                "upper": num(f.upper),
                "reproduced": None if math.isnan(f.reproduced) else bool(f.reproduced),
            }
            for f in self.findings
        }

    def summary(self) -> str:
        head = (
            f"{self.title}: {self.n_reproduced} of {self.n_computed} computed findings reproduced"
        )
        return head + "\n" + self._string_frame().to_string()


def scorecard(
    inputs: Mapping[str, float], findings: tuple[FindingSpec, ...] = FINDINGS
) -> Scorecard:
    """Evaluate each finding on a run's numbers.

    Parameters
    ----------
    inputs : mapping of str to float
        Named numbers of the run (:data:`INPUTS`, and optionally :data:`INTERVAL_INPUTS`);
        unknown names raise, missing or NaN ones leave their findings "not computed".
    findings : tuple of FindingSpec
        Default :data:`FINDINGS`.
    """
    known = {k for f in findings for k in f.inputs} | set(INTERVAL_INPUTS)
    unknown = sorted(set(inputs) - known)
    if unknown:
        raise ValueError(f"unknown scorecard inputs {unknown}; expected some of {sorted(known)}")
    out = []
    for spec in findings:
        vals = [float(inputs.get(k, math.nan)) for k in spec.inputs]
        if any(math.isnan(v) for v in vals):
            out.append(Finding(spec, math.nan, math.nan))
            continue
        run, ok = _judge(spec.rule, vals)
        lo = hi = math.nan
        if spec.rule in ("significant_positive", "not_significant"):
            lo, hi = vals[0] - _Z * vals[1], vals[0] + _Z * vals[1]
        elif spec.rule in _SIGN_RULES:
            lo = float(inputs.get(f"{spec.inputs[0]}_lower", math.nan))
            hi = float(inputs.get(f"{spec.inputs[0]}_upper", math.nan))
        out.append(Finding(spec, float(run), ok, lo, hi))
    return Scorecard(tuple(out))


def model_inputs(counterfactuals=None, decomposition=None, share: float = 0.1) -> dict[str, float]:
    """The model-side scorecard inputs from a CounterfactualTable (baseline and c_F = 0)
    and a Decomposition (skillshore.structural); either may be None.

    ``offshoring_change_top_firms`` / ``_bottom_firms``: change (c_F = 0 minus baseline) in
    the offshoring probability of the top / bottom ``share`` of firm types by y (by firm
    mass; in an economy of several markets, within each market, averaged with the
    markets' employment, as the between-firm gaps are: seed eq. 10 compares the firms of
    one market); ``matched_quality_change``: change in E(x_0 | domestic match). Where
    the table or the decomposition has bootstrap draws, the intervals of the numbers the
    sign findings judge come as ``<name>_lower`` / ``<name>_upper``.
    """
    out: dict[str, float] = {}
    if counterfactuals is not None and "c_F_zero" in counterfactuals.equilibria:
        base = counterfactuals.equilibria["baseline"]
        zero = counterfactuals.equilibria["c_F_zero"]
        ch = counterfactuals.change()["c_F_zero"]
        out["cf_zero_mean_wage_change"] = float(ch["mean_wage"])
        out["cf_zero_firm_gap_change"] = float(ch["firm_gap"])
        ci = counterfactuals.conf_int()
        for name, stat in (
            ("cf_zero_mean_wage_change", "mean_wage"),
            ("cf_zero_firm_gap_change", "firm_gap"),
        ):
            if (stat, "c_F_zero") in ci.index:
                out[f"{name}_lower"], out[f"{name}_upper"] = map(float, ci.loc[(stat, "c_F_zero")])
        top, bottom = _offshoring_change_by_y(base, zero, share)
        out["offshoring_change_top_firms"] = top
        out["offshoring_change_bottom_firms"] = bottom
        out["matched_quality_change"] = float(
            zero.mean_matched_quality[0] - base.mean_matched_quality[0]
        )
    if decomposition is not None:
        st, ci = decomposition.stats, decomposition.conf_int()
        for stat in ("firm_gap", "skill_gap"):
            for g in ("globalization", "structural"):
                if stat in st.index and g in st.columns:
                    out[f"decomposition_{stat}_{g}"] = float(st.loc[stat, g])
                    if (stat, g) in ci.index:
                        lo, hi = map(float, ci.loc[(stat, g)])
                        out[f"decomposition_{stat}_{g}_lower"] = lo
                        out[f"decomposition_{stat}_{g}_upper"] = hi
    keep = set(INPUTS) | set(INTERVAL_INPUTS)
    return {k: v for k, v in out.items() if k in keep and not math.isnan(v)}


def _offshoring_change_by_y(base, zero, share: float) -> tuple[float, float]:
    """Mean change of the offshoring probability over the top and the bottom ``share`` of
    firm types by y (by firm mass); per market and employment-weighted for a market
    economy (``base.parts``)."""
    parts = getattr(base, "parts", None)
    if parts is not None:
        res = [_offshoring_change_by_y(b, z, share) for b, z in zip(parts, zero.parts, strict=True)]
        w = np.array([b.matched_domestic for b in parts])
        t, b = np.array(res).T
        return float(w @ t / w.sum()), float(w @ b / w.sum())
    m = base.model
    y = m.y @ np.ones(m.y.shape[1]) if m.y.shape[1] > 1 else m.y[:, 0]
    order = np.argsort(y, kind="stable")
    w = m.gbar[order] / m.gbar.sum()
    before = np.cumsum(w) - w
    bottom = np.zeros(len(y))
    bottom[order] = np.clip(share - before, 0.0, w)
    after = 1.0 - np.cumsum(w)
    top = np.zeros(len(y))
    top[order] = np.clip(share - after, 0.0, w)
    d = zero.offshoring_prob_by_firm() - base.offshoring_prob_by_firm()
    return float(top @ d / top.sum()), float(bottom @ d / bottom.sum())


#: (input, table, column group, column label) of the IV numbers (skillshore.offshoring
#: SEED_TABLES layout); the coefficient is the column's first endogenous regressor.
_IV_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("iv_high", "offshorability", "By Occupational Offshorability", "High"),
    ("iv_low", "offshorability", "By Occupational Offshorability", "Low (H-Skill)"),
    ("iv_high_low_productivity", "productivity", "All Workers", "Low"),
    ("iv_high_high_productivity", "productivity", "All Workers", "High"),
    ("iv_high_continuing", "continuing", "Continuing Workers (Invariant Skills)", "All"),
)


def iv_inputs(tables: Mapping[str, object]) -> dict[str, float]:
    """Coefficients and standard errors from the seed's IV tables ({name: IVTable}).

    Columns are found by their group header and label (a column that could not be
    estimated is absent from its table, so positions are not used).
    """
    out: dict[str, float] = {}
    for key, name, group, label in _IV_COLUMNS:
        tab = tables.get(name)
        if tab is None:
            continue
        groups = [g for g, span in tab.groups for _ in range(span)]
        for g, lab, res in zip(groups, tab.labels, tab.columns, strict=True):
            if g == group and lab == label:
                out[key] = float(res.params.iloc[0])
                if key in ("iv_high", "iv_low"):
                    out[f"{key}_se"] = float(res.std_errors.iloc[0])
                break
    return out


def _first_last(frame, value: str, **where: str) -> tuple[float, float]:
    """The linear time trend of ``value`` over the rows matching ``where`` (polars frame),
    evaluated at the first and the last year with a value (null and NaN years skipped).

    The seed states Facts 1-3 as trends over 1996-2006 shown in figures ("increases /
    decreases over time", slides "Stylized Facts"): the least-squares line through every
    year reads such a figure; the two end years alone would turn on two noisy points.
    With two years the line goes through both, so this is then the first and last value.
    """
    import polars as pl

    sub = frame
    for col, val in where.items():
        if col in sub.columns:
            sub = sub.filter(pl.col(col) == val)
    sub = sub.drop_nulls(value).filter(pl.col(value).is_not_nan()).sort("year")
    if sub.height < 2:
        return math.nan, math.nan
    t = sub["year"].cast(pl.Float64).to_numpy()
    v = sub[value].cast(pl.Float64).to_numpy()
    tc = t - t.mean()
    slope = float(tc @ (v - v.mean()) / (tc @ tc))
    return float(v.mean() + slope * tc[0]), float(v.mean() + slope * tc[-1])


def facts_inputs(
    fact1=None, fact2=None, fact3=None, skill: str = "cognitive", group: str = "high"
) -> dict[str, float]:
    """First- and last-year numbers of the stylized facts (skillshore.facts results), read
    off each fact's linear trend over the years (:func:`_first_last`).

    Fact 1: within-cell variance of ``skill`` (all workers); Fact 2: the between-firm
    share (KSS) of ``skill`` in occupation ``group``; Fact 3: the new matches'
    contribution to the within-firm average of ``skill``.
    """
    out: dict[str, float] = {}
    specs = (
        (fact1, "within", "within_variance", {"skill": skill, "group": "all"}),
        (fact2, "share_kss", "between_share", {"skill": skill, "group": group}),
        (fact3, "contribution_new", "new_match_contribution", {"skill": skill}),
    )
    for res, value, name, where in specs:
        if res is None or value not in res.data.columns:
            continue
        first, last = _first_last(res.data, value, **where)
        out[f"{name}_first"], out[f"{name}_last"] = first, last
    return out


def study_scorecard(results: Mapping[str, object]) -> Scorecard:
    """The scorecard of a study's stage results (``Study.results``: ``iv``, ``facts``,
    ``counterfactuals``); a finding whose input was not computed shows NaN."""
    iv, facts, cf = results.get("iv"), results.get("facts"), results.get("counterfactuals")
    inputs: dict[str, float] = {}
    if iv is not None:
        inputs |= iv_inputs(getattr(iv, "tables", {}) or {})
    if facts is not None:
        inputs |= facts_inputs(
            getattr(facts, "fact1", None), getattr(facts, "fact2", None),
            getattr(facts, "fact3", None),
        )  # fmt: skip
    if cf is not None:
        inputs |= model_inputs(
            getattr(cf, "counterfactuals", None), getattr(cf, "decomposition", None)
        )
    return scorecard(inputs)
