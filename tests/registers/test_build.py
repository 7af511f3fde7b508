"""Register extracts -> raw tables: readers, mapping, nonemployed, and the round trip
of the synthetic economy through the register layout (issue 18)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from skillshore.cli import app
from skillshore.errors import ConfigError, DataValidationError
from skillshore.registers import (
    build_tables,
    convert_to_registers,
    load_register_config,
    read_extract,
    template,
    write_tables,
)
from skillshore.tables.schemas import SCHEMAS

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "classifications"


@pytest.fixture(scope="module")
def synth_dirs(tmp_path_factory):
    """Tiny synthetic economy spanning HS1996 (1999-2001) and HS2002 (2002-2003) years."""
    from skillshore.synth import generate

    d = tmp_path_factory.mktemp("reg")
    generate(d / "raw", scale="tiny", seed=3, years=(2000, 2003), base_years=(1999, 1999))
    convert_to_registers(d / "raw", d / "reg")
    return d / "raw", d / "reg"


@pytest.mark.slow  # shares a tiny synthetic economy (12 s idle, 40 s on a loaded machine)
def test_round_trip_equals_direct_tables(synth_dirs):
    raw, reg = synth_dirs
    built = build_tables(reg / "registers.toml")
    for name in ("workers", "catalog", "firms", "customs", "world_trade"):
        direct = pl.read_parquet(raw / f"{name}.parquet")
        cols = direct.columns
        assert_frame_equal(built.tables[name].select(cols).sort(cols), direct.sort(cols))
    assert built.classification == "nace_rev2"
    steps = {s.step: s for s in built.report.steps}
    hs = steps["customs.hs6: CN8[:6] / HS6 of the year's HS edition -> HS1992"]
    assert hs.rows_unmapped == 0 and hs.rows_in == built.tables["customs"].height


@pytest.mark.slow  # shares a tiny synthetic economy (12 s idle, 40 s on a loaded machine)
def test_register_layout_uses_register_classifications(synth_dirs):
    _, reg = synth_dirs
    firm = pl.read_parquet(reg / "firm.parquet")
    assert set(firm["BRANCHE"].str.slice(0, 2)) <= {f"{i}" for i in range(15, 38)}
    uhdi = pl.read_parquet(reg / "uhdi.parquet")
    assert uhdi["LAND"].str.len_chars().max() == 2 and uhdi["VARE"].str.len_chars().min() == 8
    assert set(uhdi["IMPEKS"]) == {"I", "E"}
    ida = pl.read_parquet(reg / "ida_2002.parquet")
    assert {"PNR", "CVRNR", "DISCO", "TIMELON", "HFAUDD"} <= set(ida.columns)
    # HS1996 codes up to 2001 and HS2002 codes after differ where the editions renamed
    wt = pl.read_parquet(reg / "world_trade.parquet")
    k01 = set(wt.filter(pl.col("t") == 2001)["k"])
    k02 = set(wt.filter(pl.col("t") == 2002)["k"])
    assert k01 != k02


@pytest.mark.slow  # shares a tiny synthetic economy (12 s idle, 40 s on a loaded machine)
def test_write_tables_validates_and_writes_study_toml(synth_dirs, tmp_path):
    _, reg = synth_dirs
    cfg = load_register_config(reg / "registers.toml")
    built = build_tables(cfg)
    cfg = type(cfg)(**{**cfg.__dict__, "out": tmp_path / "tables"})
    paths = write_tables(built, cfg)
    study = tomllib.loads((tmp_path / "tables" / "study.toml").read_text())
    assert set(study["tables"]) == set(SCHEMAS) - {"offshorability", "low_wage"}
    assert study["sample"]["manufacturing_sectors"][0] == "10"
    assert (tmp_path / "tables" / "harmonisation.json").is_file()
    assert pl.read_parquet(paths["workers"]).height == built.tables["workers"].height
    # the study's [structural] settings (type supports, calibration file) carry over, so the
    # register route gives the direct route's study results
    raw, _ = synth_dirs
    direct = tomllib.loads((raw / "study.toml").read_text())["structural"]
    routed = study["structural"]
    assert {k: v for k, v in routed.items() if k != "calibration"} == {
        k: v for k, v in direct.items() if k != "calibration"
    }
    assert "x_support" in routed and Path(routed["calibration"]).name == "calibration.csv"


def test_readers_csv_dta_parquet_and_numeric_codes(tmp_path):
    df = pd.DataFrame({"PNR": [1, 2], "DISCO": [110.0, 4110.0], "X": ["a", "b"]})
    df.to_stata(tmp_path / "ida_1996.dta", write_index=False)
    df.to_csv(tmp_path / "ida_1997.csv", index=False)
    pl.from_pandas(df).write_parquet(tmp_path / "ida_1998.parquet")
    for suf, y in (("dta", 1996), ("parquet", 1998)):
        out = read_extract(
            tmp_path / f"ida_{{year}}.{suf}",
            {"person": "PNR", "occupation": "DISCO"},
            [y],
            codes={"occupation": 4},
        )
        assert out["occupation"].to_list() == ["0110", "4110"]  # zero-padded numeric codes
        assert out["year"].to_list() == [y, y]
    out = read_extract(tmp_path / "ida_{year}.csv", {"occupation": "DISCO"}, [1997], codes={})
    assert out["occupation"].to_list() == ["110.0", "4110.0"]  # CSV text is kept as written
    with pytest.raises(DataValidationError, match="NOPE"):
        read_extract(tmp_path / "ida_1998.parquet", {"person": "NOPE", "year": "PNR"}, [1998])
    with pytest.raises(DataValidationError, match="no file found"):
        read_extract(tmp_path / "ida_{year}.parquet", {"person": "PNR"}, [2001])


def test_template_is_valid_toml_and_loads_once_filled(tmp_path):
    text = template()
    raw = tomllib.loads(text)
    assert raw["registers"]["ida"]["person"] == "PNR"
    filled = (
        text.replace('path = "..."', 'path = "x.parquet"')
        .replace('# hours = "..."', 'hours = "TIMER"')
        .replace('# education_codes = "..."', 'education_codes = "codes.csv"')
    )
    (tmp_path / "r.toml").write_text(filled)
    cfg = load_register_config(tmp_path / "r.toml")
    assert cfg.variables("uhdi")["product"] == "VARE"
    (tmp_path / "bad.toml").write_text(
        filled.replace("[registers.ida]", "[registers.ida]\npersn = 1")
    )
    with pytest.raises(ConfigError, match="persn"):
        load_register_config(tmp_path / "bad.toml")


def test_cli_registers_template():
    res = CliRunner().invoke(app, ["registers", "template"])
    assert res.exit_code == 0 and "[registers.uhdi]" in res.output


@pytest.mark.slow  # shares a tiny synthetic economy (12 s idle, 40 s on a loaded machine)
def test_nonemployed_register_and_unknown_codes(synth_dirs, tmp_path):
    _, reg = synth_dirs
    codes = pl.read_csv(reg / "education_codes.csv", infer_schema=False)
    educ = codes.filter(pl.col("kind") == "education")
    ne = pl.DataFrame(
        {
            "PNR": [900001, 900002, 900003],
            "AAR": [2001, 2001, 2002],
            "HFAUDD": [educ["code"][0], educ["code"][1], "UNKNOWN"],
            "ERHAUDD": [None, None, None],
            "ALDER": [30, 45, 50],
        },
        schema_overrides={"ERHAUDD": pl.Utf8},
    )
    ne.write_parquet(tmp_path / "ne.parquet")
    text = (reg / "registers.toml").read_text().replace('"keys/', f'"{reg}/keys/')
    text = text.replace('"ida_{year}', f'"{reg}/ida_{{year}}')
    for f in ("firm", "uhdi", "world_trade"):
        text = text.replace(f'"{f}.parquet"', f'"{reg}/{f}.parquet"')
    codes.with_columns(
        isced=pl.when(pl.col("kind") == "education").then(pl.lit("3")).otherwise(None)
    ).write_csv(tmp_path / "codes.csv")
    text = text.replace('"education_codes.csv"', '"codes.csv"')
    (tmp_path / "r.toml").write_text(text + '\n[registers.nonemployed]\npath = "ne.parquet"\n')
    with pytest.raises(DataValidationError, match="UNKNOWN"):
        build_tables(tmp_path / "r.toml")
    (tmp_path / "r.toml").write_text(
        text + '\n[registers.nonemployed]\npath = "ne.parquet"\nunmapped = "drop"\n'
    )
    built = build_tables(tmp_path / "r.toml")
    ne_t = built.tables["nonemployed"]
    assert ne_t["person_id"].to_list() == [900001, 900002]
    exp = dict(zip(educ["code"], educ["educ_years"].cast(pl.Float64), strict=True))
    assert ne_t["educ_years"].to_list() == [exp[c] for c in ne_t["educ_code"]]
    assert ne_t["isced"].to_list() == ["3", "3"]
    assert set(built.tables["workers"]["isced"]) == {"3"}
    step = [s for s in built.report.steps if s.step.startswith("nonemployed.educ_code")][0]
    assert step.rows_unmapped == 1 and step.top_unmapped == (("UNKNOWN", 1),)


def test_cli_bad_layout_and_bad_register_config(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["synth", "--out", str(tmp_path), "--layout", "sas"])
    assert res.exit_code == 1 and "--layout must be raw or registers" in res.output
    (tmp_path / "r.toml").write_text("[registers]\nyears = [1996, 2006]\n")
    res = runner.invoke(app, ["registers", "build", "--config", str(tmp_path / "r.toml")])
    assert res.exit_code == 1 and "education_codes is required" in res.output
