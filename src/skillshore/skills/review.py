"""Review loop of the title matcher (issue 16): flagged titles out to a CSV the user fills
in, the filled file back in as overrides.

Seed slide "Measurement: Worker Skill": the authors matched every title by hand; skillshore
matches automatically and asks a person only about the matches it is unsure of (confidence
below ``min_confidence``). :func:`write_review` writes one row per flagged code with its
top-k candidates; the user writes in ``choice`` the rank of the right candidate (1-5) or any
O*NET-SOC 2019 code, and leaves it blank to keep the matcher's best. :func:`read_review`
turns the filled file into the override table ``code, onet_soc``; the matcher also accepts
the filled file directly as ``overrides`` (``[skills] overrides = "skills_review.csv"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from skillshore.errors import DataValidationError
from skillshore.skills.matcher import TitleMatches

__all__ = ["overrides_from_review", "read_review", "review_table", "write_review"]

_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")


def review_table(matches: TitleMatches, include_all: bool = False) -> pl.DataFrame:
    """One row per flagged code (every code with ``include_all``, except overridden ones):
    ``code, title, confidence, choice`` (empty) and ``soc_<r>, title_<r>, confidence_<r>``
    for each candidate rank ``r``, ordered by confidence, least sure first."""
    best = matches.best.filter(pl.col("source") != "override")
    if not include_all:
        best = best.filter(pl.col("flagged"))
    best = best.select("code", "title", "confidence").sort("confidence", "code")
    top = matches.top.filter(pl.col("code").is_in(best["code"].implode()))
    wide = top.pivot(on="rank", index="code", values=["onet_soc", "onet_title", "confidence"])
    k = int(top["rank"].max() or 0) if top.height else 0
    cols = []
    for r in range(1, k + 1):
        cols += [
            pl.col(f"onet_soc_{r}").alias(f"soc_{r}"),
            pl.col(f"onet_title_{r}").alias(f"title_{r}"),
            pl.col(f"confidence_{r}").round(3).alias(f"confidence_{r}"),
        ]
    wide = wide.select("code", *cols) if k else wide.select("code")
    return best.with_columns(pl.col("confidence").round(3), choice=pl.lit("", pl.Utf8)).join(
        wide, on="code", how="left"
    )


def write_review(matches: TitleMatches, path: str | Path, include_all: bool = False) -> Path:
    """Write :func:`review_table` to ``path`` (CSV, UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    review_table(matches, include_all).write_csv(path)
    return path


def overrides_from_review(review: pl.DataFrame, where: str = "review file") -> pl.DataFrame:
    """``code, onet_soc`` of the filled rows of a review table.

    ``choice`` is a candidate rank (the ``soc_<rank>`` column of the row) or an O*NET-SOC
    2019 code (``NN-NNNN.NN``); blank rows are skipped. Anything else is an error naming the
    rows.
    """
    for col in ("code", "choice"):
        if col not in review.columns:
            raise DataValidationError(f"{where}: missing column '{col}'")
    rv = review.with_columns(
        pl.col("code").cast(pl.Utf8), pl.col("choice").cast(pl.Utf8).str.strip_chars()
    ).with_row_index("row", offset=2)  # file line numbers: the header is line 1
    rv = rv.filter(pl.col("choice").is_not_null() & (pl.col("choice") != ""))
    codes, bad = [], []
    for rec in rv.iter_rows(named=True):
        c = rec["choice"]
        if c.isdigit() and rec.get(f"soc_{int(c)}"):
            codes.append(rec[f"soc_{int(c)}"])
        elif _SOC.match(c):
            codes.append(c)
        else:
            bad.append(f"line {rec['row']} (code {rec['code']}): {c!r}")
            codes.append(None)
    if bad:
        raise DataValidationError(
            [
                f"{where}: column 'choice' must be a candidate rank or an O*NET-SOC code "
                f"NN-NNNN.NN, got {b}"
                for b in bad
            ]
        )
    out = pl.DataFrame(
        {"code": rv["code"], "onet_soc": codes}, schema={"code": pl.Utf8, "onet_soc": pl.Utf8}
    )
    dup = out.filter(pl.col("code").is_duplicated())
    if dup.height:
        raise DataValidationError(f"{where}: code(s) {sorted(set(dup['code']))[:5]} chosen twice")
    return out


def read_review(path: str | Path) -> pl.DataFrame:
    """Read a filled review CSV into the override table ``code, onet_soc``."""
    path = Path(path)
    if not path.exists():
        raise DataValidationError(f"review file {path} not found")
    return overrides_from_review(pl.read_csv(path, infer_schema=False), where=str(path))
