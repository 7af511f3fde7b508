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


def illustration_figures(path: Sequence[Equilibrium]) -> dict[str, plt.Figure]:
    """Offshoring probability and matched quality by firm type, and E(wage), along c_F.

    Parameters
    ----------
    path : sequence of Equilibrium
        Solutions along a path of offshoring costs (:func:`skillshore.matching.solve_path`),
        scalar firm types.

    Returns
    -------
    dict of Figure
        ``offshoring_prob_by_firm``, ``matched_quality_by_firm``, ``wage_along_cF``.
    """
    figs: dict[str, plt.Figure] = {}
    y = path[0].model.y[:, 0]
    fig, ax = plt.subplots(figsize=(6, 4))
    for e, lab, ls in zip(path, _labels(path), _STYLES * 4, strict=False):
        ax.plot(y, 100 * e.offshoring_prob_by_firm(), ls=ls, color="k", label=lab)
    ax.set_xlabel("firm type y (quantile)")
    ax.set_ylabel("probability of offshoring (%)")
    ax.set_title("Probability of offshoring by firm type")
    ax.legend(frameon=False, fontsize=8)
    figs["offshoring_prob_by_firm"] = fig

    fig, ax = plt.subplots(figsize=(6, 4))
    for e, lab, ls in zip(path, _labels(path), _STYLES * 4, strict=False):
        ax.plot(y, e.mean_matched_quality_by_firm(), ls=ls, color="k", label=lab)
    ax.set_xlabel("firm type y (quantile)")
    ax.set_ylabel("E(x | y): average skill of domestic hires (quantile)")
    ax.set_title("Average quality of matched domestic workers")
    ax.legend(frameon=False, fontsize=8)
    figs["matched_quality_by_firm"] = fig

    fig, ax = plt.subplots(figsize=(6, 4))
    cf = np.array([e.model.c_F for e in path])
    ax.plot(cf, [e.mean_wage for e in path], "k-o", ms=3)
    ax.set_xlabel("offshoring cost $c_F = C - C^*$ (model units)")
    ax.set_ylabel("E(wage) of domestic matches (DKK/hour)")
    ax.set_title("Average wage and the cost of offshoring")
    ax.invert_xaxis()
    figs["wage_along_c_f"] = fig
    return figs
