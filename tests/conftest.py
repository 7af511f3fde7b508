"""Shared fixtures: a tiny, hand-made, valid set of raw tables written to disk."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from skillshore.tables.schemas import SCHEMAS


def tiny_frames() -> dict[str, pl.DataFrame]:
    """A consistent 3-firm, 4-worker economy over 1995-1997 (base year 1995)."""
    firms = pl.DataFrame(
        {
            "firm_id": [1, 1, 1, 2, 2, 2, 3, 3, 3],
            "year": [1995, 1996, 1997] * 3,
            "industry": ["251100"] * 3 + ["251200"] * 3 + ["281100"] * 3,
            "sales": [100.0, 110.0, 120.0, 50.0, 55.0, 60.0, 80.0, 82.0, 85.0],
            "value_added": [40.0, 42.0, 45.0, 20.0, 21.0, 22.0, 30.0, 31.0, -1.0],
            "capital": [200.0, 210.0, 220.0, 90.0, 92.0, 95.0, 150.0, 150.0, 151.0],
            "employment": [12, 13, 14, 10, 11, 11, 20, 21, 22],
            "region": [
                "Copenhagen",
                "Copenhagen",
                "Copenhagen",
                "Aarhus",
                "Aarhus",
                "Aarhus",
                "Odense",
                "Odense",
                "Odense",
            ],
        },
        schema_overrides={"year": pl.Int32},
    )
    catalog = pl.DataFrame(
        {
            "code": ["3252", "3267", "3273", "T01"],
            "kind": ["education", "education", "education", "training"],
            "title": [
                "Glazier",
                "Truck driver with crane",
                "Classical philology, cand.mag.",
                "Welding course",
            ],
        }
    )
    workers = pl.DataFrame(
        {
            "person_id": [10, 10, 11, 11, 12, 13],
            "year": [1996, 1997, 1996, 1997, 1996, 1997],
            "firm_id": [1, 1, 2, 3, 3, 1],
            "isco": ["7125", "7125", "8332", "8332", "2643", "7212"],
            "educ_code": ["3252", "3252", "3267", "3267", "3273", "3252"],
            "train_code": [None, "T01", None, None, None, "T01"],
            "educ_years": [12.0, 12.0, 11.0, 11.0, 17.0, 12.0],
            "experience": [5.0, 6.0, 10.0, 11.0, 2.0, 20.0],
            "hourly_wage": [180.0, 185.0, 170.0, 172.0, 220.0, 200.0],
            "hours": [1600.0, 1650.0, 1500.0, 1700.0, 1400.0, 1600.0],
            "age": [25, 26, 35, 36, 28, 45],
            "region": ["Copenhagen", "Copenhagen", "Aarhus", "Odense", "Odense", "Copenhagen"],
        },
        schema_overrides={"year": pl.Int32, "age": pl.Int32},
    )
    customs = pl.DataFrame(
        {
            "firm_id": [1, 1, 1, 2, 3],
            "year": [1995, 1996, 1996, 1997, 1997],
            "country": ["CHN", "CHN", "DEU", "VNM", "CHN"],
            "hs6": ["700510", "700510", "700510", "870421", "010121"],
            "flow": ["import", "import", "export", "import", "import"],
            "value": [5.0, 6.0, 20.0, 3.0, 1.0],
        },
        schema_overrides={"year": pl.Int32},
    )
    world_trade = pl.DataFrame(
        {
            "exporter": ["CHN", "CHN", "CHN", "CHN"],
            "importer": ["USA", "DEU", "USA", "DNK"],
            "hs6": ["700510", "700510", "870421", "700510"],
            "year": [1996, 1996, 1997, 1997],
            "value": [100.0, 50.0, 30.0, 5.0],
        },
        schema_overrides={"year": pl.Int32},
    )
    return {
        "workers": workers,
        "catalog": catalog,
        "firms": firms,
        "customs": customs,
        "world_trade": world_trade,
    }


def write_tiny_study(folder: Path, fmt: str = "parquet", frames: dict | None = None) -> Path:
    """Write the tiny tables and a study.toml into ``folder``; return the TOML path."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = frames or tiny_frames()
    lines = [
        "[study]",
        'name = "tiny"',
        "years = [1996, 1997]",
        "base_years = [1995, 1995]",
        "",
        "[tables]",
    ]
    for name, df in frames.items():
        if fmt == "csv":
            path = folder / f"{name}.csv"
            df.write_csv(path)
        else:
            path = folder / f"{name}.parquet"
            df.write_parquet(path)
        lines.append(f'{name} = "{path.name}"')
    toml = folder / "study.toml"
    toml.write_text("\n".join(lines) + "\n")
    return toml


@pytest.fixture
def tiny_study(tmp_path: Path) -> Path:
    return write_tiny_study(tmp_path / "data")


@pytest.fixture
def schemas():
    return SCHEMAS
