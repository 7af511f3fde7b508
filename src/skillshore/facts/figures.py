"""Figures of the stylized facts: each takes a fact's result and returns a matplotlib Figure.

Lines differ by line style and marker as well as grey level, so the figures
read in greyscale print. The figures never recompute a number: they plot the
result's ``data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import cycle

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.figure import Figure

from skillshore.errors import DataValidationError
from skillshore.facts.dynamics import SkillDynamics
from skillshore.facts.variance import BetweenFirmShare, VarianceDecomposition
from skillshore.panel.occupations import GROUP_LABELS

__all__ = [
    "plot_variance_decomposition",
    "plot_between_firm_share",
    "plot_skill_dynamics",
    "plot_new_match_contribution",
]

_STYLES = (
    {"color": "0.0", "linestyle": "-", "marker": "o"},
    {"color": "0.35", "linestyle": "--", "marker": "s"},
    {"color": "0.55", "linestyle": ":", "marker": "^"},
    {"color": "0.2", "linestyle": "-.", "marker": "D"},
)


# Geometry and fonts follow skillshore.report.style (the report shows a figure at its size in
# CSS inches, so a font of p points renders at p * 96 / 72 px): 6.5 in wide, panels stacked
# one per row (each as wide as the page), 10 pt labels, 9 pt ticks and legend (12 px).
_WIDTH, _PANEL_H, _LABEL_PT, _SMALL_PT = 6.5, 2.4, 10, 9


def _panels(n: int) -> tuple[Figure, list]:
    fig, axes = plt.subplots(n, 1, figsize=(_WIDTH, _PANEL_H * n + 0.6), squeeze=False, sharex=True)
    return fig, list(axes[:, 0])


def _skills(data, skills: Sequence[str] | None) -> list[str]:
    have = data["skill"].unique(maintain_order=True).to_list()
    if skills is None:
        return have
    bad = [s for s in skills if s not in have]
    if bad:
        raise DataValidationError(f"skill(s) {bad} not in the result; available: {have}.")
    return list(skills)


def _finish(fig: Figure, axes: list, title: str) -> Figure:
    """One legend under the panels (outside the data), fonts per the comment above."""
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes:
        ax.grid(True, color="0.9", linewidth=0.6)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=_SMALL_PT)
        ax.xaxis.label.set_fontsize(_LABEL_PT)
        ax.yaxis.label.set_fontsize(_LABEL_PT)
        ax.title.set_fontsize(_LABEL_PT)
    fig.suptitle(title, fontsize=_LABEL_PT + 1)
    fig.tight_layout()
    fig.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
        ncol=min(3, len(labels)), frameon=False, fontsize=_SMALL_PT,
    )  # fmt: skip
    return fig


def plot_variance_decomposition(
    result: VarianceDecomposition, skills: Sequence[str] | None = None, group: str = "all"
) -> Figure:
    """Fact 1: within- and between-cell variance by year (one panel per skill)."""
    skills = _skills(result.data, skills)
    fig, axes = _panels(len(skills))
    for ax, s in zip(axes, skills, strict=True):
        d = result.data.filter((pl.col("skill") == s) & (pl.col("group") == group)).sort("year")
        years = d["year"].to_list()
        for (col, lab), st in zip(
            (("within", "Within-cell"), ("between", "Between-cell")), _STYLES, strict=False
        ):
            ax.plot(years, d[col].to_list(), label=lab, **st)
        ax.set_title(s.capitalize())
        ax.set_xlabel("Year")
        ax.set_ylabel("Variance (skill units²)")
    return _finish(
        fig,
        axes,
        f"Fact 1: skill variance within and between cells ({GROUP_LABELS.get(group, group)})",
    )


def plot_between_firm_share(
    result: BetweenFirmShare,
    skills: Sequence[str] | None = None,
    correction: str = "kss",
    show_plugin: bool = True,
) -> Figure:
    """Fact 2: between-firm share of within-cell variance (%) by year, one line per occupation group.

    ``correction`` picks ``"kss"``, ``"homoskedastic"`` or ``"plugin"``; with
    ``show_plugin`` the uncorrected share of all workers is drawn thin for comparison.
    """
    col = {
        "kss": "share_kss",
        "homoskedastic": "share_homoskedastic",
        "plugin": "share_plugin",
    }.get(correction)
    if col is None:
        raise DataValidationError(
            f"correction must be 'kss', 'homoskedastic' or 'plugin', got {correction!r}."
        )
    skills = _skills(result.data, skills)
    groups = result.data["group"].unique(maintain_order=True).sort().to_list()
    groups = ["all"] + [g for g in groups if g != "all"]
    fig, axes = _panels(len(skills))
    for ax, s in zip(axes, skills, strict=True):
        styles = cycle(_STYLES)
        for g in groups:
            d = result.data.filter((pl.col("skill") == s) & (pl.col("group") == g)).sort("year")
            if d.height == 0:
                continue
            ax.plot(
                d["year"].to_list(),
                [100 * v for v in d[col].to_list()],
                label=GROUP_LABELS.get(g, g),
                **next(styles),
            )
        if show_plugin and correction != "plugin":
            d = result.data.filter((pl.col("skill") == s) & (pl.col("group") == "all")).sort("year")
            ax.plot(
                d["year"].to_list(),
                [100 * v for v in d["share_plugin"].to_list()],
                color="0.6",
                linewidth=0.8,
                linestyle="-",
                label="All, plug-in (uncorrected)",
            )
        ax.set_title(s.capitalize())
        ax.set_xlabel("Year")
        ax.set_ylabel("Between-firm share (%)")
    how = {
        "kss": "leave-one-out (KSS) corrected",
        "homoskedastic": "homoskedastic correction",
        "plugin": "plug-in",
    }
    return _finish(
        fig, axes, f"Fact 2: between-firm share of within-cell variance, {how[correction]}"
    )


def plot_skill_dynamics(result: SkillDynamics, skills: Sequence[str] | None = None) -> Figure:
    """Fact 3: within-firm average skill of all, continuing and new workers by year."""
    skills = _skills(result.data, skills)
    fig, axes = _panels(len(skills))
    series = (
        ("mean_all", "All workers"),
        ("mean_continuing", "Continuing workers"),
        ("mean_new", "New matches"),
    )
    for ax, s in zip(axes, skills, strict=True):
        d = result.data.filter(pl.col("skill") == s).sort("year")
        for (col, lab), st in zip(series, _STYLES, strict=False):
            ax.plot(d["year"].to_list(), d[col].to_list(), label=lab, **st)
        ax.set_title(s.capitalize())
        ax.set_xlabel("Year")
        ax.set_ylabel("Average skill (index)")
    return _finish(fig, axes, f"Fact 3: {GROUP_LABELS.get(result.group, result.group)} occupations")


def plot_new_match_contribution(
    result: SkillDynamics, skills: Sequence[str] | None = None
) -> Figure:
    """Fact 3: contribution of new matches (``m_jt - m^C_jt``) by year, one line per skill,
    with the new-match share on a second axis."""
    skills = _skills(result.data, skills)
    fig, axes = _panels(1)
    ax = axes[0]
    for s, st in zip(skills, cycle(_STYLES), strict=False):
        d = result.data.filter(pl.col("skill") == s).sort("year")
        ax.plot(d["year"].to_list(), d["contribution_new"].to_list(), label=s.capitalize(), **st)
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel("Year")
    ax.set_ylabel("Contribution of new matches (index units)")
    d0 = result.data.filter(pl.col("skill") == skills[0]).sort("year")
    ax2 = ax.twinx()
    ax2.bar(d0["year"].to_list(), d0["share_new"].to_list(), color="0.85", alpha=0.5, zorder=0)
    ax2.set_ylabel("New-match share (bars)")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    group = GROUP_LABELS.get(result.group, result.group)
    return _finish(fig, axes, f"Fact 3: contribution of new matches, {group} occupations")
