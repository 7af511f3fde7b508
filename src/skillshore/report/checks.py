"""Warnings the report prints beside a number: a degenerate or implausibly wide interval,
an interval that misses the planted truth (synthetic economy)."""

from __future__ import annotations

import math

__all__ = ["interval_warnings"]

WIDE_RATIO = 5.0
"""An interval is flagged as implausibly wide when it is wider than ``WIDE_RATIO`` times the
estimate's absolute value (and the estimate is not near zero), e.g. (93.94, 2372.26)
around 150 (the seed paper's widest, lambda 1996 (80.49, 170.42) around 108.78, is 0.8 times)."""


def interval_warnings(
    name: str,
    estimate: float,
    low: float | None,
    high: float | None,
    truth: float | None = None,
) -> list[str]:
    """Plain-language warnings for one estimate and its interval.

    Returns an empty list when nothing is wrong. Flags: no interval; a degenerate interval
    (zero width, or not containing its own estimate); an interval wider than
    :data:`WIDE_RATIO` times ``|estimate|``; an interval that misses ``truth``.
    """
    out: list[str] = []
    vals = [v for v in (estimate, low, high) if v is not None]
    if any(not math.isfinite(v) for v in vals) or low is None or high is None:
        return [f"{name}: no interval (point estimate only)."]
    if high - low <= 1e-12 * max(1.0, abs(estimate)):
        out.append(f"{name}: the interval ({low:.4g}, {high:.4g}) is degenerate (zero width).")
    elif not low <= estimate <= high:
        out.append(
            f"{name}: the interval ({low:.4g}, {high:.4g}) does not contain its own estimate "
            f"{estimate:.4g} (a skewed bootstrap distribution)."
        )
    if abs(estimate) > 1e-9 and (high - low) > WIDE_RATIO * abs(estimate):
        out.append(
            f"{name}: the interval ({low:.4g}, {high:.4g}) is more than {WIDE_RATIO:.0f} times "
            f"wider than the estimate {estimate:.4g}: weakly identified in this sample."
        )
    if truth is not None and math.isfinite(truth) and not low <= truth <= high:
        out.append(
            f"{name}: the interval ({low:.4g}, {high:.4g}) misses the planted truth {truth:.4g}."
        )
    return out
