"""Sample accounting: rows in, rows dropped and rows out at each restriction of the study.

Seed slide "Data Sources" (baseline sample), the IV tables' N and the structural sample
of slide "Estimation". Each stage that applies a restriction returns its steps as a
:class:`SampleAccounting`; the pipeline concatenates them and the report's "Sample"
table and ``results.json["sample"]`` show them.

A step belongs to a *population* (the unit counted: worker-years, firm-years, the rows of
one IV column, the workers of one structural year). Within a population the steps chain:
the rows out of one step are the rows in of the next, and every step satisfies
``rows_out == rows_in - dropped`` (checked when the step is built).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import polars as pl

from skillshore._results import TableMixin
from skillshore.panel.sample import BaselineSample

__all__ = [
    "SampleAccounting",
    "SampleStep",
    "chain",
    "iv_accounting",
    "panel_accounting",
    "structural_accounting",
]


@dataclass(frozen=True)
class SampleStep:
    """One restriction: ``rows_in`` rows of ``population`` enter, ``dropped`` leave for
    ``reason``, ``rows_out`` remain (``step`` names what is kept)."""

    population: str
    step: str
    rows_in: int
    dropped: int
    reason: str

    def __post_init__(self) -> None:
        for name in ("rows_in", "dropped"):
            v = getattr(self, name)
            if int(v) != v or v < 0:
                raise ValueError(f"sample step {self.step!r}: {name} = {v!r} is not a count")
            object.__setattr__(self, name, int(v))
        if self.dropped > self.rows_in:
            raise ValueError(
                f"sample step {self.step!r}: drops {self.dropped} of {self.rows_in} rows"
            )

    @property
    def rows_out(self) -> int:
        return self.rows_in - self.dropped


def chain(
    population: str, start: int, start_label: str, drops: Iterable[tuple[str, int]]
) -> tuple[SampleStep, ...]:
    """Steps of one population: ``start`` rows (a first step that drops nothing, labelled
    ``start_label``), then one step per ``(reason, dropped)``, each named by its reason."""
    steps = [SampleStep(population, start_label, int(start), 0, "")]
    n = int(start)
    for reason, dropped in drops:
        steps.append(SampleStep(population, reason, n, int(dropped), reason))
        n -= int(dropped)
    return tuple(steps)


@dataclass(frozen=True, eq=False)
class SampleAccounting(TableMixin):
    """The study's restrictions in order (:class:`SampleStep`), by population.

    ``to_frame()`` has one row per step: population, step, rows in, dropped, rows out
    (integers) and the reason; ``summary()`` prints it; ``to_dict()`` is the numbers
    for ``results.json``.
    """

    steps: tuple[SampleStep, ...] = ()
    title: str = "Sample: rows in, dropped and out at each restriction"

    def __add__(self, other: SampleAccounting) -> SampleAccounting:
        return SampleAccounting(self.steps + other.steps, self.title)

    @classmethod
    def concat(cls, parts: Sequence[SampleAccounting | None]) -> SampleAccounting:
        """The steps of ``parts`` in order (None skipped)."""
        return cls(tuple(s for p in parts if p is not None for s in p.steps))

    @property
    def populations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.population for s in self.steps))

    def population(self, name: str) -> tuple[SampleStep, ...]:
        return tuple(s for s in self.steps if s.population == name)

    def final(self, name: str) -> int:
        """Rows left at the end of population ``name``."""
        steps = self.population(name)
        if not steps:
            raise KeyError(f"no population {name!r}; populations: {list(self.populations)}")
        return steps[-1].rows_out

    def to_frame(self) -> pd.DataFrame:
        cols = ["population", "step", "rows_in", "dropped", "rows_out", "reason"]
        recs = [
            (s.population, s.step, s.rows_in, s.dropped, s.rows_out, s.reason) for s in self.steps
        ]
        df = pd.DataFrame.from_records(recs, columns=cols)
        for c in ("rows_in", "dropped", "rows_out"):
            df[c] = df[c].astype("int64")
        return df

    def display_frame(self) -> pd.DataFrame:
        """The report's rendering: one row per step, the population named on its first
        row (its starting count: "Rows out" only), counts with thousands separators."""
        df = self.to_frame()
        first = _first(df)
        out = pd.DataFrame(
            {
                "Step": df["step"].tolist(),
                "Rows in": [
                    "" if f else f"{v:,d}" for v, f in zip(df["rows_in"], first, strict=True)
                ],
                "Dropped": [
                    "" if f else f"{v:,d}" for v, f in zip(df["dropped"], first, strict=True)
                ],
                "Rows out": [f"{v:,d}" for v in df["rows_out"]],
            },
            index=[p if f else "" for p, f in zip(df["population"], first, strict=True)],
        )
        out.index.name = "Population"
        return out

    _string_frame = display_frame  # text, Markdown and LaTeX (TableMixin)

    def to_dict(self) -> list[dict]:
        """One record per step, counts as integers (``results.json["sample"]``)."""
        return [
            {k: (int(v) if k in ("rows_in", "dropped", "rows_out") else v) for k, v in r.items()}
            for r in self.to_frame().to_dict("records")
        ]

    def summary(self) -> str:
        return self.title + "\n" + self.display_frame().to_string()


def _first(df: pd.DataFrame) -> list[bool]:
    """True for the first row of each population (its starting count)."""
    return (~df["population"].duplicated()).tolist()


def panel_accounting(
    workers: pl.DataFrame,
    no_skill: int,
    firms: pl.DataFrame,
    sample: BaselineSample,
    panel: pl.DataFrame,
) -> SampleAccounting:
    """Worker-years and firm-years from the raw tables to the panel, and the panel's
    occupation groups (seed slide "Data Sources"; :func:`~skillshore.panel.facts_stage`).

    Parameters
    ----------
    workers : polars.DataFrame
        The worker-years with a skill vector (``person_id, year, firm_id``).
    no_skill : int
        Worker-years of the raw ``workers`` table without a skill vector.
    firms : polars.DataFrame
        The raw ``firms`` table.
    sample : BaselineSample
        The baseline sample (with its ``dropped`` firms and their rule).
    panel : polars.DataFrame
        The worker panel (``occ_group``), for the occupation groups.
    """
    y0, y1 = sample.years
    outside = f"year outside the study period {y0}-{y1}"
    rule = (
        sample.dropped
        if sample.dropped is not None
        else pl.DataFrame(schema={"firm_id": pl.Int64, "rule": pl.Utf8})
    )
    dtype = rule.schema["rule"]
    rules = (
        dtype.categories.to_list()
        if isinstance(dtype, pl.Enum)
        else rule["rule"].unique(maintain_order=True).to_list()
    )
    rule = rule.with_columns(pl.col("rule").cast(pl.Utf8))

    def by_rule(frame: pl.DataFrame) -> list[tuple[str, int]]:
        frame = frame.filter(pl.col("year").is_between(y0, y1))
        tagged = frame.select("firm_id").join(rule, on="firm_id", how="left")
        counts = dict(tagged.group_by("rule").len().iter_rows())
        missing = frame.filter(pl.col("firm_id").is_null()).height
        known = pl.concat([sample.firms.select("firm_id"), rule.select("firm_id")])
        absent = frame.filter(
            pl.col("firm_id").is_not_null() & ~pl.col("firm_id").is_in(known["firm_id"].implode())
        ).height
        out = [("no employer (firm_id missing)", missing)] if missing else []
        out += [("employer not in the firms table", absent)] if absent else []
        return out + [(r, counts.get(r, 0)) for r in rules]

    n_out = workers.filter(~pl.col("year").is_between(y0, y1)).height
    wy = chain(
        "worker-years",
        workers.height + no_skill,
        "workers table",
        [("no skill vector (education code without a rated occupation)", no_skill),
         (outside, n_out), *by_rule(workers)],
    )  # fmt: skip
    fy = chain(
        "firm-years",
        firms.height,
        "firms table",
        [(outside, firms.filter(~pl.col("year").is_between(y0, y1)).height), *by_rule(firms)],
    )
    occ = panel["occ_group"] if "occ_group" in panel.columns else pl.Series([], dtype=pl.Utf8)
    unclassified = int(occ.is_null().sum())
    low = int(occ.is_not_null().sum() - (occ == "high").sum())
    groups = chain(
        "worker-years by occupation",
        panel.height,
        "worker panel",
        [("occupation without an offshorability index (unclassified)", unclassified),
         ("low-offshorable occupation (kept in the 'Low' IV columns)", low)],
    )  # fmt: skip
    return SampleAccounting(wy + fy + groups)


def iv_accounting(
    tables: dict[str, Any], which: Sequence[str] = ("offshorability",)
) -> SampleAccounting:
    """Rows of the firm panel passed to pyfixest in each column of the IV tables
    ``which`` (the main table by default), those with a missing value and the singleton
    fixed-effect groups pyfixest drops (firm-years alone in their firm or sector-year
    group), down to each column's N."""
    steps: list[SampleStep] = []
    for name in which:
        table = tables.get(name)
        if table is None:
            continue
        labels = table.labels or [f"({i + 1})" for i in range(len(table.columns))]
        for label, col in zip(labels, table.columns, strict=True):
            a = col.arrays
            if a.n_rows < 0:  # a fit from before the counts were recorded
                continue
            singletons = a.n_rows - a.n_missing - col.nobs
            steps += chain(
                f"IV table '{name}', column {label}",
                a.n_rows,
                "firm-years passed to pyfixest",
                [("missing or non-finite value", a.n_missing),
                 ("singleton fixed-effect group (dropped by pyfixest)", singletons)],
            )  # fmt: skip
    return SampleAccounting(tuple(steps))


def structural_accounting(samples: dict[int, dict[str, Any]]) -> SampleAccounting:
    """Worker-years of each structural year (``StructuralResult.samples``), their markets
    and firms, down to the workers passed to the estimator (seed slide "Estimation")."""
    steps: list[SampleStep] = []
    for year, log in sorted(samples.items()):
        counts = log.get("workers", [])
        if not counts:
            continue
        (label, start), rest = counts[0], counts[1:]
        drops = [
            (r, before - after) for (r, after), (_, before) in zip(rest, counts[:-1], strict=True)
        ]
        if "markets" not in log:  # too few workers: the year is not estimated
            drops.append(("fewer than 50 workers: year not estimated", counts[-1][1]))
        steps += chain(f"structural sample {year}", start, label, drops)
        if "markets" in log:
            steps.append(
                SampleStep(f"structural sample {year}", f"in {log['markets']:,d} market cells "
                           f"(6-digit industries) with {log['firms']:,d} firms", counts[-1][1],
                           0, "")
            )  # fmt: skip
        if log.get("firms_outside_panel"):
            steps.append(
                SampleStep(f"structural sample {year}", f"{log['firms_outside_panel']:,d} firms "
                           "of the year without a worker in the panel left out, with their "
                           "offshored workers", counts[-1][1], 0, "")
            )  # fmt: skip
    return SampleAccounting(tuple(steps))
