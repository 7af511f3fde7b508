"""A one-table description of the validated raw tables (rows, years, ids)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import polars as pl

from skillshore._results import TableMixin

__all__ = ["TablesSummary", "describe_tables"]


@dataclass(frozen=True)
class TablesSummary(TableMixin):
    """Rows, year span and distinct units of each raw table."""

    rows: dict[str, int]
    years: dict[str, tuple[int, int] | None]
    units: dict[str, str]
    title: str = "Raw tables"

    def to_frame(self) -> pd.DataFrame:
        recs = []
        for name, n in self.rows.items():
            y = self.years.get(name)
            recs.append(
                {
                    "table": name,
                    "Rows": n,
                    "Years": f"{y[0]}-{y[1]}" if y else "",
                    "Units": self.units.get(name, ""),
                }
            )
        return pd.DataFrame(recs).set_index("table")


def describe_tables(frames: dict[str, pl.DataFrame]) -> TablesSummary:
    """Summarise validated tables (see :func:`skillshore.tables.load_tables`)."""
    rows, years, units = {}, {}, {}
    for name, df in frames.items():
        rows[name] = df.height
        if "year" in df.columns and df.height:
            years[name] = (int(df["year"].min()), int(df["year"].max()))
        else:
            years[name] = None
        parts = []
        for col, label in (
            ("person_id", "persons"),
            ("firm_id", "firms"),
            ("hs6", "HS6 products"),
            ("code", "codes"),
        ):
            if col in df.columns:
                parts.append(f"{df[col].n_unique():,d} {label}")
        units[name] = ", ".join(parts)
    return TablesSummary(rows=rows, years=years, units=units)
