"""Section 5: structural estimation and counterfactuals."""

from __future__ import annotations

from typing import Any

from skillshore.report import export
from skillshore.report.builder import ReportBuilder
from skillshore.report.checks import interval_warnings
from skillshore.structural.stage import CounterfactualResult, StructuralResult

_EST = (
    "Dupuy-Galichon matching model with unmatched agents and a foreign worker pool (the "
    "seed paper's eqs. 4-10), high-offshorable occupations. Markets are 6-digit industries; "
    "Phi, lambda and the nu's are common, firms' margins are profiled and the offshoring cost "
    "shifts with the growth of China's export supply in the industry's products "
    "(docs/estimation.md). Imposed: the foreign normalisation (nu_y* - nu_x*, table "
    "'Structural settings'), lambda_x's share of lambda from the wage equation; C* and c_F "
    "at z = 0. Intervals: 95% percentile bootstrap intervals, replicates drawn as the settings' "
    "bootstrap_scheme says; a year without an interval was estimated without bootstrap. "
)
_CF = (
    "Counterfactual equilibria of the estimated model (last estimated year) against its "
    "baseline: c_F = 0 (free offshoring), and each of Phi, nu_x, nu_y, nu_x*, nu_y* raised by "
    "the shock size set in [counterfactuals] of the config. Every market (industry) is "
    "solved on its own with its estimated firms, workforce and offshoring cost, and the "
    "markets are pooled with the data's masses. Wages in model units (DKK per hour in the "
    "seed paper), rates as shares; 10-90 gaps are the employment-weighted mean over the "
    "top decile of the type minus that over the bottom decile: E(wage | y) and E(x | y) by "
    "decile of firm type y within each market, averaged with the markets' employment (the "
    "seed's statistic is that of one market; differences between the markets' wage levels "
    "are not counted as between-firm inequality), E(wage | x) by decile of worker type x. "
)


def _estimate_warnings(rb: ReportBuilder, st: StructuralResult, truth: Any) -> None:
    cmp = truth.structural if truth is not None else None
    for year, est in st.estimates.estimates.items():
        num = est.params_frame()
        if "lower" not in num.columns:
            continue
        true = cmp.truth.get(year, {}) if cmp is not None else {}
        for key, r in num.iterrows():
            rb.warn(
                *interval_warnings(
                    f"{key} ({year})", float(r["estimate"]), float(r["lower"]),
                    float(r["upper"]), true.get(key),
                )
            )  # fmt: skip


def render_structural(
    rb: ReportBuilder, st: StructuralResult, cf: CounterfactualResult, truth: Any
) -> None:
    from skillshore.structural import (
        plot_between_firm_wages,
        plot_firm_matching,
        plot_unemployment,
    )

    rb.section("5. Structural estimation and counterfactuals")
    rb.table(
        "calibration",
        st.calibration,
        "Calibrated parameters by year (the seed paper's 'Calibrated Parameters'): outside "
        "options w_0, w_0^* and r_0 in DKK per hour, rates as shares, masses normalised by "
        "the domestic workforce (|fbar| = 1). The last column gives each value's source.",
        "Calibrated parameters",
    )
    if st.settings is not None:
        rb.table(
            "structural_settings",
            st.settings,
            "The [structural] settings of the study config that produced the estimates below "
            "(docs/user_guide.md) and, per year, the foreign normalisation from the calibration "
            "(nu_star_gap; the data do not identify it, docs/estimation.md section 3).",
            "Structural settings",
        )
    if st.estimates is None:
        rb.omitted(
            "Structural estimates and counterfactuals",
            "too few matched workers in high-offshorable occupations to estimate the model.",
        )
        for note in st.notes:
            rb.text(note, note=True)
        return
    rb.table(
        "estimates",
        st.estimates,
        _EST + "Units: model units of the matched surplus (DKK per hour).",
        "Estimation results (95% bootstrap intervals)",
    )
    _estimate_warnings(rb, st, truth)
    notes = (*st.notes, *st.estimates.notes(), *(truth.notes if truth is not None else ()))
    for note in notes:
        rb.text(note, note=True)
    if truth is not None and truth.structural is not None:
        rb.table(
            "structural_truth",
            export.group_columns(truth.structural.to_frame(), " "),
            "Synthetic economy only. Truth: the planted parameters (truth.json). Estimate: the "
            "study's (measured skill cells and productivity, the study's calibration and "
            "settings). 'covers': the 95% bootstrap interval contains the truth (empty "
            "without an interval). True types: the same estimator on the generator's skill "
            "cells and productivity percentiles with the economy's own calibration and planted "
            "nu_y* - nu_x* (point estimates). C*, c_F and nu_y* depend on that normalisation, "
            "which the data do not identify (docs/estimation.md).",
            "Truth vs estimate: structural parameters",
        )
    if cf.counterfactuals is None:
        rb.omitted("Counterfactuals", "no estimated year to start from.")
    else:
        rb.table("counterfactuals", cf.counterfactuals, _CF, "Counterfactuals: wage inequality")
        rb.figure(
            "cf_between_firm_wages",
            plot_between_firm_wages(cf.counterfactuals),
            _CF + "Change in E(wage | y) from the baseline by firm type (percentile of the "
            "baseline E(wage | y), employment-weighted).",
            "Changes in between-firm wage inequality",
        )
        rb.figure(
            "cf_firm_matching",
            plot_firm_matching(cf.counterfactuals),
            _CF + "c_F = 0 only: change in each firm type's probability of offshoring and in "
            "the average skill of its domestic hires.",
            "Changes in firms' matching",
        )
        rb.figure(
            "cf_unemployment",
            plot_unemployment(cf.counterfactuals),
            _CF + "Change in the unemployment rate f_0(x)/fbar(x) by worker type (percentile "
            "of the baseline E(wage | x)).",
            "Changes in unemployment",
        )
    _BOOT = (
        "Intervals: 95% percentile intervals over the bootstrap replicates' parameters, put "
        "on the point estimate's markets and masses (docs/estimation.md, section 5). "
    )
    if cf.counterfactuals is not None:
        rb.table(
            "counterfactual_changes",
            cf.counterfactuals.change_table(),
            _CF + "Each scenario minus the baseline. " + _BOOT,
            "Counterfactuals: changes from the baseline with intervals",
        )
    for note in cf.notes:
        rb.text(note, note=True)
    cf_truth = getattr(truth, "counterfactuals", None)  # a CounterfactualTruth (synthetic only)
    if cf_truth is not None:
        rb.table(
            "counterfactual_truth",
            cf_truth,
            f"Synthetic economy only. Truth: the same scenarios on the generator's own markets "
            f"of {cf_truth.year} (truth.json), pooled with their sizes; estimate: the table "
            f"above. Same sign in {cf_truth.n_same_sign} of {len(cf_truth.stats)}; 'covers': "
            "the estimate's interval contains the truth.",
            "Truth vs estimate: counterfactual changes",
        )
    if cf.decomposition is not None:
        rb.table(
            "decomposition",
            cf.decomposition,
            "Change from the first to the last estimated year split by Shapley values into "
            "globalization (c_F, nu_x*, nu_y*, w0*, the foreign pool) and structural change "
            "(Phi, lambda, nu_x, nu_y, C, w0, r0 and the markets' type supports and masses); "
            "each year's markets on their own supports; the parts add up to the change.",
            "Globalization vs structural change",
        )
        rb.table(
            "decomposition_intervals",
            cf.decomposition.interval_table(),
            "The change and its parts with intervals; replicate b of the first year paired "
            "with replicate b of the last (independent samples). " + _BOOT,
            "Globalization vs structural change: intervals",
        )
    else:
        rb.omitted(
            "Decomposition (globalization vs structural change)",
            cf.decomposition_note or "needs estimates for two years with intervals.",
        )
