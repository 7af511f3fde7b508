"""Occupation groups by offshorability and skill level.

Seed: appendix slide "Occupational Offshorability" (index by 1-digit ISCO) and
the IV tables' columns "Low (H-Skill)", "Low (M/L-Skill)" and "High".

* **high-skill** occupations are ISCO-08 major groups 1-3 (managers,
  professionals, technicians); major groups 4-9 are **middle/low-skill**;
* an occupation is **high-offshorable** when its offshorability index is
  strictly above ``threshold`` (default 0: with the seed's table, major groups
  4, 7 and 8, the three with a positive index);
* the groups are ``"high"`` (high-offshorable), ``"low_high_skill"``
  (not high-offshorable, major group 1-3) and ``"low_mid_low_skill"``
  (not high-offshorable, major group 4-9). Occupations without an index
  (military work, major group 0, or no matching prefix) get a null group.

The index table maps ISCO prefixes of 1-4 digits to a value; each 4-digit code
takes the value of its **longest** matching prefix.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from skillshore.errors import DataValidationError

__all__ = [
    "OCCUPATION_GROUPS",
    "GROUP_LABELS",
    "offshorability_index",
    "assign_occupation_groups",
]

OCCUPATION_GROUPS: tuple[str, ...] = ("high", "low_high_skill", "low_mid_low_skill")
"""Group codes, in the order of the seed's IV table (then ``"all"`` in the firm panel)."""

GROUP_LABELS: dict[str, str] = {
    "all": "All",
    "high": "High offshorable",
    "low_high_skill": "Low offshorable (H-skill)",
    "low_mid_low_skill": "Low offshorable (M/L-skill)",
}

_HIGH_SKILL_MAJOR = ("1", "2", "3")


def _check_table(offshorability: pl.DataFrame) -> None:
    missing = {"isco", "offshorability"} - set(offshorability.columns)
    if missing:
        raise DataValidationError(
            f"offshorability table: missing column(s) {sorted(missing)} (see docs/data.md)."
        )
    dup = offshorability.group_by("isco").len().filter(pl.col("len") > 1)
    if dup.height:
        raise DataValidationError(
            f"offshorability table: duplicated ISCO prefix(es) {dup['isco'].to_list()[:5]}."
        )


def offshorability_index(isco: pl.Series, offshorability: pl.DataFrame) -> pl.Series:
    """Offshorability of each ISCO code by longest-prefix match.

    Parameters
    ----------
    isco : polars.Series of str
        ISCO-08 codes (4 digits).
    offshorability : polars.DataFrame
        Columns ``isco`` (prefix of 1-4 digits) and ``offshorability`` (Float64,
        nullable), as :data:`skillshore.tables.schemas.OFFSHORABILITY`.

    Returns
    -------
    polars.Series
        Float64, null where no prefix matches or the matched index is null.
    """
    _check_table(offshorability)
    table = offshorability.select(
        pl.col("isco").cast(pl.Utf8), pl.col("offshorability").cast(pl.Float64)
    )
    frame = pl.DataFrame({"isco": isco.cast(pl.Utf8)}).with_row_index("_row")
    expr = pl.lit(None, dtype=pl.Float64)
    for length in (1, 2, 3, 4):
        t = table.filter(pl.col("isco").str.len_chars() == length)
        t = t.select(
            pl.col("isco").alias("_p"),
            pl.col("offshorability").alias(f"_v{length}"),
            pl.lit(True).alias(f"_m{length}"),
        )
        frame = (
            frame.with_columns(pl.col("isco").str.slice(0, length).alias("_p"))
            .join(t, on="_p", how="left")
            .drop("_p")
        )
        # the longest prefix is tested first; a matched prefix with a null value
        # (military work) does not fall through to a shorter one
        expr = (
            pl.when(pl.col(f"_m{length}").fill_null(False))
            .then(pl.col(f"_v{length}"))
            .otherwise(expr)
        )
    return frame.sort("_row").select(expr.alias("offshorability")).to_series()


def assign_occupation_groups(
    workers: pl.DataFrame,
    offshorability: pl.DataFrame,
    threshold: float | Literal["median"] = 0.0,
) -> pl.DataFrame:
    """Add ``offshorability``, ``high_skill``, ``high_offshorable`` and ``occ_group``.

    Parameters
    ----------
    workers : polars.DataFrame
        Must have an ``isco`` column (4-digit ISCO-08 codes).
    offshorability : polars.DataFrame
        The index table (``isco`` prefix, ``offshorability``).
    threshold : float or "median"
        High-offshorable means index ``> threshold``. ``"median"`` uses the median
        of the table's non-null entries (with the seed's table: -0.693, which
        would also make major group 2 high-offshorable; the default 0 matches the
        seed's reading that groups 4, 7 and 8 are the offshorable ones).

    Returns
    -------
    polars.DataFrame
        ``workers`` with the four columns added (``occ_group`` one of
        :data:`OCCUPATION_GROUPS` or null).
    """
    if "isco" not in workers.columns:
        raise DataValidationError("workers: column 'isco' is required to assign occupation groups.")
    if isinstance(threshold, str):
        if threshold != "median":
            raise DataValidationError(f"threshold must be a number or 'median', got {threshold!r}.")
        vals = offshorability["offshorability"].drop_nulls()
        if vals.len() == 0:
            raise DataValidationError("offshorability table has no non-null index values.")
        threshold = float(vals.median())
    idx = offshorability_index(workers["isco"], offshorability)
    major = pl.col("isco").str.slice(0, 1)
    return (
        workers.with_columns(idx)
        .with_columns(
            major.is_in(_HIGH_SKILL_MAJOR).alias("high_skill"),
            (pl.col("offshorability") > threshold).alias("high_offshorable"),
        )
        .with_columns(
            pl.when(pl.col("offshorability").is_null())
            .then(pl.lit(None, dtype=pl.Utf8))
            .when(pl.col("high_offshorable"))
            .then(pl.lit("high"))
            .when(pl.col("high_skill"))
            .then(pl.lit("low_high_skill"))
            .otherwise(pl.lit("low_mid_low_skill"))
            .alias("occ_group")
        )
    )
