"""Load and validate the study's raw tables against :mod:`skillshore.tables.schemas`.

Every rule is a polars expression evaluated on the whole table; a broken rule
becomes one line of a :class:`~skillshore.errors.DataValidationError` naming
the file, the column, the rule, how many rows break it and the first of them
(row numbers count data rows from 1, as a spreadsheet would after its header).
Nothing is dropped: a table is either accepted whole or rejected with reasons.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from skillshore.errors import DataValidationError
from skillshore.tables.schemas import OPTIONAL_SCHEMAS, PLAUSIBLE_YEARS, SCHEMAS, TableSchema

ALL_SCHEMAS: dict[str, TableSchema] = {**SCHEMAS, **OPTIONAL_SCHEMAS}
"""Every raw table: the required and default ones, then the optional ones (``nonemployed``)."""

__all__ = [
    "read_table",
    "validate_frame",
    "check_foreign_keys",
    "load_tables",
    "load_default",
    "DEFAULTS_DIR",
]

DEFAULTS_DIR = Path(__file__).parent / "defaults"
_MAX_SHOWN = 5
_ROW = "__row__"


def _source_name(source: str | Path) -> str:
    return Path(source).name if isinstance(source, Path) else str(source)


def read_table(path: str | Path, schema: TableSchema | str) -> pl.DataFrame:
    """Read one raw table from Parquet or CSV (by extension), unvalidated.

    CSV columns are read as text so that codes keep their leading zeros; the
    cast to the schema's types happens in :func:`validate_frame`. The file is opened
    by name, never as a glob pattern (``workers[1].csv`` is a file name).

    Raises
    ------
    DataValidationError
        If the file is missing or is a folder, has an unknown extension, cannot be
        parsed (the message names the first row with a wrong number of fields), or is
        a CSV with another separator.
    """
    schema = ALL_SCHEMAS[schema] if isinstance(schema, str) else schema
    path = Path(path)
    if not path.exists():
        raise DataValidationError(f"{path}: table '{schema.name}' not found (no such file).")
    if path.is_dir():
        raise DataValidationError(
            f"{path}: table '{schema.name}' path is a folder, not a file (name the table's file)."
        )
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    sep = "\t" if suffix in (".tsv", ".txt", ".tsv.gz") else ","
    try:
        if suffix in (".parquet", ".pq"):
            with open(path, "rb") as fh:
                return pl.read_parquet(fh)
        if suffix in (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt"):
            with open(path, "rb") as fh:
                df = pl.read_csv(fh, separator=sep, infer_schema=False)
            _check_separator(df, path, schema)
            return df
    except DataValidationError:
        raise
    except Exception as exc:  # the library's own parser error, re-raised as ours
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if sep == "," or suffix.startswith(".tsv"):
            ragged = _ragged_row(path, sep)
            if ragged:
                first = ragged
        raise DataValidationError(
            f"{path}: table '{schema.name}' could not be parsed as {suffix.lstrip('.')}: {first}"
        ) from None
    raise DataValidationError(
        f"{path}: table '{schema.name}' has unknown extension '{suffix}' (use .parquet, .csv or .tsv)."
    )


def _check_separator(df: pl.DataFrame, path: Path, schema: TableSchema) -> None:
    """A one-column read of a many-column table: name the separator the file seems to use."""
    if df.width != 1 or len(schema.columns) == 1:
        return
    header = df.columns[0]
    for char, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
        if char in header:
            raise DataValidationError(
                f"{path}: table '{schema.name}' looks {name}-separated (header {header[:60]!r}); "
                "save it comma-separated (.csv) or tab-separated (.tsv)."
            )


def _ragged_row(path: Path, sep: str) -> str | None:
    """The first data row whose number of fields differs from the header's (row 1 = first
    data row), with a hint when a decimal comma is the likely cause."""
    import csv
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8", errors="replace") as fh:
            reader = csv.reader(fh, delimiter=sep)
            header = next(reader, None)
            if header is None:
                return None
            for i, row in enumerate(reader, start=1):
                if row and len(row) != len(header):
                    hint = ""
                    if sep == "," and re.search(r"\d,\d", sep.join(row)):
                        hint = " (a decimal comma? write 1.5, not 1,5, or quote the value)"
                    return (
                        f"row {i} has {len(row)} fields but the header has {len(header)}"
                        f"{hint}: {sep.join(row)[:80]!r}"
                    )
    except (OSError, csv.Error):
        return None
    return None


def _rows_text(bad: pl.DataFrame, col: str | list[str]) -> str:
    n = bad.height
    shown = bad.head(_MAX_SHOWN)
    cols = [col] if isinstance(col, str) else col
    parts = []
    for row in shown.iter_rows(named=True):
        vals = ", ".join(repr(row[c]) for c in cols)
        parts.append(f"row {row[_ROW]} ({vals})")
    more = f", and {n - _MAX_SHOWN} more" if n > _MAX_SHOWN else ""
    return f"{n} row{'s' if n != 1 else ''}: " + ", ".join(parts) + more


def _cast(
    df: pl.DataFrame,
    schema: TableSchema,
    src: str,
    problems: list[str],
    failed: dict[str, pl.Series],
) -> pl.DataFrame:
    """Cast schema columns to their types, reporting the rows whose values do not convert.

    Exact in every format: an integer column accepts integral values only (1996 or
    1996.0, from text or floats); 1996.7 is an error naming its rows, never truncated.
    """
    out = []
    for col in schema.columns:
        if col.name not in df.columns:
            out.append(pl.lit(None, dtype=col.dtype).alias(col.name))
            continue
        s = df.get_column(col.name)
        target = col.dtype
        if s.dtype == target:
            out.append(pl.col(col.name))
            continue
        c = pl.col(col.name)
        text = s.dtype == pl.Utf8
        present = c.is_not_null() & (c.str.strip_chars() != "") if text else c.is_not_null()
        nonint = pl.lit(False)
        if s.dtype == pl.Boolean or (target == pl.Utf8 and s.dtype.is_float()):
            # a float code column (3252.0) or true/false numbers: a type error, not a guess
            expr = pl.lit(None, dtype=target)
        elif target.is_integer() and (text or s.dtype.is_float()):
            f = (
                c.str.strip_chars().replace("", None).cast(pl.Float64, strict=False)
                if text
                else c.cast(pl.Float64)
            )
            exact = c.str.strip_chars().cast(target, strict=False) if text else pl.lit(None)
            integral = f.is_finite() & (f == f.round())
            expr = pl.coalesce(exact, pl.when(integral).then(f.cast(target, strict=False)))
            nonint = (exact.is_null() & f.is_finite() & (f != f.round())).fill_null(False)
        elif text:
            expr = c.str.strip_chars().replace("", None).cast(target, strict=False)
        else:
            expr = c.cast(target, strict=False)
        try:
            bad = df.filter(present & expr.is_null() & ~nonint)
            frac = df.filter(present & nonint)
        except Exception:
            bad, frac, expr = df.filter(present), df.clear(), pl.lit(None, dtype=target)
        if frac.height:
            problems.append(
                f"{src}: column '{col.name}': integer column holds non-integral values "
                f"(they would be truncated) in " + _rows_text(frac, col.name)
            )
        if bad.height:
            hint = ""
            if (
                text
                and target.is_float()
                and bad.filter(c.str.contains(r"^\s*-?\d+,\d+\s*$")).height
            ):
                hint = " (decimal commas? write 1.5, not 1,5)"
            problems.append(
                f"{src}: column '{col.name}': wrong type, expected {target} but found {s.dtype} "
                f"values that do not convert{hint} in " + _rows_text(bad, col.name)
            )
        if bad.height or frac.height:
            failed[col.name] = pl.concat([bad.get_column(_ROW), frac.get_column(_ROW)])
        out.append(expr.alias(col.name))
    extra = [c for c in df.columns if c not in schema.column_names and c != _ROW]
    return df.select(pl.col(_ROW), *out, *[pl.col(c) for c in extra])


def validate_frame(
    df: pl.DataFrame,
    schema: TableSchema | str,
    source: str | Path = "<frame>",
    years: tuple[int, int] | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Check one table against its schema and cast it to the schema's types.

    Parameters
    ----------
    df : polars.DataFrame
        The table as read (any types).
    schema : TableSchema or str
        Its schema, or the table's name.
    source : str or Path
        File name used in messages.
    years : (int, int), optional
        Inclusive range for the schema's year columns.

    Returns
    -------
    frame : polars.DataFrame
        The table with schema columns cast (columns the schema does not know are kept as they are).
    problems : list of str
        One message per broken rule; empty when the table is valid.
    """
    schema = ALL_SCHEMAS[schema] if isinstance(schema, str) else schema
    src = _source_name(source)
    problems: list[str] = []
    if not isinstance(df, pl.DataFrame):
        try:
            df = pl.DataFrame(df)
        except Exception:
            return pl.DataFrame(), [f"{src}: table '{schema.name}' is not a data frame."]
    missing = [c.name for c in schema.columns if c.required and c.name not in df.columns]
    if missing:
        problems.append(
            f"{src}: missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"(table '{schema.name}' needs {', '.join(schema.column_names)})."
        )
    df = df.with_row_index(_ROW, offset=1)
    failed: dict[str, pl.Series] = {}
    df = _cast(df, schema, src, problems, failed)
    for col in schema.columns:
        if col.name in missing or (not col.required and col.name not in df.columns):
            continue
        c = pl.col(col.name)
        rules: list[tuple[str, pl.Expr]] = []
        if not col.nullable:
            rules.append(("no missing values", c.is_null()))
        if col.non_negative:
            rules.append(("non-negative", c < 0))
        if col.dtype in (pl.Float64, pl.Float32):
            rules.append(("finite", c.is_infinite() | c.is_nan()))
        if col.allowed is not None:
            rules.append(
                (f"one of {list(col.allowed)}", c.is_not_null() & ~c.is_in(list(col.allowed)))
            )
        if col.pattern is not None:
            rules.append(
                (
                    f"matches /{col.pattern}/",
                    c.is_not_null() & ~c.str.contains(f"^(?:{col.pattern})$"),
                )
            )
        if col.year_like or col.calendar:
            lo, hi = PLAUSIBLE_YEARS
            rules.append(
                (f"calendar year within {lo}-{hi}", c.is_not_null() & ((c < lo) | (c > hi)))
            )
        if col.year_like and years is not None:
            lo, hi = years
            rules.append(
                (
                    f"year within {lo}-{hi}",
                    c.is_not_null() & ((c < lo) | (c > hi)) & c.is_between(*PLAUSIBLE_YEARS),
                )
            )
        for rule, bad_expr in rules:
            if col.name in failed:  # rows already reported as not converting
                bad_expr = bad_expr & ~pl.col(_ROW).is_in(failed[col.name].implode())
            try:
                bad = df.filter(bad_expr.fill_null(False))
            except Exception:
                continue  # a wrong type is already reported above
            if bad.height:
                problems.append(
                    f"{src}: column '{col.name}': rule '{rule}' broken in "
                    + _rows_text(bad, col.name)
                )
    if schema.key and not any(k in missing for k in schema.key):
        dup = df.filter(pl.struct(list(schema.key)).is_duplicated())
        if dup.height:
            problems.append(
                f"{src}: key ({', '.join(schema.key)}) must be unique; duplicated in "
                + _rows_text(dup, list(schema.key))
            )
    return df.drop(_ROW), problems


def check_foreign_keys(
    frames: dict[str, pl.DataFrame], sources: dict[str, str] | None = None
) -> list[str]:
    """Check every foreign key declared in the schemas between the given tables.

    Null key values are not checked (a worker without training has no ``train_code``).
    """
    sources = sources or {}
    problems = []
    for name, df in frames.items():
        schema = ALL_SCHEMAS[name]
        for cols, (other, other_cols) in schema.foreign_keys.items():
            if other not in frames or not all(c in df.columns for c in cols):
                continue
            ref = (
                frames[other]
                .select([pl.col(o).alias(c) for c, o in zip(cols, other_cols, strict=True)])
                .unique()
            )
            lhs = df.with_row_index(_ROW, offset=1).drop_nulls(list(cols))
            try:
                orphans = lhs.join(ref, on=list(cols), how="anti")
            except Exception:
                continue  # mismatched key types: reported as type errors already
            if orphans.height:
                src = sources.get(name, name)
                problems.append(
                    f"{src}: column{'s' if len(cols) > 1 else ''} ({', '.join(cols)}): rule "
                    f"'exists in {other} ({', '.join(other_cols)})' broken in "
                    + _rows_text(orphans, list(cols))
                )
    return problems


def load_default(name: str) -> pl.DataFrame:
    """The shipped default for ``offshorability`` (seed's 1-digit ISCO table) or ``low_wage``."""
    path = DEFAULTS_DIR / f"{name}.csv"
    df, problems = validate_frame(read_table(path, name), name, path)
    if problems:  # pragma: no cover - shipped files are tested
        raise DataValidationError(problems)
    return df


def load_tables(
    paths: dict[str, str | Path | None],
    years: tuple[int, int] | None = None,
) -> dict[str, pl.DataFrame]:
    """Read and validate every table, collecting all problems before raising.

    Parameters
    ----------
    paths : dict
        Table name -> file path. ``offshorability`` and ``low_wage`` may be
        omitted or ``None`` (the shipped defaults are used).
    years : (int, int), optional
        Inclusive range allowed for year columns (pre-sample base years included).

    Returns
    -------
    dict of polars.DataFrame
        Validated tables, cast to their schema's types.

    Raises
    ------
    DataValidationError
        With one line per problem across all tables.
    """
    unknown = sorted(set(paths) - set(ALL_SCHEMAS))
    if unknown:
        raise DataValidationError(
            f"unknown table name(s) {unknown}; known tables: {', '.join(ALL_SCHEMAS)}"
        )
    frames: dict[str, pl.DataFrame] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    optional = [n for n in OPTIONAL_SCHEMAS if paths.get(n) is not None]
    for name in (*SCHEMAS, *optional):
        path = paths.get(name)
        if path is None or str(path) == "default":
            if name in ("offshorability", "low_wage"):
                frames[name] = load_default(name)
                sources[name] = f"default {name}.csv"
                continue
            problems.append(f"table '{name}': no file given.")
            continue
        try:
            raw = read_table(path, name)
        except DataValidationError as err:
            problems.extend(err.problems)
            continue
        df, p = validate_frame(raw, name, Path(path), years=years)
        problems.extend(p)
        frames[name] = df
        sources[name] = Path(path).name
    if not problems:
        problems.extend(check_foreign_keys(frames, sources))
    if problems:
        raise DataValidationError(problems)
    return frames
