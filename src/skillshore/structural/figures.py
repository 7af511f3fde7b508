"""The seed's counterfactual figures (slides "Changes in Between-Firm Wage
Inequality", "Changes in Firms' Matching", "Changes in Unemployment"; offshorable
occupations).

Each function takes a :class:`~skillshore.structural.CounterfactualTable` and returns
a matplotlib Figure: the change from the baseline, by firm type (ranked by the
baseline E(wage | y), employment-weighted percentile) or by worker type.
"""

from __future__ import annotations

import numpy as np

from skillshore.structural.counterfactuals import CounterfactualTable

__all__ = ["plot_between_firm_wages", "plot_firm_matching", "plot_unemployment"]


def _rank(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(values, kind="stable")
    w = weights[order]
    pos = (np.cumsum(w) - 0.5 * w) / w.sum()
    return order, 100 * pos


def _figure(ax_count: int = 1):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ax_count, figsize=(5.5 * ax_count, 4), squeeze=False)
    return fig, axes[0]


def _style(i: int, n_points: int) -> dict:
    """Line i's style: colour, line style and marker, so lines stay apart in greyscale print."""
    return {
        "color": f"C{i % 10}",
        "linestyle": ("-", "--", ":", "-.")[i % 4],
        "marker": "osv^Dx"[i % 6],
        "markevery": max(1, n_points // 8),
        "markersize": 4,
        "lw": 1.4,
    }


def _scenarios(cf: CounterfactualTable, names):
    keep = names or [s.name for s in cf.scenarios if s.name != "baseline"]
    return [s for s in cf.scenarios if s.name in keep]


def plot_between_firm_wages(cf: CounterfactualTable, scenarios: list[str] | None = None):
    """Change in E(wage | y) from the baseline, by firm percentile (baseline ranking)."""
    base = cf.equilibria["baseline"]
    order, pct = _rank(base.wage_by_firm(), base.pi.sum(axis=0))
    fig, (ax,) = _figure()
    for i, sc in enumerate(_scenarios(cf, scenarios)):
        d = cf.equilibria[sc.name].wage_by_firm() - base.wage_by_firm()
        ax.plot(pct, d[order], label=sc.label, **_style(i, len(pct)))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("firm type (percentile of baseline E(wage | y))")
    ax.set_ylabel("change in E(wage | y)")
    ax.set_title("Changes in between-firm wage inequality")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_firm_matching(cf: CounterfactualTable, scenarios: list[str] | None = None, k: int = 0):
    """Change in offshoring probability and in the mean skill of domestic hires, by firm."""
    base = cf.equilibria["baseline"]
    order, pct = _rank(base.wage_by_firm(), base.pi.sum(axis=0))
    fig, (a1, a2) = _figure(2)
    for i, sc in enumerate(_scenarios(cf, scenarios or ["c_F_zero"])):
        eq = cf.equilibria[sc.name]
        a1.plot(
            pct,
            (eq.offshoring_prob_by_firm() - base.offshoring_prob_by_firm())[order],
            label=sc.label,
            **_style(i, len(pct)),
        )
        dq = eq.mean_matched_quality_by_firm(k) - base.mean_matched_quality_by_firm(k)
        a2.plot(pct, dq[order], label=sc.label, **_style(i, len(pct)))
    a1.set_ylabel("change in P(offshore | y)")
    a2.set_ylabel(f"change in E(x{k + 1} | y), domestic hires")
    for a in (a1, a2):
        a.axhline(0, color="grey", lw=0.8)
        a.set_xlabel("firm type (percentile of baseline E(wage | y))")
        a.legend(fontsize=8)
    fig.suptitle("Changes in firms' matching")
    fig.tight_layout()
    return fig


def plot_unemployment(cf: CounterfactualTable, scenarios: list[str] | None = None):
    """Change in the unemployment rate f0(x) / fbar(x), by worker percentile."""
    base = cf.equilibria["baseline"]
    m = base.model
    order, pct = _rank(base.wage_by_worker(), m.fbar)
    u0 = base.f0 / m.fbar
    fig, (ax,) = _figure()
    for i, sc in enumerate(_scenarios(cf, scenarios)):
        eq = cf.equilibria[sc.name]
        ax.plot(pct, (eq.f0 / eq.model.fbar - u0)[order], label=sc.label, **_style(i, len(pct)))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("worker type (percentile of baseline E(wage | x))")
    ax.set_ylabel("change in unemployment rate")
    ax.set_title("Changes in unemployment")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
