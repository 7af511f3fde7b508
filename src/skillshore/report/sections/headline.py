"""The study's headline numbers: one list of :class:`HeadlineRow` feeds the CLI summary
(:func:`headline`, strings), ``results.json`` (:func:`headline_numbers`, numbers) and the
report's summary table (ours beside the seed paper's published number)."""

from __future__ import annotations

import math
from typing import Any

from skillshore._results import fmt_num
from skillshore.offshoring.stage import OffshoringResult
from skillshore.report.builder import HeadlineRow
from skillshore.structural.stage import CounterfactualResult, StructuralResult

__all__ = ["headline", "headline_numbers", "headline_rows", "iv_numbers", "SEED_HEADLINE"]

SEED_HEADLINE: dict[str, str] = {
    "iv": "0.1491 (SE 0.0544)***; N = 34,058",
    "Phi (1996)": "75.38 (69.16, 79.58)",
    "Phi (2006)": "75.55 (70.37, 79.07)",
    "c_F (1996)": "101.93 (C - C* = 240.66 - 138.73)",
    "c_F (2006)": "87.96 (C - C* = 207.90 - 119.94)",
    "cf_gap": "-0.32 (E(wage|y) 10-90: 1.33 to 1.01)",
    "cf_unemp": "not reported as a number (slide: unemployment rises)",
}
"""The seed paper's published numbers (slides "Regression Analysis" column (4), "Estimation
Results", "Counterfactuals: Wage Inequality")."""

_IV_NAME = "IV high-offshorable (cognitive x 100)"
_CF_NAME = "c_F = 0: change in E(wage|y) 90-10 / unemployment"


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def headline_rows(
    iv: OffshoringResult, st: StructuralResult, cf: CounterfactualResult
) -> list[HeadlineRow]:
    """The seed paper's main IV column (high-offshorable, column (4)), Phi and c_F by year,
    and the c_F = 0 counterfactual's change in the between-firm gap and in unemployment."""
    rows: list[HeadlineRow] = []
    tab = iv.tables.get("offshorability")
    if tab is not None and len(tab.columns) >= 4:
        res = tab.columns[3]
        lo, hi = res.conf_int().iloc[0].tolist()
        rows.append(
            HeadlineRow(
                _IV_NAME,
                float(res.params.iloc[0]),
                lo,
                hi,
                SEED_HEADLINE["iv"],
                res.nobs,
                4,
                "2SLS, firm and sector-by-year fixed effects, SEs clustered by firm; "
                "instrument: China's export supply shift-share.",
                se=float(res.std_errors.iloc[0]),
            )
        )
    if st.estimates is not None:
        for year, est in st.estimates.estimates.items():
            num = est.params_frame()
            for key in ("Phi", "c_F"):
                if key in num.index:
                    r = num.loc[key]
                    lo, hi = _finite(r.get("lower")), _finite(r.get("upper"))
                    rows.append(
                        HeadlineRow(
                            f"{key} ({year})", _finite(r["estimate"]), lo, hi,
                            SEED_HEADLINE.get(f"{key} ({year})", ""),
                            note="bootstrap interval" if lo is not None else
                            "point estimate only (no bootstrap for this year)",
                            se=_finite(r.get("sd")),
                        )
                    )  # fmt: skip
    table = cf.counterfactuals
    if table is not None and "c_F_zero" in table.stats.columns:
        ch = table.stats["c_F_zero"] - table.stats["baseline"]
        # c_F = 0 is a change from the estimated c_F: meaningless where c_F is not estimated
        # (no offshored workers, e.g. a firms table without purchases_abroad)
        ok = _last_c_f(st) is not None
        why = "" if ok else NO_C_F
        rows.append(
            HeadlineRow(
                "c_F = 0: change in E(wage|y) 90-10", _finite(ch["firm_gap"]) if ok else None,
                digits=3, seed=SEED_HEADLINE["cf_gap"],
                note=why or "model units (DKK per hour in the seed paper)",
            )
        )  # fmt: skip
        rows.append(
            HeadlineRow(
                "c_F = 0: change in unemployment rate",
                _finite(ch["unemployment_rate"]) if ok else None, digits=3,
                seed=SEED_HEADLINE["cf_unemp"], note=why or "share of domestic workers unmatched",
            )
        )  # fmt: skip
    return rows


NO_C_F = (
    "not computed: c_F of the counterfactuals' year is not estimated (no offshored "
    "workers in the data: the firms table's purchases_abroad is missing or zero)"
)


def _last_c_f(st: StructuralResult) -> float | None:
    """The estimated c_F of the last estimated year (the counterfactuals' year), or None."""
    if st.estimates is None or not st.estimates.estimates:
        return None
    num = st.estimates.estimates[max(st.estimates.estimates)].params_frame()
    return _finite(num.loc["c_F", "estimate"]) if "c_F" in num.index else None


def headline(
    iv: OffshoringResult, st: StructuralResult, cf: CounterfactualResult
) -> dict[str, str]:
    """The headline numbers as the CLI prints them (strings; same numbers as the report)."""
    out: dict[str, str] = {}
    rows = headline_rows(iv, st, cf)
    by = {r.name: r for r in rows}
    for r in rows:
        if r.name == _IV_NAME:
            out[r.name] = (
                f"{fmt_num(r.estimate)} (95% CI {fmt_num(r.ci_low)}, {fmt_num(r.ci_high)}; "
                f"N = {r.n:,})"
            )
        elif r.name.startswith(("Phi", "c_F (")):
            out[r.name] = r.ours()
    gap = by.get("c_F = 0: change in E(wage|y) 90-10")
    un = by.get("c_F = 0: change in unemployment rate")
    if gap is not None and un is not None:
        out[_CF_NAME] = (
            f"{fmt_num(gap.estimate, 3)} / {fmt_num(un.estimate, 3)}"
            if gap.estimate is not None and un.estimate is not None
            else NO_C_F
        )
    return out


def headline_numbers(
    iv: OffshoringResult, st: StructuralResult, cf: CounterfactualResult
) -> dict[str, dict[str, Any]]:
    """Numbers as numbers for ``results.json``: ``{name: {estimate, se, ci_low, ci_high, n,
    seed_paper}}`` (``se``: the IV's clustered SE, the structural bootstrap SD)."""
    out: dict[str, dict[str, Any]] = {}
    for r in headline_rows(iv, st, cf):
        out[r.name] = {
            "estimate": r.estimate,
            "se": r.se,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "n": r.n,
            "seed_paper": r.seed,
        }
    return out


def iv_numbers(iv: OffshoringResult) -> dict[str, dict[str, Any]]:
    """Every IV table's columns as numbers for ``results.json``: ``{table: {"(k) group label":
    {regressor: {estimate, se, ci_low, ci_high, n}}}}`` (columns numbered as in the report)."""
    from skillshore.report.export import numbers_of
    from skillshore.report.sections.offshoring import SEED_NUMBERS

    out: dict[str, dict[str, Any]] = {}
    for name, table in iv.tables.items():
        n = len(table.columns)
        labels = list(table.labels) if table.labels is not None else [""] * n
        groups = [g for g, k in table.groups for _ in range(k)] or [""] * n
        numbers = SEED_NUMBERS.get(name, ())
        numbers = numbers if len(numbers) == n else [f"({j + 1})" for j in range(n)]
        out[name] = {
            " ".join(p for p in (num, g, lab) if p): numbers_of(res)
            for num, res, g, lab in zip(numbers, table.columns, groups, labels, strict=True)
        }
    return out
