"""The analysis worker panel: workers of the baseline-sample firms with every derived column.

Seed: slide "Data Sources" (baseline sample) and the stylized-facts slides
(cells = industry x occupation x education). Columns added to the worker frame:

============================  =======================================================
``industry``, ``industry4``,  employer's main industry (6 and 4 digits) and sector
``sector``                    (see :func:`skillshore.panel.sample.main_industry`)
``isco1``, ``isco2``          1- and 2-digit ISCO prefixes
``educ_level``                :data:`skillshore.panel.matches.EDUC_LEVELS`
``offshorability``,           :func:`skillshore.panel.occupations.assign_occupation_groups`
``high_skill``,
``high_offshorable``,
``occ_group``
``spell_start``,              :func:`skillshore.panel.matches.match_status`
``continuing``
``<skill>_invariant``         :func:`skillshore.panel.matches.invariant_skills`
============================  =======================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import polars as pl

from skillshore.errors import DataValidationError
from skillshore.panel.matches import education_level, invariant_skills, match_status
from skillshore.panel.occupations import assign_occupation_groups
from skillshore.panel.sample import BaselineSample, _check_years, _need

__all__ = ["SKILLS", "build_worker_panel"]

SKILLS: tuple[str, ...] = ("cognitive", "manual", "interpersonal")
"""Skill columns the skills stage adds to the worker frame."""


def build_worker_panel(
    workers: pl.DataFrame,
    sample: BaselineSample,
    offshorability: pl.DataFrame,
    *,
    skills: Sequence[str] = SKILLS,
    threshold: float | Literal["median"] = 0.0,
    reference: Literal["previous_year", "first_year"] = "previous_year",
) -> pl.DataFrame:
    """Restrict workers to the sample's firms and years and add the derived columns.

    Parameters
    ----------
    workers : polars.DataFrame
        The ``workers`` table plus the skill columns in ``skills`` (Float64).
        Pass every year available: match status and invariant skills look at
        years before the study period when the frame has them.
    sample : BaselineSample
        From :func:`skillshore.panel.sample.baseline_sample`.
    offshorability : polars.DataFrame
        Occupational offshorability index table.
    skills : sequence of str
        Skill columns (each must exist); may be empty.
    threshold : float or "median"
        High-offshorable threshold (see :func:`assign_occupation_groups`).
    reference : {"previous_year", "first_year"}
        Continuing-worker definition; for ``"first_year"`` the reference year is
        the sample's first study year.

    Returns
    -------
    polars.DataFrame
        One row per person-year in a sample firm within the study years.
    """
    skills = tuple(skills)
    _need(workers, ("person_id", "year", "firm_id", "isco", "educ_years", *skills), "workers")
    for s in skills:
        if not workers.schema[s].is_numeric():
            raise DataValidationError(f"workers: skill column '{s}' must be numeric.")
    y0, y1 = _check_years(sample.years)
    w = match_status(
        workers, reference=reference, first_year=y0 if reference == "first_year" else None
    )
    if skills:
        w = invariant_skills(w, skills)
    w = w.filter(pl.col("year").is_between(y0, y1)).join(sample.firms, on="firm_id", how="inner")
    w = assign_occupation_groups(w, offshorability, threshold=threshold)
    w = w.with_columns(
        pl.col("isco").str.slice(0, 1).alias("isco1"),
        pl.col("isco").str.slice(0, 2).alias("isco2"),
        education_level("educ_years"),
    )
    return _sort_rows(w, ("year", "firm_id", "person_id"))


def _sort_rows(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """``frame.sort(keys)``, through ``numpy.lexsort`` when the keys are integer columns
    without nulls: several times faster than polars' multi-column sort on a wide
    frame at paper scale, and the same order (the keys identify a row: no ties)."""
    cols = [frame[k] for k in keys]
    if frame.height and all(c.dtype.is_integer() and c.null_count() == 0 for c in cols):
        order = np.lexsort([c.to_numpy() for c in reversed(cols)])
        return frame[order]
    return frame.sort(list(keys))
