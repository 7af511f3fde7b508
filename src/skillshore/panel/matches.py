"""Continuing workers vs new matches, invariant skills, education levels.

Seed: Fact 3 ("the contribution of new matches increases over time") and the
IV columns "Continuing Workers (Invariant Skills)" and "All Workers
(Invariant Skills)".

**Spells.** A spell is a run of consecutive years in which a person is
observed at the same firm. A worker-year is a **continuing** worker under

* ``reference="previous_year"`` (default): the spell started before this year,
  i.e. the person was at the same firm last year; a **new match** otherwise.
  Rows in the first year of the worker frame have an unknown (null) status,
  since the frame cannot tell whether the spell started then;
* ``reference="first_year"``: the spell already covered the reference year
  ``first_year`` (default: the frame's first year), i.e. an incumbent who has
  stayed without interruption; every match formed later is new. Rows before
  ``first_year`` are null. This is the cumulative view of Fact 3.

**Invariant skills.** A column ``<skill>_invariant`` is used as is when the
worker frame has it (the skills stage may provide skills held at their
pre-training-update value). Otherwise it is computed here as the person's skill
in the first year the person is observed with a non-null value in the frame
passed (pass the full worker frame, not the sample, so that the first year is
the true first observation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

from skillshore.errors import DataValidationError
from skillshore.panel.sample import _need

__all__ = ["INVARIANT_SUFFIX", "EDUC_LEVELS", "match_status", "invariant_skills", "education_level"]

INVARIANT_SUFFIX = "_invariant"

EDUC_LEVELS: tuple[tuple[str, float], ...] = (
    ("basic", 12.0),
    ("upper secondary / vocational", 14.0),
    ("short / medium tertiary", 16.0),
    ("long tertiary", float("inf")),
)
"""Education levels by years of schooling: a level holds ``educ_years`` below its bound."""


def match_status(
    workers: pl.DataFrame,
    reference: Literal["previous_year", "first_year"] = "previous_year",
    first_year: int | None = None,
) -> pl.DataFrame:
    """Add ``spell_start`` (Int32) and ``continuing`` (Boolean, null if unknown).

    Parameters
    ----------
    workers : polars.DataFrame
        Worker-year panel with ``person_id, year, firm_id`` (one row per person-year).
    reference : {"previous_year", "first_year"}
        Definition of a continuing worker (module docstring).
    first_year : int, optional
        Reference year for ``"first_year"`` (default: first year of the frame).
    """
    _need(workers, ("person_id", "year", "firm_id"), "workers")
    if reference not in ("previous_year", "first_year"):
        raise DataValidationError(
            f"reference must be 'previous_year' or 'first_year', got {reference!r}."
        )
    if workers.height == 0:
        return workers.with_columns(
            pl.lit(None, dtype=pl.Int32).alias("spell_start"),
            pl.lit(None, dtype=pl.Boolean).alias("continuing"),
        )
    # work on the three key columns only: sorting the whole worker frame (twice) costs
    # far more than the status itself at paper scale
    y_first = int(workers["year"].min())
    d = (
        workers.select("person_id", "year", "firm_id")
        .with_row_index("_row")
        .sort(["person_id", "year"])
    )
    dup = pl.col("person_id").eq_missing(pl.col("person_id").shift(1)) & pl.col("year").eq_missing(
        pl.col("year").shift(1)
    )
    if d.select(dup.slice(1).any()).item():  # duplicates are adjacent once sorted
        raise DataValidationError("workers: more than one row per (person_id, year).")
    same_person = pl.col("person_id") == pl.col("person_id").shift(1)
    new_spell = (
        ~same_person
        | (pl.col("firm_id") != pl.col("firm_id").shift(1))
        | (pl.col("year") != pl.col("year").shift(1) + 1)
    ).fill_null(True)
    # rows of a spell are contiguous and sorted by year: its start is the year of its first row
    first = pl.when(new_spell).then(pl.int_range(pl.len())).forward_fill()
    d = d.with_columns(pl.col("year").gather(first).cast(pl.Int32).alias("spell_start"))
    if reference == "previous_year":
        status = (
            pl.when(pl.col("year") == y_first)
            .then(pl.lit(None, dtype=pl.Boolean))
            .otherwise(pl.col("spell_start") < pl.col("year"))
        )
    else:
        r = y_first if first_year is None else int(first_year)
        if r < y_first:
            raise DataValidationError(
                f"first_year {r} precedes the worker frame's first year {y_first}."
            )
        status = (
            pl.when(pl.col("year") < r)
            .then(pl.lit(None, dtype=pl.Boolean))
            .otherwise(pl.col("spell_start") <= r)
        )
    d = d.with_columns(status.alias("continuing")).sort("_row")
    return workers.with_columns(d["spell_start"], d["continuing"])


def invariant_skills(
    workers: pl.DataFrame, skills: Sequence[str], suffix: str = INVARIANT_SUFFIX
) -> pl.DataFrame:
    """Add ``<skill><suffix>`` for each skill not already provided (module docstring)."""
    _need(workers, ("person_id", "year", *skills), "workers")
    out = workers
    for s in skills:
        name = f"{s}{suffix}"
        if name in workers.columns:
            continue
        first = (
            workers.filter(pl.col(s).is_not_null())
            .sort(["person_id", "year"])
            .group_by("person_id")
            .agg(pl.col(s).first().alias(name))
        )
        out = out.join(first, on="person_id", how="left")
    return out


def education_level(educ_years: pl.Expr | str = "educ_years") -> pl.Expr:
    """Expression mapping years of schooling to :data:`EDUC_LEVELS` (``educ_level``)."""
    e = pl.col(educ_years) if isinstance(educ_years, str) else educ_years
    expr = pl.lit(None, dtype=pl.Utf8)
    for label, bound in reversed(EDUC_LEVELS):
        expr = pl.when(e < bound).then(pl.lit(label)).otherwise(expr)
    return expr.alias("educ_level")
