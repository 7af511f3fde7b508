"""Exact types and file-level errors: no silent truncation, no lost meaning (issue 19)."""

from __future__ import annotations

import polars as pl
import pytest

from skillshore.errors import DataValidationError
from skillshore.tables import read_table, validate_frame

from ..conftest import tiny_frames


def _problems(df, table, src, years=(1995, 1997)):
    return validate_frame(df, table, src, years=years)[1]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_non_integral_values_in_integer_columns_are_errors(tmp_path, fmt):
    firms = tiny_frames()["firms"]
    broken = firms.with_columns(
        pl.col("year").cast(pl.Float64), pl.col("employment").cast(pl.Float64)
    ).with_columns(
        year=pl.when(pl.int_range(pl.len()) == 1).then(1996.7).otherwise(pl.col("year")),
        employment=pl.when(pl.int_range(pl.len()) == 4).then(12.9).otherwise(pl.col("employment")),
    )
    path = tmp_path / f"firms.{fmt}"
    broken.write_parquet(path) if fmt == "parquet" else broken.write_csv(path)
    problems = _problems(read_table(path, "firms"), "firms", path)
    text = "\n".join(problems)
    assert "'year': integer column holds non-integral values" in text and "row 2" in text
    assert "1996.7" in text
    assert "'employment': integer column holds non-integral values" in text and "row 5" in text
    # integral floats (1996.0, as pandas writes an integer column with a gap) are exact
    assert not any("row 1 " in p for p in problems)


def test_integral_floats_cast_exactly():
    firms = tiny_frames()["firms"].with_columns(pl.col("year").cast(pl.Float64))
    out, problems = validate_frame(firms, "firms", years=(1995, 1997))
    assert problems == []
    assert out["year"].to_list() == tiny_frames()["firms"]["year"].to_list()
    assert out.schema["year"] == pl.Int32


def test_person_id_half_is_reported_not_truncated():
    w = tiny_frames()["workers"].with_columns(
        person_id=pl.Series([10.0, 10.0, 11.0, 1.5, 12.0, 13.0])
    )
    problems = _problems(w, "workers", "workers.parquet")
    assert any("'person_id'" in p and "non-integral" in p and "row 4 (1.5)" in p for p in problems)


@pytest.mark.parametrize("year", [1900, 2150])
def test_world_trade_years_must_be_plausible(year):
    wt = tiny_frames()["world_trade"]
    wt = wt.with_columns(
        year=pl.when(pl.int_range(pl.len()) == 0).then(year).otherwise(pl.col("year"))
    )
    problems = _problems(wt, "world_trade", "world_trade.parquet")
    assert len(problems) == 1
    assert "calendar year within 1950-2100" in problems[0] and f"row 1 ({year})" in problems[0]


def test_world_trade_may_extend_beyond_the_study():
    wt = tiny_frames()["world_trade"].with_columns(pl.col("year") + 10)
    assert _problems(wt, "world_trade", "world_trade.parquet") == []


def test_implausible_study_year_reported_once():
    w = tiny_frames()["workers"].with_columns(
        year=pl.Series([1996, 1997, 1996, 1997, 1996, 2150], dtype=pl.Int32)
    )
    problems = [p for p in _problems(w, "workers", "workers.parquet") if "'year'" in p]
    assert len(problems) == 1 and "calendar year" in problems[0]


def test_semicolon_separated_csv(tmp_path):
    path = tmp_path / "firms.csv"
    tiny_frames()["firms"].write_csv(path, separator=";")
    with pytest.raises(DataValidationError, match="looks semicolon-separated"):
        read_table(path, "firms")


def test_decimal_comma_names_the_row(tmp_path):
    path = tmp_path / "firms.csv"
    firms = tiny_frames()["firms"]
    text = firms.write_csv().splitlines()
    text[3] = text[3].replace("120.0", "120,5", 1)  # data row 3
    assert "120,5" in text[3]
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(DataValidationError) as err:
        read_table(path, "firms")
    msg = str(err.value)
    k = firms.width
    assert f"row 3 has {k + 1} fields but the header has {k}" in msg and "decimal comma" in msg


def test_quoted_decimal_comma_is_a_type_error_with_hint():
    firms = tiny_frames()["firms"].with_columns(pl.all().cast(pl.Utf8))
    firms = firms.with_columns(sales=pl.Series(["100,5"] + firms["sales"].to_list()[1:]))
    problems = _problems(firms, "firms", "firms.csv")
    assert any("'sales'" in p and "decimal commas" in p and "row 1" in p for p in problems)


def test_bracketed_file_name_is_not_a_glob(tmp_path):
    path = tmp_path / "workers[1].csv"
    tiny_frames()["workers"].write_csv(path)
    assert read_table(path, "workers").height == 6


def test_folder_and_missing_file(tmp_path):
    (tmp_path / "firms.parquet").mkdir()
    with pytest.raises(DataValidationError, match="is a folder, not a file"):
        read_table(tmp_path / "firms.parquet", "firms")
    with pytest.raises(DataValidationError, match="not found"):
        read_table(tmp_path / "nope.parquet", "firms")
