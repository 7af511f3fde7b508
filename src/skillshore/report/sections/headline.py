"""The study's headline numbers (CLI summary and ``results.json``)."""

from __future__ import annotations

from skillshore._results import fmt_estimate, fmt_num
from skillshore.offshoring.stage import OffshoringResult
from skillshore.structural.stage import CounterfactualResult, StructuralResult


def headline(
    iv: OffshoringResult, st: StructuralResult, cf: CounterfactualResult
) -> dict[str, str]:
    """The seed's main IV column (high-offshorable, column 4), Phi and c_F by year, and the
    c_F = 0 counterfactual's change in the between-firm gap and unemployment."""
    out: dict[str, str] = {}
    tab = iv.tables.get("offshorability")
    if tab is not None and len(tab.columns) >= 4:
        res = tab.columns[3]
        lo, hi = res.conf_int().iloc[0].tolist()
        out["IV high-offshorable (cognitive x 100)"] = (
            f"{fmt_num(float(res.params.iloc[0]))} (95% CI {fmt_num(lo)}, {fmt_num(hi)}; "
            f"N = {res.nobs:,})"
        )
    if st.estimates is not None:
        for year, est in st.estimates.estimates.items():
            num = est.params_frame()
            for key in ("Phi", "c_F"):
                if key in num.index:
                    out[f"{key} ({year})"] = fmt_estimate(num.loc[key])
    table = cf.counterfactuals
    if table is not None and "c_F_zero" in table.stats.columns:
        ch = table.stats["c_F_zero"] - table.stats["baseline"]
        out["c_F = 0: change in E(wage|y) 90-10 / unemployment"] = (
            f"{fmt_num(float(ch['firm_gap']), 3)} / {fmt_num(float(ch['unemployment_rate']), 3)}"
        )
    return out
