"""Code harmonisation with concordances, every step reported (docs/registers.md).

A concordance is a frame ``source, target, weight`` (optionally keyed by extra ``by``
columns such as the HS revision or the year). :func:`recode` replaces a code column by
its target and reports rows in, rows mapped, rows unmapped (with the most frequent
unmapped codes) and rows whose source has several targets:

* ``rule="split"`` duplicates such a row once per target and multiplies the value
  columns by the weights (which sum to one per source), so totals are conserved;
* ``rule="largest"`` keeps the target with the largest weight (ties: the lower
  ``priority``, then the smaller code), for tables where a row cannot be split (a
  worker has one occupation, a firm one industry).

Unmapped rows are never dropped silently: ``on_unmapped="error"`` raises
:class:`~skillshore.errors.DataValidationError` naming the codes, ``"drop"`` drops them
and counts them in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd
import polars as pl

from skillshore._results import TableMixin
from skillshore.errors import DataValidationError

__all__ = ["HarmonisationReport", "StepReport", "recode", "relabel", "normalise_weights"]

_TOP = 10


@dataclass(frozen=True)
class StepReport:
    """What one harmonisation step did.

    Attributes
    ----------
    step : str
        Table, column and classifications, e.g. ``"customs.hs6: HS2002 -> HS1992"``.
    rule : str
        The rule used for sources with several targets.
    rows_in, rows_mapped, rows_unmapped, rows_split : int
        Rows before the step, rows with a target, rows without one (dropped or rejected),
        rows whose source has more than one target (split, or assigned by the rule).
    top_unmapped : tuple of (code, rows)
        The most frequent unmapped codes.
    splits : tuple of (source, ((target, weight), ...))
        The most frequent multi-target sources and the weights used.
    """

    step: str
    rule: str
    rows_in: int
    rows_mapped: int
    rows_unmapped: int
    rows_split: int
    top_unmapped: tuple[tuple[str, int], ...] = ()
    splits: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()


@dataclass(frozen=True)
class HarmonisationReport(TableMixin):
    """All harmonisation steps of one build, in order."""

    steps: tuple[StepReport, ...]
    title: str = "Harmonisation of register codes"

    def to_frame(self) -> pd.DataFrame:
        recs = [
            {
                "step": s.step,
                "rule": s.rule,
                "rows in": s.rows_in,
                "mapped": s.rows_mapped,
                "unmapped": s.rows_unmapped,
                "multi-target": s.rows_split,
                "top unmapped": ", ".join(f"{c} ({n})" for c, n in s.top_unmapped),
                "splits": "; ".join(
                    f"{src} -> " + ", ".join(f"{t} {w:.3g}" for t, w in tw) for src, tw in s.splits
                ),
            }
            for s in self.steps
        ]
        return pd.DataFrame(recs).set_index("step")

    def to_json(self) -> list[dict]:
        return [
            {
                "step": s.step,
                "rule": s.rule,
                "rows_in": s.rows_in,
                "rows_mapped": s.rows_mapped,
                "rows_unmapped": s.rows_unmapped,
                "rows_multi_target": s.rows_split,
                "top_unmapped": [list(x) for x in s.top_unmapped],
                "splits": [[src, [list(t) for t in tw]] for src, tw in s.splits],
            }
            for s in self.steps
        ]


def normalise_weights(conc: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Add ``weight`` (equal shares when absent) normalised to sum to one per source."""
    keys = [*by, "source"]
    if "weight" not in conc.columns:
        conc = conc.with_columns(weight=pl.lit(1.0))
    conc = conc.with_columns(pl.col("weight").cast(pl.Float64))
    return conc.with_columns(pl.col("weight") / pl.col("weight").sum().over(keys))


def _unmapped_error(step: str, top: tuple[tuple[str, int], ...], n: int) -> DataValidationError:
    codes = ", ".join(f"{c!r} ({k} rows)" for c, k in top)
    return DataValidationError(
        f"{step}: {n} row(s) have a code without a target in the concordance; most frequent: "
        f'{codes}. Supply a key for them or set unmapped = "drop" for this register '
        "(docs/registers.md)."
    )


def recode(
    df: pl.DataFrame,
    column: str,
    concordance: pl.DataFrame,
    *,
    step: str,
    rule: Literal["split", "largest"] = "largest",
    by: Sequence[str] = (),
    values: Sequence[str] = (),
    on_unmapped: Literal["error", "drop"] = "error",
) -> tuple[pl.DataFrame, StepReport]:
    """Replace ``column`` by its target in ``concordance`` and report the step.

    Parameters
    ----------
    df : polars.DataFrame
        Rows to recode.
    column : str
        Code column (text); replaced in place by the target code.
    concordance : polars.DataFrame
        ``by..., source, target`` and optionally ``weight`` (equal shares if absent) and
        ``priority`` (tie-break of ``"largest"``, lower first).
    step : str
        Name of the step in the report and in error messages.
    rule : {"split", "largest"}
        See the module docstring.
    by : sequence of str
        Columns of both frames the concordance is keyed on besides ``source``.
    values : sequence of str
        Columns multiplied by the weight under ``"split"`` (totals conserved).
    on_unmapped : {"error", "drop"}
        What to do with rows whose code has no target.

    Returns
    -------
    (polars.DataFrame, StepReport)
    """
    by = list(by)
    keys = [*by, "source"]
    conc = normalise_weights(
        concordance.select(
            *keys, "target", *[c for c in ("weight", "priority") if c in concordance.columns]
        ).unique(subset=[*keys, "target"], keep="first", maintain_order=True),
        by,
    )
    if "priority" not in conc.columns:
        conc = conc.with_columns(priority=pl.lit(0))
    n_targets = conc.group_by(keys).agg(pl.len().alias("_n"))
    if rule == "largest":
        conc = (
            conc.sort(
                [*keys, "weight", "priority", "target"],
                descending=[False] * len(keys) + [True, False, False],
            )
            .group_by(keys, maintain_order=True)
            .first()
            .with_columns(weight=pl.lit(1.0))
        )
    elif rule != "split":
        raise ValueError(f"rule must be 'split' or 'largest', got {rule!r}")
    # the report is computed on the distinct codes and their row counts (cheap on 10M rows)
    counts = (
        df.select([*[pl.col(b) for b in by], pl.col(column).alias("source")])
        .group_by(keys)
        .agg(pl.len().alias("_rows"))
        .join(n_targets, on=keys, how="left")
    )
    miss = counts.filter(pl.col("_n").is_null())
    top_un = tuple(
        (str(r[0]), int(r[1]))
        for r in miss.group_by("source")
        .agg(pl.col("_rows").sum())
        .sort(["_rows", "source"], descending=[True, False])
        .head(_TOP)
        .iter_rows()
    )
    n_miss = int(miss["_rows"].sum())
    multi = counts.filter(pl.col("_n") > 1)
    top_multi = multi.sort(["_rows", *keys], descending=[True] + [False] * len(keys)).head(_TOP)
    splits = []
    full = normalise_weights(
        concordance.select(
            *keys, "target", *[c for c in ("weight",) if c in concordance.columns]
        ).unique(subset=[*keys, "target"], keep="first"),
        by,
    )
    for r in top_multi.iter_rows(named=True):
        sel = full
        for k in keys:
            sel = sel.filter(pl.col(k) == r[k])
        tw = tuple(
            (str(t), float(w)) for t, w in sel.sort("target").select("target", "weight").iter_rows()
        )
        label = "/".join(str(r[k]) for k in keys)
        splits.append((label, tw))
    report = StepReport(
        step=step,
        rule=rule if rule == "split" else "largest weight (ties: priority, then smaller code)",
        rows_in=df.height,
        rows_mapped=df.height - n_miss,
        rows_unmapped=n_miss,
        rows_split=int(multi["_rows"].sum()),
        top_unmapped=top_un,
        splits=tuple(splits),
    )
    if n_miss and on_unmapped == "error":
        raise _unmapped_error(step, top_un, n_miss)
    if rule == "largest" and not by:
        mapping = dict(conc.select("source", "target").iter_rows())
        out = df.with_columns(pl.col(column).replace_strict(mapping, default=None))
        return (out.filter(pl.col(column).is_not_null()) if n_miss else out), report
    tmp = df.with_columns(pl.col(column).alias("source"))
    out = tmp.join(
        conc.select(*keys, "target", "weight"), on=keys, how="inner", maintain_order="left"
    )
    if rule == "split":
        out = out.with_columns([pl.col(v) * pl.col("weight") for v in values])
    out = out.with_columns(pl.col("target").alias(column)).drop("source", "target", "weight")
    return out.select(df.columns), report


def relabel(
    df: pl.DataFrame, column: str, key: pl.DataFrame, *, step: str
) -> tuple[pl.DataFrame, StepReport]:
    """Apply a one-to-one user key ``source -> target`` to every code of ``column``.

    A key is the researcher's own final recode (for example the synthetic economy's code
    book, or a grouping of their own); every code must be in it.
    """
    dup = key.group_by("source").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    if dup.height:
        raise DataValidationError(
            f"{step}: the key maps {dup.height} code(s) to several targets, e.g. "
            f"{dup['source'].head(5).to_list()}; a key must be one-to-one."
        )
    out, rep = recode(df, column, key.select("source", "target"), step=step, on_unmapped="error")
    return out, replace(rep, rule="one-to-one key")
