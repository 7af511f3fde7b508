"""The raw-table loader: each broken rule gives one readable error naming file, column, rows."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from skillshore.cli import app
from skillshore.config import load_config
from skillshore.errors import DataValidationError
from skillshore.tables import load_default, load_tables, validate_frame
from skillshore.tables.schemas import SCHEMAS

from ..conftest import tiny_frames, write_tiny_study

runner = CliRunner()


def _validate_cli(toml):
    return runner.invoke(app, ["validate", "--config", str(toml)])


def test_valid_tiny_study_passes(tiny_study):
    cfg = load_config(tiny_study)
    frames = load_tables(cfg.tables, years=cfg.all_years)
    for name, df in frames.items():
        schema = SCHEMAS[name]
        for col in schema.columns:
            assert df.schema[col.name] == col.dtype, (name, col.name)
    assert frames["workers"].height == 6
    res = _validate_cli(tiny_study)
    assert res.exit_code == 0, res.output
    assert "all tables valid" in res.output


def test_csv_keeps_leading_zeros(tmp_path):
    frames = tiny_frames()
    frames["customs"] = frames["customs"].with_columns(hs6=pl.Series(["010121"] * 5))
    toml = write_tiny_study(tmp_path / "csv", fmt="csv", frames=frames)
    cfg = load_config(toml)
    got = load_tables(cfg.tables, years=cfg.all_years)
    assert got["customs"]["hs6"].to_list() == ["010121"] * 5


def _broken(tmp_path, table, mutate):
    frames = tiny_frames()
    frames[table] = mutate(frames[table])
    return write_tiny_study(tmp_path / "broken", frames=frames)


@pytest.mark.parametrize(
    ("table", "mutate", "needles"),
    [
        (
            "workers",
            lambda d: d.drop("hourly_wage"),
            ["workers.parquet", "missing column", "'hourly_wage'"],
        ),
        (
            "firms",
            lambda d: d.with_columns(pl.col("employment").cast(pl.Utf8).replace("13", "thirteen")),
            ["firms.parquet", "'employment'", "wrong type", "row 2", "thirteen"],
        ),
        (
            "firms",
            lambda d: pl.concat([d, d.tail(1)]),
            ["firms.parquet", "key (firm_id, year) must be unique", "2 rows"],
        ),
        (
            "workers",
            lambda d: d.with_columns(firm_id=pl.Series([1, 1, 2, 3, 3, 99])),
            ["workers.parquet", "(firm_id, year)", "exists in firms", "row 6", "99"],
        ),
        (
            "workers",
            lambda d: d.with_columns(
                hourly_wage=pl.Series([180.0, -5.0, 170.0, 172.0, -1.0, 200.0])
            ),
            ["workers.parquet", "'hourly_wage'", "non-negative", "2 rows", "row 2", "row 5"],
        ),
        (
            "customs",
            lambda d: d.with_columns(
                flow=pl.Series(["import", "imp", "export", "import", "import"])
            ),
            ["customs.parquet", "'flow'", "one of", "row 2", "'imp'"],
        ),
        (
            "workers",
            lambda d: d.with_columns(
                year=pl.Series([1996, 1997, 1996, 1997, 1996, 2031], dtype=pl.Int32)
            ),
            ["workers.parquet", "'year'", "year within 1995-1997", "row 6"],
        ),
    ],
    ids=[
        "missing-column",
        "wrong-type",
        "duplicate-key",
        "orphan-firm",
        "negative-wage",
        "bad-category",
        "year-range",
    ],
)
def test_each_broken_rule_is_reported(tmp_path, table, mutate, needles):
    toml = _broken(tmp_path, table, mutate)
    cfg = load_config(toml)
    with pytest.raises(DataValidationError) as err:
        load_tables(cfg.tables, years=cfg.all_years)
    text = str(err.value)
    for needle in needles:
        assert needle in text, (needle, text)
    res = _validate_cli(toml)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    for needle in needles[:2]:
        assert needle in res.output.replace("\n", " ") or needle in res.output


def test_unparseable_file(tmp_path):
    toml = write_tiny_study(tmp_path / "d")
    (tmp_path / "d" / "firms.parquet").write_bytes(b"this is not parquet at all")
    res = _validate_cli(toml)
    assert res.exit_code == 1
    assert "firms.parquet" in res.output and "could not be parsed" in res.output
    assert "Traceback" not in res.output


def test_missing_file_and_all_problems_collected(tmp_path):
    toml = write_tiny_study(tmp_path / "d")
    (tmp_path / "d" / "catalog.parquet").unlink()
    frames = tiny_frames()
    frames["workers"].with_columns(hours=pl.lit(-1.0)).write_parquet(
        tmp_path / "d" / "workers.parquet"
    )
    cfg = load_config(toml)
    with pytest.raises(DataValidationError) as err:
        load_tables(cfg.tables, years=cfg.all_years)
    assert len(err.value.problems) == 2
    assert any("catalog.parquet" in p and "not found" in p for p in err.value.problems)
    assert any("'hours'" in p and "6 rows" in p for p in err.value.problems)


def test_nothing_dropped_extra_columns_kept():
    df = tiny_frames()["catalog"].with_columns(note=pl.lit("x"))
    out, problems = validate_frame(df, "catalog")
    assert problems == []
    assert out.height == df.height and "note" in out.columns


def test_defaults_ship_and_validate():
    off = load_default("offshorability")
    assert off.height == 10
    assert off.filter(pl.col("isco") == "7")["offshorability"].item() == pytest.approx(0.356)
    lw = load_default("low_wage")
    assert lw.height == 52 and "CHN" in lw["country"].to_list()


def test_data_docs_up_to_date():
    from pathlib import Path

    from skillshore.tables.docs import schemas_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "data.md"
    assert doc.read_text() == schemas_markdown(), "run: python scripts/render_data_docs.py"
    for schema in SCHEMAS.values():
        for col in schema.columns:
            assert f"`{col.name}`" in doc.read_text()
