"""Fit the calibration maps of the matcher's confidence (``CALIBRATION`` and, where the
semantic extra is installed, ``SEMANTIC_CALIBRATION`` in ``skillshore/skills/matcher.py``;
issue 16) and check them by cross-fitting.

    python scripts/fit_calibration.py [--no-semantic]

The maps are fitted on the held-back halves (B, :func:`skillshore.skills.evaluation.title_half`)
of the four fresh development sets: titles whose errors nobody looked at while developing the
matcher, so their accuracy is what a new register extract should get. Each set is then left
out in turn: the map fitted on the other three's halves B predicts the mean confidence on the
left-out half B, which is compared with its lenient top-1 (the cross-fitted gap, printed
with its binomial standard error sqrt(sum c (1 - c)) / n). Paste the printed values into
``matcher.py``.
"""

import sys
from pathlib import Path

import numpy as np
import polars as pl

from skillshore.skills import semantic_available
from skillshore.skills.evaluation import read_title_set
from skillshore.skills.fitting import calibration_data, platt
from skillshore.skills.matcher import CALIBRATION, SEMANTIC_CALIBRATION

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = [
    "skills_fresh_titles.csv",
    "skills_fresh2_titles.csv",
    "skills_fresh3_titles.csv",
    "skills_fresh4_titles.csv",
]


def main() -> None:
    held = {s: read_title_set(DATA / s).filter(pl.col("half") == "B") for s in SETS}
    modes = [False] + ([True] if semantic_available() and "--no-semantic" not in sys.argv else [])
    for semantic in modes:
        name = "SEMANTIC_CALIBRATION" if semantic else "CALIBRATION"
        shipped = SEMANTIC_CALIBRATION if semantic else CALIBRATION
        zy = {s: calibration_data(held[s], semantic=semantic) for s in SETS}
        z = np.concatenate([zy[s][0] for s in SETS])
        y = np.concatenate([zy[s][1] for s in SETS])
        print(f"{name} = {platt(z, y)}  (shipped: {shipped})")
        for out in SETS:
            others = [s for s in SETS if s != out]
            b = platt(
                np.concatenate([zy[s][0] for s in others]),
                np.concatenate([zy[s][1] for s in others]),
            )
            zo, yo = zy[out]
            c = 1 / (1 + np.exp(-(b["intercept"] + b["slope"] * zo)))
            se = np.sqrt((c * (1 - c)).sum()) / len(c)
            print(
                f"  {out:28s} half B n={len(c):4d}: lenient top-1 {100 * yo.mean():5.1f}, "
                f"cross-fitted mean confidence {100 * c.mean():5.1f} "
                f"(gap {100 * (c.mean() - yo.mean()):+5.1f}, s.e. {100 * se:.1f}); fold map {b}"
            )


if __name__ == "__main__":
    main()
