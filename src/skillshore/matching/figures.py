"""Figures of the model: the seed's "Illustration of Equilibrium" slides.

Each function takes solved equilibria and returns a matplotlib Figure (labelled
axes with units; line styles distinguish series so the figures read in greyscale).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np

from skillshore.matching.equilibrium import Equilibrium

__all__ = ["illustration_figures"]

_STYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))]


def _labels(path: Sequence[Equilibrium]) -> list[str]:
    return [f"$c_F$ = {e.model.c_F:.0f}" for e in path]


# Geometry and fonts follow skillshore.report.style (shown at its size in CSS inches, a font
# of p points renders at p * 96 / 72 px): 6.5 in wide, 10 pt labels, 9 pt ticks and legend.
_SIZE, _LABEL_PT, _SMALL_PT = (6.5, 3.8), 10, 9


def _axes():
    fig, ax = plt.subplots(figsize=_SIZE)
    ax.tick_params(labelsize=_SMALL_PT)
    ax.grid(True, color="0.9", linewidth=0.6)
    return fig, ax


def _legend_right(fig, ax) -> None:
    """Legend outside the data, right of the axes."""
    ax.legend(
        frameon=False, fontsize=_SMALL_PT, loc="upper left", bbox_to_anchor=(1.01, 1.0),
        title="offshoring cost", title_fontsize=_SMALL_PT,
    )  # fmt: skip
    fig.tight_layout()


def illustration_figures(path: Sequence[Equilibrium]) -> dict[str, plt.Figure]:
    """Offshoring probability and matched quality by firm type, and E(wage), along c_F.

    The matched quality is shown as the change from the first equilibrium of the path (the
    estimated c_F): its levels overlap to the eye. The wage is shown as % change from its
    value at the first c_F: it moves by about 1%, and a level axis would magnify that.

    Parameters
    ----------
    path : sequence of Equilibrium
        Solutions along a path of offshoring costs (:func:`skillshore.matching.solve_path`),
        scalar firm types, starting at the estimated c_F.

    Returns
    -------
    dict of Figure
        ``offshoring_prob_by_firm``, ``matched_quality_by_firm``, ``wage_along_c_f``.
    """
    figs: dict[str, plt.Figure] = {}
    y = path[0].model.y[:, 0]
    fig, ax = _axes()
    for e, lab, ls in zip(path, _labels(path), _STYLES * 4, strict=False):
        ax.plot(y, 100 * e.offshoring_prob_by_firm(), ls=ls, color="k", label=lab)
    ax.set_xlabel("firm type y (quantile)", fontsize=_LABEL_PT)
    ax.set_ylabel("probability of offshoring (%)", fontsize=_LABEL_PT)
    ax.set_title("Probability of offshoring by firm type", fontsize=_LABEL_PT + 1)
    _legend_right(fig, ax)
    figs["offshoring_prob_by_firm"] = fig

    fig, ax = _axes()
    q0 = path[0].mean_matched_quality_by_firm()
    for e, lab, ls in zip(path[1:], _labels(path)[1:], _STYLES[1:] * 4, strict=False):
        ax.plot(y, e.mean_matched_quality_by_firm() - q0, ls=ls, color="k", label=lab)
    ax.axhline(0, color="0.5", lw=0.8, label=f"{_labels(path)[0]} (reference)")
    ax.set_xlabel("firm type y (quantile)", fontsize=_LABEL_PT)
    ax.set_ylabel(f"change in E(x | y) from {_labels(path)[0]}", fontsize=_LABEL_PT)
    ax.set_title("Average quality of matched domestic workers", fontsize=_LABEL_PT + 1)
    _legend_right(fig, ax)
    figs["matched_quality_by_firm"] = fig

    fig, ax = _axes()
    cf = np.array([e.model.c_F for e in path])
    w = np.array([e.mean_wage for e in path])
    ax.plot(cf, 100 * (w / w[0] - 1), "k-o", ms=3)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("offshoring cost $c_F = C - C^*$ (model units)", fontsize=_LABEL_PT)
    ax.set_ylabel(f"E(wage): % change from c_F = {cf[0]:.0f}", fontsize=_LABEL_PT)
    ax.set_title(
        f"Average wage and the cost of offshoring (level at c_F = {cf[0]:.0f}: "
        f"{w[0]:.2f} DKK/hour)", fontsize=_LABEL_PT + 1,
    )  # fmt: skip
    ax.invert_xaxis()
    fig.tight_layout()
    figs["wage_along_c_f"] = fig
    return figs
