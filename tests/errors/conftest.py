"""One tiny synthetic economy per session; each broken case edits a copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest


@pytest.fixture(scope="session")
def tiny_economy(tmp_path_factory) -> Path:
    """``skillshore synth --scale tiny --seed 0`` output (about 10-40 s, once)."""
    from skillshore.synth import generate

    out = tmp_path_factory.mktemp("tiny_economy") / "data"
    generate(out, scale="tiny", seed=0)
    return out


@pytest.fixture
def broken(tiny_economy, tmp_path) -> Callable[..., Path]:
    """``broken(tables={name: fn(df) -> df}, toml=fn(text) -> text)`` writes a modified
    copy of the tiny economy into ``tmp_path/data`` and returns its ``study.toml``."""

    def make(tables: dict | None = None, toml: Callable[[str], str] | None = None) -> Path:
        data = tmp_path / "data"
        shutil.copytree(tiny_economy, data)
        for name, fn in (tables or {}).items():
            path = data / f"{name}.parquet"
            fn(pl.read_parquet(path)).write_parquet(path)
        cfg = data / "study.toml"
        if toml is not None:
            cfg.write_text(toml(cfg.read_text()))
        return cfg

    return make


def add_section(text: str, section: str, line: str) -> str:
    """Add ``line`` under ``[section]`` of a TOML text (the section created if absent)."""
    head = f"[{section}]\n"
    if head in text:
        return text.replace(head, head + line + "\n", 1)
    return text + f"\n{head}{line}\n"
