"""Labelled title sets: reading, the fixed half split, and top-1 / top-5 hits (issue 16).

A labelled title set is a CSV with ``title, onet_soc`` and optionally ``alt_onet_soc`` (an
acceptable alternative), ``difficulty`` and ``style`` (``tests/data/skills_*_titles.csv``).
A label may list several O*NET-SOC 2019 codes separated by "|" (a 2010 occupation split
into several 2019 ones): a prediction equal to any of them counts. **Strict** counts the
labelled code(s), **lenient** the labelled code(s) or the alternative. Development sets
are split into two halves by a fixed hash of the title (:func:`title_half`): the matcher is
developed on half A's errors, half B is held back (``docs/skills.md``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from skillshore.errors import DataValidationError

__all__ = ["read_title_set", "title_half", "title_hits"]


def title_half(title: str) -> str:
    """ "A" when the first byte of the SHA-256 of the UTF-8 title is even, else "B"."""
    return "A" if hashlib.sha256(title.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def read_title_set(path: str | Path) -> pl.DataFrame:
    """Read a labelled title set.

    Returns
    -------
    polars.DataFrame
        ``code`` (row number), ``title``, ``gold`` (list of labelled codes), ``ok`` (labelled
        codes and alternatives), ``difficulty`` and ``style`` ("all" where absent), ``half``.
    """
    df = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in ("title", "onet_soc") if c not in df.columns]
    if missing:
        raise DataValidationError(f"{path}: missing column(s) {missing}")
    bad = df.with_row_index("row").filter(pl.col("title").is_null() | pl.col("onet_soc").is_null())
    if bad.height:
        raise DataValidationError(
            f"{path}: empty title or onet_soc in data row(s) {(bad['row'] + 1).to_list()[:10]}"
        )
    for col, value in (("alt_onet_soc", None), ("difficulty", "all"), ("style", "all")):
        if col not in df.columns:
            df = df.with_columns(pl.lit(value, dtype=pl.Utf8).alias(col))
    return df.with_row_index("i").select(
        pl.col("i").cast(pl.Utf8).alias("code"),
        "title",
        gold=pl.col("onet_soc").str.split("|"),
        ok=pl.concat_list(
            pl.col("onet_soc").str.split("|"),
            pl.col("alt_onet_soc").fill_null("").str.split("|"),
        ).list.eval(pl.element().filter(pl.element() != "")),
        difficulty=pl.col("difficulty").fill_null("all"),
        style=pl.col("style").fill_null("all"),
        half=pl.col("title").map_elements(title_half, return_dtype=pl.Utf8),
    )


def title_hits(top: pl.DataFrame, labelled: pl.DataFrame) -> pl.DataFrame:
    """Per title of ``labelled`` (:func:`read_title_set`): strict and lenient hits of the
    first candidate (``s1``, ``l1``) and of the first five (``s5``, ``l5``), and the first
    candidate's ``confidence``, from the ranked candidates ``top`` (``code, rank, onet_soc,
    confidence``, as :attr:`~skillshore.skills.matches.TitleMatches.top`)."""
    j = top.filter(pl.col("rank") <= 5).join(labelled.select("code", "gold", "ok"), on="code")
    j = j.with_columns(
        s=pl.col("onet_soc").is_in(pl.col("gold")), l=pl.col("onet_soc").is_in(pl.col("ok"))
    )
    first = j.filter(pl.col("rank") == 1).select("code", s1="s", l1="l", confidence="confidence")
    five = j.group_by("code").agg(s5=pl.col("s").any(), l5=pl.col("l").any())
    out = labelled.join(first, on="code", how="left").join(five, on="code", how="left")
    return out.with_columns(
        pl.col("s1", "l1", "s5", "l5").fill_null(False), pl.col("confidence").fill_null(0.0)
    )
