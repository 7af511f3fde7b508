"""The study's first stage: read and validate the raw tables named in ``[tables]``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from skillshore.config import StudyConfig
from skillshore.tables.describe import TablesSummary, describe_tables
from skillshore.tables.validate import load_tables

__all__ = ["RawTables", "validate_stage", "table_files"]


@dataclass(frozen=True)
class RawTables:
    """Validated raw tables (``frames``, by table name) and their description."""

    frames: Mapping[str, pl.DataFrame]
    description: TablesSummary

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def get(self, name: str) -> pl.DataFrame | None:
        return self.frames.get(name)


def table_files(cfg: StudyConfig) -> list[Path]:
    """The table files the stage reads (shipped defaults are part of the package)."""
    return [p for p in cfg.tables.values() if p is not None]


def validate_stage(cfg: StudyConfig) -> RawTables:
    """Read every table of ``cfg.tables`` for the years ``cfg.all_years`` (docs/data.md)."""
    frames = load_tables(cfg.tables, years=cfg.all_years)
    return RawTables(frames=frames, description=describe_tables(frames))
