"""Fit the calibration map of the lexical confidence (``CALIBRATION`` in
``skillshore/skills/matcher.py``; issue 16) and check it by cross-fitting.

    python scripts/fit_calibration.py

The map is fitted on the held-back halves (B, :func:`skillshore.skills.evaluation.title_half`)
of the four fresh development sets: titles whose errors nobody looked at while developing the
matcher, so their accuracy is what a new register extract should get. Each set is then left
out in turn: the map fitted on the other three's halves B predicts the mean confidence on the
left-out half B, which is compared with its lenient top-1 (the cross-fitted gap, printed
with its binomial standard error). Paste the printed values into ``CALIBRATION``.
"""

from pathlib import Path

import numpy as np
import polars as pl

from skillshore.skills import match_titles
from skillshore.skills.evaluation import read_title_set, title_hits
from skillshore.skills.fitting import _logit, fit_calibration
from skillshore.skills.matcher import CALIBRATION

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = [
    "skills_fresh_titles.csv",
    "skills_fresh2_titles.csv",
    "skills_fresh3_titles.csv",
    "skills_fresh4_titles.csv",
]


def main() -> None:
    held = {s: read_title_set(DATA / s).filter(pl.col("half") == "B") for s in SETS}
    fit = fit_calibration(pl.concat(list(held.values())))
    print(f"CALIBRATION = {fit}  (shipped: {CALIBRATION})")
    for out in SETS:
        b = fit_calibration(pl.concat([held[s] for s in SETS if s != out]))
        h = title_hits(match_titles(held[out].select("code", "title")).top, held[out])
        # the shipped map gave h["confidence"]; re-map it to the fold's map
        z = (_logit(h["confidence"].to_numpy()) - CALIBRATION["intercept"]) / CALIBRATION["slope"]
        c = 1 / (1 + np.exp(-(b["intercept"] + b["slope"] * z)))
        se = np.sqrt((c * (1 - c)).sum()) / len(c)
        acc = h["l1"].mean()
        print(
            f"{out:28s} half B n={len(c):4d}: lenient top-1 {100 * acc:5.1f}, cross-fitted mean "
            f"confidence {100 * c.mean():5.1f} (gap {100 * (c.mean() - acc):+5.1f}, "
            f"s.e. {100 * se:.1f}); fold map {b}"
        )


if __name__ == "__main__":
    main()
