"""Firm x year x occupation-group means of worker variables, by match status.

Shared by Fact 3 (:mod:`skillshore.facts.dynamics`) and the firm-year IV dataset
(:func:`skillshore.offshoring.measures.build_firm_panel`). Occupation group
``"all"`` holds every worker of the firm, including those whose occupation has
no offshorability index (military work); the other groups are
:data:`skillshore.panel.occupations.OCCUPATION_GROUPS`. Means ignore null
values; a firm-year-group row exists when the firm employs at least one worker
of the group that year.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from skillshore.panel.sample import _need

__all__ = ["STATUS_SUFFIX", "firm_group_means"]

STATUS_SUFFIX: dict[str, str] = {"all": "", "continuing": "_cont", "new": "_new"}
"""Worker subset -> suffix of its mean and count columns."""


def firm_group_means(
    panel: pl.DataFrame,
    values: Sequence[str],
    *,
    statuses: Sequence[str] = ("all", "continuing", "new"),
    include_all: bool = True,
) -> pl.DataFrame:
    """Means of ``values`` per firm, year and occupation group, for each worker subset.

    Parameters
    ----------
    panel : polars.DataFrame
        Worker panel from :func:`skillshore.panel.build_worker_panel` (needs
        ``firm_id, year, occ_group`` and ``continuing`` unless only ``"all"``).
    values : sequence of str
        Numeric columns to average.
    statuses : sequence of {"all", "continuing", "new"}
        Worker subsets (continuing / new use the ``continuing`` column; workers
        with unknown status are in neither).
    include_all : bool
        Add the occupation group ``"all"``.

    Returns
    -------
    polars.DataFrame
        ``firm_id, year, occ_group``, then for each subset with suffix ``sfx``
        (:data:`STATUS_SUFFIX`) the count ``n_workers{sfx}`` and ``{value}{sfx}``.
    """
    needs_status = any(s != "all" for s in statuses)
    _need(
        panel,
        ("firm_id", "year", "occ_group", *values, *(("continuing",) if needs_status else ())),
        "panel",
    )
    keep = ["firm_id", "year", "occ_group", *values, *(["continuing"] if needs_status else [])]
    d = panel.select(keep).filter(pl.col("occ_group").is_not_null())
    if include_all:
        d = pl.concat([panel.select(keep).with_columns(pl.lit("all").alias("occ_group")), d])
    conds = {
        "all": pl.col("firm_id").is_not_null(),
        "continuing": pl.col("continuing").fill_null(False),
        "new": (~pl.col("continuing")).fill_null(False),
    }
    aggs = []
    for s in statuses:
        sfx = STATUS_SUFFIX[s]
        aggs.append(conds[s].sum().cast(pl.Int64).alias(f"n_workers{sfx}"))
        aggs.extend(pl.col(v).filter(conds[s]).mean().alias(f"{v}{sfx}") for v in values)
    return (
        d.group_by(["firm_id", "year", "occ_group"])
        .agg(aggs)
        .sort(["firm_id", "year", "occ_group"])
    )
