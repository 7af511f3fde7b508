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


# Geometry and fonts follow skillshore.report.style (shown at its size in CSS inches, a font
# of p points renders at p * 96 / 72 px): 6.5 in wide, panels stacked one per row, 10 pt
# labels, 9 pt ticks and legend (12 px); one legend under the panels, outside the data.
_WIDTH, _PANEL_H, _LABEL_PT, _SMALL_PT = 6.5, 3.2, 10, 9


def _figure(ax_count: int = 1):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        ax_count, 1, figsize=(_WIDTH, _PANEL_H * ax_count + 0.4), squeeze=False, sharex=True
    )
    for ax in axes[:, 0]:
        ax.tick_params(labelsize=_SMALL_PT)
        ax.grid(True, color="0.9", linewidth=0.6)
    return fig, axes[:, 0]


def _finish(fig, axes, title: str):
    """Fonts, zero line, one legend below the panels (outside the data)."""
    for ax in axes:
        ax.axhline(0, color="grey", lw=0.8)
        ax.xaxis.label.set_fontsize(_LABEL_PT)
        ax.yaxis.label.set_fontsize(_LABEL_PT)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=_LABEL_PT + 1)
    fig.tight_layout()
    fig.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
        ncol=min(3, max(1, len(labels))), frameon=False, fontsize=_SMALL_PT,
    )  # fmt: skip
    return fig


def _distinct(series: list[tuple[str, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
    """Merge series that coincide (relative tolerance 1e-9 of their scale) into one line whose
    label names all of them ("nu_x* up = nu_y* up"): identical lines would hide each other."""
    out: list[tuple[str, np.ndarray]] = []
    for lab, d in series:
        for k, (lab0, d0) in enumerate(out):
            scale = max(float(np.max(np.abs(d0))), 1e-300)
            if d0.shape == d.shape and np.allclose(d, d0, rtol=0, atol=1e-9 * scale):
                out[k] = (f"{lab0} = {lab}", d0)
                break
        else:
            out.append((lab, d))
    return out


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
    order, pct = _rank(base.wage_by_firm(), base.matches_by_firm())
    fig, (ax,) = _figure()
    series = [
        (sc.label, (cf.equilibria[sc.name].wage_by_firm() - base.wage_by_firm())[order])
        for sc in _scenarios(cf, scenarios)
    ]
    for i, (lab, d) in enumerate(_distinct(series)):
        ax.plot(pct, d, label=lab, **_style(i, len(pct)))
    ax.set_xlabel("firm type (percentile of baseline E(wage | y))")
    ax.set_ylabel("change in E(wage | y) from baseline")
    return _finish(fig, [ax], "Changes in between-firm wage inequality")


def plot_firm_matching(cf: CounterfactualTable, scenarios: list[str] | None = None, k: int = 0):
    """Change in offshoring probability and in the mean skill of domestic hires, by firm."""
    base = cf.equilibria["baseline"]
    order, pct = _rank(base.wage_by_firm(), base.matches_by_firm())
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
    a2.set_ylabel(f"change in E(x{k + 1} | y),\ndomestic hires")
    a2.set_xlabel("firm type (percentile of baseline E(wage | y))")
    return _finish(fig, [a1, a2], "Changes in firms' matching")


def plot_unemployment(cf: CounterfactualTable, scenarios: list[str] | None = None):
    """Change in the unemployment rate f0(x) / fbar(x), by worker percentile."""
    base = cf.equilibria["baseline"]
    m = base.model
    order, pct = _rank(base.wage_by_worker(), m.fbar)
    u0 = base.f0 / m.fbar
    fig, (ax,) = _figure()
    series = []
    for sc in _scenarios(cf, scenarios):
        eq = cf.equilibria[sc.name]
        series.append((sc.label, (eq.f0 / eq.model.fbar - u0)[order]))
    for i, (lab, d) in enumerate(_distinct(series)):
        ax.plot(pct, d, label=lab, **_style(i, len(pct)))
    ax.set_xlabel("worker type (percentile of baseline E(wage | x))")
    ax.set_ylabel("change in unemployment rate")
    return _finish(fig, [ax], "Changes in unemployment")
