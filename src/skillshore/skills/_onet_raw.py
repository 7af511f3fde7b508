"""Readers of raw O*NET files (text release, Excel files, the shared CSV copy of tasks).

Private helpers of :func:`skillshore.skills.onet.read_onet_dir`. Every reader returns a
polars frame with snake_case columns keyed by ``onet_soc`` in whatever taxonomy the
file uses; :mod:`skillshore.skills.onet` moves O*NET-SOC 2010 tables to 2019 codes.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from skillshore.errors import DataValidationError

# file stems as O*NET names them; the first existing one (any of .txt, .csv, .xlsx) is read
CANDIDATES: dict[str, tuple[str, ...]] = {
    "occupations": ("Occupation Data",),
    "skills": ("Skills",),
    "abilities": ("Abilities",),
    "knowledge": ("Knowledge",),
    "work_activities": ("Work Activities",),
    "work_context": ("Work Context",),
    "tasks": ("Task Statements", "onet_task_statements"),
    "alternate_titles": ("Alternate Titles",),
    "reported_titles": ("Sample of Reported Titles",),
    "crosswalk": ("2010_to_2019_Crosswalk",),
    "isco": ("soc10_isco08",),
}
RATING_TABLES = ("skills", "abilities", "knowledge", "work_activities")
_EXT = (".txt", ".tsv", ".csv", ".xlsx")
_CODE = r"^\d\d-\d{4}\.\d\d$"


def find_file(root: Path, name: str) -> Path | None:
    """The file of O*NET table ``name`` under ``root`` (case-insensitive), or None."""
    files = {p.name.lower(): p for p in root.iterdir() if p.is_file()}
    for stem in CANDIDATES[name]:
        for ext in _EXT:
            p = files.get((stem + ext).lower())
            if p is not None:
                return p
    return None


def read_table(path: Path, header_row: int = 0) -> pl.DataFrame:
    """Read a tab-separated ``.txt``/``.tsv``, a ``.csv`` or an ``.xlsx`` file as strings."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        try:
            import pandas as pd

            df = pd.read_excel(path, header=header_row, dtype=str)
        except ImportError as e:  # pragma: no cover - openpyxl is in the onet extra
            raise DataValidationError(
                f"{path}: reading Excel needs openpyxl (pip install 'skillshore[onet]')"
            ) from e
        return pl.from_pandas(df.astype(object).where(df.notna(), None)).cast(pl.Utf8)
    sep = "\t" if suffix in (".txt", ".tsv") else ","
    return pl.read_csv(
        path,
        separator=sep,
        quote_char=None if sep == "\t" else '"',
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
    ).with_columns(pl.all().str.strip_chars())


def _need(df: pl.DataFrame, cols: tuple[str, ...], path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(f"{path}: missing O*NET column(s) {missing}")


def read_occupations(path: Path) -> pl.DataFrame:
    df = read_table(path)
    _need(df, ("O*NET-SOC Code", "Title", "Description"), path)
    return df.select(
        pl.col("O*NET-SOC Code").alias("onet_soc"),
        pl.col("Title").alias("title"),
        pl.col("Description").alias("description"),
    ).filter(pl.col("onet_soc").str.contains(_CODE))


def read_ratings(path: Path) -> pl.DataFrame:
    """Importance (IM) and level (LV) per occupation and element (Skills, Abilities, ...)."""
    df = read_table(path)
    cols = ("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value")
    _need(df, cols, path)
    df = df.select(
        pl.col("O*NET-SOC Code").alias("onet_soc"),
        pl.col("Element ID").alias("element_id"),
        pl.col("Element Name").alias("element"),
        pl.col("Scale ID").alias("scale"),
        pl.col("Data Value").cast(pl.Float64).alias("value"),
    ).filter(pl.col("scale").is_in(["IM", "LV"]))
    wide = df.pivot(
        on="scale",
        index=["onet_soc", "element_id", "element"],
        values="value",
        aggregate_function="mean",
    )
    for s in ("IM", "LV"):
        if s not in wide.columns:
            raise DataValidationError(f"{path}: no '{s}' scale rows")
    return wide.rename({"IM": "importance", "LV": "level"}).select(
        "onet_soc", "element_id", "element", "importance", "level"
    )


def read_work_context(path: Path) -> pl.DataFrame:
    """The CX scale (mean context rating, 1-5) of each Work Context element."""
    df = read_table(path)
    _need(df, ("O*NET-SOC Code", "Element ID", "Element Name", "Scale ID", "Data Value"), path)
    return (
        df.filter(pl.col("Scale ID") == "CX")
        .select(
            pl.col("O*NET-SOC Code").alias("onet_soc"),
            pl.col("Element ID").alias("element_id"),
            pl.col("Element Name").alias("element"),
            pl.col("Data Value").cast(pl.Float64).alias("context"),
        )
        .group_by(["onet_soc", "element_id", "element"], maintain_order=True)
        .agg(pl.col("context").mean())
    )


def read_tasks(path: Path) -> pl.DataFrame:
    """Task statements, one row per occupation and task."""
    df = read_table(path)
    _need(df, ("O*NET-SOC Code", "Task"), path)
    return df.select(pl.col("O*NET-SOC Code").alias("onet_soc"), pl.col("Task").alias("task"))


def read_titles(path: Path) -> pl.DataFrame:
    """Alternate titles or reported job titles: ``onet_soc, alt_title``."""
    df = read_table(path)
    col = next((c for c in ("Alternate Title", "Reported Job Title") if c in df.columns), None)
    if col is None:
        raise DataValidationError(f"{path}: no 'Alternate Title' or 'Reported Job Title' column")
    _need(df, ("O*NET-SOC Code",), path)
    return df.select(pl.col("O*NET-SOC Code").alias("onet_soc"), pl.col(col).alias("alt_title"))


def read_crosswalk(path: Path) -> pl.DataFrame:
    """The official O*NET-SOC 2010 -> 2019 crosswalk (3 title rows before the header)."""
    df = read_table(path, header_row=3 if path.suffix.lower() == ".xlsx" else 0)
    _need(df, ("O*NET-SOC 2010 Code", "O*NET-SOC 2019 Code"), path)
    out = df.select(
        pl.col("O*NET-SOC 2010 Code").alias("soc2010"),
        pl.col("O*NET-SOC 2010 Title").alias("title2010"),
        pl.col("O*NET-SOC 2019 Code").alias("onet_soc"),
        pl.col("O*NET-SOC 2019 Title").alias("title2019"),
    )
    return out.filter(
        pl.col("soc2010").str.contains(_CODE) & pl.col("onet_soc").str.contains(_CODE)
    )


def read_isco(path: Path) -> pl.DataFrame:
    """SOC 2010 (6 digits) -> ISCO-08 (4 digits), many-to-many, in file order."""
    df = read_table(path)
    _need(df, ("soc10", "isco08"), path)
    return df.select(
        pl.col("soc10").str.replace_all("-", "").alias("soc10"),
        pl.col("isco08").str.zfill(4).alias("isco"),
    ).filter(pl.col("soc10").str.contains(r"^\d{6}$") & pl.col("isco").str.contains(r"^\d{4}$"))
