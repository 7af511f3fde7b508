"""Readers for register extracts: CSV, Parquet, SAS (``.sas7bdat``) and Stata (``.dta``).

Only the mapped variables are read (Parquet: column projection, so a 10M-row extract
with many variables costs only the columns the study uses). Code variables are read as
text: a code stored as a number in SAS or Stata (``DISCO`` 4110.0) is formatted as an
integer and left-padded with zeros to its minimal width, so ``0110`` survives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from skillshore.errors import DataValidationError

__all__ = ["expand_paths", "read_extract"]


def expand_paths(spec: Path, years: Sequence[int]) -> list[tuple[Path, int | None]]:
    """``(path, year)`` pairs: one per existing file when ``spec`` contains ``{year}``."""
    s = str(spec)
    if "{year}" not in s:
        if not spec.is_file():
            raise DataValidationError(f"{spec}: register file not found.")
        return [(spec, None)]
    out = [(Path(s.replace("{year}", str(y))), int(y)) for y in years]
    out = [(p, y) for p, y in out if p.is_file()]
    if not out:
        raise DataValidationError(f"{spec}: no file found for any year {years[0]}-{years[-1]}.")
    return out


def _read_one(path: Path, variables: list[str]) -> pl.DataFrame:
    suf = path.suffix.lower()
    try:
        if suf == ".parquet":
            have = pl.read_parquet_schema(path)
            _check(path, variables, list(have))
            return pl.read_parquet(path, columns=variables)
        if suf in (".csv", ".tsv", ".txt"):
            sep = "\t" if suf == ".tsv" else ","
            df = pl.read_csv(path, separator=sep, infer_schema=False, columns=None)
            _check(path, variables, df.columns)
            return df.select(variables)
        if suf in (".dta", ".sas7bdat"):
            import pandas as pd

            if suf == ".dta":
                pdf = pd.read_stata(path, columns=None, convert_categoricals=False)
            else:
                pdf = pd.read_sas(path, format="sas7bdat", encoding="latin-1")
            _check(path, variables, list(pdf.columns))
            return pl.from_pandas(pdf[variables])
    except DataValidationError:
        raise
    except Exception as err:  # unreadable file: name it
        raise DataValidationError(f"{path}: cannot read the register extract ({err}).") from err
    raise DataValidationError(f"{path}: unknown file type {suf!r} (CSV, Parquet, .sas7bdat, .dta).")


def _check(path: Path, variables: list[str], have: list[str]) -> None:
    missing = [v for v in variables if v not in have]
    if missing:
        raise DataValidationError(
            f"{path}: variable(s) {missing} not in the extract (mapped in [registers]; "
            f"the file has {have[:20]}{' ...' if len(have) > 20 else ''})."
        )


def _as_code(s: pl.Series, width: int) -> pl.Series:
    if s.dtype == pl.Utf8:
        return s.str.strip_chars()
    if s.dtype.is_float():
        s = s.round(0).cast(pl.Int64, strict=False)
    return s.cast(pl.Utf8).str.zfill(width)


def read_extract(
    spec: Path,
    variables: Mapping[str, str],
    years: Sequence[int],
    *,
    codes: Mapping[str, int] | None = None,
) -> pl.DataFrame:
    """Read one register: columns renamed from register variables to skillshore names.

    Parameters
    ----------
    spec : Path
        File, or a pattern containing ``{year}`` (one file per year).
    variables : mapping
        skillshore name -> register variable. ``year`` may be absent when the file
        name carries the year.
    years : sequence of int
        Years to look for with a ``{year}`` pattern.
    codes : mapping, optional
        skillshore name -> minimal width of code columns read as text.
    """
    codes = dict(codes or {})
    parts = []
    for path, year in expand_paths(spec, years):
        want = dict(variables)
        if year is not None and "year" in want:
            with_year = True
        else:
            with_year = "year" in want
        if year is None and "year" not in want:
            raise DataValidationError(
                f"{spec}: no year variable mapped and no {{year}} in the path."
            )
        try:
            df = _read_one(path, list(dict.fromkeys(want.values())))
        except DataValidationError as err:
            if year is not None and "year" in want and any(want["year"] in p for p in err.problems):
                want.pop("year")  # yearly files often omit the year variable
                with_year = False
                df = _read_one(path, list(dict.fromkeys(want.values())))
            else:
                raise
        df = df.select([pl.col(v).alias(k) for k, v in want.items()])
        if not with_year:
            df = df.with_columns(year=pl.lit(year, pl.Int32))
        parts.append(df)
    df = pl.concat(parts, how="vertical_relaxed")
    return df.with_columns(
        [_as_code(df[c], w).alias(c) for c, w in codes.items() if c in df.columns]
    )
